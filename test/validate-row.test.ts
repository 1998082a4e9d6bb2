import { describe, expect, it } from 'vitest';
import { RULES } from '../src/model/fy2026/rules.ts';
import { PII_COLUMNS, type Rule, type TableSpec, table } from '../src/model/index.ts';
import { compileTableValidator, type Violation, validateRow } from '../src/validate/row.ts';
import { codePointLength, excerpt, isDate, isDateTime, isInteger, isMoney } from '../src/validate/values.ts';

const HOSTILE = [
  "'; DROP TABLE Client; --",
  '<x>',
  '<script>alert(1)</script>',
  '😀',
  '{{7*7}} $(reboot)',
  'a\u0000b',
  'line\nbreak',
  '\u202eevil',
  'x'.repeat(10_000),
];

/** A row of the table from column values; every other column null. */
function row(spec: TableSpec, values: Record<string, string>): string[] {
  const out = spec.fields.map(() => '');
  for (const [column, value] of Object.entries(values)) {
    const index = spec.fields.findIndex((f) => f.name === column);
    if (index < 0) throw new Error(`${spec.name}.${column} unknown`);
    out[index] = value;
  }
  return out;
}

const AUDIT = {
  DateCreated: '2024-01-31 08:00:00',
  DateUpdated: '2024-02-01 17:30:59',
  UserID: 'U1',
  ExportID: 'E1',
};
const project = table('Project');
const enrollment = table('Enrollment');
const client = table('Client');
const services = table('Services');
const disabilities = table('Disabilities');
const exit = table('Exit');
const income = table('IncomeBenefits');

const validProject = {
  ProjectID: 'P1',
  OrganizationID: 'O1',
  ProjectName: 'Shelter',
  OperatingStartDate: '2020-01-01',
  ContinuumProject: '1',
  ProjectType: '0',
  ...AUDIT,
};
const validClient = {
  PersonalID: 'C1',
  NameDataQuality: '1',
  SSNDataQuality: '99',
  DOBDataQuality: '99',
  AmIndAKNative: '0',
  Asian: '0',
  BlackAfAmerican: '0',
  HispanicLatinao: '0',
  MidEastNAfrican: '0',
  NativeHIPacific: '0',
  White: '1',
  VeteranStatus: '0',
  ...AUDIT,
};
const validEnrollment = {
  EnrollmentID: 'N1',
  PersonalID: 'C1',
  ProjectID: 'P1',
  EntryDate: '2024-02-29',
  HouseholdID: 'H1',
  RelationshipToHoH: '1',
  EnrollmentCoC: 'XX-501',
  DisablingCondition: '0',
  ...AUDIT,
};
const validService = {
  ServicesID: 'S1',
  EnrollmentID: 'N1',
  PersonalID: 'C1',
  DateProvided: '2024-03-01',
  RecordType: '144',
  TypeProvided: '3',
  SubTypeProvided: '1',
  ...AUDIT,
};
const validDisability = {
  DisabilitiesID: 'D1',
  EnrollmentID: 'N1',
  PersonalID: 'C1',
  InformationDate: '2024-03-01',
  DisabilityType: '10',
  DisabilityResponse: '3',
  DataCollectionStage: '1',
  ...AUDIT,
};
const validExit = {
  ExitID: 'X1',
  EnrollmentID: 'N1',
  PersonalID: 'C1',
  ExitDate: '2024-04-01',
  Destination: '435',
  DestinationSubsidyType: '419',
  ...AUDIT,
};
const validIncome = {
  IncomeBenefitsID: 'I1',
  EnrollmentID: 'N1',
  PersonalID: 'C1',
  InformationDate: '2024-03-01',
  TotalMonthlyIncome: '1234.50',
  DataCollectionStage: '1',
  ...AUDIT,
};

const rulesOf = (v: Violation[]) => v.map((x) => `${x.column}:${x.rule}`);

