/**
 * Consent to share (security/consent.ts, the OpenHMIS seed's record) → SDOHCC-Consent: category
 * `IDSCL` (exactly one; HUD's draft wrongly has INFA / INFASO), scope patient-privacy, the client as
 * patient, a base provision that denies, and one nested permit naming the shared fields and the
 * recipient organizations and CoCs. Withheld and unmentioned fields stay under the base deny.
 */
import { CONSENT_FIELDS } from '../openhmis/consent-fields.ts';

export const CONSENT_PROFILE = 'http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-Consent';

/** approvalStatus (0 pending, 1 approved, 2 denied) → Consent.status; a revoked consent is inactive. */
export const CONSENT_STATUS: Readonly<Record<number, 'proposed' | 'active' | 'rejected'>> = {
  0: 'proposed',
  1: 'active',
  2: 'rejected',
};
export const REVOKED_STATUS = 'inactive';

export const CONSENT_CODES = {
  category: {
    system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
    code: 'IDSCL',
    display: 'information disclosure',
  },
  scope: {
    system: 'http://terminology.hl7.org/CodeSystem/consentscope',
    code: 'patient-privacy',
    display: 'Privacy Consent',
  },
  policyRule: {
    system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
    code: 'OPTIN',
    display: 'opt-in',
  },
  recipient: {
    system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
    code: 'IRCP',
    display: 'information recipient',
  },
} as const;

/** The consent's share flags as codes of a Hearth code system (the seed's field names). */
export const CONSENT_FIELD_SYSTEM = 'https://w3id.org/hearth/fhir/CodeSystem/consent-field';
export const CONSENT_FIELD_CODES: readonly string[] = Object.keys(CONSENT_FIELDS);
export const SHARE = 0;
