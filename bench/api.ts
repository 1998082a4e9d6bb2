/**
 * HMIS API benchmark on HUD's LSA sample, over real HTTP:
 *
 *   npx tsx bench/api.ts [lsa.zip]        (BENCH_REQUESTS per scenario, default 200; BENCH_SECONDS, 10)
 *
 * 1. Imports the sample and serves createApp() on a random port with an admin token.
 * 2. For every route of HMIS_API_ROUTES with a HUD scenario number: N sequential requests with
 *    parameters drawn from the data (random clients that have enrollments, their projects and dates,
 *    funders and project types present in the sample), p50/p99 of the full round trip (body read).
 * 3. The same SPARQL, on the store directly, through a bare HTTP endpoint the bench serves itself
 *    (the query text in, the engine's answer out, on the same server stack: Oxigraph as its own
 *    server would stand), and through Hearth's /sparql: `store.query` is wrapped to record the text
 *    (and options) of every query each request ran, and those exact queries are replayed, so the
 *    Oxigraph columns time precisely the SPARQL the HTTP column included. The HTTP comparisons are
 *    paired: right after each request, the same request again and its queries through the bare
 *    endpoint and through /sparql, in rotating order, so all run warm, adjacent in time (this
 *    machine's speed drifts by 2× within a minute); a ratio is the median of the per-pair ratios.
 *    Routes answered from the in-memory records (no query) show "—".
 * 4. autocannon on GET /api/v1/client/{id}, 50 connections, rotating ids, in a worker thread so the
 *    load generator does not share the server's event loop.
 * Targets (issue 3): p50 ≤ 20 ms, p99 ≤ 100 ms per scenario, HTTP ≤ 1.2 × Oxigraph (judged against
 * the bare endpoint and against /sparql: the same engine over the same transport), ≥ 3,000 req/s.
 */
import crypto from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { serve } from '@hono/node-server';
import { createApp } from '../src/api/app.ts';
import { HMIS_API_ROUTES } from '../src/api/hmis-api/routes.ts';
import type { RouteSpec } from '../src/api/route-spec.ts';
import { loadConfig } from '../src/config.ts';
import { Random } from '../src/demo/random.ts';
import { importHmisCsv } from '../src/ingest/import.ts';
import { fieldIndex, table } from '../src/model/index.ts';
import type { QueryOptions } from '../src/query/sparql-engine.ts';
import { AuditLog } from '../src/security/audit.ts';
import { UserDirectory } from '../src/security/users.ts';
import { EmbeddedStore } from '../src/store/embedded-store.ts';
import type { Row } from '../src/store/record-state.ts';
import { RecordStore } from '../src/store/record-store.ts';
import { LSA_SAMPLE_ZIP, ms, pairedRatio, percentile } from './stats.ts';

const SAMPLE_ZIP = LSA_SAMPLE_ZIP;
const BASE = 'http://localhost:8080/id';
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = 20;

// A seeded generator: the same requests on every run, so runs compare.
const rng = new Random(20260101);
const random = () => rng.next();
const pick = <T>(items: readonly T[]): T => rng.pick(items);
const chance = (p: number) => rng.chance(p);

// ---------------------------------------------------------------------------------------------
// Store and server

const zip = process.argv[2] ?? SAMPLE_ZIP;
const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-api-'));
let started = performance.now();
// Into the record log first, then open the store: its index then loads in one bulk pass.
const log = await RecordStore.open({ dir });
const report = await importHmisCsv(log, zip);
await log.close();
if (!report.applied) throw new Error(`import failed: ${report.errors.length} errors`);
const store = await EmbeddedStore.open({ dir, baseIri: BASE });
await store.indexReady;
console.log(`LSA sample imported and indexed in ${((performance.now() - started) / 1000).toFixed(1)} s`);

type Captured = { sparql: string; options: QueryOptions | undefined }[];
let captured: Captured | undefined;
const runQuery = store.query.bind(store);
// Records what each request runs; the store still answers (this is a tap, not a stand-in).
store.query = (sparql, options) => {
  captured?.push({ sparql, options });
  return runQuery(sparql, options);
};