describe('value checks', () => {
  it('integers: optional minus and digits, 32-bit signed', () => {
    for (const ok of ['0', '7', '-1', '2147483647', '-2147483648', '007', '999999999'])
      expect(isInteger(ok), ok).toBe(true);
    for (const bad of [
      '',
      '-',
      '+1',
      '1.0',
      '1e3',
      ' 1',
      '1 ',
      '0x10',
      '2147483648',
      '-2147483649',
      '9999999999',
      '١',
    ]) {
      expect(isInteger(bad), bad).toBe(false);
    }
  });

  it('dates: real calendar dates YYYY-MM-DD', () => {
    for (const ok of ['2024-02-29', '2000-02-29', '1999-12-31', '0001-01-01', '2023-04-30'])
      expect(isDate(ok), ok).toBe(true);
    for (const bad of [
      '2023-02-29',
      '1900-02-29',
      '2024-04-31',
      '2024-13-01',
      '2024-00-10',
      '2024-01-00',
      '0000-01-01',
      '2024-1-01',
      '2024/01/01',
      '01/31/2024',
      '2024-01-01 00:00:00',
      '2024-01-0a',
      '２０２４-01-01',
    ]) {
      expect(isDate(bad), bad).toBe(false);
    }
  });

  it('timestamps: YYYY-MM-DD hh:mm:ss with a real date and time', () => {
    for (const ok of ['2024-02-29 23:59:59', '2024-01-01 00:00:00']) expect(isDateTime(ok), ok).toBe(true);
    for (const bad of [
      '2024-01-01',
      '2024-01-01T00:00:00',
      '2024-01-01 24:00:00',
      '2024-01-01 12:60:00',
      '2024-01-01 12:00:60',
      '2023-02-29 12:00:00',
      '2024-01-01 12:00:00Z',
      '2024-01-01 12:00:00.000',
      '2024-01-01 1:00:00',
    ]) {
      expect(isDateTime(bad), bad).toBe(false);
    }
  });

  it('money: at most 2 decimals; M+ is never negative', () => {
    for (const ok of ['0', '10', '10.5', '10.50', '123456789012.99']) {
      expect(isMoney(ok, true), ok).toBe(true);
      expect(isMoney(ok, false), ok).toBe(true);
    }
    expect(isMoney('-10.50', false)).toBe(true);
    for (const bad of ['-10.50', '-0']) expect(isMoney(bad, true), bad).toBe(false);
    for (const bad of ['', '.5', '10.', '10.505', '1,000', '$10', '1e3', '10.5a', '-', ' 1']) {
      expect(isMoney(bad, false), bad).toBe(false);
    }
  });

  it('counts code points, not UTF-16 units', () => {
    expect(codePointLength('😀😀')).toBe(2);
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('\ud83d')).toBe(1); // a lone surrogate is one
  });

  it('excerpts are at most 100 characters and contain no control characters', () => {
    expect(excerpt('x'.repeat(10_000))).toHaveLength(100);
    expect(Array.from(excerpt('😀'.repeat(150)))).toHaveLength(100);
    expect(excerpt('😀'.repeat(100))).toBe('😀'.repeat(100));
    expect(excerpt('a\nb\u0000c')).toBe('a\ufffdb\ufffdc');
    expect(excerpt('x'.repeat(100))).toBe('x'.repeat(100));
  });
});

