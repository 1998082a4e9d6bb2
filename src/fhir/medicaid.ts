/**
 * HMIS API scenario 13: a transaction Bundle a payer's FHIR server can take for a Medicaid
 * eligibility check or claim support: the Patient, the episode with billable homelessness evidence
 * (Z59.00 / Z59.01 / Z59.02), that SDOH Condition, its housing-status and program-enrollment
 * Observations, the Medicaid Coverage (member ID as identifier type MB when known; a `draft`
 * Coverage to be checked when HMIS has none) and the project and organization they name.
 */
import { randomUUID } from 'node:crypto';
import { BILLABLE_HOMELESSNESS_CODES } from '../../mappings/fhir/sdoh.ts';
import { sourceToken } from './ids.ts';
import { KIND } from './kinds.ts';
import { draftMedicaidCoverage, medicaidCoverageId } from './resources/coverage.ts';
import type { Resource } from './types.ts';
import { compact } from './values.ts';
import { type FhirView, PATIENT_TYPES } from './view.ts';

export class NoEvidenceError extends Error {
  override name = 'NoEvidenceError';
}

const codes = (resource: Resource) =>
  ((resource.code as { coding?: { code?: string }[] } | undefined)?.coding ?? []).map((c) => c.code);

const isBillable = (resource: Resource) =>
  resource.resourceType === 'Condition' &&
  codes(resource).some((c) => c && BILLABLE_HOMELESSNESS_CODES.includes(c));

/** The id of the resource of `kind` derived from the same enrollment as an EpisodeOfCare id. */
function derivedId(source: string, episodeId: string, kind: string): string {
  const prefix = `${sourceToken(source)}.`;
  return `${prefix}${kind}.${episodeId.slice(prefix.length)}`;
}

/** Open episodes first, then the latest entry. */
function rank(episode: Resource): string {
  const period = episode.period as { start?: string } | undefined;
  return `${episode.status === 'active' ? '1' : '0'}${period?.start ?? ''}`;
}

/**
 * The resources of the bundle, before they become transaction entries. The member ID comes from the
 * view's member ID lookup (stored, or the one the request gives).
 */
export function eligibilityResources(view: FhirView, source: string, personalId: string): Resource[] {
  const all = view.compartment(source, personalId, PATIENT_TYPES);
  const patient = all.find((r) => r.resourceType === 'Patient');
  if (!patient?.id) throw new NoEvidenceError('no such patient');
  const byId = new Map(all.map((r) => [`${r.resourceType}/${r.id}`, r]));
  const withEvidence = (episode: Resource) => {
    const condition = byId.get(`Condition/${derivedId(source, episode.id ?? '', KIND.homelessness)}`);
    return condition && isBillable(condition) ? condition : undefined;
  };
  const episode = all
    .filter((r) => r.resourceType === 'EpisodeOfCare' && withEvidence(r))
    .sort((a, b) => (rank(a) < rank(b) ? 1 : -1))[0];
  const condition = episode && withEvidence(episode);
  if (!episode?.id || !condition)
    throw new NoEvidenceError(
      'no homelessness evidence with a billable Z59.0x code in the records you may see',
    );
  const observations = [KIND.housingStatus, KIND.programEnrollment].flatMap((kind) => {
    const found = byId.get(`Observation/${derivedId(source, episode.id ?? '', kind)}`);
    return found ? [found] : [];
  });
  const medicaidId = medicaidCoverageId(source, personalId);
  const context = view.context(source);
  const coverage =
    all.find((r) => r.resourceType === 'Coverage' && r.id === medicaidId) ??
    (context && draftMedicaidCoverage(context, personalId));
  if (!coverage) throw new NoEvidenceError('no Medicaid Coverage can be made for this client');
  const core = [patient, episode, coverage, condition, ...observations];
  const directory = view.referenced(core);
  return [
    ...core,
    ...directory,
    ...view
      .referenced(directory)
      .filter((r) => !directory.some((d) => d.id === r.id && d.resourceType === r.resourceType)),
  ];
}

/** Rewrites `Type/id` references between the bundle's resources to their `urn:uuid:` full URLs. */
function rewrite(value: unknown, urls: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => rewrite(v, urls));
  if (!value || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    result[key] =
      key === 'reference' && typeof member === 'string' && urls.has(member)
        ? urls.get(member)
        : rewrite(member, urls);
  }
  return result;
}

/** Conditional create on the Hearth identifier, so sending the bundle twice makes no duplicates. */
function ifNoneExist(resource: Resource): string | undefined {
  const identifier = (resource.identifier as { system?: string; value?: string }[] | undefined)?.[0];
  if (!identifier?.system || !identifier.value) return undefined;
  return `identifier=${encodeURIComponent(`${identifier.system}|${identifier.value}`)}`;
}

export function transactionBundle(resources: readonly Resource[]) {
  const urls = new Map(resources.map((r) => [`${r.resourceType}/${r.id}`, `urn:uuid:${randomUUID()}`]));
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    timestamp: new Date().toISOString(),
    entry: resources.map((resource) => {
      const { id: _id, meta, ...rest } = resource;
      const body = rewrite(
        meta?.profile ? { ...rest, meta: { profile: meta.profile } } : rest,
        urls,
      ) as Resource;
      const condition = ['Patient', 'Organization', 'HealthcareService'].includes(resource.resourceType)
        ? ifNoneExist(resource)
        : undefined;
      return {
        fullUrl: urls.get(`${resource.resourceType}/${resource.id}`),
        resource: body,
        request: compact({ method: 'POST', url: resource.resourceType, ifNoneExist: condition }),
      };
    }),
  };
}
