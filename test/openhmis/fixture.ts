/**
 * A small store holding the records seed 001's examples show, written as FY2026 rows from the
 * seed's text (client 336788 Renee Mover, 518207 Sheis Test; enrollments 46521 and 46932), plus
 * the organizations, projects and CoCs the consent and scope tests need. Written straight to the
 * record log (the seed's sample data predates FY2026 rules: a DOB in 2045, for one), then served.
 */
import { createApp } from '../../src/api/app.ts';
import { table } from '../../src/model/index.ts';
import { AuditLog } from '../../src/security/audit.ts';
import { ConsentBook } from '../../src/security/consent.ts';
import { UserDirectory } from '../../src/security/users.ts';
import { EmbeddedStore } from '../../src/store/embedded-store.ts';
import type { Operation } from '../../src/store/operations.ts';
import { RecordStore } from '../../src/store/record-store.ts';
import { removeTempDirs, tempDir } from '../helpers/exports.ts';
import { ADMIN_TOKEN, BASE, type Server } from '../hmis-api/helpers.ts';

export const SOURCE = 'openhmis-seed';
const EXPORT_ID = 'seed-001';
const CREATED = '2003-03-03 00:00:00';

/** A row of `name` in the model's column order; unnamed columns empty. */
export function row(name: string, values: Record<string, string>): string[] {
  const spec = table(name);
  for (const key of Object.keys(values))
    if (!spec.fields.some((f) => f.name === key)) throw new Error(`${name} has no column ${key}`);
  return spec.fields.map((f) => values[f.name] ?? '');
}

const meta = (created = CREATED, updated = '2015-05-08 00:00:00') => ({
  DateCreated: created,
  DateUpdated: updated,
  UserID: 'seed',
  ExportID: EXPORT_ID,
});

const NOT_VETERAN_DETAILS = {
  WorldWarII: '99',
  KoreanWar: '99',
  VietnamWar: '99',
  DesertStorm: '99',
  AfghanistanOEF: '99',
  IraqOIF: '99',
  IraqOND: '99',
  OtherTheater: '99',
  MilitaryBranch: '99',
  DischargeStatus: '99',
};

/** The seed's two clients, column by column from its example (gender and otherGender have no home). */
export const SEED_CLIENTS = [
  row('Client', {
    PersonalID: '336788',
    FirstName: 'Renee',
    LastName: 'Mover',
    NameDataQuality: '99',
    SSN: '459834818',
    SSNDataQuality: '1',
    DOB: '2045-01-24',
    DOBDataQuality: '1',
    AmIndAKNative: '0',
    Asian: '0',
    BlackAfAmerican: '0',
    HispanicLatinao: '0',
    MidEastNAfrican: '0',
    NativeHIPacific: '0',
    White: '1',
    RaceNone: '8',
    VeteranStatus: '0',
    ...NOT_VETERAN_DETAILS,
    ...meta('2003-03-03 00:00:00'),
  }),
  row('Client', {
    PersonalID: '518207',
    FirstName: 'Sheis',
    MiddleName: 'A',
    LastName: 'Test',
    NameSuffix: 'Ms',
    NameDataQuality: '99',
    SSN: '927754675',
    SSNDataQuality: '99',
    DOB: '2049-12-31',
    DOBDataQuality: '1',
    AmIndAKNative: '0',
    Asian: '0',
    BlackAfAmerican: '0',
    HispanicLatinao: '0',
    MidEastNAfrican: '0',
    NativeHIPacific: '0',
    White: '1',
    RaceNone: '8',
    VeteranStatus: '0',
    ...NOT_VETERAN_DETAILS,
    ...meta('2005-06-28 00:00:00'),
  }),
];

/** Further synthetic clients: one for the search example (J*), one served by project P-B only. */
const OTHER_CLIENTS = [
  row('Client', {
    PersonalID: '336825',
    FirstName: 'Jordan',
    LastName: 'Sample',
    NameDataQuality: '1',
    SSN: '123451234',
    SSNDataQuality: '1',
    DOB: '1990-04-01',
    DOBDataQuality: '1',
    AmIndAKNative: '0',
    Asian: '1',
    BlackAfAmerican: '0',
    HispanicLatinao: '1',
    MidEastNAfrican: '0',
    NativeHIPacific: '0',
    White: '0',
    Sex: '1',
    VeteranStatus: '0',
    ...meta('2005-06-14 00:00:00', '2024-02-01 09:30:00'),
  }),
  row('Client', {
    PersonalID: 'C-B1',
    FirstName: 'Jamie',
    LastName: 'Elsewhere',
    NameDataQuality: '1',
    SSN: '987650000',
    SSNDataQuality: '1',
    DOB: '1985-07-09',
    DOBDataQuality: '1',
    AmIndAKNative: '0',
    Asian: '0',
    BlackAfAmerican: '1',
    HispanicLatinao: '0',
    MidEastNAfrican: '0',
    NativeHIPacific: '0',
    White: '0',
    Sex: '0',
    VeteranStatus: '1',
    ...meta('2020-01-01 00:00:00', '2020-01-01 00:00:00'),
  }),
];

