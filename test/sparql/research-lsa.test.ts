/**
 * The research graph on HUD's LSA sample: no PII leaves it (every literal scanned for the sample's
 * names, SSNs, DOBs, record keys and free text), HUD's hashing rules checked against an independent
 * computation, and the example research queries (src/research/queries) answer what the CSV says.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importHmisCsv } from '../../src/ingest/import.ts';
import { findTable } from '../../src/model/index.ts';
import { soundex } from '../../src/research/hashing.ts';
import { RESEARCH_QUERIES } from '../../src/research/queries.ts';
import { ResearchIndex } from '../../src/research/research-index.ts';
import { RecordStore } from '../../src/store/record-store.ts';
import { removeTempDirs, tempDir } from '../helpers/exports.ts';
import { type Csv, type CsvRow, live, readCsvZip, rows } from '../hmis-api/helpers.ts';
import { answersFrom, expectedAnswers, plainRows } from './expected.ts';
import { LSA_ZIP } from './helpers.ts';

const HMIS = 'urn:hud:hmis:owl#';
const HEARTH = 'https://w3id.org/hearth/ns#';
let log: RecordStore;
let research: ResearchIndex;
let csv: Csv;
let source: string;
/** Every distinct literal of the research graph: lexical form and datatype. */
let literals: { value: string; datatype: string }[];

beforeAll(async () => {
  const dir = tempDir('hearth-research-');
  log = await RecordStore.open({ dir });
  const report = await importHmisCsv(log, LSA_ZIP);
  source = report.source;
  research = await ResearchIndex.open({ records: log.state, log });
  csv = await readCsvZip(LSA_ZIP);
  await research.ready;
  const tsv = await research.query(
    'SELECT DISTINCT ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER isLiteral(?o) }',
    {
      accept: 'application/sparql-results+json',
      timeoutMs: 120_000,
    },
  );
  literals = (
    JSON.parse(tsv.body) as { results: { bindings: { o: { value: string; datatype?: string } }[] } }
  ).results.bindings.map((b) => ({ value: b.o.value, datatype: b.o.datatype ?? '' }));
}, 180_000);
afterAll(async () => {
  await research?.close();
  await log?.close();
  removeTempDirs();
});

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const tokens = (text: string) =>
  text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

