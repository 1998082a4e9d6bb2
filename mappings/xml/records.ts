/**
 * HUD HMIS XML (FY2022 and v6.1.2) ↔ the FY2026 model, as data.
 *
 * XML follows HUD's logical model: one element per data element group (ClientVeteranInfo,
 * IncomeAndSources, ExitRHY, …), where the CSV (and so the model) folds groups into wide tables
 * (Client, IncomeBenefits, Exit, …). Each entry below says which FY2026 table an XML record fills
 * and which of its elements names the row. Field names are derived from the model wherever the
 * XML element has the same name; only renames are listed. An XML element with no FY2026 home is
 * kept with its record (and reported at import); a FY2026 field a version cannot carry is listed
 * by `src/xml/mapping.ts` from these same tables.
 */
import { codeList } from '../../src/model/index.ts';

export type XmlVersion = 'FY2022' | 'v6.1.2';

export const XML_NAMESPACES: Readonly<Record<XmlVersion, string>> = {
  FY2022: 'http://www.hudhdx.info/Resources/Vendors/FY2022/HUD_HMIS.xsd',
  'v6.1.2': 'http://www.hudhdx.info/Resources/Vendors/6_1_2/HUD_HMIS.xsd',
};

/** Copies fields of another record, found by a key the XML record holds (e.g. Enrollment → PersonalID). */
export interface Lookup {
  /** The XML element (or model field) holding the other record's key. */
  readonly key: string;
  readonly table: string;
  /** Fields copied from the other record into this row (same names on both sides). */
  readonly copy: readonly string[];
}

/** Chooses an element's xsi:type from a sibling's value (HUD's `xs:alternative`-like types). */
export interface XsiTypeRule {
  readonly element: string;
  readonly by: string;
  readonly types: Readonly<Record<string, string>>;
}

export interface RecordMapping {
  /** The XML element under Export. */
  readonly element: string;
  /** The FY2026 table its values go to. */
  readonly table: string;
  /** The XML element whose value is the FY2026 row's key (the record's own ID, or its parent's). */
  readonly keyFrom: string;
  /** The record's own ID element when it is not the row's key (regenerated as the key on export). */
  readonly ownId?: string;
  /** XML element → FY2026 field, where the names differ. */
  readonly renames?: Readonly<Record<string, string>>;
  readonly lookups?: readonly Lookup[];
  readonly versions: readonly XmlVersion[];
  /**
   * Written on export only, one record per distinct value of this field (v6.1.2's CoC is keyed
   * by CoCCode alone, so it cannot hold FY2026's project-CoC pairs; Inventory refers to it).
   */
  readonly exportOnlyUniqueBy?: string;
}

const BOTH: readonly XmlVersion[] = ['FY2022', 'v6.1.2'];
const FY2022: readonly XmlVersion[] = ['FY2022'];
const V6: readonly XmlVersion[] = ['v6.1.2'];

const personFromEnrollment: Lookup = { key: 'EnrollmentID', table: 'Enrollment', copy: ['PersonalID'] };
const into = (table: string, keyFrom: string, element: string, versions = BOTH, extra = {}) => ({
  element,
  table,
  keyFrom,
  ownId: `${element}ID`,
  versions,
  ...extra,
});