const ENROLLMENT_DEFAULTS = {
  RelationshipToHoH: '99',
  LivingSituation: '99',
  LengthOfStay: '99',
  TimesHomelessPastThreeYears: '99',
  MonthsHomelessPastThreeYears: '99',
  DisablingCondition: '99',
  // The seed's epoch milliseconds 1438812702284 are 2015-08-05 (UTC).
  MoveInDate: '2015-08-05',
  DateOfPATHStatus: '2015-08-05',
  ClientEnrolledInPATH: '99',
  ReasonNotEnrolled: '99',
  PercentAMI: '99',
  ReferralSource: '99',
  CountOutreachReferralApproaches: '0',
  DateOfBCPStatus: '2015-08-05',
  EligibleForRHY: '99',
  ReasonNoServices: '99',
  FormerWardChildWelfare: '99',
  ChildWelfareYears: '99',
  ChildWelfareMonths: '0',
  FormerWardJuvenileJustice: '99',
  JuvenileJusticeYears: '99',
  JuvenileJusticeMonths: '0',
  UnemploymentFam: '99',
  MentalHealthDisorderFam: '99',
  PhysicalDisabilityFam: '99',
  AlcoholDrugUseDisorderFam: '99',
  InsufficientIncome: '99',
  IncarceratedParent: '99',
};

export const SEED_ENROLLMENTS = [
  row('Enrollment', {
    EnrollmentID: '46521',
    PersonalID: '336788',
    ProjectID: 'P-A',
    EntryDate: '2005-06-07',
    ...ENROLLMENT_DEFAULTS,
    ...meta('2005-06-08 00:00:00'),
  }),
  row('Enrollment', {
    EnrollmentID: '46932',
    PersonalID: '336825',
    ProjectID: 'P-A',
    EntryDate: '2005-06-14',
    ...ENROLLMENT_DEFAULTS,
    ...meta('2005-06-15 00:00:00'),
  }),
];

const put = (name: string, values: Record<string, string>): Operation => ({
  op: 'put',
  source: SOURCE,
  table: name,
  row: row(name, values),
});

const STRUCTURE: Operation[] = [
  put('Export', {
    ExportID: EXPORT_ID,
    SourceType: '3',
    ExportDate: '2015-05-08 00:00:00',
    ExportStartDate: '2015-01-01',
    ExportEndDate: '2015-05-08',
    SourceName: 'OpenHMIS seed fixture',
    SoftwareName: 'OpenHMIS seed fixture',
    ExportPeriodType: '4',
    ExportDirective: '2',
    HashStatus: '1',
    ImplementationID: 'openhmis-seed',
  }),
  ...['ORG-A', 'ORG-B', 'ORG-C'].map((id) =>
    put('Organization', {
      OrganizationID: id,
      OrganizationName: `Organization ${id}`,
      VictimServiceProvider: '0',
      ...meta(),
    }),
  ),
  ...[
    ['P-A', 'ORG-A', 'XX-500'],
    ['P-B', 'ORG-B', 'XX-500'],
    ['P-C', 'ORG-C', 'XX-501'],
  ].flatMap(([id, org, coc]) => [
    put('Project', {
      ProjectID: id as string,
      OrganizationID: org as string,
      ProjectName: `Project ${id}`,
      OperatingStartDate: '2000-01-01',
      ContinuumProject: '1',
      ProjectType: '1',
      HousingType: '1',
      ...meta(),
    }),
    put('ProjectCoC', {
      ProjectCoCID: `PC-${id}`,
      ProjectID: id as string,
      CoCCode: coc as string,
      Geocode: '000510',
      ...meta(),
    }),
  ]),
  put('User', { UserFirstName: 'Seed', ...meta() }), // meta() names UserID seed
];

export const puts = (name: string, rows: readonly string[][]): Operation[] =>
  rows.map((r) => ({ op: 'put', source: SOURCE, table: name, row: r }));

export interface SeedServer extends Server {
  readonly consents: ConsentBook;
}

export async function openSeedServer(): Promise<SeedServer> {
  const dir = tempDir('hearth-openhmis-');
  const log = await RecordStore.open({ dir });
  await log.commit([
    ...STRUCTURE,
    ...puts('Client', [...SEED_CLIENTS, ...OTHER_CLIENTS]),
    ...puts('Enrollment', [
      ...SEED_ENROLLMENTS,
      row('Enrollment', {
        EnrollmentID: 'E-B1',
        PersonalID: 'C-B1',
        ProjectID: 'P-B',
        EntryDate: '2020-01-02',
        HouseholdID: 'H-B1',
        RelationshipToHoH: '1',
        EnrollmentCoC: 'XX-500',
        DisablingCondition: '0',
        ...meta('2020-01-02 00:00:00', '2020-01-02 00:00:00'),
      }),
    ]),
  ]);
  await log.close();
  const store = await EmbeddedStore.open({ dir, baseIri: BASE });
  await store.indexReady;
  const users = new UserDirectory(dir);
  const audit = new AuditLog(dir);
  const consents = new ConsentBook(dir);
  const config = { dataDir: dir, baseIri: BASE, port: 0, maxQuads: undefined };
  const app = createApp({ store, config, adminToken: ADMIN_TOKEN, users, audit, consents });
  return { store, app, users, audit, dir, source: SOURCE, consents };
}

export async function closeSeedServer(server: SeedServer | undefined): Promise<void> {
  await server?.audit.close();
  await server?.store.close();
  removeTempDirs();
}