const adminToken = crypto.randomBytes(32).toString('base64url');
const config = loadConfig({ HEARTH_DATA_DIR: dir, HEARTH_BASE_IRI: BASE, PORT: '0' });
const audit = new AuditLog(dir);
const users = new UserDirectory(dir);
const app = createApp({ store, config, adminToken, audit, users });
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const auth = { Authorization: `Bearer ${adminToken}` };

// Oxigraph behind a bare HTTP endpoint on the same server stack, as Oxigraph's own server would
// stand: the query text in, the engine's serialized answer out, no Hearth logic between.
const bareServer = serve({
  port: 0,
  hostname: '127.0.0.1',
  fetch: async (request: Request) => {
    const result = await runQuery(await request.text(), { accept: 'application/sparql-results+json' });
    return new Response(result.body, { headers: { 'Content-Type': result.contentType } });
  },
});
await new Promise<void>((resolve) => bareServer.once('listening', () => resolve()));
const bareOrigin = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;

// ---------------------------------------------------------------------------------------------
// Parameters from the data

const source = store.records.source(report.source);
if (!source) throw new Error(`no source ${report.source}`);
const rows = (name: string) => [...source.table(name).rows.values()];
const col = (name: string, column: string) => {
  const i = fieldIndex(table(name), column);
  return (row: Row) => row[i] ?? '';
};
const [enrollmentClient, enrollmentProject, entryDate] = ['PersonalID', 'ProjectID', 'EntryDate'].map((c) =>
  col('Enrollment', c),
) as [(r: Row) => string, (r: Row) => string, (r: Row) => string];
const enrollments = rows('Enrollment');
const entryDates = enrollments.map(entryDate).filter(Boolean);
const distinct = (name: string, column: string) =>
  [...new Set(rows(name).map(col(name, column)))].filter(Boolean);
const funders = distinct('Funder', 'Funder');
const projectTypes = distinct('Project', 'ProjectType');
const cocCodes = distinct('ProjectCoC', 'CoCCode');
const clientUpdated = rows('Client').map(col('Client', 'DateUpdated')).filter(Boolean);
const client = (id: string) => source.get('Client', id) ?? [];
const clientColumn = (row: Row, column: string) => col('Client', column)(row);
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** One request's parameter values, around a random enrollment (so its client and project match). */
function paramsFor(route: RouteSpec): Record<string, string> {
  const enrollment = pick(enrollments);
  const values: Record<string, string | undefined> = {
    PersonalID: enrollmentClient(enrollment),
    ProjectID:
      route.params.some((p) => p.name === 'ProjectID' && p.in === 'path') || chance(0.5)
        ? enrollmentProject(enrollment)
        : undefined,
    EntryDate: chance(0.5) ? addDays(entryDate(enrollment), -pick([30, 365, 1000])) : undefined,
    ExitDate: chance(0.3) ? addDays(pick(entryDates), 365) : undefined,
    ActiveOn: chance(0.5) ? pick(entryDates) : undefined,
    Funder: chance(0.5) ? pick(funders) : undefined,
    ProjectType: chance(0.5) ? pick(projectTypes) : undefined,
    CocCode: chance(0.3) ? pick(cocCodes) : undefined,
    OperatingStartDate: chance(0.2) ? pick(entryDates) : undefined,
    since: chance(0.7) ? pick(clientUpdated).replace(' ', 'T') : undefined,
    from: undefined,
    to: undefined,
  };
  if (chance(0.5)) {
    values.from = pick(entryDates);
    values.to = addDays(values.from, 365);
  }
  // A caller's range ends after it starts (an inverted one is a 400).
  const { EntryDate, ExitDate } = values;
  if (EntryDate && ExitDate && ExitDate < EntryDate)
    [values.EntryDate, values.ExitDate] = [ExitDate, EntryDate];
  const chosen: Record<string, string> = {};
  for (const param of route.params) {
    const value = values[param.name];
    if (value !== undefined) chosen[param.name] = value;
    else if (param.in === 'path') throw new Error(`${route.path}: no value for ${param.name}`);
  }
  return chosen;
}