describe('no PII leaves the research graph (every literal of it scanned)', () => {
  it('holds a real amount of data to scan', () => {
    expect(literals.length).toBeGreaterThan(10_000);
  });
  it('no literal is, or holds as a word, a first, middle or last name of the sample', () => {
    const names = new Set<string>();
    for (const c of rows(csv, 'Client'))
      for (const column of ['FirstName', 'MiddleName', 'LastName', 'NameSuffix'])
        for (const word of tokens(c[column] ?? '')) if (word.length >= 2) names.add(word);
    expect(names.size).toBeGreaterThan(500);
    const hits = literals.filter((l) => tokens(l.value).some((word) => names.has(word)));
    expect(hits).toEqual([]);
  });
  it('no literal holds an SSN of the sample', () => {
    const ssns = rows(csv, 'Client')
      .map((c) => (c.SSN ?? '').replace(/\D/g, ''))
      .filter((s) => s.length === 9);
    expect(ssns.length).toBeGreaterThan(1000);
    const set = new Set(ssns);
    const hits = literals.filter(
      (l) => (l.value.match(/\d{9}/g) ?? []).some((run) => set.has(run)) || set.has(l.value),
    );
    expect(hits).toEqual([]);
  });
  it('no DOB: no hmis:DOB property, no date on a client, no DOB inside any non-date literal', async () => {
    const dobs = new Set(
      rows(csv, 'Client')
        .map((c) => c.DOB ?? '')
        .filter(Boolean),
    );
    expect(dobs.size).toBeGreaterThan(1000);
    const nonDates = literals.filter((l) => !l.datatype.endsWith('#date'));
    const datesIn = (text: string) => text.match(/\d{4}-\d{2}-\d{2}/g) ?? [];
    expect(nonDates.filter((l) => datesIn(l.value).some((date) => dobs.has(date)))).toEqual([]);
    const forbidden = await research.query(
      `ASK { { ?s <${HMIS}DOB> ?o } UNION { ?s <${HMIS}FirstName> ?o } UNION { ?s <${HMIS}LastName> ?o } UNION { ?s <${HMIS}SSN> ?o } UNION { ?s <${HMIS}MiddleName> ?o } }`,
      { accept: 'application/sparql-results+json' },
    );
    expect(JSON.parse(forbidden.body).boolean).toBe(false);
    const clientDates = await research.query(
      `ASK { ?c a <${HMIS}Client> ; ?p ?d FILTER(datatype(?d) = <http://www.w3.org/2001/XMLSchema#date>) }`,
      { accept: 'application/sparql-results+json' },
    );
    expect(JSON.parse(clientDates.body).boolean).toBe(false);
  });
  it('no record key (PersonalID, EnrollmentID, HouseholdID, ExitID) and no record IRI appears', async () => {
    const keys = new Set<string>();
    for (const [table, column] of [
      ['Client', 'PersonalID'],
      ['Enrollment', 'EnrollmentID'],
      ['Enrollment', 'HouseholdID'],
      ['Exit', 'ExitID'],
    ] as const)
      for (const r of rows(csv, table)) if (r[column]) keys.add(r[column] as string);
    expect(literals.filter((l) => keys.has(l.value))).toEqual([]);
    const iris = await research.query('SELECT DISTINCT ?s WHERE { ?s ?p ?o }', {
      accept: 'text/tab-separated-values',
      timeoutMs: 60_000,
    });
    const subjects = iris.body.split('\n').slice(1).filter(Boolean);
    expect(subjects.length).toBeGreaterThan(10_000);
    expect(subjects.filter((s) => !s.startsWith('<urn:hearth:research:'))).toEqual([]);
    expect(
      subjects.filter((s) => [...tokens(s)].some((t) => keys.has(t.toUpperCase()) || keys.has(t))),
    ).toEqual([]);
  });
  it('no free text: no string value of a non-code column of the sample appears', () => {
    const codeStrings = new Set(['CoCCode', 'EnrollmentCoC', 'Geocode', 'State', 'VAMCStation']);
    const texts = new Set<string>();
    const codes = new Set<string>();
    for (const [name, list] of csv) {
      const spec = findTable(name);
      if (!spec) continue;
      for (const field of spec.fields.filter((f) => f.type.kind === 'string'))
        for (const r of list) {
          const value = r[field.name] ?? '';
          if (codeStrings.has(field.name)) codes.add(value);
          else if (value.length >= 3) texts.add(value);
        }
    }
    // A code (e.g. the CoC code XX-501) may also appear in a text column such as Export's SourceID.
    for (const code of codes) texts.delete(code);
    expect(texts.size).toBeGreaterThan(1000);
    expect(literals.filter((l) => texts.has(l.value))).toEqual([]);
  });
});

describe("HUD's hashing rules (SHA-1 RHY), checked against an independent computation", () => {
  const clientOf = async (row: CsvRow) => {
    const iri = research.deidentifier.recordIri(source, findTable('Client') as never, row.PersonalID ?? '');
    const result = await research.query(`SELECT ?p ?o WHERE { <${iri}> ?p ?o }`, {
      accept: 'application/sparql-results+json',
    });
    return new Map(plainRows(result.body).map((r) => [r.p, r.o]));
  };
  it('names: SHA-1 of SOUNDEX; SSN: last four then SHA-1 of the SSN; DOB: the year only', async () => {
    const sample = rows(csv, 'Client')
      .filter((c) => c.FirstName && c.LastName && c.SSN && c.DOB)
      .slice(0, 25);
    for (const c of sample) {
      const props = await clientOf(c);
      expect(props.get(`${HEARTH}hashedFirstName`)).toBe(sha1(soundex(c.FirstName ?? '')));
      expect(props.get(`${HEARTH}hashedLastName`)).toBe(sha1(soundex(c.LastName ?? '')));
      expect(props.get(`${HEARTH}hashedSSN`)).toBe(`${(c.SSN ?? '').slice(-4)}${sha1(c.SSN ?? '')}`);
      const year = Number((c.DOB ?? '').slice(0, 4));
      // No birth year for people 90 or older (HIPAA Safe Harbor's rule for ages).
      const expected = new Date().getUTCFullYear() - year >= 90 ? undefined : String(year);
      expect(props.get(`${HEARTH}birthYear`)).toBe(expected);
    }
  });
  it('people 90 or older have no birth year, only the 65+ band', async () => {
    const old = rows(csv, 'Client').filter(
      (c) => c.DOB && new Date().getUTCFullYear() - Number(c.DOB.slice(0, 4)) >= 90,
    );
    expect(old.length).toBeGreaterThan(0);
    for (const c of old.slice(0, 10)) expect((await clientOf(c)).has(`${HEARTH}birthYear`)).toBe(false);
    const young = rows(csv, 'Client').filter(
      (c) => c.DOB && new Date().getUTCFullYear() - Number(c.DOB.slice(0, 4)) < 90,
    );
    expect((await clientOf(young[0] as CsvRow)).has(`${HEARTH}birthYear`)).toBe(true);
  });
  it('SOUNDEX per the census rules', () => {
    for (const [name, code] of [
      ['Robert', 'R163'],
      ['Rupert', 'R163'],
      ['Ashcraft', 'A261'],
      ['Tymczak', 'T522'],
      ['Pfister', 'P236'],
      ['Honeyman', 'H555'],
      ['Lee', 'L000'],
      ["O'Brien-Núñez", 'O165'],
      ['', ''],
    ])
      expect(soundex(name)).toBe(code);
  });
});

