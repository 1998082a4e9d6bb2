/**
 * Homelessness evidence → SDOHCC Condition (ICD-10-CM Z59.0x / Z59.81x, SNOMED CT) and the
 * housing-status Observation (LOINC 71802-3), per MAPPING-NOTES.md ("a reasonable mapping").
 * Evidence is per enrollment: the prior living situation (3.917.1) and the project's type.
 * The first matching rule wins; 8, 9, 99 and empty values assert nothing.
 */
import { field } from './fields.ts';

export const SDOH_FIELDS = {
  enrollmentId: field('Enrollment', 'EnrollmentID'),
  personalId: field('Enrollment', 'PersonalID'),
  entryDate: field('Enrollment', 'EntryDate'),
  livingSituation: field('Enrollment', 'LivingSituation'),
  moveInDate: field('Enrollment', 'MoveInDate'),
  dateUpdated: field('Enrollment', 'DateUpdated'),
  projectType: field('Project', 'ProjectType'),
  exitDate: field('Exit', 'ExitDate'),
} as const;

export const CURRENT_LIVING_SITUATION_FIELDS = {
  id: field('CurrentLivingSituation', 'CurrentLivingSitID'),
  personalId: field('CurrentLivingSituation', 'PersonalID'),
  informationDate: field('CurrentLivingSituation', 'InformationDate'),
  situation: field('CurrentLivingSituation', 'CurrentLivingSituation'),
  dateUpdated: field('CurrentLivingSituation', 'DateUpdated'),
} as const;

/** The living situation list (3.12.1) both prior and current living situation use. */
export const LIVING_SITUATION_LIST = '3.12.1';

export type SdohCategory = 'homelessness' | 'housing-instability';

export interface HomelessnessRule {
  /**
   * What the rule reads: the prior living situation (3.917.1), the project's type (2.02.6), or a
   * move-in (3.20) in a permanent housing project.
   */
  readonly evidence: 'living-situation' | 'project-type' | 'moved-in';
  readonly codes: readonly string[];
  readonly category: SdohCategory;
  readonly icd10cm: { readonly code: string; readonly display: string };
  readonly snomed?: { readonly code: string; readonly display: string };
}

const HOMELESS = { code: '32911000', display: 'Homeless' } as const;
const UNSHELTERED = { code: 'Z59.02', display: 'Unsheltered homelessness' } as const;
const SHELTERED = { code: 'Z59.01', display: 'Sheltered homelessness' } as const;

/**
 * In order of precedence; the first rule that matches decides. A move-in comes first (the person
 * is housed now), then what the person said about the night before entry, then the project type.
 */
export const HOMELESSNESS_RULES: readonly HomelessnessRule[] = [
  {
    evidence: 'moved-in',
    codes: ['3', '13'],
    category: 'housing-instability',
    icd10cm: { code: 'Z59.812', display: 'Housing instability, housed, homelessness in past 12 months' },
  },
  {
    evidence: 'living-situation',
    codes: ['116'],
    category: 'homelessness',
    icd10cm: UNSHELTERED,
    snomed: HOMELESS,
  },
  {
    evidence: 'living-situation',
    codes: ['101', '118'],
    category: 'homelessness',
    icd10cm: SHELTERED,
    snomed: HOMELESS,
  },
  {
    evidence: 'project-type',
    codes: ['4'],
    category: 'homelessness',
    icd10cm: UNSHELTERED,
    snomed: HOMELESS,
  },
  {
    evidence: 'project-type',
    codes: ['0', '1', '2', '8'],
    category: 'homelessness',
    icd10cm: SHELTERED,
    snomed: HOMELESS,
  },
  // A day shelter serves people who are homeless, but says nothing about where they sleep.
  {
    evidence: 'project-type',
    codes: ['11'],
    category: 'homelessness',
    icd10cm: { code: 'Z59.00', display: 'Homelessness, unspecified' },
    snomed: HOMELESS,
  },
  {
    evidence: 'project-type',
    codes: ['12'],
    category: 'housing-instability',
    icd10cm: { code: 'Z59.811', display: 'Housing instability, housed, with risk of homelessness' },
  },
];

/** Codes a Medicaid claim can carry (Z59.0 itself is a non-billable header). */
export const BILLABLE_HOMELESSNESS_CODES: readonly string[] = ['Z59.00', 'Z59.01', 'Z59.02'];

export const SDOH_CATEGORY_DISPLAY: Readonly<Record<SdohCategory, string>> = {
  homelessness: 'Homelessness',
  'housing-instability': 'Housing Instability',
};

/** LOINC 71802-3 "Housing status"; answer LA31995-6 for the homeless living situations. */
export const HOUSING_STATUS = {
  code: { code: '71802-3', display: 'Housing status' },
  homelessAnswer: { code: 'LA31995-6', display: 'I do not have a steady place to live' },
  homelessSituations: ['101', '116', '118'],
  /** Values that assert nothing: no Observation is made. */
  silent: ['8', '9', '99', '30', '37'],
} as const;

/** The SDOHCC program-enrollment Observation: the person was enrolled over the episode's period. */
export const PROGRAM_ENROLLMENT = {
  category: { code: 'program-enrollment', display: 'Program Enrollment' },
  value: { code: 'is-enrolled', display: 'Is Enrolled' },
} as const;
