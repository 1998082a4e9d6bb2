/**
 * The FY2026 cross-field rules that can be checked within ONE record, written by hand from the Notes
 * column of HUD's CSV specification (fields.csv) and from list-validation.csv. Data element numbers in
 * HUD's notes (e.g. `3.917.1`) are resolved to the column that carries them (`LivingSituation`).
 *
 * Rules that need another record are not encoded: see CROSS_RECORD_RULES_NOT_CHECKED. Same-record notes
 * that the Rule type cannot state are in SAME_RECORD_RULES_NOT_CHECKED.
 */
import type { CodeList, Condition, Rule } from '../types.ts';
import { CODE_LIST_ROWS } from './code-lists.ts';

const is = (field: string, ...codes: string[]): Condition => ({ field, in: codes });
const notNull = (field: string): Condition => ({ field, notNull: true });
const all = (...conditions: Condition[]): Condition => ({ all: conditions });
const any = (...conditions: Condition[]): Condition => ({ any: conditions });

const notInList = (table: string, field: string, codes: string[]): Rule => ({
  kind: 'notInList',
  table,
  field,
  codes,
});
const listWhen = (table: string, field: string, list: string, when: Condition): Rule => ({
  kind: 'listWhen',
  table,
  field,
  list,
  when,
});
const nullUnless = (table: string, fields: string[], when: Condition): Rule[] =>
  fields.map((field) => ({ kind: 'nullUnless', table, field, when }));
const requiredWhen = (table: string, fields: string[], when: Condition): Rule[] =>
  fields.map((field) => ({ kind: 'requiredWhen', table, field, when }));
const pattern = (table: string, field: string, regex: string): Rule => ({
  kind: 'pattern',
  table,
  field,
  pattern: regex,
});

const INT32_MAX = 2147483647;
const COC_CODE = '^[a-zA-Z]{2}-[0-9]{3}$';
// HUD's phone and extension regexes in the Notes are unanchored; a whole value must match.
const PHONE = '^[2-9][0-9]{2}[2-9][0-9]{2}[0-9]{4}$';
const EXTENSION = '^[0-9]{1,5}$';

/**
 * HUD's data elements W5.A (when W5.1 = 1) and W5.B (when W5.1 = 2) share list W5.A-B in the CSV
 * spec; list-validation.csv restricts each to its part. These sub-lists exist only for those rules.
 */
const W5_AB = CODE_LIST_ROWS['W5.A-B'] ?? [];
const subList = (id: string, codes: string[]): CodeList => ({
  id,
  codes: W5_AB.filter(([code]) => codes.includes(code)).map(([code, label]) => ({ code, label })),
});
export const RULE_CODE_LISTS: ReadonlyMap<string, CodeList> = new Map([
  ['W5.A', subList('W5.A', ['1', '2', '3', '4'])],
  ['W5.B', subList('W5.B', ['11', '12'])],
]);

/** A list named by a rule: one of HUD's lists, or a sub-list of RULE_CODE_LISTS. */
export function ruleCodeList(id: string): CodeList {
  const derived = RULE_CODE_LISTS.get(id);
  if (derived) return derived;
  const rows = CODE_LIST_ROWS[id];
  if (!rows) throw new Error(`unknown code list ${id} in a rule`);
  return { id, codes: rows.map(([code, label]) => ({ code, label })) };
}

/** Services.TypeProvided: the list per RecordType (list-validation.csv; the Notes' "V3.3" is V3.4). */
const SERVICE_TYPE_LISTS: readonly (readonly [string, string])[] = [
  ['141', 'P1.2'],
  ['142', 'R14.2'],
  ['143', 'W1.2'],
  ['144', 'V2.2'],
  ['151', 'W2.2'],
  ['152', 'V3.4'],
  ['161', 'P2.2'],
  ['200', '4.14'],
  ['210', 'V8.2'],
  ['300', 'C2.2'],
];

/** CurrentLivingSituation codes for which 4.12.B (LeaveSituation14Days) is asked. */
const LEAVE_SITUATION_ASKED_CODES = [
  ...['215', '206', '207', '225', '204', '205', '302', '329'],
  ...['314', '332', '336', '335', '410', '435', '421', '411'],
];

const RACE_FIELDS = [
  'AmIndAKNative',
  'Asian',
  'BlackAfAmerican',
  'HispanicLatinao',
  'MidEastNAfrican',
  'NativeHIPacific',
  'White',
];