describe('validateRow: columns', () => {
  it('accepts valid rows', () => {
    expect(validateRow(project, row(project, validProject))).toEqual([]);
    expect(validateRow(client, row(client, validClient))).toEqual([]);
    expect(validateRow(enrollment, row(enrollment, validEnrollment))).toEqual([]);
    expect(validateRow(services, row(services, validService))).toEqual([]);
    expect(validateRow(disabilities, row(disabilities, validDisability))).toEqual([]);
    expect(validateRow(exit, row(exit, validExit))).toEqual([]);
    expect(validateRow(income, row(income, validIncome))).toEqual([]);
  });

  it('reports every missing required column', () => {
    const violations = validateRow(project, row(project, {}));
    const required = project.fields.filter((f) => !f.nullable).map((f) => `${f.name}:required`);
    expect(rulesOf(violations)).toEqual(required);
    expect(violations[0]).toEqual({
      column: 'ProjectID',
      value: '',
      rule: 'required',
      message: 'ProjectID is required',
    });
  });

  it('treats a short row as nulls in the missing columns', () => {
    expect(rulesOf(validateRow(project, ['P1']))).toContain('ProjectName:required');
  });

  it('reports wrong types with the expected format', () => {
    const violations = validateRow(
      enrollment,
      row(enrollment, {
        ...validEnrollment,
        EntryDate: '2023-02-29',
        RelationshipToHoH: 'one',
        DateCreated: '2024-01-31T08:00:00',
        LengthOfStay: '2147483648',
      }),
    );
    expect(violations).toEqual([
      {
        column: 'EntryDate',
        value: '2023-02-29',
        rule: 'type',
        message: 'EntryDate must be a date YYYY-MM-DD; got 2023-02-29',
      },
      {
        column: 'RelationshipToHoH',
        value: 'one',
        rule: 'type',
        message: 'RelationshipToHoH must be an integer (32-bit); got one',
      },
      expect.objectContaining({ column: 'LengthOfStay', rule: 'type' }),
      {
        column: 'DateCreated',
        value: '2024-01-31T08:00:00',
        rule: 'type',
        message: 'DateCreated must be a date and time YYYY-MM-DD hh:mm:ss; got 2024-01-31T08:00:00',
      },
    ]);
  });

  it('checks money columns, M+ non-negative', () => {
    const v = validateRow(
      income,
      row(income, { ...validIncome, TotalMonthlyIncome: '-5', EarnedAmount: '1.234' }),
    );
    expect(rulesOf(v)).toEqual(['TotalMonthlyIncome:type', 'EarnedAmount:type']);
    expect(v[0]?.message).toBe(
      'TotalMonthlyIncome must be a non-negative amount with at most 2 decimals, e.g. 1234.50; got -5',
    );
    const fa = validateRow(
      services,
      row(services, {
        ...validService,
        RecordType: '152',
        TypeProvided: '1',
        SubTypeProvided: '',
        FAAmount: '-20.5',
      }),
    );
    expect(fa).toEqual([]); // M allows negative amounts
  });

  it('checks string lengths in code points', () => {
    const name = 'x'.repeat(200);
    expect(validateRow(project, row(project, { ...validProject, ProjectName: name }))).toEqual([]);
    const long = validateRow(project, row(project, { ...validProject, ProjectName: `${name}y` }));
    expect(long).toEqual([
      {
        column: 'ProjectName',
        value: `${'x'.repeat(99)}…`,
        rule: 'maxLength',
        message: 'ProjectName must be at most 200 characters; got 201',
      },
    ]);
    // 200 emoji are 400 UTF-16 units but 200 characters.
    expect(validateRow(project, row(project, { ...validProject, ProjectName: '😀'.repeat(200) }))).toEqual(
      [],
    );
    expect(
      rulesOf(validateRow(project, row(project, { ...validProject, ProjectName: '😀'.repeat(201) }))),
    ).toEqual(['ProjectName:maxLength']);
  });

  it('checks fixed code lists', () => {
    const v = validateRow(
      project,
      row(project, { ...validProject, ProjectType: '5', ContinuumProject: '2' }),
    );
    expect(v).toEqual([
      {
        column: 'ContinuumProject',
        value: '2',
        rule: 'codeList',
        message: 'ContinuumProject must be a code of list 1.10; got 2',
      },
      expect.objectContaining({ column: 'ProjectType', rule: 'codeList' }),
    ]);
    // Codes are exact strings: no leading zeros, no spaces.
    expect(rulesOf(validateRow(project, row(project, { ...validProject, ProjectType: '01' })))).toEqual([
      'ProjectType:codeList',
    ]);
    // A string list (VAMCStation, list V6.1) with non-integer codes.
    expect(validateRow(enrollment, row(enrollment, { ...validEnrollment, VAMCStation: '589A5' }))).toEqual(
      [],
    );
    expect(
      rulesOf(validateRow(enrollment, row(enrollment, { ...validEnrollment, VAMCStation: '589Z9' }))),
    ).toEqual(['VAMCStation:codeList']);
  });

  it('rejects hostile values in every kind of column, echoing at most 100 characters', () => {
    const columns: [TableSpec, string, Record<string, string>][] = [
      [project, 'ProjectType', validProject],
      [project, 'OperatingStartDate', validProject],
      [project, 'DateCreated', validProject],
      [income, 'TotalMonthlyIncome', validIncome],
      [enrollment, 'EnrollmentCoC', validEnrollment],
      [enrollment, 'RelationshipToHoH', validEnrollment],
      [services, 'TypeProvided', { ...validService, SubTypeProvided: '' }],
      [client, 'SSN', validClient],
    ];
    for (const [spec, column, valid] of columns) {
      for (const value of HOSTILE) {
        const violations = validateRow(spec, row(spec, { ...valid, [column]: value }));
        expect(violations.length, `${column} ${value.slice(0, 20)}`).toBeGreaterThan(0);
        expect(violations.every((v) => v.column === column)).toBe(true);
        for (const v of violations) {
          expect(Array.from(v.value).length).toBeLessThanOrEqual(100);
          expect(v.message.length).toBeLessThan(400);
          expect([...v.message].some((ch) => (ch.codePointAt(0) ?? 0) < 32)).toBe(false);
        }
      }
    }
  });

  it('accepts hostile but short text in free-text columns (it is data, not code)', () => {
    for (const value of HOSTILE.filter((v) => v.length <= 200)) {
      expect(validateRow(project, row(project, { ...validProject, ProjectName: value }))).toEqual([]);
    }
    expect(
      rulesOf(validateRow(project, row(project, { ...validProject, ProjectName: 'x'.repeat(10_000) }))),
    ).toEqual(['ProjectName:maxLength']);
  });

  it('never puts identifying values into messages', () => {
    const ssn = '12345678Z';
    const dob = '1990-02-30';
    const v = validateRow(
      client,
      row(client, { ...validClient, SSN: ssn, DOB: dob, FirstName: 'N'.repeat(51) }),
    );
    expect(rulesOf(v)).toEqual(['FirstName:maxLength', 'SSN:pattern', 'DOB:type']);
    for (const x of v) {
      expect(PII_COLUMNS.has(x.column)).toBe(true);
      expect(x.message).not.toContain(ssn);
      expect(x.message).not.toContain(dob);
      expect(x.message).not.toContain('NNNNN');
    }
    expect(v[1]?.value).toBe(ssn); // the value itself is for the caller, who redacts reports
  });
});