describe('the example research queries answer what the CSV says', () => {
  let answers: ReturnType<typeof answersFrom>;
  let expected: ReturnType<typeof expectedAnswers>;
  beforeAll(async () => {
    const results: Record<string, Record<string, string>[]> = {};
    for (const q of RESEARCH_QUERIES)
      results[q.name] = plainRows(
        (await research.query(q.query, { accept: 'application/sparql-results+json' })).body,
      );
    answers = answersFrom(results);
    expected = expectedAnswers(csv);
  }, 60_000);

  it('ships the four queries', () => {
    expect(RESEARCH_QUERIES.map((q) => q.name)).toEqual([
      'active-rrh-clients',
      'counts-by-project-type',
      'exits-by-destination',
      'lengths-of-stay',
    ]);
  });
  it('counts by project type', () => {
    expect(expected.byProjectType.size).toBeGreaterThan(5);
    expect(answers.byProjectType).toEqual(expected.byProjectType);
  });
  it('active RRH clients on 2025-09-30', () => {
    expect(expected.activeRrh.clients).toBeGreaterThan(100);
    expect(answers.activeRrh).toEqual(expected.activeRrh);
  });
  it('exits by destination', () => {
    expect(expected.byDestination.size).toBeGreaterThan(10);
    expect(answers.byDestination).toEqual(expected.byDestination);
  });
  it('lengths of stay: counts, totals, shortest and longest; average = total / stays', () => {
    expect(answers.lengthsOfStay).toEqual(expected.lengthsOfStay);
    expect([...expected.lengthsOfStay.values()].every((s) => s.shortest >= 0)).toBe(true);
  });
  it('deleted records do not count (a visible sample has none, so delete one and ask again)', async () => {
    const enrollment = rows(csv, 'Enrollment').find(
      (e) => live(e) && rows(csv, 'Exit').some((x) => x.EnrollmentID === e.EnrollmentID),
    );
    expect(enrollment).toBeDefined();
    const spec = findTable('Enrollment');
    const stored = log.state.source(source)?.get('Enrollment', enrollment?.EnrollmentID ?? '');
    if (!spec || !stored) throw new Error('no such enrollment');
    const deletedAt = spec.fields.findIndex((f) => f.name === 'DateDeleted');
    const row = [...stored];
    row[deletedAt] = '2026-01-01 00:00:00';
    await log.commit([{ op: 'put', source, table: 'Enrollment', row }]);
    const edited = new Map(csv);
    edited.set(
      'Enrollment',
      rows(csv, 'Enrollment').map((e) =>
        e.EnrollmentID === enrollment?.EnrollmentID ? { ...e, DateDeleted: '2026-01-01' } : e,
      ),
    );
    const query = RESEARCH_QUERIES.find((q) => q.name === 'exits-by-destination')?.query ?? '';
    const after = answersFrom({
      'exits-by-destination': plainRows(
        (await research.query(query, { accept: 'application/sparql-results+json' })).body,
      ),
    });
    expect(after.byDestination).toEqual(expectedAnswers(edited).byDestination);
    expect(after.byDestination).not.toEqual(expected.byDestination);
  });
});
