/**
 * Mangled SPARQL at /sparql (the store, as admin) and /sparql/research (the de-identified graph, as
 * a researcher), on the demo data: valid queries of every form with spans deleted, doubled or
 * swapped and hostile tokens put in, in the three protocol forms, drawn from a seeded generator.
 * Each answer is a result, a 4xx naming the problem, or a 503 for the time limit; the engines
 * answer a plain query after the run, so no input broke them.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Random } from '../../src/demo/random.ts';
import { FUZZ_RUNS, FUZZ_SEED } from '../helpers/fuzz.ts';
import { DEMO_DIR } from '../hmis-api/helpers.ts';
import { openSparqlServer, query, type SparqlServer } from './helpers.ts';

let server: SparqlServer;
let researcher: string;
beforeAll(async () => {
  // A short time limit: a mangled query can join everything with everything.
  server = await openSparqlServer(DEMO_DIR, { limits: { timeoutMs: 1000, maxRows: 5000 } });
  researcher = await server.users.add('fuzz-researcher', 'researcher');
}, 60_000);
afterAll(async () => {
  await server?.close();
});

const SEEDS = [
  'PREFIX hmis: <urn:hud:hmis:owl#> SELECT ?p ?type WHERE { ?p a hmis:Project ; hmis:ProjectType ?type } ORDER BY ?p LIMIT 20',
  'PREFIX hmis: <urn:hud:hmis:owl#> SELECT (COUNT(?e) AS ?n) ?type WHERE { ?p hmis:ProjectType ?type ; hmis:hasProjectEnrollment ?e } GROUP BY ?type HAVING (COUNT(?e) > 1)',
  'PREFIX hmis: <urn:hud:hmis:owl#> ASK { ?c a hmis:Client ; hmis:DOB ?d FILTER (YEAR(?d) < 2000) }',
  'PREFIX hmis: <urn:hud:hmis:owl#> CONSTRUCT { ?p hmis:ProjectName ?n } WHERE { ?p hmis:ProjectName ?n } LIMIT 5',
  'PREFIX hmis: <urn:hud:hmis:owl#> DESCRIBE ?p WHERE { ?p a hmis:Project } LIMIT 1',
  'SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER (REGEX(STR(?o), "^Demo", "i")) } LIMIT 10',
  'PREFIX hmis: <urn:hud:hmis:owl#> SELECT ?c WHERE { VALUES ?t { 1 13 } ?p hmis:ProjectType ?t ; hmis:hasProjectEnrollment/^hmis:hasClientEnrollment ?c } LIMIT 10',
  'SELECT ?x (STRLEN(?x) AS ?n) WHERE { BIND ("Ñúñez 𝒜" AS ?x) OPTIONAL { ?x ?y ?z } MINUS { ?a ?b ?a } }',
  'SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 3 } UNION { ?s a ?type } } LIMIT 7 OFFSET 2',
];
const TOKENS = [
  '{',
  '}',
  '(',
  ')',
  '.',
  ';',
  ',',
  '?x',
  '$y',
  '<',
  '>',
  '"',
  "'",
  '"""',
  '#',
  '\\',
  '\u0000',
  '\ud800',
  '😀',
  'FILTER',
  'UNION',
  'OPTIONAL',
  'SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }',
  'FROM <file:///etc/passwd>',
  'LOAD <http://example.org/>',
  'INSERT DATA { <a:b> <a:c> "d" }',
  'DROP ALL',
  '*',
  '+',
  '/',
  '^',
  '|',
  '!',
  'GRAPH',
  'LIMIT 0',
  'OFFSET -1',
  'LIMIT 99999999999999999999',
  'GROUP BY ?zz',
  'REGEX(?o, "(a+)+$")',
  '1e999',
  '"x"^^<http://www.w3.org/2001/XMLSchema#date>',
  'BNODE()',
  '[]',
  '()',
];

/** A seed query with up to two edits: a span deleted, doubled or swapped, or a token put in. */
function mangle(random: Random): string {
  let text = random.pick(SEEDS);
  for (let edits = random.int(0, 2); edits > 0; edits--) {
    const at = random.int(0, text.length);
    const span = random.int(1, 12);
    const edit = random.int(0, 3);
    if (edit === 0) text = text.slice(0, at) + text.slice(at + span);
    else if (edit === 1)
      text = text.slice(0, at) + text.slice(at, at + span).repeat(2) + text.slice(at + span);
    else if (edit === 2) {
      const other = random.int(0, text.length);
      const [a, b] = at < other ? [at, other] : [other, at];
      text =
        text.slice(0, a) +
        text.slice(b, b + span) +
        text.slice(a + span, b) +
        text.slice(a, a + span) +
        text.slice(b + span);
    } else text = `${text.slice(0, at)} ${random.pick(TOKENS)} ${text.slice(at)}`;
  }
  return text;
}

const ACCEPTS = [
  undefined,
  'application/sparql-results+json',
  'text/csv',
  'text/turtle',
  'application/ld+json',
  'image/png',
];

it(`mangled queries (seed ${FUZZ_SEED}, ${FUZZ_RUNS / 5}): results, 4xx or a time-limit 503, and the engines still answer`, async () => {
  const random = new Random(FUZZ_SEED);
  const statuses = new Map<number, number>();
  for (let run = 0; run < FUZZ_RUNS / 5; run++) {
    const sparql = mangle(random);
    const [path, token] = random.chance(0.5) ? ['/sparql', undefined] : ['/sparql/research', researcher];
    const via = random.pick(['get', 'post', 'form'] as const);
    const accept = random.pick(ACCEPTS);
    const response = await query(server.app, path, sparql, {
      ...(token ? { token } : {}),
      via,
      ...(accept ? { accept } : {}),
    });
    const text = await response.text();
    const what = `run ${run} (FUZZ_SEED=${FUZZ_SEED}) ${path} via ${via}: ${JSON.stringify(sparql)} → ${text.slice(0, 200)}`;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status === 503) {
      expect(text, what).toContain('time limit');
      await Promise.all([server.store.indexReady, server.research.ready]);
    } else expect([200, 400, 403, 406, 413], what).toContain(response.status);
  }
  await Promise.all([server.store.indexReady, server.research.ready]);
  const plain = 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }';
  expect((await query(server.app, '/sparql', plain)).status).toBe(200);
  expect((await query(server.app, '/sparql/research', plain, { token: researcher })).status).toBe(200);
  for (const status of [200, 400])
    expect(statuses.get(status) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(0);
}, 300_000);
