import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser } from 'n3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type TableSpec, table } from '../src/model/index.ts';
import {
  EngineBrokenError,
  NotAcceptableError,
  QueryTimeoutError,
  QueryTooLargeError,
  SparqlError,
} from '../src/query/errors.ts';
import { negotiate, queryForm } from '../src/query/formats.ts';
import { loadRecordsInChunks, recordReplace, SparqlEngine } from '../src/query/sparql-engine.ts';
import { graphIri, recordIri } from '../src/rdf/iris.ts';
import { recordQuads, toNQuads } from '../src/rdf/record-quads.ts';

const BASE = 'http://hearth.test/id';
const SOURCE = 'coc-a';
const GRAPH = graphIri(BASE, SOURCE);
const HMIS = 'urn:hud:hmis:owl#';
const PREFIXES = `PREFIX hmis: <${HMIS}>\n`;

/** A row in the table's field order from named values. */
function row(spec: TableSpec, values: Record<string, string>): string[] {
  for (const name of Object.keys(values))
    if (!spec.fields.some((f) => f.name === name)) throw new Error(`${spec.name} has no ${name}`);
  return spec.fields.map((f) => values[f.name] ?? '');
}

const Project = table('Project');
const Client = table('Client');
const Enrollment = table('Enrollment');
const Exit = table('Exit');

const project1 = row(Project, { ProjectID: 'P1', ProjectName: 'Harbor Shelter', ProjectType: '1' });
const project2 = row(Project, { ProjectID: 'P2', ProjectName: 'Maple RRH', ProjectType: '13' });
const alice = row(Client, { PersonalID: 'C1', FirstName: 'Alice', LastName: 'Ng', DOB: '1990-02-03' });
const bob = row(Client, { PersonalID: 'C2', FirstName: 'Bob', LastName: 'Ortiz' });
const enrollment1 = row(Enrollment, {
  EnrollmentID: 'E1',
  PersonalID: 'C1',
  ProjectID: 'P1',
  EntryDate: '2024-01-10',
});
const enrollment2 = row(Enrollment, {
  EnrollmentID: 'E2',
  PersonalID: 'C2',
  ProjectID: 'P2',
  EntryDate: '2024-03-01',
});
const exit1 = row(Exit, {
  ExitID: 'X1',
  EnrollmentID: 'E1',
  PersonalID: 'C1',
  ExitDate: '2024-02-01',
  Destination: '410',
});

const records = [
  { source: SOURCE, table: Project, row: project1 },
  { source: SOURCE, table: Project, row: project2 },
  { source: SOURCE, table: Client, row: alice },
  { source: SOURCE, table: Client, row: bob },
  { source: SOURCE, table: Enrollment, row: enrollment1 },
  { source: SOURCE, table: Enrollment, row: enrollment2 },
  { source: SOURCE, table: Exit, row: exit1 },
];
const quadCount = records.reduce((n, r) => n + recordQuads(BASE, r.source, r.table, r.row).length, 0);

const iri = (spec: TableSpec, key: string) => recordIri(BASE, SOURCE, spec, key);

interface Binding {
  type: string;
  value: string;
  datatype?: string;
}
interface SelectJson {
  head: { vars: string[] };
  results: { bindings: Record<string, Binding>[] };
}

async function select(engine: SparqlEngine, sparql: string): Promise<Record<string, string>[]> {
  const result = await engine.query(PREFIXES + sparql);
  expect(result.contentType).toBe('application/sparql-results+json');
  const json = JSON.parse(result.body) as SelectJson;
  return json.results.bindings.map((b) =>
    Object.fromEntries(Object.entries(b).map(([name, term]) => [name, term.value])),
  );
}

async function ask(engine: SparqlEngine, sparql: string): Promise<boolean> {
  const result = await engine.query(PREFIXES + sparql);
  return (JSON.parse(result.body) as { boolean: boolean }).boolean;
}

async function loadedEngine(): Promise<SparqlEngine> {
  const engine = await SparqlEngine.start();
  await loadRecordsInChunks(engine, records, BASE);
  return engine;
}

