/**
 * How each FY2026 CSV file maps onto HUD's HMIS ontology: primary key, classes, and the object
 * properties that link a record to its parent. Column facts live in `fields.ts`.
 */
export interface TableMapping {
  readonly key: string;
  readonly segment: string;
  /** Local names in HUD's ontology (`urn:hud:hmis:owl#`). */
  readonly classes: readonly string[];
  readonly links: readonly { field: string; table: string; properties: readonly string[] }[];
}

const underProject = (property: string) => [{ field: 'ProjectID', table: 'Project', properties: [property] }];
const underEnrollment = (...properties: string[]) => [
  { field: 'EnrollmentID', table: 'Enrollment', properties },
];

/** In HUD's file order, which is also a valid load order (parents before children). */
export const TABLE_MAPPINGS: Readonly<Record<string, TableMapping>> = {
  Export: { key: 'ExportID', segment: 'export', classes: ['Export'], links: [] },
  Organization: { key: 'OrganizationID', segment: 'organization', classes: ['Organization'], links: [] },
  User: { key: 'UserID', segment: 'user', classes: ['User'], links: [] },
  Project: {
    key: 'ProjectID',
    segment: 'project',
    classes: ['Project'],
    links: [{ field: 'OrganizationID', table: 'Organization', properties: ['hasProject'] }],
  },
  Funder: { key: 'FunderID', segment: 'funder', classes: ['FunderClass'], links: underProject('hasFunder') },
  ProjectCoC: {
    key: 'ProjectCoCID',
    segment: 'project-coc',
    classes: ['ProjectCoC'],
    links: underProject('hasProjectCoC'),
  },
  Inventory: {
    key: 'InventoryID',
    segment: 'inventory',
    classes: ['Inventory'],
    links: underProject('hasInventory'),
  },
  Affiliation: {
    key: 'AffiliationID',
    segment: 'affiliation',
    classes: ['Affiliation'],
    links: underProject('hasAffiliation'),
  },
  HMISParticipation: {
    key: 'HMISParticipationID',
    segment: 'hmis-participation',
    classes: ['HMISParticipation'],
    links: underProject('hasHMISParticipation'),
  },
  CEParticipation: {
    key: 'CEParticipationID',
    segment: 'ce-participation',
    classes: ['CEParticipation'],
    links: underProject('hasCEParticipation'),
  },
  Client: { key: 'PersonalID', segment: 'client', classes: ['Client'], links: [] },
  Enrollment: {
    key: 'EnrollmentID',
    segment: 'enrollment',
    classes: ['Enrollment'],
    links: [
      { field: 'PersonalID', table: 'Client', properties: ['hasClientEnrollment'] },
      { field: 'ProjectID', table: 'Project', properties: ['hasProjectEnrollment'] },
    ],
  },
  Exit: { key: 'ExitID', segment: 'exit', classes: ['Exit'], links: underEnrollment('hasExit') },
  IncomeBenefits: {
    key: 'IncomeBenefitsID',
    segment: 'income-benefits',
    classes: ['IncomeAndSources'],
    links: underEnrollment('hasIncomeAndSources'),
  },
  // HUD's ontology splits HealthAndDV.csv and EmploymentEducation.csv into two classes each.
  HealthAndDV: {
    key: 'HealthAndDVID',
    segment: 'health-and-dv',
    classes: ['HealthStatus', 'DomesticViolence'],
    links: underEnrollment('hasHealthStatus', 'hasDomesticViolence'),
  },
  EmploymentEducation: {
    key: 'EmploymentEducationID',
    segment: 'employment-education',
    classes: ['Employment', 'Education'],
    links: underEnrollment('hasEmployment', 'hasEducation'),
  },
  Disabilities: {
    key: 'DisabilitiesID',
    segment: 'disabilities',
    classes: ['Disabilities'],
    links: underEnrollment('hasDisabilities'),
  },
  Services: {
    key: 'ServicesID',
    segment: 'services',
    classes: ['ServiceFAReferral'],
    links: underEnrollment('hasServiceFAReferral'),
  },
  CurrentLivingSituation: {
    key: 'CurrentLivingSitID',
    segment: 'current-living-situation',
    classes: ['CurrentLivingSituationClass'],
    links: underEnrollment('hasCurrentLivingSituation'),
  },
  Assessment: {
    key: 'AssessmentID',
    segment: 'assessment',
    classes: ['Assessment'],
    links: underEnrollment('hasAssessment'),
  },
  AssessmentQuestions: {
    key: 'AssessmentQuestionID',
    segment: 'assessment-question',
    classes: ['AssessmentQuestionClass'],
    links: [{ field: 'AssessmentID', table: 'Assessment', properties: ['hasAssessmentQuestion'] }],
  },
  AssessmentResults: {
    key: 'AssessmentResultID',
    segment: 'assessment-result',
    classes: ['AssessmentResultClass'],
    links: [{ field: 'AssessmentID', table: 'Assessment', properties: ['hasAssessmentResult'] }],
  },
  Event: { key: 'EventID', segment: 'event', classes: ['Event'], links: underEnrollment('hasEvent') },
  YouthEducationStatus: {
    key: 'YouthEducationStatusID',
    segment: 'youth-education-status',
    classes: ['YouthEducationStatus'],
    links: underEnrollment('hasYouthEducationStatus'),
  },
};

/**
 * Columns whose HUD ontology property is spelled differently from the CSV column. The CSV name
 * stays the name on every surface; only the IRI follows HUD's ontology.
 */
export const PROPERTY_ALIASES: Readonly<Record<string, string>> = {
  HOHLeaseholder: 'HOHLeaseHolder',
  // Event.csv's Event column is data element 4.20.2; HUD's property for it is EventType.
  Event: 'EventType',
};

/**
 * Columns HUD's ontology has no property for in its namespace: Hearth mints them in its own.
 * Listed, with the reason for each, in ontology/README.md.
 */
export const HEARTH_PROPERTIES: readonly string[] = [
  'EndDate',
  'MentalHealthConsultation',
  'PreferredLanguage',
  'PreferredLanguageDifferent',
  'ServicesID',
  'StartDate',
  'TranslationNeeded',
];