/** [reason column, insurance column] of 4.04: "NoXReason: Null unless 4.04.n = 0". */
const NO_INSURANCE_REASONS: readonly (readonly [string, string])[] = [
  ['NoMedicaidReason', 'Medicaid'],
  ['NoMedicareReason', 'Medicare'],
  ['NoSCHIPReason', 'SCHIP'],
  ['NoVHAReason', 'VHAServices'],
  ['NoEmployerProvidedReason', 'EmployerProvided'],
  ['NoCOBRAReason', 'COBRA'],
  ['NoPrivatePayReason', 'PrivatePay'],
  ['NoStateHealthInsReason', 'StateHealthIns'],
  ['NoIndianHealthServicesReason', 'IndianHealthServices'],
];

export const RULES: readonly Rule[] = [
  // Export
  ...requiredWhen('Export', ['SourceID'], is('SourceType', '1')),
  // "If SourceType <> 1": HUD's SourceType values are 1-4 (see the range rule).
  ...requiredWhen('Export', ['SourceName'], is('SourceType', '2', '3', '4')),
  { kind: 'range', table: 'Export', field: 'SourceType', min: 1, max: 4 },
  pattern('Export', 'SourceContactPhone', PHONE),
  pattern('Export', 'SourceContactExtension', EXTENSION),

  // User
  pattern('User', 'UserPhone', PHONE),
  pattern('User', 'UserExtension', EXTENSION),

  // Project
  ...requiredWhen('Project', ['ProjectType'], is('ContinuumProject', '1')),
  ...requiredWhen('Project', ['RRHSubType'], is('ProjectType', '13')),
  ...requiredWhen(
    'Project',
    ['ResidentialAffiliation'],
    any(is('ProjectType', '6'), all(is('ProjectType', '13'), is('RRHSubType', '1'))),
  ),

  // Funder: 2.06.1 = Funder
  ...requiredWhen('Funder', ['OtherFunder'], is('Funder', '46')),

  // ProjectCoC
  pattern('ProjectCoC', 'CoCCode', COC_CODE),
  pattern('ProjectCoC', 'Geocode', '^[0-9]{6}$'),
  pattern('ProjectCoC', 'State', '^[a-zA-Z]{2}$'),
  pattern('ProjectCoC', 'ZIP', '^[0-9]{5}$'),

  // CEParticipation: 2.09.1 = AccessPoint
  ...requiredWhen(
    'CEParticipation',
    ['PreventionAssessment', 'CrisisAssessment', 'HousingAssessment', 'DirectServices'],
    is('AccessPoint', '1'),
  ),

  // Client
  pattern('Client', 'SSN', '^[0-9xX]{9}$'),
  // "Non-null only if all other race fields = 0 or 99" (99 is HUD's text; list 1.10 has only 0 and 1).
  ...nullUnless('Client', ['RaceNone'], all(...RACE_FIELDS.map((field) => is(field, '0', '99')))),
  { kind: 'range', table: 'Client', field: 'YearEnteredService', min: 1920, max: 'currentYear' },
  { kind: 'range', table: 'Client', field: 'YearSeparated', min: 1920, max: 'currentYear' },

  // Enrollment. HUD's EnrollmentCoC regex `(0-9){3}` is a typo for the CoC code pattern.
  pattern('Enrollment', 'EnrollmentCoC', COC_CODE),
  // Not a Note: 3.16 is collected for heads of household only (see NULLABLE_CORRECTIONS).
  ...requiredWhen('Enrollment', ['EnrollmentCoC'], is('RelationshipToHoH', '1')),
  notInList('Enrollment', 'LivingSituation', [
    '312',
    '313',
    '327',
    '422',
    '423',
    '426',
    '30',
    '17',
    '24',
    '37',
  ]),
  ...nullUnless('Enrollment', ['RentalSubsidyType'], is('LivingSituation', '435')), // 3.917.1
  ...nullUnless('Enrollment', ['ReasonNotEnrolled'], is('ClientEnrolledInPATH', '0')), // P3.2
  ...nullUnless('Enrollment', ['ReasonNoServices'], is('EligibleForRHY', '0')), // R2.2
  ...nullUnless('Enrollment', ['RunawayYouth'], is('EligibleForRHY', '1')),
  ...nullUnless('Enrollment', ['PreferredLanguageDifferent'], is('PreferredLanguage', '21')), // C4.A

  // Exit
  notInList('Exit', 'Destination', ['336', '335', '37']),
  ...nullUnless('Exit', ['DestinationSubsidyType'], is('Destination', '435')),
  ...nullUnless('Exit', ['OtherDestination'], is('Destination', '17')),
  // list-validation.csv's W5.1 is HousingAssessment (not DestinationSubsidyType).
  listWhen('Exit', 'SubsidyInformation', 'W5.A', is('HousingAssessment', '1')),
  listWhen('Exit', 'SubsidyInformation', 'W5.B', is('HousingAssessment', '2')),
  ...nullUnless('Exit', ['EarlyExitReason'], is('ProjectCompletionStatus', '3')), // R17.1
  ...nullUnless(
    'Exit',
    ['ExchangeForSexPastThreeMonths', 'CountOfExchangeForSex', 'AskedOrForcedToExchangeForSex'],
    is('ExchangeForSex', '1'), // R15.1
  ),
  ...nullUnless(
    'Exit',
    ['AskedOrForcedToExchangeForSexPastThreeMonths'],
    is('AskedOrForcedToExchangeForSex', '1'),
  ),
  ...nullUnless(
    'Exit',
    ['CoercedToContinueWork', 'LaborExploitPastThreeMonths'],
    any(is('WorkplaceViolenceThreats', '1'), is('WorkplacePromiseDifference', '1')), // R16.1, R16.2
  ),
  ...nullUnless(
    'Exit',
    ['IndividualCounseling', 'FamilyCounseling', 'GroupCounseling', 'SessionCountAtExit'],
    is('CounselingReceived', '1'), // R18.1
  ),
  { kind: 'range', table: 'Exit', field: 'SessionCountAtExit', min: 1, max: INT32_MAX },
  { kind: 'range', table: 'Exit', field: 'SessionsInPlan', min: 1, max: INT32_MAX },
  // Only the not-null halves of R20.1/R20.2; the 180-day window is in SAME_RECORD_RULES_NOT_CHECKED.
  ...nullUnless('Exit', ['AftercareDate'], notNull('AftercareProvided')),
  ...nullUnless('Exit', ['AftercareProvided'], notNull('AftercareDate')),
  ...nullUnless(
    'Exit',
    ['EmailSocialMedia', 'Telephone', 'InPersonIndividual', 'InPersonGroup'],
    is('AftercareProvided', '1'), // R20.2
  ),

  // IncomeBenefits
  ...nullUnless('IncomeBenefits', ['OtherIncomeSourceIdentify'], is('OtherIncomeSource', '1')), // 4.02.17
  ...nullUnless('IncomeBenefits', ['OtherBenefitsSourceIdentify'], is('OtherBenefitsSource', '1')), // 4.03.8
  ...NO_INSURANCE_REASONS.flatMap(([reason, insurance]) =>
    nullUnless('IncomeBenefits', [reason], is(insurance, '0')),
  ),
  ...nullUnless('IncomeBenefits', ['OtherInsuranceIdentify'], is('OtherInsurance', '1')), // 4.04.12
  ...nullUnless('IncomeBenefits', ['NoADAPReason'], is('ADAP', '0')), // W3.3
  ...nullUnless('IncomeBenefits', ['NoRyanWhiteReason'], is('RyanWhiteMedDent', '0')), // W3.4

  // HealthAndDV
  ...nullUnless('HealthAndDV', ['WhenOccurred', 'CurrentlyFleeing'], is('DomesticViolenceSurvivor', '1')), // 4.11.2
  ...nullUnless('HealthAndDV', ['DueDate'], is('PregnancyStatus', '1')), // R10.1

  // EmploymentEducation: R6.2 = Employed
  ...nullUnless('EmploymentEducation', ['EmploymentType'], is('Employed', '1')),
  ...nullUnless('EmploymentEducation', ['NotEmployedReason'], is('Employed', '0')),

  // Disabilities. "Any other" DisabilityType: the other codes of list 1.3.
  listWhen('Disabilities', 'DisabilityResponse', '4.10.2', is('DisabilityType', '10')),
  listWhen('Disabilities', 'DisabilityResponse', '1.8', is('DisabilityType', '5', '6', '7', '8', '9')),
  ...nullUnless(
    'Disabilities',
    ['TCellCountAvailable', 'ViralLoadAvailable', 'AntiRetroviral'],
    all(is('DisabilityType', '8'), is('DisabilityResponse', '1')),
  ),
  ...nullUnless('Disabilities', ['TCellCount'], is('TCellCountAvailable', '1')), // W4.2
  ...nullUnless('Disabilities', ['TCellSource'], notNull('TCellCount')), // W4.A
  ...nullUnless('Disabilities', ['ViralLoad'], is('ViralLoadAvailable', '1')), // W4.3
  ...nullUnless('Disabilities', ['ViralLoadSource'], notNull('ViralLoad')), // W4.C

  // Services
  ...SERVICE_TYPE_LISTS.map(([recordType, list]) =>
    listWhen('Services', 'TypeProvided', list, is('RecordType', recordType)),
  ),
  ...nullUnless(
    'Services',
    ['OtherTypeProvided'],
    any(
      all(is('RecordType', '144'), is('TypeProvided', '6')),
      all(is('RecordType', '210'), is('TypeProvided', '12')),
    ),
  ),
  ...nullUnless('Services', ['MovingOnOtherType'], all(is('RecordType', '300'), is('TypeProvided', '5'))),
  ...nullUnless(
    'Services',
    ['SubTypeProvided'],
    all(is('RecordType', '144'), is('TypeProvided', '3', '4', '5')),
  ),
  listWhen('Services', 'SubTypeProvided', 'V2.A', all(is('RecordType', '144'), is('TypeProvided', '3'))),
  listWhen('Services', 'SubTypeProvided', 'V2.B', all(is('RecordType', '144'), is('TypeProvided', '4'))),
  listWhen('Services', 'SubTypeProvided', 'V2.C', all(is('RecordType', '144'), is('TypeProvided', '5'))),
  ...nullUnless('Services', ['FAAmount'], is('RecordType', '151', '152')),
  ...nullUnless('Services', ['ReferralOutcome'], is('RecordType', '161')),

  // CurrentLivingSituation
  notInList('CurrentLivingSituation', 'CurrentLivingSituation', [
    '312',
    '313',
    '327',
    '422',
    '423',
    '426',
    '30',
    '24',
  ]),
  ...nullUnless('CurrentLivingSituation', ['CLSSubsidyType'], is('CurrentLivingSituation', '435')),
  ...nullUnless(
    'CurrentLivingSituation',
    ['LeaveSituation14Days'],
    is('CurrentLivingSituation', ...LEAVE_SITUATION_ASKED_CODES),
  ),
  ...nullUnless(
    'CurrentLivingSituation',
    ['SubsequentResidence', 'ResourcesToObtain', 'LeaseOwn60Day', 'MovedTwoOrMore'],
    is('LeaveSituation14Days', '1'),
  ),

  // Event
  ...nullUnless('Event', ['ResultDate'], notNull('ReferralResult')),

  // YouthEducationStatus: C3.2 = CurrentSchoolAttend
  ...nullUnless('YouthEducationStatus', ['MostRecentEdStatus'], is('CurrentSchoolAttend', '0')),
  ...nullUnless('YouthEducationStatus', ['CurrentEdStatus'], is('CurrentSchoolAttend', '1', '2')),
];

