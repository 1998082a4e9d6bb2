/**
 * Store benchmark: loads the HUD LSA sample (24 HMIS CSVs, ~3.4 M quads) into each candidate and
 * times the load, one client's full record, a 3-way join and a scenario query.
 *
 *   npx tsx bench/store.ts [lsaDir]
 *
 * Without `lsaDir` it uses /tmp/lsa when present, or unzips the sample from ../shared/data into a
 * temp dir. Each candidate runs in its own child process (`--run <index>`), so the RSS numbers are
 * its own: CSV rows in memory + the candidate's store (+ its worker, which counts in the process RSS).
 *
 * EXTENSION POINT: add a `Candidate` to `CANDIDATES` (e.g. the record store) and it gets the same
 * records, the same random clients and the same queries.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueryEngine } from '@comunica/query-sparql';
import { parse } from 'csv-parse/sync';
import { DataFactory, Store } from 'n3';
import { Random } from '../src/demo/random.ts';
import { TABLES, type TableSpec, table } from '../src/model/index.ts';
import { loadRecordsInChunks, type RecordInput, SparqlEngine } from '../src/query/sparql-engine.ts';
import { graphIri, recordIri } from '../src/rdf/iris.ts';
import { recordQuads } from '../src/rdf/record-quads.ts';
import { clientRecord } from '../src/store/client-record.ts';
import { EmbeddedStore } from '../src/store/embedded-store.ts';
import type { SourceState } from '../src/store/record-state.ts';
import { LSA_SAMPLE_ZIP, percentile } from './stats.ts';

const BASE = 'http://localhost:8080/id';
const SOURCE = 'lsa';
const GRAPH = graphIri(BASE, SOURCE);
const SAMPLE_ZIP = LSA_SAMPLE_ZIP;
const LOOKUPS = 200;
const QUERY_RUNS = 3;
const HMIS = 'urn:hud:hmis:owl#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const PREFIX = 'PREFIX hmis: <urn:hud:hmis:owl#>\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n';

/** All quads of a client, its enrollments and the records under those (exits, disabilities, ...). */
const lookupQuery = (client: string) => `${PREFIX}
SELECT ?s ?p ?o WHERE { GRAPH <${GRAPH}> {
  { BIND(<${client}> AS ?s) }
  UNION { <${client}> hmis:hasClientEnrollment ?s }
  UNION { <${client}> hmis:hasClientEnrollment ?e . ?e ?link ?s . FILTER(isIRI(?s) && ?link != <${RDF_TYPE}>) }
  ?s ?p ?o } }`;

const QUERIES = [
  {
    name: 'join',
    title: 'clients with an enrollment in a ProjectType 13 project and an exit to 400-499',
    sparql: `${PREFIX}SELECT (COUNT(DISTINCT ?client) AS ?n) WHERE { GRAPH ?g {
  ?project hmis:ProjectType 13 ; hmis:hasProjectEnrollment ?enrollment .
  ?client hmis:hasClientEnrollment ?enrollment .
  ?enrollment hmis:hasExit ?exit .
  ?exit hmis:Destination ?destination .
  FILTER(?destination >= 400 && ?destination < 500)
} }`,
  },
  {
    name: 'scenario',
    title: 'clients active on 2025-06-30 in projects with Funder = 3',
    sparql: `${PREFIX}SELECT (COUNT(DISTINCT ?client) AS ?n) WHERE { GRAPH ?g {
  ?funder hmis:Funder 3 .
  ?project hmis:hasFunder ?funder ; hmis:hasProjectEnrollment ?enrollment .
  ?client hmis:hasClientEnrollment ?enrollment .
  ?enrollment hmis:EntryDate ?entry .
  FILTER(?entry <= "2025-06-30"^^xsd:date)
  OPTIONAL { ?enrollment hmis:hasExit ?exit . ?exit hmis:ExitDate ?exitDate }
  FILTER(!BOUND(?exitDate) || ?exitDate > "2025-06-30"^^xsd:date)
} }`,
  },
] as const;

// ---------------------------------------------------------------------------------------------
// Candidates

