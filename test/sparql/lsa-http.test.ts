/**
 * /sparql over HTTP on HUD's LSA sample, with a standard SPARQL client: Comunica's SPARQL endpoint
 * source (@comunica/query-sparql) sends each query to the running server. Counts equal the CSV's,
 * for an admin on the records and for a researcher on the research graph (the example queries),
 * and every result format of the live server parses.
 */
import { QueryEngine } from '@comunica/query-sparql';
import type * as RDF from '@rdfjs/types';
import { parse as parseCsv } from 'csv-parse/sync';
import { Parser as N3Parser } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESEARCH_QUERIES } from '../../src/research/queries.ts';
import { type Csv, live, readCsvZip, rows } from '../hmis-api/helpers.ts';
import { answersFrom, expectedAnswers } from './expected.ts';
import { ADMIN_TOKEN, LSA_ZIP, openSparqlServer, type SparqlServer } from './helpers.ts';

const HMIS = 'urn:hud:hmis:owl#';
let server: SparqlServer;
let url: string;
let csv: Csv;
let researcher: string;
const engine = new QueryEngine();

beforeAll(async () => {
  server = await openSparqlServer(LSA_ZIP);
  url = await server.listen();
  researcher = await server.users.add('researcher', 'researcher');
  csv = await readCsvZip(LSA_ZIP);
}, 180_000);
afterAll(async () => {
  await server?.close();
});

/** Comunica, pointed at one endpoint of the running server, sending the caller's token. */
async function comunicaRows(
  endpoint: string,
  sparql: string,
  token: string,
): Promise<Record<string, string>[]> {
  const authorized: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('Authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
  const stream = await engine.queryBindings(sparql, {
    sources: [{ type: 'sparql', value: `${url}${endpoint}` }],
    fetch: authorized,
  });
  const bindings = await stream.toArray();
  return bindings.map((b) =>
    Object.fromEntries(
      [...b].map(([variable, term]: [RDF.Variable, RDF.Term]) => [variable.value, term.value]),
    ),
  );
}

describe('Comunica against the running server: counts equal the CSV', () => {
  it('admin: records per table in the default graph (the union of sources)', async () => {
    for (const [tableName, cls] of [
      ['Client', 'Client'],
      ['Enrollment', 'Enrollment'],
      ['Exit', 'Exit'],
      ['Project', 'Project'],
      ['Services', 'ServiceFAReferral'],
    ] as const) {
      const [row] = await comunicaRows(
        '/sparql',
        `SELECT (COUNT(?r) AS ?n) WHERE { ?r a <${HMIS}${cls}> }`,
        ADMIN_TOKEN,
      );
      expect(Number(row?.n), tableName).toBe(rows(csv, tableName).filter(live).length);
    }
  });
  it('researcher: the example research queries equal the answers computed from the CSV', async () => {
    const results: Record<string, Record<string, string>[]> = {};
    for (const q of RESEARCH_QUERIES) results[q.name] = await comunicaRows('/sparql', q.query, researcher);
    const answers = answersFrom(results);
    const expected = expectedAnswers(csv);
    expect(answers.byProjectType).toEqual(expected.byProjectType);
    expect(answers.activeRrh).toEqual(expected.activeRrh);
    expect(answers.byDestination).toEqual(expected.byDestination);
    expect(answers.lengthsOfStay).toEqual(expected.lengthsOfStay);
  });
  it('researcher: the research graph holds one client per live client of the sample', async () => {
    const [row] = await comunicaRows(
      '/sparql',
      `SELECT (COUNT(?c) AS ?n) WHERE { ?c a <${HMIS}Client> }`,
      researcher,
    );
    expect(Number(row?.n)).toBe(rows(csv, 'Client').filter(live).length);
  });
  it('with a wrong token Comunica gets the 401', async () => {
    await expect(
      comunicaRows('/sparql', 'SELECT * WHERE { ?s ?p ?o } LIMIT 1', 'wrong-token'),
    ).rejects.toThrow(/401/);
  });
});

describe('every result format of the live server parses', () => {
  const query = `SELECT ?type (COUNT(?p) AS ?n) WHERE { ?p <${HMIS}ProjectType> ?type } GROUP BY ?type`;
  const expected = () => {
    const counts = new Map<string, number>();
    for (const p of rows(csv, 'Project').filter(live))
      if (p.ProjectType) counts.set(p.ProjectType, (counts.get(p.ProjectType) ?? 0) + 1);
    return counts;
  };
  const get = async (sparql: string, accept: string) => {
    const response = await fetch(`${url}/sparql?${new URLSearchParams({ query: sparql })}`, {
      headers: { Authorization: `Bearer ${researcher}`, Accept: accept },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(accept);
    return response.text();
  };
  it('JSON, CSV and TSV give the CSV counts of projects by type', async () => {
    const json = JSON.parse(await get(query, 'application/sparql-results+json')) as {
      results: { bindings: { type: { value: string }; n: { value: string } }[] };
    };
    expect(new Map(json.results.bindings.map((b) => [b.type.value, Number(b.n.value)]))).toEqual(expected());
    const fromCsv = parseCsv(await get(query, 'text/csv'), { columns: true }) as {
      type: string;
      n: string;
    }[];
    expect(new Map(fromCsv.map((r) => [r.type, Number(r.n)]))).toEqual(expected());
    const fromTsv = parseCsv(await get(query, 'text/tab-separated-values'), {
      columns: true,
      delimiter: '\t',
    }) as Record<string, string>[];
    expect(new Map(fromTsv.map((r) => [r['?type'] as string, Number(r['?n'])]))).toEqual(expected());
  });
  it('XML holds one <result> per project type', async () => {
    const xml = await get(query, 'application/sparql-results+xml');
    expect(xml.split('<result>').length - 1).toBe(expected().size);
  });
  it('CONSTRUCT as Turtle, N-Triples and JSON-LD: one triple per typed project', async () => {
    const construct = `CONSTRUCT { ?p <${HMIS}ProjectType> ?t } WHERE { ?p <${HMIS}ProjectType> ?t }`;
    const total = [...expected().values()].reduce((a, b) => a + b, 0);
    for (const accept of ['text/turtle', 'application/n-triples'])
      expect(new N3Parser({ format: accept }).parse(await get(construct, accept))).toHaveLength(total);
    // @ts-expect-error jsonld ships no type declarations
    const { default: jsonld } = await import('jsonld');
    const quads = (await jsonld.toRDF(JSON.parse(await get(construct, 'application/ld+json')))) as unknown[];
    expect(quads).toHaveLength(total);
  });
});
