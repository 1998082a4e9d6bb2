import { DataFactory } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importHmisCsv } from '../src/ingest/import.ts';
import { fieldIndex, table } from '../src/model/index.ts';
import { QueryTimeoutError } from '../src/query/errors.ts';
import { EmbeddedStore } from '../src/store/embedded-store.ts';
import { InvalidPatternError } from '../src/store/match.ts';
import { UnsupportedUpdateError } from '../src/store/update.ts';
import { InvalidWriteError } from '../src/validate/operations.ts';
import { demoTables, removeTempDirs, tempDir, writeExport } from './helpers/exports.ts';

const BASE = 'https://hearth.test/id';
const HMIS = 'urn:hud:hmis:owl#';
const G = `${BASE}/xx-500`;
const PREFIXES = `PREFIX hmis: <${HMIS}>\n`;

let dir: string;
let store: EmbeddedStore;
let personalId: string;

async function count(where: string): Promise<number> {
  const result = await store.query(`${PREFIXES}SELECT (COUNT(*) AS ?n) WHERE { ${where} }`);
  return Number(JSON.parse(result.body).results.bindings[0].n.value);
}

beforeAll(async () => {
  dir = tempDir();
  store = await EmbeddedStore.open({ dir, baseIri: BASE });
  const tables = demoTables(12);
  personalId = tables.get('Client')?.[0]?.[0] ?? '';
  const report = await importHmisCsv(store.log, writeExport(tables));
  expect(report.errors).toEqual([]);
}, 60_000);
afterAll(async () => {
  await store.close();
  removeTempDirs();
});