describe('query form and content negotiation', () => {
  it('finds the form after prefixes, base and comments', () => {
    expect(queryForm('SELECT * WHERE {}')).toBe('SELECT');
    expect(queryForm('# a comment\nPREFIX : <http://x/#frag>\nBASE <http://y/>\n  ask {}')).toBe('ASK');
    expect(queryForm('PREFIX hmis: <urn:hud:hmis:owl#> # note\nCONSTRUCT WHERE { ?s ?p ?o }')).toBe(
      'CONSTRUCT',
    );
    expect(queryForm('describe <http://x>')).toBe('DESCRIBE');
    expect(queryForm('INSERT DATA { <a> <b> <c> }')).toBeUndefined();
    expect(queryForm('SELECTED')).toBeUndefined();
    expect(queryForm('PREFIX x <http://x/> SELECT')).toBeUndefined();
  });

  it('scans hostile prologues in linear time', () => {
    const started = performance.now();
    expect(queryForm(`PREFIX${' '.repeat(90_000)}x`)).toBeUndefined();
    expect(queryForm(`PREFIX ${'#'.repeat(90_000)}`)).toBeUndefined();
    expect(queryForm(`${'PREFIX a: <x> '.repeat(6_000)}ASK {}`)).toBe('ASK');
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('honours Accept with quality values, aliases and wildcards', () => {
    expect(negotiate('SELECT')).toBe('application/sparql-results+json');
    expect(negotiate('CONSTRUCT')).toBe('application/n-triples');
    expect(negotiate('SELECT', 'text/csv;q=0.5, application/sparql-results+xml')).toBe(
      'application/sparql-results+xml',
    );
    expect(negotiate('ASK', 'application/json')).toBe('application/sparql-results+json');
    expect(negotiate('DESCRIBE', 'text/html, text/*;q=0.2')).toBe('text/turtle');
    expect(negotiate('CONSTRUCT', 'text/turtle;q=0, */*;q=0.1')).toBe('application/n-triples');
    expect(() => negotiate('SELECT', 'text/turtle')).toThrow(NotAcceptableError);
    expect(() => negotiate('CONSTRUCT', 'application/sparql-results+json')).toThrow(NotAcceptableError);
  });
});

describe('SparqlEngine over HMIS records', () => {
  let engine: SparqlEngine;
  beforeAll(async () => {
    engine = await loadedEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('holds every quad of the loaded records', async () => {
    expect(await engine.size()).toBe(quadCount);
  });

  it('answers SELECT as SPARQL JSON results', async () => {
    const rows = await select(
      engine,
      `SELECT ?client ?first WHERE { GRAPH <${GRAPH}> { ?client a hmis:Client ; hmis:FirstName ?first } }
       ORDER BY ?first`,
    );
    expect(rows).toEqual([
      { client: iri(Client, 'C1'), first: 'Alice' },
      { client: iri(Client, 'C2'), first: 'Bob' },
    ]);
    const typed = JSON.parse(
      (await engine.query(`${PREFIXES}SELECT ?dob WHERE { GRAPH ?g { ?c hmis:DOB ?dob } }`)).body,
    ) as SelectJson;
    expect(typed.results.bindings[0]?.dob).toEqual({
      type: 'literal',
      value: '1990-02-03',
      datatype: 'http://www.w3.org/2001/XMLSchema#date',
    });
  });

  it('answers ASK', async () => {
    expect(await ask(engine, 'ASK { GRAPH ?g { ?c hmis:FirstName "Alice" } }')).toBe(true);
    expect(await ask(engine, 'ASK { GRAPH ?g { ?c hmis:FirstName "Carol" } }')).toBe(false);
    const xml = await engine.query('ASK {}', { accept: 'application/sparql-results+xml' });
    expect(xml.contentType).toBe('application/sparql-results+xml');
    expect(xml.body).toContain('<boolean>true</boolean>');
  });

  it('answers CONSTRUCT as N-Triples by default and as Turtle on request', async () => {
    const construct = `${PREFIXES}CONSTRUCT { ?c hmis:FirstName ?n } WHERE { GRAPH ?g { ?c hmis:FirstName ?n } }`;
    const nt = await engine.query(construct);
    expect(nt.contentType).toBe('application/n-triples');
    expect(nt.body.trim().split('\n').sort()).toEqual([
      `<${iri(Client, 'C1')}> <${HMIS}FirstName> "Alice" .`,
      `<${iri(Client, 'C2')}> <${HMIS}FirstName> "Bob" .`,
    ]);
    const ttl = await engine.query(construct, { accept: 'text/turtle, application/n-triples;q=0.5' });
    expect(ttl.contentType).toBe('text/turtle');
    const quads = new Parser({ format: 'text/turtle' }).parse(ttl.body);
    expect(quads.map((q) => q.object.value).sort()).toEqual(['Alice', 'Bob']);
  });

  it('answers DESCRIBE over the union of the source graphs when asked to', async () => {
    const describe = `DESCRIBE <${iri(Client, 'C2')}>`;
    expect((await engine.query(describe)).body).toBe('');
    const union = await engine.query(describe, { defaultGraphAsUnion: true });
    expect(union.body).toContain('"Ortiz"');
  });

  it('joins client, enrollment, project and exit through object properties', async () => {
    const rows = await select(
      engine,
      `SELECT ?g ?first ?projectName ?destination WHERE { GRAPH ?g {
         ?client hmis:hasClientEnrollment ?enrollment ; hmis:FirstName ?first .
         ?project hmis:hasProjectEnrollment ?enrollment ; hmis:ProjectName ?projectName .
         ?enrollment hmis:hasExit ?exit .
         ?exit hmis:Destination ?destination .
         FILTER(?destination >= 400 && ?destination < 500)
       } }`,
    );
    expect(rows).toEqual([{ g: GRAPH, first: 'Alice', projectName: 'Harbor Shelter', destination: '410' }]);
  });
});

describe('replace', () => {
  let engine: SparqlEngine;
  beforeAll(async () => {
    engine = await loadedEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('swaps an enrollment exactly, moving its project link and keeping its client link', async () => {
    const changed = row(Enrollment, {
      EnrollmentID: 'E1',
      PersonalID: 'C1',
      ProjectID: 'P2',
      EntryDate: '2024-01-15',
    });
    await engine.replace(recordReplace(BASE, SOURCE, Enrollment, enrollment1, changed));
    const e1 = iri(Enrollment, 'E1');
    const dates = await select(engine, `SELECT ?d WHERE { GRAPH ?g { <${e1}> hmis:EntryDate ?d } }`);
    expect(dates).toEqual([{ d: '2024-01-15' }]);
    const projects = await select(
      engine,
      `SELECT ?p WHERE { GRAPH ?g { ?p hmis:hasProjectEnrollment <${e1}> } }`,
    );
    expect(projects).toEqual([{ p: iri(Project, 'P2') }]);
    const clients = await select(
      engine,
      `SELECT ?c WHERE { GRAPH ?g { ?c hmis:hasClientEnrollment <${e1}> } }`,
    );
    expect(clients).toEqual([{ c: iri(Client, 'C1') }]);
    // The enrollment's own link to its exit (owned by the exit record) survives.
    expect(await ask(engine, `ASK { GRAPH ?g { <${e1}> hmis:hasExit <${iri(Exit, 'X1')}> } }`)).toBe(true);
    expect(await engine.size()).toBe(quadCount);
    await engine.replace(recordReplace(BASE, SOURCE, Enrollment, changed, enrollment1));
    expect(await engine.size()).toBe(quadCount);
  });

  it('swaps a client without losing the links to its enrollments', async () => {
    const renamed = row(Client, { PersonalID: 'C1', FirstName: 'Alicia', LastName: 'Ng' });
    await engine.replace(recordReplace(BASE, SOURCE, Client, alice, renamed));
    const c1 = iri(Client, 'C1');
    const rows = await select(engine, `SELECT ?p ?o WHERE { GRAPH ?g { <${c1}> ?p ?o } } ORDER BY ?p`);
    await engine.replace(recordReplace(BASE, SOURCE, Client, renamed, alice));
    expect(rows).toEqual([
      { p: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type', o: `${HMIS}Client` },
      { p: `${HMIS}FirstName`, o: 'Alicia' },
      { p: `${HMIS}LastName`, o: 'Ng' },
      { p: `${HMIS}PersonalID`, o: 'C1' },
      { p: `${HMIS}hasClientEnrollment`, o: iri(Enrollment, 'E1') },
    ]);
  });

  it('deletes a record with its incoming links, and creates it again', async () => {
    const x1 = iri(Exit, 'X1');
    await engine.replace(recordReplace(BASE, SOURCE, Exit, exit1, undefined));
    expect(await ask(engine, `ASK { GRAPH ?g { { <${x1}> ?p ?o } UNION { ?s ?p <${x1}> } } }`)).toBe(false);
    expect(await engine.size()).toBe(quadCount - recordQuads(BASE, SOURCE, Exit, exit1).length);
    await engine.replace(recordReplace(BASE, SOURCE, Exit, undefined, exit1));
    expect(await engine.size()).toBe(quadCount);
  });

  it('changes nothing when the N-Quads to insert are malformed', async () => {
    const before = await engine.size();
    const request = recordReplace(BASE, SOURCE, Client, alice, alice);
    const broken = engine.replace({
      ...request,
      insert: `${request.insert}<${GRAPH}/x> <p> "unterminated .\n`,
    });
    await expect(broken).rejects.toMatchObject({ name: 'SparqlError', kind: 'input' });
    expect(await engine.size()).toBe(before);
    expect(await ask(engine, 'ASK { GRAPH ?g { ?c hmis:FirstName "Alice" } }')).toBe(true);
  });
});

describe('SPARQL UPDATE', () => {
  it('inserts and deletes', async () => {
    const engine = await loadedEngine();
    try {
      await engine.update(
        `${PREFIXES}INSERT DATA { GRAPH <${GRAPH}> { <${iri(Client, 'C1')}> hmis:NameSuffix "Jr." } }`,
      );
      expect(await engine.size()).toBe(quadCount + 1);
      expect(await ask(engine, 'ASK { GRAPH ?g { ?c hmis:NameSuffix "Jr." } }')).toBe(true);
      await engine.update(`${PREFIXES}DELETE WHERE { GRAPH ?g { ?c hmis:FirstName ?name } }`);
      expect(await engine.size()).toBe(quadCount + 1 - 2);
      expect(await ask(engine, 'ASK { GRAPH ?g { ?c hmis:FirstName ?name } }')).toBe(false);
    } finally {
      await engine.close();
    }
  });
});

describe('bad input', () => {
  let engine: SparqlEngine;
  beforeAll(async () => {
    engine = await loadedEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('reports a syntax error cleanly and keeps working', async () => {
    const error = await engine.query('SELEC * WHERE { ?s ?p ?o }').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SparqlError);
    expect((error as SparqlError).kind).toBe('syntax');
    expect((error as SparqlError).message).toMatch(/^error at 1:\d+/);
    const long = await engine.query('SELECT * WHERE { ?s nope:p ?o }').catch((e: unknown) => e);
    expect((long as SparqlError).kind).toBe('syntax');
    expect((long as SparqlError).message.length).toBeLessThanOrEqual(401);
    await expect(engine.update('INSERT DATA { <a> <b> ')).rejects.toMatchObject({ kind: 'syntax' });
    await expect(engine.query('INSERT DATA { <http://a> <http://b> 1 }')).rejects.toBeInstanceOf(SparqlError);
    expect(engine.isBroken).toBe(false);
    expect(await ask(engine, 'ASK { GRAPH ?g { ?c hmis:FirstName "Alice" } }')).toBe(true);
  });

  it('refuses an oversized query before it reaches the worker', async () => {
    const huge = `SELECT * WHERE { ?s ?p ?o } # ${'x'.repeat(100_000)}`;
    await expect(engine.query(huge)).rejects.toBeInstanceOf(QueryTooLargeError);
    await expect(engine.update(`# ${'x'.repeat(1_000_001)}`)).rejects.toBeInstanceOf(QueryTooLargeError);
    expect(await engine.size()).toBe(quadCount);
  });

  it('refuses a result format that does not fit the query form', async () => {
    await expect(engine.query('ASK {}', { accept: 'text/turtle' })).rejects.toBeInstanceOf(
      NotAcceptableError,
    );
  });
});

describe('timeouts and restart', () => {
  it('stops a runaway query, then restarts empty and works', async () => {
    const onRestartNeeded = vi.fn();
    const engine = await SparqlEngine.start({ onRestartNeeded });
    try {
      let text = '';
      for (let i = 0; i < 3000; i++) text += `<http://x/s${i}> <http://x/p> "v${i}" <http://x/g> .\n`;
      await engine.load(text);
      expect(await engine.size()).toBe(3000);
      const started = performance.now();
      const hostile = engine.query(
        'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?x { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } }',
        { timeoutMs: 200 },
      );
      const queued = engine.size();
      await expect(hostile).rejects.toBeInstanceOf(QueryTimeoutError);
      expect(performance.now() - started).toBeLessThan(5000);
      await expect(queued).rejects.toBeInstanceOf(EngineBrokenError);
      expect(engine.isBroken).toBe(true);
      expect(onRestartNeeded).toHaveBeenCalledTimes(1);
      expect(onRestartNeeded.mock.calls[0]?.[0]).toBeInstanceOf(QueryTimeoutError);
      await expect(engine.query('ASK {}')).rejects.toBeInstanceOf(EngineBrokenError);

      await engine.restart();
      expect(engine.isBroken).toBe(false);
      expect(await engine.size()).toBe(0);
      await engine.load(toNQuads(recordQuads(BASE, SOURCE, Client, alice)));
      expect(await ask(engine, 'ASK { GRAPH ?g { ?c hmis:FirstName "Alice" } }')).toBe(true);
      expect(onRestartNeeded).toHaveBeenCalledTimes(1);
    } finally {
      await engine.close();
    }
  });

  it('does not time out a query that finishes in time', async () => {
    const engine = await loadedEngine();
    try {
      expect(await ask(engine, 'ASK { GRAPH ?g { ?c hmis:FirstName "Bob" } }')).toBe(true);
      const result = await engine.query('ASK { GRAPH ?g { ?s ?p ?o } }', { timeoutMs: 2000 });
      expect(JSON.parse(result.body)).toEqual({ head: {}, boolean: true });
      expect(engine.isBroken).toBe(false);
    } finally {
      await engine.close();
    }
  });
});

describe('loading and closing', () => {
  it('loads records chunk by chunk', async () => {
    const engine = await SparqlEngine.start();
    try {
      const load = vi.spyOn(engine, 'load');
      const sent = await loadRecordsInChunks(engine, records, BASE, 10);
      expect(sent).toBe(quadCount);
      expect(load.mock.calls.length).toBeGreaterThan(2);
      for (const [text] of load.mock.calls.slice(0, -1))
        expect(text.trim().split('\n').length).toBeLessThan(10 + 40);
      expect(await engine.size()).toBe(quadCount);
    } finally {
      await engine.close();
    }
  });

  it('rejects requests after close()', async () => {
    const engine = await SparqlEngine.start();
    await engine.close();
    await expect(engine.size()).rejects.toBeInstanceOf(EngineBrokenError);
    await engine.close();
  });

  it('close() leaves no handle that keeps the process alive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-sparql-'));
    try {
      const script = join(dir, 'run.mts');
      const engineUrl = new URL('../src/query/sparql-engine.ts', import.meta.url).href;
      writeFileSync(
        script,
        `import { SparqlEngine } from '${engineUrl}';
const engine = await SparqlEngine.start();
await engine.load('<http://x/s> <http://x/p> "o" <http://x/g> .\\n');
if (process.argv[2] === 'close') await engine.close();
console.log('size', 1);
`,
      );
      const cwd = fileURLToPath(new URL('..', import.meta.url));
      /** Runs the script; resolves with its exit code, or 'alive' if it still runs `graceMs` after its output. */
      const run = (mode: string, graceMs: number) =>
        new Promise<{ stdout: string; outcome: number | 'alive' }>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', script, mode], { cwd, stdio: 'pipe' });
          let stdout = '';
          let timer: NodeJS.Timeout | undefined;
          child.stdout.on('data', (data: Buffer) => {
            stdout += data.toString();
            if (stdout.includes('size 1') && !timer)
              timer = setTimeout(() => {
                child.kill();
                resolve({ stdout, outcome: 'alive' });
              }, graceMs);
          });
          child.on('error', reject);
          child.on('exit', (code) => {
            clearTimeout(timer);
            resolve({ stdout, outcome: code ?? -1 });
          });
        });
      expect(await run('close', 10_000)).toEqual({ stdout: 'size 1\n', outcome: 0 });
      // Control: without close() the worker keeps the process running.
      expect(await run('leak', 1_500)).toEqual({ stdout: 'size 1\n', outcome: 'alive' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
