/**
 * The Medicaid operations: `$medicaid-eligibility-bundle` (a transaction Bundle for a payer, from
 * a Parameters body naming the patient and optionally the member ID) and
 * `Patient/{id}/$medicaid-member-id` (stores or clears a client's member ID, durably).
 */
import { parseFhirId } from '../../fhir/ids.ts';
import { eligibilityResources, NoEvidenceError, transactionBundle } from '../../fhir/medicaid.ts';
import { FhirView } from '../../fhir/view.ts';
import { scopeFor } from '../../security/policy.ts';
import { checkId, noParameters } from './interactions.ts';
import { MEMBER_ID_PATTERN } from './member-ids.ts';
import { FhirError, fhirResponse, notFound, operationOutcome } from './outcome.ts';
import type { FhirRequest } from './route-table.ts';

interface Parameter {
  name?: unknown;
  valueString?: unknown;
  valueReference?: { reference?: unknown };
}

function parameters(body: unknown, allowed: readonly string[]): Map<string, Parameter> {
  const resource = body as { resourceType?: unknown; parameter?: unknown } | undefined;
  if (resource?.resourceType !== 'Parameters' || !Array.isArray(resource.parameter))
    throw new FhirError(400, 'structure', 'send a Parameters resource', ['Parameters']);
  const found = new Map<string, Parameter>();
  for (const [i, p] of (resource.parameter as Parameter[]).entries()) {
    const name = typeof p?.name === 'string' ? p.name : '';
    if (!allowed.includes(name))
      throw new FhirError(
        400,
        'invalid',
        `unknown parameter ${name.slice(0, 64)} (accepted: ${allowed.join(', ')})`,
        [`Parameters.parameter[${i}]`],
      );
    if (found.has(name)) throw new FhirError(400, 'invalid', `parameter ${name} given twice`, [name]);
    found.set(name, p);
  }
  return found;
}

function memberIdOf(parameter: Parameter | undefined): string | undefined {
  if (!parameter) return undefined;
  const value = parameter.valueString;
  if (typeof value !== 'string' || !MEMBER_ID_PATTERN.test(value))
    throw new FhirError(400, 'value', 'memberId must be a valueString of 1-32 letters, digits or -', [
      'memberId',
    ]);
  return value;
}

function patientOf(parameter: Parameter | undefined): string {
  const reference = parameter?.valueReference?.reference;
  const match = typeof reference === 'string' ? /^(?:.*\/)?Patient\/([^/]+)$/.exec(reference) : null;
  if (!match)
    throw new FhirError(400, 'required', 'patient must be a valueReference to Patient/{id}', ['patient']);
  return checkId(match[1]);
}

export async function medicaidEligibilityBundle(request: FhirRequest): Promise<Response> {
  noParameters(request);
  const given = parameters(request.body, ['patient', 'memberId']);
  const id = patientOf(given.get('patient'));
  const override = memberIdOf(given.get('memberId'));
  const records = request.services.api.store.records;
  const stored = await request.services.memberIds();
  const parsed = parseFhirId('Patient', id, records.sources.keys());
  const scope = scopeFor(request.principal, records, request.services.api.consents);
  if (!parsed || !scope.canSeeClient(parsed.source, parsed.key)) throw notFound(`Patient/${id}`);
  const lookup = {
    get: (source: string, personalId: string) =>
      override && source === parsed.source && personalId === parsed.key
        ? override
        : stored.get(source, personalId),
  };
  const options = request.services.options;
  const base = request.services.api.store.baseIri;
  const view = new FhirView(records, scope, base, options, lookup, {
    consents: request.services.api.consents,
  });
  try {
    const resources = eligibilityResources(view, parsed.source, parsed.key);
    return fhirResponse(transactionBundle(resources));
  } catch (error) {
    if (error instanceof NoEvidenceError) throw new FhirError(422, 'processing', error.message, ['patient']);
    throw error;
  }
}

export async function setMedicaidMemberId(request: FhirRequest): Promise<Response> {
  noParameters(request);
  const id = checkId(request.params.id);
  const records = request.services.api.store.records;
  const parsed = parseFhirId('Patient', id, records.sources.keys());
  if (
    !parsed ||
    !scopeFor(request.principal, records, request.services.api.consents).canSeeClient(
      parsed.source,
      parsed.key,
    )
  )
    throw notFound(`Patient/${id}`);
  const memberId = memberIdOf(parameters(request.body, ['memberId']).get('memberId'));
  const store = await request.services.memberIds();
  await store.set(parsed.source, parsed.key, memberId);
  const text = memberId ? 'Medicaid member ID stored' : 'Medicaid member ID removed';
  return fhirResponse(
    operationOutcome([{ severity: 'information', code: 'informational', diagnostics: text }]),
  );
}