describe('EmbeddedStore', () => {
  it('answers SPARQL over the records, joining through HUD object properties', async () => {
    expect(await count('GRAPH ?g { ?c a hmis:Client }')).toBe(12);
    const enrollments = store.records
      .source('xx-500')
      ?.childKeys('Enrollment', 'PersonalID', personalId).size;
    expect(
      await count(
        `GRAPH <${G}> { <${G}/client/${personalId}> hmis:hasClientEnrollment ?e . ?e a hmis:Enrollment }`,
      ),
    ).toBe(enrollments);
  });

  it('follows commits: a query sees every acknowledged write', async () => {
    const row = [...(store.records.source('xx-500')?.get('Client', personalId) ?? [])];
    row[fieldIndex(table('Client'), 'FirstName')] = 'Renamed';
    await store.commit([{ op: 'put', source: 'xx-500', table: 'Client', row }]);
    expect(await count(`GRAPH ?g { <${G}/client/${personalId}> hmis:FirstName "Renamed" }`)).toBe(1);
    expect(await count(`GRAPH ?g { <${G}/client/${personalId}> hmis:FirstName ?n }`)).toBe(1);
  });

  it('matches quad patterns and refuses terms that would change the query', async () => {
    const quads = await store.match({ subject: `${G}/client/${personalId}`, predicate: `${HMIS}FirstName` });
    expect(quads.map((q) => q.object.value)).toEqual(['Renamed']);
    const literal = await store.match({
      predicate: `${HMIS}FirstName`,
      object: DataFactory.literal('Renamed'),
    });
    expect(literal).toHaveLength(1); // a simple literal is an xsd:string (RDF 1.1)
    const typed = await store.match({
      object: DataFactory.literal(
        'Renamed',
        DataFactory.namedNode('http://www.w3.org/2001/XMLSchema#string'),
      ),
    });
    expect(typed).toHaveLength(1);
    await expect(store.match({ subject: `${G}/x> } } DROP ALL ; SELECT * { <a` })).rejects.toBeInstanceOf(
      InvalidPatternError,
    );
    const hostile = await store.match({ object: DataFactory.literal('"} DROP ALL #') });
    expect(hostile).toEqual([]);
  });

  it('loads RDF as validated records', async () => {
    const client = `<${G}/client/RDF1>`;
    const nquads = [
      `${client} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <${HMIS}Client> <${G}> .`,
      `${client} <${HMIS}FirstName> "Loaded" <${G}> .`,
    ].join('\n');
    await expect(store.loadRdf(nquads, 'N-Quads')).rejects.toThrow(/NameDataQuality is required/);
    expect(store.records.source('xx-500')?.get('Client', 'RDF1')).toBeUndefined();
    const template = store.records.source('xx-500')?.get('Client', personalId) ?? [];
    const fields = table('Client').fields;
    const lines = fields.flatMap((f, i) => {
      const value = f.name === 'PersonalID' ? 'RDF1' : (template[i] ?? '');
      if (!value) return [];
      const lexical = f.type.kind === 'datetime' ? value.replace(' ', 'T') : value;
      const datatype = {
        integer: 'integer',
        date: 'date',
        datetime: 'dateTime',
        money: 'decimal',
        string: 'string',
      }[f.type.kind];
      return [`${client} <${f.iri}> "${lexical}"^^<http://www.w3.org/2001/XMLSchema#${datatype}> .`];
    });
    const loaded = await store.loadRdf(lines.join('\n'), 'N-Triples', G);
    expect(loaded.records).toBe(1);
    expect(store.records.source('xx-500')?.get('Client', 'RDF1')?.[1]).toBe('Renamed');
    await expect(store.loadRdf(`${client} <${HMIS}Nonsense> "x" <${G}> .`, 'N-Quads')).rejects.toBeInstanceOf(
      InvalidWriteError,
    );
    await expect(store.loadRdf(`${client} a "broken`, 'N-Quads')).rejects.toThrow(/not valid N-Quads/);
  });

  it('applies SPARQL UPDATE to the records, validated and durable', async () => {
    const s = `<${G}/client/${personalId}>`;
    await store.update(
      `${PREFIXES}DELETE { GRAPH ?g { ?c hmis:FirstName ?old } } INSERT { GRAPH ?g { ?c hmis:FirstName "Updated" } } ` +
        `WHERE { GRAPH ?g { ?c hmis:FirstName ?old FILTER(?c = ${s}) } }`,
    );
    expect(store.records.source('xx-500')?.get('Client', personalId)?.[1]).toBe('Updated');
    expect(await count(`GRAPH ?g { ${s} hmis:FirstName "Updated" }`)).toBe(1);
    await expect(
      store.update(`${PREFIXES}INSERT DATA { GRAPH <${G}> { ${s} hmis:VeteranStatus 7 } }`),
    ).rejects.toThrow(/VeteranStatus holds one value/);
    await expect(
      store.update(`${PREFIXES}DELETE WHERE { GRAPH <${G}> { ${s} hmis:VeteranStatus ?v } } ;
        INSERT DATA { GRAPH <${G}> { ${s} hmis:VeteranStatus 7 } }`),
    ).rejects.toThrow(/WHERE clause must come first|must be a code/);
    // Deleting the type deletes the record — unless others still link to it.
    await expect(
      store.update(`${PREFIXES}DELETE DATA { GRAPH <${G}> { ${s} a hmis:Client } }`),
    ).rejects.toThrow(/still links to it/);
    await store.update(`${PREFIXES}DELETE WHERE { GRAPH <${G}> { <${G}/client/RDF1> a hmis:Client } }`);
    expect(store.records.source('xx-500')?.get('Client', 'RDF1')).toBeUndefined();
    await expect(store.update('LOAD <http://example.org/x>')).rejects.toBeInstanceOf(UnsupportedUpdateError);
    await expect(store.update(`${PREFIXES}INSERT DATA { ${s} hmis:FirstName "x" }`)).rejects.toThrow(
      /name the data source graph/,
    );
    await expect(store.update('SELECT * WHERE { ?s ?p ?o }')).rejects.toThrow(/not update/);
    await expect(store.update('DELETE nonsense')).rejects.toThrow(/not a SPARQL update/);
  });

  it('applies an UPDATE to the row as the commit queue finds it: a concurrent write to another column is kept', async () => {
    const s = `<${G}/client/${personalId}>`;
    const middle = fieldIndex(table('Client'), 'MiddleName');
    const suffix = fieldIndex(table('Client'), 'NameSuffix');
    // The UPDATE plans against the index first; the PATCH-like write lands while it does.
    await Promise.all([
      store.update(`${PREFIXES}INSERT DATA { GRAPH <${G}> { ${s} hmis:NameSuffix "IV" } }`),
      store.commit((records) => {
        const row = [...(records.source('xx-500')?.get('Client', personalId) ?? [])];
        row[middle] = 'Kept';
        return [{ op: 'put', source: 'xx-500', table: 'Client', row }];
      }),
    ]);
    const row = store.records.source('xx-500')?.get('Client', personalId) ?? [];
    expect([row[middle], row[suffix]]).toEqual(['Kept', 'IV']);
  });

  it('rebuilds the index after a query is stopped for running too long', async () => {
    await expect(
      store.query(
        'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?t ?q ?r } GRAPH ?c { ?u ?v ?w } }',
        {
          timeoutMs: 300,
        },
      ),
    ).rejects.toBeInstanceOf(QueryTimeoutError);
    expect(store.indexStatus).toBe('building');
    expect(await count('GRAPH ?g { ?c a hmis:Client }')).toBe(12);
    expect(store.indexStatus).toBe('ready');
  }, 60_000);

  it('keeps writes across a reopen and rebuilds the index from the records', async () => {
    await store.close();
    store = await EmbeddedStore.open({ dir, baseIri: BASE });
    expect(store.indexStatus).toBe('building'); // /healthz says so while queries wait
    expect(store.records.source('xx-500')?.get('Client', personalId)?.[1]).toBe('Updated');
    expect(await count(`GRAPH ?g { <${G}/client/${personalId}> hmis:FirstName "Updated" }`)).toBe(1);
    expect(store.indexStatus).toBe('ready');
  });
});