export interface CandidateInstance {
  /** Loads all records; returns the number of quads (or records) stored. */
  load(records: readonly RecordInput[]): Promise<number>;
  /** One client's full record through SPARQL (`lookupQuery`); returns the number of quads found. */
  lookup(clientIri: string): Promise<number>;
  /** The same through the candidate's own API (no SPARQL), when it has one. */
  lookupNative?(clientIri: string): Promise<number>;
  /** Runs a SPARQL query of `QUERIES`; returns the value of its single `?n` binding. */
  query(sparql: string, timeoutMs: number): Promise<number>;
  /** Extra memory figures (MB), e.g. a worker's heap. */
  memory?(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export interface Candidate {
  name: string;
  /** Fraction of the clients (and their records) to load; 1 = everything. */
  subset: number;
  /** Why a subset is used, printed under the table. */
  subsetReason?: string;
  start(): Promise<CandidateInstance>;
}

const mb = (bytes: number) => Math.round(bytes / 1e6);

function firstBindingNumber(json: string): number {
  const bindings = (JSON.parse(json) as { results: { bindings: Record<string, { value: string }>[] } })
    .results.bindings;
  return Number(bindings[0]?.n?.value ?? Number.NaN);
}

const oxigraphCandidate: Candidate = {
  name: 'A: Oxigraph (worker, SparqlEngine)',
  subset: 1,
  async start() {
    const engine = await SparqlEngine.start({ maxQueryBytes: 1e6 });
    return {
      async load(records) {
        await loadRecordsInChunks(engine, records, BASE, 20_000);
        return engine.size();
      },
      async lookup(client) {
        const result = await engine.query(lookupQuery(client));
        return (JSON.parse(result.body) as { results: { bindings: unknown[] } }).results.bindings.length;
      },
      async query(sparql, timeoutMs) {
        return firstBindingNumber((await engine.query(sparql, { timeoutMs })).body);
      },
      async memory() {
        const usage = await engine.memory();
        return { 'worker heap': mb(usage.heapUsed), 'worker external (WASM)': mb(usage.external) };
      },
      close: () => engine.close(),
    };
  },
};

const n3ComunicaCandidate: Candidate = {
  name: 'B: n3 Store + Comunica',
  // Measured here on the full set: ~50 s load, ~4.4 GB RSS (5.6 GB peak), ~4 min in all, so
  // it runs on everything by default. BENCH_B_SUBSET=0.25 loads the first 25 % of Client.csv
  // and those clients' rows (tables without PersonalID whole) on smaller machines.
  subset: Number(process.env.BENCH_B_SUBSET ?? 1),
  subsetReason:
    Number(process.env.BENCH_B_SUBSET ?? 1) < 1
      ? `B ran on a subset (BENCH_B_SUBSET=${process.env.BENCH_B_SUBSET}): the first clients of Client.csv ` +
        'and their rows; tables without PersonalID whole. Its counts are not comparable to A.'
      : undefined,
  async start() {
    const { namedNode, literal, quad } = DataFactory;
    const store = new Store();
    const engine = new QueryEngine();
    const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
    const count = async (sparql: string, timeoutMs: number) => {
      const stream = await engine.queryBindings(sparql, { sources: [store] });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          stream.destroy();
          reject(new Error(`timeout ${timeoutMs} ms`));
        }, timeoutMs);
      });
      try {
        return await Promise.race([stream.toArray(), timeout]);
      } finally {
        clearTimeout(timer);
      }
    };
    return {
      async load(records) {
        for (const { source, table, row } of records)
          for (const q of recordQuads(BASE, source, table, row))
            store.addQuad(
              quad(
                namedNode(q.subject),
                namedNode(q.predicate),
                q.datatype
                  ? literal(q.object, q.datatype === XSD_STRING ? undefined : namedNode(q.datatype))
                  : namedNode(q.object),
                namedNode(q.graph),
              ),
            );
        return store.size;
      },
      async lookup(client) {
        return (await count(lookupQuery(client), 60_000)).length;
      },
      async lookupNative(client) {
        const graph = namedNode(GRAPH);
        const own = (iri: string) => store.getQuads(namedNode(iri), null, null, graph);
        let found = 0;
        for (const q of own(client)) {
          found++;
          if (q.predicate.value !== `${HMIS}hasClientEnrollment`) continue;
          for (const e of own(q.object.value)) {
            found++;
            if (e.object.termType === 'NamedNode' && e.predicate.value !== RDF_TYPE)
              found += own(e.object.value).length;
          }
        }
        return found;
      },
      async query(sparql, timeoutMs) {
        const [binding] = await count(sparql, timeoutMs);
        return Number(binding?.get('n')?.value ?? Number.NaN);
      },
      async close() {},
    };
  },
};