describe('validateRow: rules', () => {
  it('DisabilityResponse uses list 4.10.2 for substance use disorder, else 1.8', () => {
    const check = (type: string, response: string) =>
      validateRow(
        disabilities,
        row(disabilities, { ...validDisability, DisabilityType: type, DisabilityResponse: response }),
      );
    expect(check('10', '3')).toEqual([]);
    expect(check('10', '1')).toEqual([]);
    expect(check('5', '1')).toEqual([]);
    expect(check('10', '7')).toEqual([
      {
        column: 'DisabilityResponse',
        value: '7',
        rule: 'listWhen',
        message: 'DisabilityResponse must be a code of list 4.10.2 when DisabilityType is 10; got 7',
      },
    ]);
    expect(check('5', '3')).toEqual([
      expect.objectContaining({
        rule: 'listWhen',
        message:
          'DisabilityResponse must be a code of list 1.8 when DisabilityType is one of 5, 6, 7, 8, 9; got 3',
      }),
    ]);
    // A type error is reported once, not again as a list violation.
    expect(rulesOf(check('10', 'yes'))).toEqual(['DisabilityResponse:type']);
  });

  it('HIV fields need DisabilityType 8 and DisabilityResponse 1, and chain', () => {
    const hiv = { ...validDisability, DisabilityType: '8', DisabilityResponse: '1' };
    const ok = { ...hiv, TCellCountAvailable: '1', TCellCount: '500', TCellSource: '1', AntiRetroviral: '1' };
    expect(validateRow(disabilities, row(disabilities, ok))).toEqual([]);
    expect(rulesOf(validateRow(disabilities, row(disabilities, { ...ok, DisabilityResponse: '0' })))).toEqual(
      ['TCellCountAvailable:nullUnless', 'AntiRetroviral:nullUnless'],
    );
    expect(rulesOf(validateRow(disabilities, row(disabilities, { ...ok, TCellCount: '' })))).toEqual([
      'TCellSource:nullUnless',
    ]);
  });

  it('Services: TypeProvided per RecordType, SubTypeProvided per TypeProvided, FAAmount only for 151/152', () => {
    const check = (values: Record<string, string>) =>
      validateRow(services, row(services, { ...validService, ...values }));
    expect(check({ RecordType: '200', TypeProvided: '200', SubTypeProvided: '' })).toEqual([]);
    expect(check({ RecordType: '200', TypeProvided: '1', SubTypeProvided: '' })).toEqual([
      expect.objectContaining({
        message: 'TypeProvided must be a code of list 4.14 when RecordType is 200; got 1',
      }),
    ]);
    expect(check({ TypeProvided: '4', SubTypeProvided: '99' })).toEqual([
      expect.objectContaining({ column: 'SubTypeProvided', rule: 'listWhen' }),
    ]);
    expect(check({ TypeProvided: '5', SubTypeProvided: '1' })).toEqual([]);
    expect(check({ TypeProvided: '1', SubTypeProvided: '1' })).toEqual([
      expect.objectContaining({
        column: 'SubTypeProvided',
        rule: 'nullUnless',
        message:
          'SubTypeProvided must be null unless RecordType is 144 and TypeProvided is one of 3, 4, 5; got 1',
      }),
    ]);
    expect(check({ TypeProvided: '6', SubTypeProvided: '', OtherTypeProvided: 'Haircut' })).toEqual([]);
    expect(check({ TypeProvided: '2', SubTypeProvided: '', OtherTypeProvided: 'Haircut' })).toEqual([
      expect.objectContaining({
        message:
          'OtherTypeProvided must be null unless (RecordType is 144 and TypeProvided is 6) or (RecordType is 210 and TypeProvided is 12); got Haircut',
      }),
    ]);
    expect(rulesOf(check({ SubTypeProvided: '', TypeProvided: '1', FAAmount: '100.00' }))).toEqual([
      'FAAmount:nullUnless',
    ]);
  });

  it('Enrollment and CurrentLivingSituation reject living situations HUD excludes there', () => {
    const e = validateRow(enrollment, row(enrollment, { ...validEnrollment, LivingSituation: '24' }));
    expect(e).toEqual([
      {
        column: 'LivingSituation',
        value: '24',
        rule: 'notInList',
        message: 'LivingSituation must not be 24 (Deceased): not allowed in this column',
      },
    ]);
    expect(validateRow(enrollment, row(enrollment, { ...validEnrollment, LivingSituation: '116' }))).toEqual(
      [],
    );
    const cls = table('CurrentLivingSituation');
    const base = {
      CurrentLivingSitID: 'L1',
      EnrollmentID: 'N1',
      PersonalID: 'C1',
      InformationDate: '2024-01-01',
      ...AUDIT,
    };
    expect(validateRow(cls, row(cls, { ...base, CurrentLivingSituation: '17' }))).toEqual([]); // 17 is allowed here
    expect(rulesOf(validateRow(cls, row(cls, { ...base, CurrentLivingSituation: '30' })))).toEqual([
      'CurrentLivingSituation:notInList',
    ]);
    expect(
      rulesOf(
        validateRow(cls, row(cls, { ...base, CurrentLivingSituation: '116', LeaveSituation14Days: '1' })),
      ),
    ).toEqual(['LeaveSituation14Days:nullUnless']);
  });

  it('EnrollmentCoC is required for heads of household only', () => {
    const check = (values: Record<string, string>) =>
      rulesOf(validateRow(enrollment, row(enrollment, { ...validEnrollment, ...values })));
    expect(check({ EnrollmentCoC: '' })).toEqual(['EnrollmentCoC:requiredWhen']);
    expect(check({ EnrollmentCoC: '', RelationshipToHoH: '2' })).toEqual([]);
    expect(check({ EnrollmentCoC: 'XX-50', RelationshipToHoH: '2' })).toEqual(['EnrollmentCoC:pattern']);
  });

  it('resolves data element numbers: RentalSubsidyType needs LivingSituation (3.917.1) = 435', () => {
    const ok = { ...validEnrollment, LivingSituation: '435', RentalSubsidyType: '419' };
    expect(validateRow(enrollment, row(enrollment, ok))).toEqual([]);
    expect(validateRow(enrollment, row(enrollment, { ...ok, LivingSituation: '410' }))).toEqual([
      {
        column: 'RentalSubsidyType',
        value: '419',
        rule: 'nullUnless',
        message: 'RentalSubsidyType must be null unless LivingSituation is 435; got 419',
      },
    ]);
  });

  it('Exit: SubsidyInformation by HousingAssessment (W5.1), Destination exclusions', () => {
    const check = (values: Record<string, string>) =>
      rulesOf(validateRow(exit, row(exit, { ...validExit, ...values })));
    expect(check({ HousingAssessment: '1', SubsidyInformation: '3' })).toEqual([]);
    expect(check({ HousingAssessment: '1', SubsidyInformation: '11' })).toEqual([
      'SubsidyInformation:listWhen',
    ]);
    expect(check({ HousingAssessment: '2', SubsidyInformation: '12' })).toEqual([]);
    expect(check({ HousingAssessment: '2', SubsidyInformation: '1' })).toEqual([
      'SubsidyInformation:listWhen',
    ]);
    expect(check({ Destination: '37', DestinationSubsidyType: '' })).toEqual(['Destination:notInList']);
    expect(check({ Destination: '410' })).toEqual(['DestinationSubsidyType:nullUnless']);
    expect(check({ CounselingReceived: '1', SessionCountAtExit: '0' })).toEqual(['SessionCountAtExit:range']);
    expect(check({ AftercareDate: '2024-05-01' })).toEqual(['AftercareDate:nullUnless']);
    expect(check({ AftercareDate: '2024-05-01', AftercareProvided: '1', Telephone: '1' })).toEqual([]);
  });

  it('Project: conditionally required columns', () => {
    const check = (values: Record<string, string>) =>
      rulesOf(validateRow(project, row(project, { ...validProject, ...values })));
    expect(check({ ProjectType: '' })).toEqual(['ProjectType:requiredWhen']);
    expect(check({ ProjectType: '', ContinuumProject: '0' })).toEqual([]);
    expect(check({ ProjectType: '13' })).toEqual(['RRHSubType:requiredWhen']);
    expect(check({ ProjectType: '13', RRHSubType: '1' })).toEqual(['ResidentialAffiliation:requiredWhen']);
    expect(check({ ProjectType: '13', RRHSubType: '2' })).toEqual([]);
    expect(check({ ProjectType: '6' })).toEqual(['ResidentialAffiliation:requiredWhen']);
    expect(validateRow(project, row(project, { ...validProject, ProjectType: '6' }))[0]?.message).toBe(
      'ResidentialAffiliation is required when ProjectType is 6 or (ProjectType is 13 and RRHSubType is 1)',
    );
  });

  it('Client: YearEnteredService between 1920 and the current year; RaceNone only without a race', () => {
    const year = String(new Date().getFullYear());
    const check = (values: Record<string, string>) =>
      validateRow(client, row(client, { ...validClient, ...values }));
    expect(check({ YearEnteredService: '1920', YearSeparated: year })).toEqual([]);
    expect(check({ YearEnteredService: '1919' })).toEqual([
      {
        column: 'YearEnteredService',
        value: '1919',
        rule: 'range',
        message: `YearEnteredService must be between 1920 and ${year}; got 1919`,
      },
    ]);
    expect(rulesOf(check({ YearSeparated: String(Number(year) + 1) }))).toEqual(['YearSeparated:range']);
    expect(rulesOf(check({ RaceNone: '8' }))).toEqual(['RaceNone:nullUnless']);
    expect(check({ White: '0', RaceNone: '8' })).toEqual([]);
  });

  it('Export: SourceID required for an HMIS (SourceType 1), SourceName for any other source', () => {
    const spec = table('Export');
    const base = {
      ExportID: 'E1',
      ExportDate: '2024-10-01 12:00:00',
      ExportStartDate: '2023-10-01',
      ExportEndDate: '2024-09-30',
      SoftwareName: 'Hearth',
      ExportPeriodType: '3',
      ExportDirective: '2',
      HashStatus: '1',
      ImplementationID: 'I1',
    };
    const check = (values: Record<string, string>) =>
      rulesOf(validateRow(spec, row(spec, { ...base, ...values })));
    expect(check({ SourceType: '1', SourceID: 'XX-501;XX-502' })).toEqual([]);
    expect(check({ SourceType: '1' })).toEqual(['SourceID:requiredWhen']);
    for (const type of ['2', '3', '4']) {
      expect(check({ SourceType: type, SourceID: 'warehouse 7' })).toEqual(['SourceName:requiredWhen']);
      expect(check({ SourceType: type, SourceName: 'Agency' })).toEqual([]);
    }
    expect(check({ SourceType: '5', SourceName: 'Agency' })).toEqual(['SourceType:range']);
    expect(check({ SourceType: '1', SourceID: 'XX-501', SourceContactPhone: '212555123x' })).toEqual([
      'SourceContactPhone:pattern',
    ]);
  });

  it('ProjectCoC patterns', () => {
    const coc = table('ProjectCoC');
    const base = { ProjectCoCID: 'PC1', ProjectID: 'P1', CoCCode: 'XX-501', Geocode: '069999', ...AUDIT };
    expect(validateRow(coc, row(coc, { ...base, State: 'NY', ZIP: '02134' }))).toEqual([]);
    expect(validateRow(coc, row(coc, { ...base, CoCCode: 'XX501' }))).toEqual([
      {
        column: 'CoCCode',
        value: 'XX501',
        rule: 'pattern',
        message: 'CoCCode must match ^[a-zA-Z]{2}-[0-9]{3}$; got XX501',
      },
    ]);
    expect(rulesOf(validateRow(coc, row(coc, { ...base, ZIP: '2134' })))).toEqual(['ZIP:pattern']);
  });
});