/** XML record elements, in the order the export writes them (parents first). */
export const RECORD_MAPPINGS: readonly RecordMapping[] = [
  { element: 'Organization', table: 'Organization', keyFrom: 'OrganizationID', versions: BOTH },
  { element: 'User', table: 'User', keyFrom: 'UserID', versions: FY2022 },
  {
    element: 'Project',
    table: 'Project',
    keyFrom: 'ProjectID',
    versions: BOTH,
  },
  { element: 'Funder', table: 'Funder', keyFrom: 'FunderID', versions: BOTH },
  { element: 'ProjectCoC', table: 'ProjectCoC', keyFrom: 'ProjectCoCID', versions: FY2022 },
  {
    element: 'CoC',
    table: 'ProjectCoC',
    keyFrom: 'ProjectCoCID',
    versions: V6,
    exportOnlyUniqueBy: 'CoCCode',
  },
  {
    element: 'Inventory',
    table: 'Inventory',
    keyFrom: 'InventoryID',
    lookups: [{ key: 'ProjectCoCID', table: 'ProjectCoC', copy: ['ProjectID', 'CoCCode'] }],
    versions: FY2022,
  },
  { element: 'Inventory', table: 'Inventory', keyFrom: 'InventoryID', versions: V6 },
  { element: 'Affiliation', table: 'Affiliation', keyFrom: 'AffiliationID', versions: BOTH },
  {
    element: 'Client',
    table: 'Client',
    keyFrom: 'PersonalID',
    renames: { Ethnicity: 'HispanicLatinao' },
    versions: BOTH,
  },
  into('Client', 'PersonalID', 'ClientVeteranInfo'),
  { element: 'Enrollment', table: 'Enrollment', keyFrom: 'EnrollmentID', versions: BOTH },
  into('Enrollment', 'EnrollmentID', 'EnrollmentCoC', FY2022, { renames: { CoCCode: 'EnrollmentCoC' } }),
  into('Enrollment', 'EnrollmentID', 'DateOfEngagement'),
  into('Enrollment', 'EnrollmentID', 'MoveInDate'),
  into('Enrollment', 'EnrollmentID', 'PATHStatus', FY2022),
  into('Enrollment', 'EnrollmentID', 'PATHStatus', V6, {
    ownId: 'PathStatusID',
    renames: { DateOfStatus: 'DateOfPATHStatus' },
  }),
  into('Enrollment', 'EnrollmentID', 'RHYBCPStatus'),
  into('Enrollment', 'EnrollmentID', 'EntryRHY', BOTH, {
    renames: { MentalHealthIssuesFam: 'MentalHealthDisorderFam', AlcoholDrugAbuseFam: 'AlcoholDrugUseDisorderFam' },
  }),
  into('Enrollment', 'EnrollmentID', 'EntrySSVF'),
  into('Enrollment', 'EnrollmentID', 'EntryRHSP'),
  {
    element: 'Exit',
    table: 'Exit',
    keyFrom: 'ExitID',
    lookups: [personFromEnrollment],
    versions: BOTH,
  },
  into('Exit', 'ExitID', 'ExitHousingAssessment'),
  into('Exit', 'ExitID', 'ExitRHY', BOTH, { renames: { WorkPlaceViolenceThreats: 'WorkplaceViolenceThreats' } }),
  into('Exit', 'ExitID', 'RHYAftercare', FY2022),
  into('Exit', 'ExitID', 'RHYAftercare', V6, {
    ownId: 'RhyAfterCareID',
    renames: { AfterCareDate: 'AftercareDate', AfterCareProvided: 'AftercareProvided' },
  }),
  into('Exit', 'ExitID', 'VASHExitReason', BOTH, { ownId: 'VashExitReasonID' }),
  ...['IncomeAndSources', 'NonCashBenefits', 'HealthInsurance', 'MedicalAssistance', 'ConnectionWithSOAR'].map(
    (element): RecordMapping => ({
      element,
      table: 'IncomeBenefits',
      keyFrom: `${element}ID`,
      renames: {
        VAMedicalServices: 'VHAServices',
        NoVAMedReason: 'NoVHAReason',
        OtherSource: 'OtherIncomeSource',
        OtherSourceAmount: 'OtherIncomeAmount',
        OtherSourceIdentify: 'OtherIncomeSourceIdentify',
      },
      lookups: [personFromEnrollment],
      versions: BOTH,
    }),
  ),
  ...['DomesticViolence', 'HealthStatus'].map(
    (element): RecordMapping => ({
      element,
      table: 'HealthAndDV',
      keyFrom: `${element}ID`,
      renames: { DomesticViolenceVictim: 'DomesticViolenceSurvivor' },
      lookups: [personFromEnrollment],
      versions: element === 'HealthStatus' ? FY2022 : BOTH,
    }),
  ),
  ...['Education', 'Employment'].map(
    (element): RecordMapping => ({
      element,
      table: 'EmploymentEducation',
      keyFrom: `${element}ID`,
      lookups: [personFromEnrollment],
      versions: BOTH,
    }),
  ),
  {
    element: 'Disabilities',
    table: 'Disabilities',
    keyFrom: 'DisabilitiesID',
    renames: { IndefiniteAndImpairsIndependence: 'IndefiniteAndImpairs' },
    lookups: [personFromEnrollment],
    versions: BOTH,
  },
  {
    element: 'ServiceFAReferral',
    table: 'Services',
    keyFrom: 'ServiceFAReferralID',
    lookups: [personFromEnrollment],
    versions: BOTH,
  },
  {
    element: 'CurrentLivingSituation',
    table: 'CurrentLivingSituation',
    keyFrom: 'CurrentLivingSitID',
    versions: FY2022,
  },
  { element: 'Assessment', table: 'Assessment', keyFrom: 'AssessmentID', versions: FY2022 },
  {
    element: 'AssessmentQuestions',
    table: 'AssessmentQuestions',
    keyFrom: 'AssessmentQuestionID',
    versions: FY2022,
  },
  { element: 'AssessmentResults', table: 'AssessmentResults', keyFrom: 'AssessmentResultID', versions: FY2022 },
  { element: 'Event', table: 'Event', keyFrom: 'EventID', versions: FY2022 },
  {
    element: 'YouthEducationStatus',
    table: 'YouthEducationStatus',
    keyFrom: 'YouthEducationStatusID',
    lookups: [personFromEnrollment],
    versions: FY2022,
  },
];