/**
 * Hearth's design: records in the durable log (committed as one transaction, fsynced), REST reads
 * from the record indexes (`lookupNative` = clientRecord), SPARQL on the Oxigraph index that the
 * store builds from the records. `load` includes the durable commit and the index build.
 */
const hearthCandidate: Candidate = {
  name: 'C: Hearth (record log + Oxigraph index)',
  subset: 1,
  async start() {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
    const store = await EmbeddedStore.open({ dir, baseIri: BASE });
    const quadsOf = (tableName: string, rows: readonly (readonly string[])[]) =>
      rows.reduce((n, row) => n + recordQuads(BASE, SOURCE, table(tableName), row).length, 0);
    return {
      async load(records) {
        await store.commit(
          records.map((r) => ({ op: 'put', source: r.source, table: r.table.name, row: r.row })),
        );
        await store.query('ASK {}'); // resolves once the index holds every committed record
        return store.records.quads;
      },
      async lookup(client) {
        const result = await store.query(lookupQuery(client));
        return (JSON.parse(result.body) as { results: { bindings: unknown[] } }).results.bindings.length;
      },
      async lookupNative(client) {
        const id = decodeURIComponent(client.slice(client.lastIndexOf('/') + 1));
        const record = clientRecord(store.records.source(SOURCE) as SourceState, id);
        if (!record) return 0;
        let quads = quadsOf('Client', [record.client]);
        for (const e of record.enrollments) {
          quads += quadsOf('Enrollment', [e.enrollment]);
          for (const [name, rows] of e.records) quads += quadsOf(name, rows);
        }
        return quads;
      },
      async query(sparql, timeoutMs) {
        return firstBindingNumber((await store.query(sparql, { timeoutMs })).body);
      },
      async close() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const CANDIDATES: Candidate[] = [oxigraphCandidate, n3ComunicaCandidate, hearthCandidate];

// ---------------------------------------------------------------------------------------------
// Data

function lsaDir(arg: string | undefined): string {
  if (arg) return arg;
  if (existsSync('/tmp/lsa/Client.csv')) return '/tmp/lsa';
  const dir = mkdtempSync(join(tmpdir(), 'hearth-lsa-'));
  execFileSync('unzip', ['-q', SAMPLE_ZIP, '-d', dir]);
  return dir;
}

interface Loaded {
  records: RecordInput[];
  clients: string[];
  warnings: string[];
}

/** Parses the CSVs into rows in model field order; `subset` keeps that share of the clients. */
function readRecords(dir: string, subset: number): Loaded {
  const files = new Map(readdirSync(dir).map((f) => [f.toLowerCase(), f]));
  const warnings: string[] = [];
  const tables: { spec: TableSpec; rows: string[][] }[] = [];
  for (const spec of TABLES) {
    const file = files.get(spec.file.toLowerCase());
    if (!file) {
      warnings.push(`${spec.file} missing`);
      continue;
    }
    const [header = [], ...rows] = parse(readFileSync(join(dir, file)), {
      bom: true,
      relax_quotes: true,
    }) as string[][];
    const positions = spec.fields.map((f) => header.indexOf(f.name));
    const unknown = header.filter((h) => !spec.fields.some((f) => f.name === h));
    if (unknown.length > 0) warnings.push(`${spec.file}: columns not in the model: ${unknown.join(', ')}`);
    tables.push({ spec, rows: rows.map((r) => positions.map((p) => (p < 0 ? '' : (r[p] ?? '')))) });
  }
  const clientTable = tables.find((t) => t.spec.name === 'Client');
  const allClients = clientTable?.rows.map((r) => r[0] ?? '') ?? [];
  const kept = new Set(allClients.slice(0, Math.ceil(allClients.length * subset)));
  const records: RecordInput[] = [];
  for (const { spec, rows } of tables) {
    const personal = spec.fields.findIndex((f) => f.name === 'PersonalID');
    for (const row of rows)
      if (subset >= 1 || personal < 0 || kept.has(row[personal] ?? ''))
        records.push({ source: SOURCE, table: spec, row });
  }
  const clientSpec = TABLES.find((t) => t.name === 'Client') as TableSpec;
  return { records, clients: [...kept].map((id) => recordIri(BASE, SOURCE, clientSpec, id)), warnings };
}

// ---------------------------------------------------------------------------------------------
// One candidate (child process)

interface Result {
  name: string;
  subset: number;
  subsetReason?: string;
  records: number;
  quads: number;
  loadMs: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  peakRssMb: number;
  extraMemory: Record<string, number>;
  lookupMedianMs: number;
  lookupP95Ms: number;
  lookupQuadsAvg: number;
  native?: { medianMs: number; p95Ms: number; quadsAvg: number };
  queries: { name: string; ms: number[]; value: number | string }[];
  warnings: string[];
}

/** Deterministic sample (mulberry32), so every candidate looks up the same clients. */
function sample<T>(items: readonly T[], n: number, seed = 42): T[] {
  const random = new Random(seed);
  return Array.from({ length: n }, () => random.pick(items));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

async function runCandidate(candidate: Candidate, dir: string): Promise<Result> {
  const { records, clients, warnings } = readRecords(dir, candidate.subset);
  gc();
  const rssBefore = process.memoryUsage().rss;
  const instance = await candidate.start();
  const started = performance.now();
  const quads = await instance.load(records);
  const loadMs = performance.now() - started;
  gc();
  const rssAfter = process.memoryUsage().rss;
  const extraMemory = (await instance.memory?.()) ?? {};

  const times: number[] = [];
  let found = 0;
  // The lookups sample the first 25 % of clients, which every candidate holds.
  const lookupPool = clients.slice(
    0,
    Math.ceil(clients.length * Math.min(...CANDIDATES.map((c) => c.subset))),
  );
  await instance.lookup(lookupPool[0] as string); // warm-up
  for (const client of sample(lookupPool, LOOKUPS)) {
    const t = performance.now();
    found += await instance.lookup(client);
    times.push(performance.now() - t);
  }

  let native: Result['native'];
  if (instance.lookupNative) {
    const nativeTimes: number[] = [];
    let nativeFound = 0;
    for (const client of sample(lookupPool, LOOKUPS)) {
      const t = performance.now();
      nativeFound += await instance.lookupNative(client);
      nativeTimes.push(performance.now() - t);
    }
    native = {
      medianMs: median(nativeTimes),
      p95Ms: percentile(nativeTimes, 95) ?? 0,
      quadsAvg: nativeFound / LOOKUPS,
    };
  }

  const queries: Result['queries'] = [];
  for (const query of QUERIES) {
    const ms: number[] = [];
    let value: number | string = Number.NaN;
    for (let run = 0; run < QUERY_RUNS; run++) {
      const t = performance.now();
      try {
        value = await instance.query(query.sparql, 300_000);
      } catch (error) {
        value = `failed: ${(error as Error).message}`;
        break;
      }
      ms.push(performance.now() - t);
      if (ms[0] !== undefined && ms[0] > 30_000) break; // slow: one run is enough
    }
    queries.push({ name: query.name, ms, value });
  }
  await instance.close();
  return {
    name: candidate.name,
    subset: candidate.subset,
    subsetReason: candidate.subsetReason,
    records: records.length,
    quads,
    loadMs,
    rssBeforeMb: mb(rssBefore),
    rssAfterMb: mb(rssAfter),
    peakRssMb: Math.round((process.resourceUsage().maxRSS * 1024) / 1e6),
    extraMemory,
    lookupMedianMs: median(times),
    lookupP95Ms: percentile(times, 95) ?? 0,
    lookupQuadsAvg: found / LOOKUPS,
    native,
    queries,
    warnings,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : 'n/a';

function report(results: Result[]): void {
  const queryCell = (r: Result, name: string) => {
    const q = r.queries.find((x) => x.name === name);
    if (!q) return 'n/a';
    if (typeof q.value === 'string') return q.value;
    return `${fmt(median(q.ms), 1)} ms (n=${q.value})`;
  };
  const rows: [string, ...string[]][] = [
    ['candidate', ...results.map((r) => r.name)],
    ['data', ...results.map((r) => (r.subset >= 1 ? 'full' : `subset ${r.subset * 100} % of clients`))],
    ['records', ...results.map((r) => fmt(r.records))],
    ['quads', ...results.map((r) => fmt(r.quads))],
    ['load', ...results.map((r) => `${fmt(r.loadMs / 1000, 1)} s`)],
    ['quads/s', ...results.map((r) => fmt(r.quads / (r.loadMs / 1000)))],
    ['RSS before load (CSV rows)', ...results.map((r) => `${fmt(r.rssBeforeMb)} MB`)],
    ['RSS after load', ...results.map((r) => `${fmt(r.rssAfterMb)} MB`)],
    ['peak RSS (maxRSS)', ...results.map((r) => `${fmt(r.peakRssMb)} MB`)],
    [
      'worker memory',
      ...results.map(
        (r) =>
          Object.entries(r.extraMemory)
            .map(([k, v]) => `${k} ${v} MB`)
            .join(', ') || '-',
      ),
    ],
    [
      `client lookup, SPARQL (median of ${LOOKUPS})`,
      ...results.map((r) => `${fmt(r.lookupMedianMs, 2)} ms (p95 ${fmt(r.lookupP95Ms, 2)})`),
    ],
    ['quads per lookup (avg)', ...results.map((r) => fmt(r.lookupQuadsAvg, 1))],
    [
      'client lookup, native API',
      ...results.map((r) =>
        r.native
          ? `${fmt(r.native.medianMs, 3)} ms (p95 ${fmt(r.native.p95Ms, 3)}, ${fmt(r.native.quadsAvg, 1)} quads)`
          : 'n/a',
      ),
    ],
    ...QUERIES.map(
      (q) =>
        [`${q.name} (median of ${QUERY_RUNS})`, ...results.map((r) => queryCell(r, q.name))] as [
          string,
          ...string[],
        ],
    ),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(rows[0]));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
  console.log();
  for (const q of QUERIES) console.log(`${q.name}: ${q.title}`);
  console.log('RSS is the whole process: the Oxigraph worker thread counts in it.');
  for (const r of results) if (r.subsetReason) console.log(`${r.name}: ${r.subsetReason}`);
  for (const w of new Set(results.flatMap((r) => r.warnings))) console.log(`warning: ${w}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runIndex = args.indexOf('--run');
  if (runIndex >= 0) {
    const candidate = CANDIDATES[Number(args[runIndex + 1])];
    if (!candidate) throw new Error('unknown candidate');
    const result = await runCandidate(candidate, args[runIndex + 2] as string);
    console.log(`RESULT ${JSON.stringify(result)}`);
    return;
  }
  const dir = lsaDir(args[0]);
  console.log(`LSA sample: ${dir}; node ${process.version}; one child process per candidate\n`);
  const results: Result[] = [];
  for (const [index, candidate] of CANDIDATES.entries()) {
    console.error(`running ${candidate.name} ...`);
    const child = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        '--max-old-space-size=6144',
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--run',
        String(index),
        dir,
      ],
      { encoding: 'utf8', maxBuffer: 1e8, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) {
      console.error(`${candidate.name} failed (status ${child.status}, signal ${child.signal})`);
      continue;
    }
    results.push(JSON.parse(line.slice('RESULT '.length)) as Result);
  }
  report(results);
}

await main();
