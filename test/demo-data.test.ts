import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIRST_NAMES, LAST_NAMES } from '../src/demo/clients.ts';
import { DEMO_DEFAULTS, generateDemoData } from '../src/demo/generate.ts';
import { csvLines } from '../src/export/csv-writer.ts';
import { fieldIndex, TABLES, type TableSpec, table } from '../src/model/index.ts';
import { validateRow } from '../src/validate/row.ts';

type Data = Map<string, string[][]>;

const DEMO_DIR = fileURLToPath(new URL('../demo/fy2026', import.meta.url));
const DEMO_SRC = fileURLToPath(new URL('../src/demo', import.meta.url));

/** The values of one column over a table's rows. */
function column(data: Data, tableName: string, name: string): string[] {
  const index = fieldIndex(table(tableName), name);
  return (data.get(tableName) ?? []).map((row) => row[index] ?? '');
}

/** A table's rows as `{ Column: value }` objects. */
function records(data: Data, tableName: string): Record<string, string>[] {
  const spec = table(tableName);
  return (data.get(tableName) ?? []).map((row) =>
    Object.fromEntries(spec.fields.map((field, i) => [field.name, row[i] ?? ''])),
  );
}

/** Every (child table, column, parent table) foreign key the demo must resolve. */
function foreignKeys(spec: TableSpec): [string, string][] {
  const keys: [string, string][] = spec.links.map((link) => [link.field, link.table]);
  const has = (name: string) => spec.fields.some((f) => f.name === name);
  if (spec.name !== 'Export' && has('ExportID')) keys.push(['ExportID', 'Export']);
  if (spec.name !== 'User' && has('UserID')) keys.push(['UserID', 'User']);
  for (const [name, parent] of [
    ['PersonalID', 'Client'],
    ['EnrollmentID', 'Enrollment'],
    ['ProjectID', 'Project'],
    ['ResProjectID', 'Project'],
  ] as const) {
    if (spec.key !== name && has(name) && !keys.some(([field]) => field === name)) keys.push([name, parent]);
  }
  return keys;
}

function referenceProblems(data: Data): string[] {
  const problems: string[] = [];
  for (const spec of TABLES) {
    for (const [field, parent] of foreignKeys(spec)) {
      const parentKeys = new Set(column(data, parent, table(parent).key));
      for (const value of column(data, spec.name, field)) {
        if (!parentKeys.has(value)) problems.push(`${spec.name}.${field} = ${value} has no ${parent}`);
      }
    }
  }
  return problems;
}

function validationProblems(data: Data): string[] {
  const problems: string[] = [];
  for (const spec of TABLES) {
    for (const row of data.get(spec.name) ?? []) {
      const key = row[fieldIndex(spec, spec.key)];
      for (const v of validateRow(spec, row)) problems.push(`${spec.name} ${key}: ${v.message}`);
    }
  }
  return problems;
}