/** Search bodies of a real client, by kind (the kinds' ratios are printed apart too). */
function searchBodies(row: Row, personalId: string): [kind: string, body: unknown][] {
  const last = clientColumn(row, 'LastName');
  return [
    [
      'last-name prefix + first name',
      { LastName: last.slice(0, 4), FirstName: clientColumn(row, 'FirstName') },
    ],
    ['last name with a typo', { LastName: `${last.slice(0, -1)}x` }],
    ['DOB + last name', { DOB: clientColumn(row, 'DOB'), LastName: last }],
    ['SSN last four + last name', { SSN: clientColumn(row, 'SSN').slice(-4), LastName: last }],
    ['PersonalID', { PersonalID: personalId }],
  ];
}

/** A request body like a caller's: search criteria of a real client, or a client record to store. */
function bodyFor(route: RouteSpec, personalId: string): { kind?: string; body: unknown } {
  const row = client(personalId);
  if (route.body?.schema === 'ClientSearchQuery') {
    const [kind, body] = pick(searchBodies(row, personalId));
    return { kind, body };
  }
  if (route.body?.table === 'Client' && route.body.partial)
    return { body: { MiddleName: pick(['A', 'B', 'C', null]) } };
  if (route.body?.table === 'Client') {
    const spec = table('Client');
    const body: Record<string, unknown> = {};
    spec.fields.forEach((field, i) => {
      const value = row[i];
      if (
        !value ||
        ['PersonalID', 'DateCreated', 'DateUpdated', 'UserID', 'DateDeleted', 'ExportID'].includes(field.name)
      )
        return;
      body[field.name] = field.type.kind === 'integer' ? Number(value) : value;
    });
    return { body };
  }
  if (route.body)
    throw new Error(`${route.operationId}: no bench body for ${route.body.schema ?? route.body.table}`);
  return { body: undefined };
}

// ---------------------------------------------------------------------------------------------
// Scenarios

interface Result {
  readonly route: RouteSpec;
  readonly http: number[];
  readonly sparql: number[];
  /** The same queries sent to Hearth's /sparql over HTTP, paired with `warm`. */
  readonly sparqlHttp: number[];
  /** The same queries sent to the bare Oxigraph endpoint over HTTP, paired with `warm`. */
  readonly bare: number[];
  /** Each request with queries sent a second time (warm), paired with `bare` and `sparqlHttp`. */
  readonly warm: number[];
  readonly statuses: Map<number, number>;
  readonly queries: number;
  /** The slowest request's path and time, to see which parameters cost the most. */
  readonly slowest: { path: string; ms: number };
  /** `warm` and `bare` again, by kind of request body (search criteria). */
  readonly byKind: Map<string, { warm: number[]; bare: number[] }>;
}

