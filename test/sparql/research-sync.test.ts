/**
 * The research graph follows every write (demo data): after each kind of change (a client's DOB
 * and name, a deleted and undeleted enrollment, a removed record, a SPARQL UPDATE, a dropped and
 * re-imported source) the incrementally kept graph equals one built from scratch over the same
 * records, and the change shows where it should.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importHmisCsv } from '../../src/ingest/import.ts';
import { fieldIndex, table } from '../../src/model/index.ts';
import { hasher, hashName } from '../../src/research/hashing.ts';
import { ResearchIndex } from '../../src/research/research-index.ts';
import { EmbeddedStore } from '../../src/store/embedded-store.ts';
import { removeTempDirs, tempDir } from '../helpers/exports.ts';
import { DEMO_DIR } from '../hmis-api/helpers.ts';
import { plainRows } from './expected.ts';
import { BASE } from './helpers.ts';

const HMIS = 'urn:hud:hmis:owl#';
const HEARTH = 'https://w3id.org/hearth/ns#';
const CLIENT = table('Client');
const ENROLLMENT = table('Enrollment');
let store: EmbeddedStore;
let research: ResearchIndex;
let source: string;

beforeAll(async () => {
  store = await EmbeddedStore.open({ dir: tempDir('hearth-research-sync-'), baseIri: BASE });
  const report = await importHmisCsv(store.log, DEMO_DIR);
  source = report.source;
  research = await ResearchIndex.open(store);
  await Promise.all([store.indexReady, research.ready]);
}, 60_000);
afterAll(async () => {
  await research?.close();
  await store?.close();
  removeTempDirs();
});

const ALL = 'SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }';
async function dump(index: ResearchIndex): Promise<Set<string>> {
  const result = await index.query(ALL, { accept: 'text/tab-separated-values' });
  return new Set(result.body.split('\n').slice(1).filter(Boolean));
}

/** The incremental graph equals a fresh build over the same records. */
async function expectSameAsRebuild(): Promise<Set<string>> {
  const fresh = await ResearchIndex.open(store);
  try {
    const [kept, rebuilt] = await Promise.all([dump(research), dump(fresh)]);
    expect(kept.size).toBe(rebuilt.size);
    expect([...kept].filter((q) => !rebuilt.has(q))).toEqual([]);
    return kept;
  } finally {
    await fresh.close();
  }
}

const row = (tableName: string, key: string) => {
  const found = store.records.source(source)?.get(tableName, key);
  if (!found) throw new Error(`no ${tableName} ${key}`);
  return [...found];
};
const ask = async (sparql: string) =>
  JSON.parse((await research.query(sparql, { accept: 'application/sparql-results+json' })).body)
    .boolean as boolean;