describe('compileTableValidator', () => {
  it('takes other rules, and rejects rules on unknown columns or of the wrong type', () => {
    const only: Rule[] = [{ kind: 'pattern', table: 'Project', field: 'ProjectName', pattern: '^[A-Z]' }];
    const validate = compileTableValidator(project, only);
    expect(rulesOf(validate(row(project, { ...validProject, ProjectName: 'shelter' })))).toEqual([
      'ProjectName:pattern',
    ]);
    // Without RULES, a missing ProjectType is fine.
    expect(validate(row(project, { ...validProject, ProjectType: '' }))).toEqual([]);
    expect(() =>
      compileTableValidator(project, [
        { kind: 'nullUnless', table: 'Project', field: 'Nope', when: { all: [] } },
      ]),
    ).toThrow(/Nope/);
    expect(() =>
      compileTableValidator(project, [
        { kind: 'nullUnless', table: 'Project', field: 'PITCount', when: { field: 'Nope', in: ['1'] } },
      ]),
    ).toThrow(/Nope/);
    expect(() =>
      compileTableValidator(project, [
        { kind: 'range', table: 'Project', field: 'ProjectName', min: 1, max: 2 },
      ]),
    ).toThrow(/not an integer/);
  });

  it('compiles every table with RULES', () => {
    for (const name of new Set(RULES.map((r) => r.table)))
      expect(() => compileTableValidator(table(name))).not.toThrow();
  });

  it('returns a fresh array per row (callers append to it)', () => {
    const a = validateRow(project, row(project, validProject));
    a.push({ column: 'x', value: '', rule: 'x', message: 'x' });
    expect(validateRow(project, row(project, validProject))).toEqual([]);
  });
});
