/**
 * Disabilities (4.05–4.10) → Condition (US Core problems and health concerns, category
 * problem-list-item). One Condition per enrollment and disability type, from the latest record of
 * that type; a Condition exists only when the response says the condition is present. Codes are
 * HUD's (list 1.3, and 4.10.2 for substance use): Hearth asserts no SNOMED or ICD equivalents that
 * HUD's definitions do not state.
 */
import { field } from './fields.ts';

export const DISABILITY_FIELDS = {
  disabilitiesId: field('Disabilities', 'DisabilitiesID'),
  enrollmentId: field('Disabilities', 'EnrollmentID'),
  personalId: field('Disabilities', 'PersonalID'),
  informationDate: field('Disabilities', 'InformationDate'),
  type: field('Disabilities', 'DisabilityType'),
  response: field('Disabilities', 'DisabilityResponse'),
  indefiniteAndImpairs: field('Disabilities', 'IndefiniteAndImpairs'),
  stage: field('Disabilities', 'DataCollectionStage'),
  dateUpdated: field('Disabilities', 'DateUpdated'),
} as const;

/** Disability types whose response comes from list 4.10.2 (substance use) rather than 1.8. */
export const SUBSTANCE_USE_TYPE = '10';
export const SUBSTANCE_USE_LIST = '4.10.2';
export const DISABILITY_TYPE_LIST = '1.3';

/** Responses that mean "present": 1 (yes) in 1.8; 1, 2, 3 in 4.10.2. */
export const PRESENT_RESPONSES: Readonly<Record<string, readonly string[]>> = {
  default: ['1'],
  [SUBSTANCE_USE_TYPE]: ['1', '2', '3'],
};