describe('the research graph follows every write', () => {
  it('starts equal to a fresh build', async () => {
    expect((await expectSameAsRebuild()).size).toBeGreaterThan(1000);
  });

  it("a client's DOB moves the age bands of its enrollments; a new name changes its hash", async () => {
    const enrollment = [...(store.records.source(source)?.table('Enrollment').rows.values() ?? [])][0] ?? [];
    const personalId = enrollment[fieldIndex(ENROLLMENT, 'PersonalID')] ?? '';
    const entry = enrollment[fieldIndex(ENROLLMENT, 'EntryDate')] ?? '';
    const client = row('Client', personalId);
    client[fieldIndex(CLIENT, 'DOB')] = `${Number(entry.slice(0, 4)) - 70}-01-01`;
    client[fieldIndex(CLIENT, 'FirstName')] = 'Bartholomew';
    await store.commit([{ op: 'put', source, table: 'Client', row: client }]);
    const enrollmentIri = research.deidentifier.recordIri(source, ENROLLMENT, enrollment[0] ?? '');
    const clientIri = research.deidentifier.recordIri(source, CLIENT, personalId);
    expect(await ask(`ASK { <${enrollmentIri}> <${HEARTH}ageBandAtEntry> "65+" }`)).toBe(true);
    const hashed = hashName(hasher(), 'Bartholomew');
    expect(await ask(`ASK { <${clientIri}> <${HEARTH}hashedFirstName> "${hashed}" }`)).toBe(true);
    await expectSameAsRebuild();
  });

  it('a deleted enrollment leaves with everything under it, and comes back when undeleted', async () => {
    const exit = [...(store.records.source(source)?.table('Exit').rows.values() ?? [])][0] ?? [];
    const enrollmentId = exit[fieldIndex(table('Exit'), 'EnrollmentID')] ?? '';
    const exitIri = research.deidentifier.recordIri(source, table('Exit'), exit[0] ?? '');
    const enrollment = row('Enrollment', enrollmentId);
    const deletedAt = fieldIndex(ENROLLMENT, 'DateDeleted');
    enrollment[deletedAt] = '2026-01-02 03:04:05';
    // The store keeps the row it is given: commit copies, so that editing one does not edit it.
    await store.commit([{ op: 'put', source, table: 'Enrollment', row: [...enrollment] }]);
    expect(await ask(`ASK { <${exitIri}> ?p ?o }`)).toBe(false);
    expect(await ask(`ASK { ?x ?p <${exitIri}> }`)).toBe(false);
    await expectSameAsRebuild();
    enrollment[deletedAt] = '';
    await store.commit([{ op: 'put', source, table: 'Enrollment', row: [...enrollment] }]);
    expect(await ask(`ASK { <${exitIri}> a <${HMIS}Exit> }`)).toBe(true);
    await expectSameAsRebuild();
  });

  it('a removed record goes, links included', async () => {
    const service = [...(store.records.source(source)?.table('Services').rows.keys() ?? [])][0] ?? '';
    const iri = research.deidentifier.recordIri(source, table('Services'), service);
    expect(await ask(`ASK { ?e ?p <${iri}> }`)).toBe(true);
    await store.commit([{ op: 'remove', source, table: 'Services', key: service }]);
    expect(await ask(`ASK { { ?e ?p <${iri}> } UNION { <${iri}> ?p ?o } }`)).toBe(false);
    await expectSameAsRebuild();
  });

  it('a SPARQL UPDATE through the store shows in the research graph', async () => {
    const project = [...(store.records.source(source)?.table('Project').rows.values() ?? [])][0] ?? [];
    const projectIri = `${BASE}/${source}/project/${encodeURIComponent(project[0] ?? '')}`;
    const next = project[fieldIndex(table('Project'), 'ContinuumProject')] === '1' ? '0' : '1';
    await store.update(`PREFIX hmis: <${HMIS}>
DELETE { GRAPH <${BASE}/${source}> { <${projectIri}> hmis:ContinuumProject ?t } }
INSERT { GRAPH <${BASE}/${source}> { <${projectIri}> hmis:ContinuumProject ${next} } }
WHERE { GRAPH <${BASE}/${source}> { <${projectIri}> hmis:ContinuumProject ?t } }`);
    const researchIri = research.deidentifier.recordIri(source, table('Project'), project[0] ?? '');
    const rows = plainRows(
      (
        await research.query(`SELECT ?t WHERE { <${researchIri}> <${HMIS}ContinuumProject> ?t }`, {
          accept: 'application/json',
        })
      ).body,
    );
    expect(rows).toEqual([{ t: next }]);
    await expectSameAsRebuild();
  });

  it('dropping the source empties its research graph; a full re-import fills it again', async () => {
    await store.commit([{ op: 'dropSource', source }]);
    expect(await research.size()).toBe(0);
    const report = await importHmisCsv(store.log, DEMO_DIR);
    expect(report.applied).toBe(true);
    expect((await expectSameAsRebuild()).size).toBeGreaterThan(1000);
  });

  it('a bulk commit reloads the graph; changes queued right behind it still land, in order', async () => {
    const bulk = await ResearchIndex.open(store, { bulkRecords: 100 });
    try {
      await bulk.ready;
      // The import commits in bulk; the small commit follows at once, while the reload still runs.
      await importHmisCsv(store.log, DEMO_DIR);
      const client = [...(store.records.source(source)?.table('Client').rows.values() ?? [])][1] ?? [];
      const row = [...client];
      row[fieldIndex(CLIENT, 'FirstName')] = 'Afterwards';
      await store.commit([{ op: 'put', source, table: 'Client', row }]);
      const [kept, rebuilt] = await Promise.all([dump(bulk), expectSameAsRebuild()]);
      expect([...kept].filter((q) => !rebuilt.has(q))).toEqual([]);
      expect(kept.size).toBe(rebuilt.size);
      const iri = bulk.deidentifier.recordIri(source, CLIENT, row[0] ?? '');
      const hashed = hashName(hasher(), 'Afterwards');
      const answer = await bulk.query(`ASK { <${iri}> <${HEARTH}hashedFirstName> "${hashed}" }`, {
        accept: 'application/sparql-results+json',
      });
      expect(JSON.parse(answer.body).boolean).toBe(true);
    } finally {
      await bulk.close();
    }
  });

  it('a salt changes every hash and pseudonym', async () => {
    const salted = await ResearchIndex.open(store, { salt: 'a-per-installation-secret' });
    try {
      const [plain, other] = await Promise.all([dump(research), dump(salted)]);
      expect(other.size).toBe(plain.size);
      expect([...other].filter((q) => plain.has(q) && q.includes('urn:hearth:research:client:'))).toEqual([]);
      expect(salted.salted).toBe(true);
    } finally {
      await salted.close();
    }
  });
});
