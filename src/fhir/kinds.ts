/**
 * Which record each FHIR resource type is made from, as the kind segment of its ids (ids.ts):
 * '' means the record's own key (Patient = Client, EpisodeOfCare = Enrollment, …); derived
 * resources name their kind (a Condition per enrollment and disability type, a Coverage per client
 * and insurance source, …).
 */
import { DISABILITY_TYPE_LIST } from '../../mappings/fhir/conditions.ts';
import { INSURANCE_SOURCES } from '../../mappings/fhir/coverage.ts';
import { codeList } from '../model/index.ts';

export const KIND = {
  homelessness: 'sdoh',
  housingStatus: 'hs',
  programEnrollment: 'pe',
  currentLivingSituation: 'cls',
  consent: 'consent',
  noInsurance: 'cov-none',
} as const;

export const disabilityKind = (type: string): string => `dis${type}`;
export const coverageKind = (field: string): string => `cov-${field}`;

export const TYPE_KINDS: Readonly<Record<string, readonly string[]>> = {
  Patient: [''],
  EpisodeOfCare: [''],
  Organization: [''],
  HealthcareService: [''],
  Condition: [KIND.homelessness, ...codeList(DISABILITY_TYPE_LIST).codes.map((c) => disabilityKind(c.code))],
  Observation: [KIND.housingStatus, KIND.programEnrollment, KIND.currentLivingSituation],
  Consent: [KIND.consent],
  Coverage: [KIND.noInsurance, ...INSURANCE_SOURCES.map((s) => coverageKind(s.field.field))],
};