/** Record metadata travels as attributes in XML and as columns in the model. */
export const ATTRIBUTE_FIELDS: Readonly<Record<string, string>> = {
  dateCreated: 'DateCreated',
  dateUpdated: 'DateUpdated',
  userID: 'UserID',
  dateDeleted: 'DateDeleted',
  informationDate: 'InformationDate',
  dataCollectionStage: 'DataCollectionStage',
};

/** Source and Export elements ↔ Export.csv columns (ExportPeriod's children included). */
export const EXPORT_FIELDS: Readonly<Record<string, string>> = {
  StartDate: 'ExportStartDate',
  EndDate: 'ExportEndDate',
};

/** The xsi:type a value needs on export; HUD's instances name these types on import. */
export const XSI_TYPES: Readonly<Record<XmlVersion, readonly XsiTypeRule[]>> = {
  FY2022: [
    {
      element: 'DisabilityResponse',
      by: 'DisabilityType',
      types: {
        '5': 'disabilityResponsePhysicalDisability',
        '6': 'disabilityResponseDevelopmentalDisability',
        '7': 'disabilityResponseChronicHealthCondition',
        '8': 'disabilityResponseHIVAIDS',
        '9': 'disabilityResponseMentalHealthDisorder',
        '10': 'disabilityResponseSubstanceUseDisorder',
      },
    },
    {
      element: 'IndefiniteAndImpairs',
      by: 'DisabilityType',
      types: {
        '5': 'indefiniteAndImpairsPhysicalDisability',
        // FY2022 has no type of its own for developmental (6) and HIV/AIDS (8) disabilities but
        // requires the element when DisabilityResponse is 1 (an xs:assert); HUD's example instance
        // writes HIV/AIDS with the physical-disability type (the same 0/1/8/9/99 list).
        '6': 'indefiniteAndImpairsPhysicalDisability',
        '7': 'indefiniteAndImpairsChronicHealthCondition',
        '8': 'indefiniteAndImpairsPhysicalDisability',
        '9': 'indefiniteAndImpairsMentalHealthDisorder',
        '10': 'indefiniteAndImpairsSubstanceUseDisorder',
      },
    },
    {
      element: 'TypeProvided',
      by: 'RecordType',
      types: {
        '141': 'typeProvidedP1ServicesPATHFunded',
        '142': 'typeProvidedR14RHYServiceConnections',
        '143': 'typeProvidedW1ServicesHOPWA',
        '144': 'typeProvidedV2ServicesProvidedSSVF',
        '151': 'typeProvidedW2FinancialAssistanceHOPWA',
        '152': 'typeProvidedV3FinancialAssistanceSSVF',
        '161': 'typeProvidedP2ReferralPATH',
        '200': 'typeProvidedBedNightDate',
        '210': 'typeProvidedV8HUDVASHVoucherTracking',
        '300': 'typeProvidedC2MovingOnAssistance',
      },
    },
    { element: 'FAAmount', by: 'RecordType', types: { '151': 'fAAmountHOPWA', '152': 'fAAmountSSVF' } },
  ],
  'v6.1.2': [
    {
      element: 'DisabilityResponse',
      by: 'DisabilityType',
      types: {
        '5': 'disabilityResponseNoYesDoesntKnowRefused',
        '6': 'disabilityResponseNoYesDoesntKnowRefused',
        '7': 'disabilityResponseNoYesDoesntKnowRefused',
        '8': 'disabilityResponseNoYesDoesntKnowRefused',
        '9': 'disabilityResponseNoYesDoesntKnowRefused',
        '10': 'disabilityResponseSubstanceAbuse',
      },
    },
  ],
};