describe('demo data', () => {
  let data: Data;
  beforeAll(() => {
    data = generateDemoData();
  });

  it('is deterministic: the same options give identical rows, another seed different ones', () => {
    expect(generateDemoData()).toEqual(data);
    expect(generateDemoData({ seed: DEMO_DEFAULTS.seed })).toEqual(data);
    expect(generateDemoData({ seed: 99 })).not.toEqual(data);
  });

  it('never reads the clock or Math.random', () => {
    for (const file of fs.readdirSync(DEMO_SRC)) {
      const source = fs.readFileSync(path.join(DEMO_SRC, file), 'utf8');
      expect(source, file).not.toMatch(/Math\.random\(|Date\.now\(|new Date\(\)/);
    }
  });

  it('has all 24 tables in load order, none empty, every row as wide as its table', () => {
    expect([...data.keys()]).toEqual(TABLES.map((t) => t.name));
    expect(data.size).toBe(24);
    for (const spec of TABLES) {
      const rows = data.get(spec.name) ?? [];
      expect(rows.length, spec.name).toBeGreaterThan(0);
      for (const row of rows) expect(row).toHaveLength(spec.fields.length);
    }
  });

  it('has one Export row: a full refresh of CoC XX-500 by Hearth demo', () => {
    const [exportRow, ...rest] = records(data, 'Export');
    expect(rest).toEqual([]);
    expect(exportRow).toMatchObject({
      SourceType: '1',
      SourceID: 'XX-500',
      SoftwareName: 'Hearth demo',
      ExportDirective: '2',
      ExportEndDate: DEMO_DEFAULTS.today,
    });
  });

  it('has unique primary keys in every table', () => {
    for (const spec of TABLES) {
      const keys = column(data, spec.name, spec.key);
      expect(new Set(keys).size, spec.name).toBe(keys.length);
      expect(
        keys.every((key) => key !== ''),
        spec.name,
      ).toBe(true);
    }
  });

  it('resolves every foreign key', () => {
    expect(referenceProblems(data)).toEqual([]);
  });

  it('keeps PersonalID and EnrollmentID consistent with the parent enrollment and assessment', () => {
    const personOf = new Map(records(data, 'Enrollment').map((e) => [e.EnrollmentID, e.PersonalID]));
    for (const spec of TABLES) {
      if (spec.name === 'Enrollment' || !spec.fields.some((f) => f.name === 'EnrollmentID')) continue;
      for (const r of records(data, spec.name)) {
        expect(r.PersonalID, `${spec.name} ${r[spec.key]}`).toBe(personOf.get(r.EnrollmentID ?? ''));
      }
    }
    const assessments = new Map(records(data, 'Assessment').map((a) => [a.AssessmentID, a.EnrollmentID]));
    for (const name of ['AssessmentQuestions', 'AssessmentResults']) {
      for (const r of records(data, name)) expect(r.EnrollmentID).toBe(assessments.get(r.AssessmentID ?? ''));
    }
  });

  it('passes validateRow for every row (types, lengths, required columns, code lists, rules)', () => {
    expect(validationProblems(data)).toEqual([]);
  });

  it('stays valid and consistent for other seeds, sizes and dates', () => {
    for (const options of [
      { seed: 1, clients: 40 },
      { seed: 2, clients: 5 },
      { seed: 3, clients: 1, today: '2025-02-28' },
      { seed: 4, clients: 120, today: '2024-07-15' },
    ]) {
      const other = generateDemoData(options);
      expect(column(other, 'Client', 'PersonalID'), JSON.stringify(options)).toHaveLength(options.clients);
      expect(validationProblems(other), JSON.stringify(options)).toEqual([]);
      expect(referenceProblems(other), JSON.stringify(options)).toEqual([]);
    }
  });

  it('follows HUD’s cross-record rules that validateRow cannot check', () => {
    const projects = new Map(records(data, 'Project').map((p) => [p.ProjectID, p]));
    const typeOf = (id: string | undefined) => projects.get(id ?? '')?.ProjectType;
    for (const inventory of records(data, 'Inventory')) {
      const emergency = ['0', '1'].includes(typeOf(inventory.ProjectID) ?? '');
      expect(inventory.Availability !== '', 'Availability').toBe(emergency);
      expect(inventory.ESBedType !== '', 'ESBedType').toBe(emergency);
    }
    for (const affiliation of records(data, 'Affiliation')) {
      const services = projects.get(affiliation.ProjectID ?? '');
      const residential = projects.get(affiliation.ResProjectID ?? '');
      const servicesOk =
        services?.ProjectType === '6' || (services?.ProjectType === '13' && services.RRHSubType === '1');
      expect(servicesOk && services?.ResidentialAffiliation === '1').toBe(true);
      expect(['0', '1', '2', '3', '8', '9', '10', '13']).toContain(residential?.ProjectType);
      if (residential?.ProjectType === '13') expect(residential.RRHSubType).toBe('2');
    }
    const cocs = new Set(records(data, 'ProjectCoC').map((p) => `${p.ProjectID}|${p.CoCCode}`));
    for (const e of records(data, 'Enrollment'))
      expect(cocs.has(`${e.ProjectID}|${e.EnrollmentCoC}`)).toBe(true);
    for (const i of records(data, 'Inventory')) expect(cocs.has(`${i.ProjectID}|${i.CoCCode}`)).toBe(true);
    const projectOf = new Map(records(data, 'Enrollment').map((e) => [e.EnrollmentID, e.ProjectID]));
    for (const cls of records(data, 'CurrentLivingSituation')) {
      expect(cls.VerifiedBy !== '').toBe(typeOf(projectOf.get(cls.EnrollmentID ?? '')) === '14');
    }
  });

  it('fills military service (V1) only for veterans', () => {
    const service = table('Client').fields.slice(
      fieldIndex(table('Client'), 'YearEnteredService'),
      fieldIndex(table('Client'), 'DischargeStatus') + 1,
    );
    const clients = records(data, 'Client');
    expect(clients.some((c) => c.VeteranStatus === '1')).toBe(true);
    for (const client of clients) {
      const filled = service.filter((field) => client[field.name] !== '');
      expect(filled.length, client.PersonalID).toBe(client.VeteranStatus === '1' ? service.length : 0);
    }
  });

  it('covers the project types, funders and participation records the demo promises', () => {
    const projects = records(data, 'Project');
    expect(new Set(projects.map((p) => p.ProjectType))).toEqual(
      new Set(['0', '1', '2', '3', '4', '6', '13', '14']),
    );
    expect(records(data, 'Organization').length).toBeGreaterThanOrEqual(2);
    const rrh = projects.filter((p) => p.ProjectType === '13');
    expect(rrh.every((p) => p.RRHSubType !== '')).toBe(true);
    const funded = records(data, 'Funder').filter((f) => f.Funder === '3');
    expect(funded.some((f) => rrh.some((p) => p.ProjectID === f.ProjectID && p.RRHSubType === '2'))).toBe(
      true,
    );
    expect(records(data, 'ProjectCoC').every((p) => p.CoCCode === 'XX-500')).toBe(true);
    const ce = projects.find((p) => p.ProjectType === '14');
    expect(records(data, 'CEParticipation').some((c) => c.ProjectID === ce?.ProjectID)).toBe(true);
    expect(records(data, 'HMISParticipation')).toHaveLength(projects.length);
  });

  it('has households with one head each, and about half of the enrollments exited', () => {
    const enrollments = records(data, 'Enrollment');
    const heads = new Map<string, number>();
    for (const e of enrollments) {
      heads.set(
        e.HouseholdID ?? '',
        (heads.get(e.HouseholdID ?? '') ?? 0) + (e.RelationshipToHoH === '1' ? 1 : 0),
      );
    }
    expect([...heads.values()].every((count) => count === 1)).toBe(true);
    expect(enrollments.some((e) => e.RelationshipToHoH === '2')).toBe(true);
    const exited = records(data, 'Exit').length / enrollments.length;
    expect(exited).toBeGreaterThan(0.35);
    expect(exited).toBeLessThan(0.75);
    expect(column(data, 'Client', 'PersonalID')).toHaveLength(DEMO_DEFAULTS.clients);
  });

  it('keeps every dated record inside its enrollment and on or before today', () => {
    const today = DEMO_DEFAULTS.today;
    const exits = new Map(records(data, 'Exit').map((x) => [x.EnrollmentID, x.ExitDate]));
    const stays = new Map(
      records(data, 'Enrollment').map((e) => [
        e.EnrollmentID,
        [e.EntryDate ?? '', exits.get(e.EnrollmentID) ?? today],
      ]),
    );
    for (const e of records(data, 'Enrollment')) {
      const [entry, last] = stays.get(e.EnrollmentID) as [string, string];
      expect(entry <= last && last <= today).toBe(true);
      if (e.MoveInDate) expect(e.MoveInDate >= entry && e.MoveInDate <= last).toBe(true);
      if (e.DateOfEngagement) expect(e.DateOfEngagement >= entry && e.DateOfEngagement <= last).toBe(true);
    }
    const dateColumns: Record<string, string> = {
      IncomeBenefits: 'InformationDate',
      HealthAndDV: 'InformationDate',
      EmploymentEducation: 'InformationDate',
      Disabilities: 'InformationDate',
      Services: 'DateProvided',
      CurrentLivingSituation: 'InformationDate',
      Assessment: 'AssessmentDate',
      Event: 'EventDate',
      YouthEducationStatus: 'InformationDate',
    };
    for (const [name, dateColumn] of Object.entries(dateColumns)) {
      for (const r of records(data, name)) {
        const [entry, last] = stays.get(r.EnrollmentID ?? '') as [string, string];
        const date = r[dateColumn] ?? '';
        expect(date >= entry && date <= last, `${name} ${date} in ${entry}..${last}`).toBe(true);
      }
    }
    const exportDate = records(data, 'Export')[0]?.ExportDate ?? '';
    for (const spec of TABLES) {
      if (!spec.fields.some((f) => f.name === 'DateUpdated')) continue;
      for (const r of records(data, spec.name)) {
        expect((r.DateCreated ?? '') <= (r.DateUpdated ?? '') && (r.DateUpdated ?? '') <= exportDate).toBe(
          true,
        );
      }
    }
  });

  it('collects six disabilities per enrollment and stage, and several service record types', () => {
    const perStage = new Map<string, number>();
    for (const d of records(data, 'Disabilities')) {
      const key = `${d.EnrollmentID}|${d.DataCollectionStage}`;
      perStage.set(key, (perStage.get(key) ?? 0) + 1);
    }
    expect([...perStage.values()].every((count) => count === 6)).toBe(true);
    const services = records(data, 'Services');
    expect(new Set(services.map((s) => s.RecordType))).toEqual(
      new Set(['141', '143', '144', '151', '152', '161', '200', '300']),
    );
    for (const s of services)
      expect(s.FAAmount !== '').toBe(s.RecordType === '151' || s.RecordType === '152');
  });

  it('uses only obviously synthetic names and SSNs', () => {
    for (const client of records(data, 'Client')) {
      expect(FIRST_NAMES).toContain(client.FirstName);
      if (client.MiddleName) expect(FIRST_NAMES).toContain(client.MiddleName);
      if (client.LastName) expect(LAST_NAMES).toContain(client.LastName);
      // 9xx is never issued as an SSN; 'x' marks digits left out, as HUD allows.
      if (client.SSN) expect(client.SSN).toMatch(/^(9\d{8}|x{5}\d{4})$/);
    }
    expect(LAST_NAMES).toContain('Testperson');
    for (const user of records(data, 'User')) expect(user.UserEmail).toMatch(/@example\.org$/);
  });

  it('matches the committed demo/fy2026 files byte for byte', () => {
    for (const spec of TABLES) {
      const file = path.join(DEMO_DIR, spec.file);
      const committed = fs.readFileSync(file, 'utf8');
      expect(committed, `${spec.file} is stale: run npx tsx scripts/generate-demo.ts`).toBe(
        [...csvLines(spec, data.get(spec.name) ?? [])].join(''),
      );
      const [header, ...rows] = parse(committed) as string[][];
      expect(header).toEqual(spec.fields.map((f) => f.name));
      expect(rows).toEqual(data.get(spec.name));
    }
    expect(fs.readdirSync(DEMO_DIR).sort()).toEqual(TABLES.map((t) => t.file).sort());
  });
});
