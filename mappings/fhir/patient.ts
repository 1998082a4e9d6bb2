/**
 * HMIS Client (3.01–3.07, 4.21, 5.08) → US Core Patient. Facts from MAPPING-NOTES.md: gender from
 * Sex, `us-core-sex` as SNOMED, OMB race and ethnicity with the `text` sub-extension, RaceNone as a
 * NullFlavor, and SSN left out of Patient.identifier unless the deployment enables it.
 */
import { field } from './fields.ts';
import { SYSTEM } from './systems.ts';

export const PATIENT_FIELDS = {
  personalId: field('Client', 'PersonalID'),
  firstName: field('Client', 'FirstName'),
  middleName: field('Client', 'MiddleName'),
  lastName: field('Client', 'LastName'),
  nameSuffix: field('Client', 'NameSuffix'),
  ssn: field('Client', 'SSN'),
  dob: field('Client', 'DOB'),
  sex: field('Client', 'Sex'),
  raceNone: field('Client', 'RaceNone'),
  additionalRaceEthnicity: field('Client', 'AdditionalRaceEthnicity'),
  dateUpdated: field('Client', 'DateUpdated'),
} as const;

/** HUD Sex (list 4.21) → Patient.gender; every other value (8, 9, 99, empty) is `unknown`. */
export const GENDER_BY_SEX: Readonly<Record<string, 'female' | 'male'>> = { '0': 'female', '1': 'male' };

/** HUD Sex → `us-core-sex` valueCode (SNOMED CT); no extension for the other values. */
export const US_CORE_SEX_BY_SEX: Readonly<Record<string, { code: string; display: string }>> = {
  '0': { code: '248152002', display: 'Female' },
  '1': { code: '248153007', display: 'Male' },
};

export interface RaceMapping {
  readonly field: ReturnType<typeof field>;
  /** `ombCategory` for the five OMB races; `detailed` for codes below them (MENA). */
  readonly slice: 'ombCategory' | 'detailed';
  readonly code: string;
  readonly display: string;
}

const race = (name: string, slice: RaceMapping['slice'], code: string, display: string): RaceMapping => ({
  field: field('Client', name),
  slice,
  code,
  display,
});

/** HUD 3.04 race columns (value 1 = yes) → US Core race (CDC Race & Ethnicity, OID 2.16.840.1.113883.6.238). */
export const RACE: readonly RaceMapping[] = [
  race('AmIndAKNative', 'ombCategory', '1002-5', 'American Indian or Alaska Native'),
  race('Asian', 'ombCategory', '2028-9', 'Asian'),
  race('BlackAfAmerican', 'ombCategory', '2054-5', 'Black or African American'),
  race('NativeHIPacific', 'ombCategory', '2076-8', 'Native Hawaiian or Other Pacific Islander'),
  race('White', 'ombCategory', '2106-3', 'White'),
  race('MidEastNAfrican', 'detailed', '2118-8', 'Middle Eastern or North African'),
];

/**
 * HUD's Hispanic/Latina/e/o column → US Core ethnicity ombCategory 2135-2. A 0 asserts nothing:
 * HUD asks one combined question, so "not Hispanic" (2186-5) is not inferred from its absence.
 */
export const ETHNICITY: readonly RaceMapping[] = [
  race('HispanicLatinao', 'ombCategory', '2135-2', 'Hispanic or Latino'),
];

/** HUD RaceNone (list 1.6) → a NullFlavor for both race and ethnicity; 99 (not collected) asserts nothing. */
export const RACE_NONE: Readonly<Record<string, { code: string; display: string }>> = {
  '8': { code: 'UNK', display: 'Unknown' },
  '9': { code: 'ASKU', display: 'Asked but no answer' },
};

export const RACE_SYSTEM = SYSTEM.ombRaceEthnicity;

/** Values of the race and ethnicity columns that mean "yes" (list 1.10). */
export const YES = '1';