/** Notes of the FY2026 spec that need another record (or file) and are NOT checked by validateRow. */
export const CROSS_RECORD_RULES_NOT_CHECKED: readonly string[] = [
  'Every ExportID must match the ExportID in Export.csv',
  'Every foreign key (OrganizationID, ProjectID, PersonalID, EnrollmentID, UserID, AssessmentID) must match a record of its parent file',
  'Inventory.ProjectID must match a ProjectID in ProjectCoC.csv',
  'Inventory.CoCCode must match a CoCCode in ProjectCoC.csv for the same ProjectID',
  'Inventory.Availability: null unless Project.csv ProjectType = 0 or 1',
  'Inventory.ESBedType: null unless Project.csv ProjectType = 0 or 1',
  'Affiliation.ProjectID must match a Project where ProjectType = 6, or ProjectType = 13 and RRHSubType = 1',
  'Affiliation.ResProjectID must match a Project where ProjectType = 0, 1, 2, 3, 8, 9, 10 or 13 (if 13, RRHSubType = 2)',
  'Enrollment.EnrollmentCoC must match a CoCCode in ProjectCoC.csv with the same ProjectID',
  'CurrentLivingSituation.VerifiedBy: null unless the Project of the enrollment has ProjectType = 14',
  'AssessmentQuestions.AssessmentQuestion and AssessmentResults.AssessmentResultType: cannot be null if the file is populated (both columns are non-nullable anyway)',
];

/** Same-record notes the Rule type cannot state (or that HUD words as "should"); NOT checked. */
export const SAME_RECORD_RULES_NOT_CHECKED: readonly string[] = [
  'Export.SourceID: when SourceType = 1, HUD CoC code(s) XX-999, semicolon-separated; free text otherwise (a pattern rule has no condition)',
  'Export.SourceContactEmail and User.UserEmail: valid email addresses only (HUD gives no pattern)',
  'Export.ExportEndDate should equal ExportStartDate for exports of HIC data',
  'Exit.AftercareDate: null unless between ExitDate and ExitDate + 180 days (only "AftercareProvided is not null" is checked)',
  'Exit.AftercareProvided: null unless AftercareDate is between ExitDate and ExitDate + 180 days (only "AftercareDate is not null" is checked)',
  'IncomeBenefits.TotalMonthlyIncome should match the sum of the income amounts (4.02.2)',
];