async function request(route: RouteSpec): Promise<{
  status: number;
  path: string;
  kind?: string;
  queries: typeof captured;
  again: () => Promise<void>;
}> {
  const params = paramsFor(route);
  let path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  const query = new URLSearchParams(
    route.params
      .filter((p) => p.in === 'query' && params[p.name] !== undefined)
      .map((p) => [p.name, params[p.name] ?? '']),
  );
  if (query.size > 0) path += `?${query}`;
  const { kind, body } = bodyFor(route, params.PersonalID ?? enrollmentClient(pick(enrollments)));
  const send = () =>
    fetch(`${origin}/api/v1${path}`, {
      method: route.method.toUpperCase(),
      headers: { ...auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  captured = [];
  const response = await send();
  await response.arrayBuffer();
  const queries = captured;
  captured = undefined;
  const again = async () => {
    await (await send()).arrayBuffer();
  };
  return { status: response.status, path, ...(kind ? { kind } : {}), queries, again };
}

/** Each request's queries timed together through `run`, after the first WARMUP requests' as warm-up. */
async function replayAll(
  replays: readonly Captured[],
  run: (query: Captured[number]) => Promise<unknown>,
): Promise<number[]> {
  const times: number[] = [];
  for (const [i, queries] of [...replays.slice(0, WARMUP), ...replays].entries()) {
    const elapsed = await timed(async () => {
      for (const q of queries) await run(q);
    });
    if (i >= Math.min(WARMUP, replays.length)) times.push(elapsed);
  }
  return times;
}

async function measure(route: RouteSpec): Promise<Result> {
  for (let i = 0; i < WARMUP; i++) await request(route);
  const http: number[] = [];
  const replays: Captured[] = [];
  const statuses = new Map<number, number>();
  let slowest = { path: '', ms: 0 };
  const [bare, warm, sparqlHttp]: number[][] = [[], [], []];
  const byKind = new Map<string, { warm: number[]; bare: number[] }>();
  for (let i = 0; i < REQUESTS; i++) {
    const begin = performance.now();
    const { status, path, kind, queries, again } = await request(route);
    const elapsed = performance.now() - begin;
    http.push(elapsed);
    if (elapsed > slowest.ms) slowest = { path, ms: elapsed };
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (!queries || queries.length === 0) continue;
    replays.push(queries);
    // The same request again, and its queries through the bare endpoint and through Hearth's
    // /sparql, right after it, in rotating order: all three meet the same machine (its speed drifts
    // by 2× here within a minute) and the same caches (the first run above was the cold one).
    const steps = [
      async () => warm.push(await timed(again)),
      async () =>
        bare.push(
          await timed(async () => {
            for (const q of queries) await bareOverHttp(q.sparql);
          }),
        ),
      async () =>
        sparqlHttp.push(
          await timed(async () => {
            for (const q of queries) await sparqlOverHttp(q.sparql);
          }),
        ),
    ];
    const first = i % steps.length;
    for (const step of [...steps.slice(first), ...steps.slice(0, first)]) await step();
    if (kind) {
      const pairs = byKind.get(kind) ?? { warm: [], bare: [] };
      pairs.warm.push(warm.at(-1) as number);
      pairs.bare.push(bare.at(-1) as number);
      byKind.set(kind, pairs);
    }
  }
  // Replays every request's queries in order, on the store itself (no HTTP, no handler, no JSON).
  const sparql = await replayAll(replays, (q) => runQuery(q.sparql, q.options));
  const queries = replays.reduce((n, r) => n + r.length, 0);
  return { route, http, sparql, sparqlHttp, bare, warm, statuses, queries, slowest, byKind };
}

/** The p50 of a request that does no work (GET /healthz), over the same client and connection pool. */
async function transportFloor(): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const begin = performance.now();
    const response = await fetch(`${origin}/healthz`, { headers: auth });
    await response.arrayBuffer();
    if (i >= WARMUP) times.push(performance.now() - begin);
  }
  return percentile(times, 50) ?? 0;
}

const timed = async (work: () => Promise<unknown>): Promise<number> => {
  const begin = performance.now();
  await work();
  return performance.now() - begin;
};

async function bareOverHttp(sparql: string): Promise<void> {
  const response = await fetch(bareOrigin, { method: 'POST', body: sparql });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`the bare endpoint answered ${response.status}`);
}