/**
 * FY2024 renumbered living situations (1 → 101, 16 → 116, …): category × 100 + the old code.
 * Pairs are FY2026 code → FY2022/v6 code; fields listed are translated both ways.
 */
export const CODE_TRANSLATIONS: readonly {
  readonly fields: readonly string[];
  readonly pairs: Readonly<Record<string, string>>;
  /** XML codes read into the model that no FY2026 code writes back (the original is kept too). */
  readonly importOnly?: Readonly<Record<string, string>>;
  /** Only for these versions (default: all). */
  readonly versions?: readonly XmlVersion[];
}[] = [
  // v6.1.2 spelled the export's codes as words.
  {
    fields: ['ExportPeriodType'],
    pairs: { '1': 'updated', '2': 'effective', '3': 'reportingPeriod', '4': 'other' },
    versions: ['v6.1.2'],
  },
  {
    fields: ['ExportDirective'],
    pairs: { '1': 'deltaRefresh', '2': 'fullRefresh' },
    importOnly: { other: '1' },
    versions: ['v6.1.2'],
  },
  // Ethnicity (FY2022, v6) became a race option in FY2024: Hispanic/Latina/e/o yes or no.
  { fields: ['HispanicLatinao'], pairs: { '0': '0', '1': '1' }, importOnly: { '8': '0', '9': '0', '99': '0' } },
  {
    fields: ['LivingSituation', 'Destination', 'CurrentLivingSituation'],
    pairs: {
      '101': '1',
      '116': '16',
      '118': '18',
      '204': '4',
      '205': '5',
      '206': '6',
      '207': '7',
      '215': '15',
      '225': '25',
      '302': '2',
      '312': '12',
      '313': '13',
      '314': '14',
      '327': '27',
      '332': '32',
      '329': '29',
      '410': '10',
      '411': '11',
      '335': '35',
      '336': '36',
      '421': '21',
      '422': '22',
      '423': '23',
      '426': '26',
    },
  },
];

/**
 * FY2026 columns that must have a value but that an XML version has no element for: what an
 * import writes there. `from` takes the first non-empty of other columns of the same row.
 */
export const IMPORT_DEFAULTS: Readonly<
  Record<string, Readonly<Record<string, { readonly value: string } | { readonly from: readonly string[] }>>>
