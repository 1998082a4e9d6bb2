/** A consent to share (security/consent.ts) → SDOHCC Consent, from mappings/fhir/consent.ts. */
import {
  CONSENT_CODES,
  CONSENT_FIELD_CODES,
  CONSENT_FIELD_SYSTEM,
  CONSENT_PROFILE,
  CONSENT_STATUS,
  REVOKED_STATUS,
  SHARE,
} from '../../../mappings/fhir/consent.ts';
import type { Consent } from '../../security/consent.ts';
import { type RecordContext, reference } from '../context.ts';
import { fhirId } from '../ids.ts';
import { KIND } from '../kinds.ts';
import type { Reference, Resource } from '../types.ts';
import { compact } from '../values.ts';

const dateTime = (value: string | null): string | undefined =>
  value && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : undefined;

function recipients(context: RecordContext, consent: Consent): { role: unknown; reference: Reference }[] {
  const role = { coding: [CONSENT_CODES.recipient] };
  const organizations = consent.organizationIds.flatMap((id) => {
    const ref = context.state.get('Organization', id) ? reference(context, 'Organization', id) : undefined;
    return [{ role, reference: ref ?? { display: `Organization ${id}` } }];
  });
  const cocs = consent.cocIds.map((coc) => ({ role, reference: { display: `Continuum of Care ${coc}` } }));
  return [...organizations, ...cocs];
}

export function consentResource(context: RecordContext, consent: Consent): Resource | undefined {
  const id = fhirId(context.source, consent.consentId, KIND.consent);
  const patient = reference(context, 'Patient', consent.clientId);
  if (!id || !patient) return undefined;
  const shared = CONSENT_FIELD_CODES.filter((field) => consent.fields[field] === SHARE);
  const actors = recipients(context, consent);
  const permit = compact({
    type: 'permit',
    actor: actors,
    code: shared.map((field) => ({ coding: [{ system: CONSENT_FIELD_SYSTEM, code: field }] })),
  });
  return compact({
    resourceType: 'Consent',
    id,
    meta: compact({ lastUpdated: dateTime(consent.dateUpdated), profile: [CONSENT_PROFILE] }),
    identifier: [{ system: `${context.base}/${context.source}/consent`, value: consent.consentId }],
    status: consent.dateDeleted ? REVOKED_STATUS : (CONSENT_STATUS[consent.approvalStatus] ?? 'proposed'),
    scope: { coding: [CONSENT_CODES.scope] },
    category: [{ coding: [CONSENT_CODES.category] }],
    patient,
    dateTime: dateTime(consent.dateCreated),
    organization: [{ display: `HMIS data source ${context.source}` }],
    sourceAttachment: compact({
      title: 'Consent to share recorded in HMIS',
      creation: dateTime(consent.dateCreated),
    }),
    policyRule: { coding: [CONSENT_CODES.policyRule] },
    provision: { type: 'deny', ...(shared.length > 0 && actors.length > 0 ? { provision: [permit] } : {}) },
  });
}