async function sparqlOverHttp(sparql: string): Promise<void> {
  const response = await fetch(`${origin}/sparql`, {
    method: 'POST',
    headers: {
      ...auth,
      'Content-Type': 'application/sparql-query',
      Accept: 'application/sparql-results+json',
    },
    body: sparql,
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`/sparql answered ${response.status}`);
}

// BENCH_ROUTES=getClients,getChanges measures only those operations.
const only = process.env.BENCH_ROUTES?.split(',');
const scenarioRoutes = HMIS_API_ROUTES.filter(
  (r) => r.scenario !== undefined && (!only || only.includes(r.operationId)),
);
// Writes last: the reads then measure the imported data, not the index catching up with writes.
const ordered = [
  ...scenarioRoutes.filter((r) => r.action !== 'write-client'),
  ...scenarioRoutes.filter((r) => r.action === 'write-client'),
];
console.log(`${REQUESTS} requests per scenario (after ${WARMUP} warm-up), node ${process.version}\n`);
// Oxigraph is measured three ways: in-process (the engine alone, queries back to back), behind a
// bare HTTP endpoint (the engine and the transport, no Hearth logic), and through Hearth's /sparql.
// The 1.2× target is judged against the bare endpoint and /sparql, each paired with the same request
// run warm, as the median of the per-pair ratios: against in-process alone, a sub-millisecond query
// cannot be 1.2× of itself once HTTP carries it (the floor, a no-work request, is printed), and back
// to back the engine runs warmer than between a request's work.
const header = [
  'sc.',
  'route',
  'HTTP p50',
  'HTTP p99',
  'Ox in-process p50',
  'Ox in-process p99',
  'Ox /sparql p50',
  'HTTP/in-process',
  'warm HTTP p50',
  'Ox bare HTTP p50',
  'warm HTTP/bare',
  'warm HTTP//sparql',
  'statuses',
  'targets',
];
const lines: string[][] = [header];
const floor = await transportFloor();
console.log(`transport floor (GET /healthz over the same client): p50 ${ms(floor)}\n`);
const ratioText = (ratio: number | undefined) => (ratio === undefined ? '—' : `${ratio.toFixed(2)}×`);
for (const route of ordered) {
  const r = await measure(route);
  const [p50, p99] = [percentile(r.http, 50) ?? 0, percentile(r.http, 99) ?? 0];
  const [s50, s99] = [percentile(r.sparql, 50), percentile(r.sparql, 99)];
  const h50 = percentile(r.sparqlHttp, 50);
  const inProcess = s50 && p50 / s50;
  const [b50, w50] = [percentile(r.bare, 50), percentile(r.warm, 50)];
  const [overBare, overHttp] = [pairedRatio(r.warm, r.bare), pairedRatio(r.warm, r.sparqlHttp)];
  const missed = [
    ...(p50 > 20 ? ['p50'] : []),
    ...(p99 > 100 ? ['p99'] : []),
    ...(overHttp !== undefined && overHttp > 1.2 ? ['1.2× /sparql'] : []),
    ...(overBare !== undefined && overBare > 1.2 ? ['1.2× bare'] : []),
  ];
  const statuses = [...r.statuses].map(([status, n]) => `${status}×${n}`).join(' ');
  lines.push([
    String(route.scenario),
    `${route.method.toUpperCase()} ${route.path}`,
    ms(p50),
    ms(p99),
    ms(s50),
    ms(s99),
    ms(h50),
    ratioText(inProcess),
    ms(w50),
    ms(b50),
    ratioText(overBare),
    ratioText(overHttp),
    statuses,
    missed.length === 0 ? 'met' : `MISSED ${missed.join(', ')}`,
  ]);
  console.log(
    `  measured ${route.operationId} (${(r.queries / REQUESTS).toFixed(1)} queries per request; ` +
      `slowest ${ms(r.slowest.ms)}: ${r.slowest.path})`,
  );
  for (const [kind, pairs] of r.byKind)
    console.log(
      `    ${kind}: ${pairs.warm.length} requests, warm p50 ${ms(percentile(pairs.warm, 50) ?? 0)}, ` +
        `bare p50 ${ms(percentile(pairs.bare, 50) ?? 0)}, warm/bare ${ratioText(pairedRatio(pairs.warm, pairs.bare))}`,
    );
}
const widths = header.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
console.log(`\n${lines.map((l) => l.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n')}\n`);

// ---------------------------------------------------------------------------------------------
// 404s: for a caseworker scoped to one project, a client outside the scope must answer like one
// that does not exist, in time too (a difference would tell an attacker the client exists).

async function notFoundTimes(): Promise<void> {
  const project = enrollmentProject(pick(enrollments));
  const token = await users.add('bench-caseworker', 'caseworker', { projects: [project] });
  const headers = { Authorization: `Bearer ${token}` };
  const inProject = new Set(
    enrollments.filter((e) => enrollmentProject(e) === project).map(enrollmentClient),
  );
  const hidden = ids.filter((id) => !inProject.has(id));
  const times = { hidden: [] as number[], absent: [] as number[] };
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    // Alternating, so that both kinds see the same load and caches.
    for (const kind of ['hidden', 'absent'] as const) {
      const id = kind === 'hidden' ? pick(hidden) : `NO-SUCH-${Math.floor(random() * 1e9)}`;
      const begin = performance.now();
      const response = await fetch(`${origin}/api/v1/client/${encodeURIComponent(id)}/enrollments`, {
        headers,
      });
      await response.arrayBuffer();
      if (response.status !== 404) throw new Error(`${kind} client answered ${response.status}`);
      if (i >= WARMUP) times[kind].push(performance.now() - begin);
    }
  }
  const [h50, a50] = [percentile(times.hidden, 50) ?? 0, percentile(times.absent, 50) ?? 0];
  const [h99, a99] = [percentile(times.hidden, 99) ?? 0, percentile(times.absent, 99) ?? 0];
  console.log(
    `404 for a caseworker, ${REQUESTS} each: hidden client p50 ${ms(h50)} / p99 ${ms(h99)}, ` +
      `absent client p50 ${ms(a50)} / p99 ${ms(a99)} (p50 difference ${ms(Math.abs(h50 - a50))})\n`,
  );
}