> = {
  // v6.1.2 has one Race code where FY2026 has a yes/no column per race (the code is kept too).
  Client: Object.fromEntries(
    ['AmIndAKNative', 'Asian', 'BlackAfAmerican', 'HispanicLatinao', 'MidEastNAfrican', 'NativeHIPacific', 'White'].map(
      (field) => [field, { value: '0' }],
    ),
  ),
  // v6.1.2 asked VictimServicesProvider of the project; FY2026 asks it of the organization.
  Organization: { VictimServiceProvider: { value: '99' } },
  Export: { ImplementationID: { from: ['SourceID', 'SourceName', 'ExportID'] }, HashStatus: { value: '1' } },
};

/**
 * Codes that FY2024 split or merged across two fields: a combination of FY2026 values ↔ a
 * combination of XML element values, within one record. The first matching entry applies, both
 * ways. (Emergency shelter became two project types; the subsidized rentals became one living
 * situation, 435, with the subsidy in a second field.)
 */
export interface CombinedCode {
  readonly table: string;
  readonly model: Readonly<Record<string, string>>;
  readonly xml: Readonly<Record<string, string>>;
  /** Written on export only (several FY2026 values share the XML value; import reads the first entry). */
  readonly exportOnly?: boolean;
}

const subsidies = (table: string, situation: string, subsidy: string): CombinedCode[] =>
  (
    [
      ['419', '19'],
      ['420', '20'],
      ['428', '28'],
      ['431', '31'],
      ['433', '33'],
      ['434', '34'],
    ] as const
  ).map(([model, xml]) => ({ table, model: { [situation]: '435', [subsidy]: model }, xml: { [situation]: xml } }));

/**
 * Funders newer than a version's list go out as 46, "Local or Other Funding Source (Please
 * Specify)", with the FY2026 name as OtherFunder (a loss: import reads 46 back).
 */
const otherFunder = (codes: readonly string[]): CombinedCode[] =>
  codes.map((code) => ({
    table: 'Funder',
    model: { Funder: code },
    xml: { Funder: '46', OtherFunder: codeList('2.06.1').codes.find((c) => c.code === code)?.label ?? code },
    exportOnly: true,
  }));

export const COMBINED_CODES: Readonly<Record<XmlVersion, readonly CombinedCode[]>> = {
  FY2022: [
    ...otherFunder(['53', '54', '55', '56']),
    { table: 'Project', model: { ProjectType: '0' }, xml: { ProjectType: '1', TrackingMethod: '0' } },
    { table: 'Project', model: { ProjectType: '1' }, xml: { ProjectType: '1', TrackingMethod: '3' } },
    ...subsidies('Enrollment', 'LivingSituation', 'RentalSubsidyType'),
    ...subsidies('Exit', 'Destination', 'DestinationSubsidyType'),
    ...subsidies('CurrentLivingSituation', 'CurrentLivingSituation', 'CLSSubsidyType'),
  ],
  'v6.1.2': [
    // v6.1.2 also has one emergency shelter type and a TrackingMethod.
    { table: 'Project', model: { ProjectType: '0' }, xml: { ProjectType: '1', TrackingMethod: '0' } },
    { table: 'Project', model: { ProjectType: '1' }, xml: { ProjectType: '1', TrackingMethod: '3' } },
    // v6.1.2 has one Race code; FY2026 a yes/no column per race. A client of several races goes
    // out as the first of them (a loss the export cannot count: the column it reads is set).
    ...(['AmIndAKNative', 'Asian', 'BlackAfAmerican', 'NativeHIPacific', 'White'] as const).map(
      (field, i): CombinedCode => ({ table: 'Client', model: { [field]: '1' }, xml: { Race: String(i + 1) } }),
    ),
    ...(['8', '9', '99'] as const).map((code): CombinedCode => ({ table: 'Client', model: { RaceNone: code }, xml: { Race: code } })),
  ],
};

/** Required elements with no FY2026 field, written from another column of the row on export. */
export const EXPORT_DEFAULTS: Readonly<Record<XmlVersion, Readonly<Record<string, Readonly<Record<string, string>>>>>> = {
  FY2022: {},
  // v6.1.2 counted the beds that take part in HMIS; FY2026 records participation per project.
  'v6.1.2': { Inventory: { HMISParticipatingBeds: 'BedInventory' } },
};