// ---------------------------------------------------------------------------------------------
// Throughput

interface Cannon {
  completed: number;
  /** Seconds. */
  duration: number;
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
const ids = [...new Set(enrollments.map(enrollmentClient))];
await notFoundTimes();
const CANNON = `
const { workerData, parentPort } = require('node:worker_threads');
const autocannon = require(workerData.autocannon);
let i = 0;
const next = () => '/api/v1/client/' + encodeURIComponent(workerData.ids[i++ % workerData.ids.length]);
const options = {
  url: workerData.origin, connections: 50, duration: workerData.seconds, headers: workerData.headers,
  requests: [{ setupRequest: (req) => ({ ...req, path: next() }) }],
};
// Outside the main thread autocannon hands back raw histograms; aggregateResult makes the summary.
autocannon(options).then((raw) => {
  const r = autocannon.aggregateResult([raw], options);
  parentPort.postMessage({ completed: raw.totalCompletedRequests, duration: (raw.finish - raw.start) / 1000, latency: r.latency, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts });
});
`;
started = performance.now();
const cannon = await new Promise<Cannon>((resolve, reject) => {
  const worker = new Worker(CANNON, {
    eval: true,
    workerData: {
      autocannon: createRequire(import.meta.url).resolve('autocannon'),
      origin,
      seconds: SECONDS,
      headers: auth,
      ids: ids.sort(() => random() - 0.5),
    },
  });
  worker.once('message', (result: Cannon) => {
    resolve(result);
    void worker.terminate();
  });
  worker.once('error', reject);
});
const rate = cannon.completed / cannon.duration;
console.log(
  `GET /api/v1/client/{id}, 50 connections, ${SECONDS} s, ${ids.length} rotating ids: ` +
    `${Math.round(rate).toLocaleString('en-US')} req/s (p50 ${cannon.latency.p50} ms, p99 ${cannon.latency.p99} ms; ` +
    `non-2xx ${cannon.non2xx}, errors ${cannon.errors}, timeouts ${cannon.timeouts}) — ${rate >= 3000 ? 'met' : 'MISSED'} (≥ 3,000)`,
);

await new Promise((resolve) => server.close(resolve));
await new Promise((resolve) => bareServer.close(resolve));
await audit.close(); // before removing the directory it appends to
await store.close();
rmSync(dir, { recursive: true, force: true });
