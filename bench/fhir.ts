/**
 * FHIR benchmark on HUD's LSA sample, over real HTTP:
 *
 *   npx tsx bench/fhir.ts [lsa.zip]        (BENCH_REQUESTS per row, default 200)
 *
 * Serves createApp() on a loopback port with a health-system user, then for each row N sequential
 * requests (full round trip, body read) with parameters drawn from the data by a seeded generator:
 * `Patient/{id}/$everything` for random clients; Patient searches by family, given, birthdate and
 * identifier (rotating, so the search cache rarely helps); an unfiltered first page. Side by side,
 * in the same run, two baselines without HTTP for the same clients and criteria: the raw record
 * (clientRecord from the record store, serialized) and Hearth's FHIR view in-process (resources
 * built and serialized), so the table shows what the mapping and what HTTP cost.
 *
 * Targets (issue 4): $everything p50 ≤ 50 ms; Patient search p50 ≤ 20 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '../src/api/app.ts';
import { parseCriteria } from '../src/api/fhir/criteria.ts';
import { SERVED_TYPES } from '../src/api/fhir/interactions.ts';
import { runSearch } from '../src/api/fhir/search.ts';
import { Random } from '../src/demo/random.ts';
import { FhirView, PATIENT_TYPES, type PatientCache } from '../src/fhir/view.ts';
import { importHmisCsv } from '../src/ingest/import.ts';
import { fieldIndex, table } from '../src/model/index.ts';
import { AuditLog } from '../src/security/audit.ts';
import { scopeFor } from '../src/security/policy.ts';
import { UserDirectory } from '../src/security/users.ts';
import { clientRecord } from '../src/store/client-record.ts';
import { EmbeddedStore } from '../src/store/embedded-store.ts';
import type { SourceState } from '../src/store/record-state.ts';
import { RecordStore } from '../src/store/record-store.ts';
import { LSA_SAMPLE_ZIP, ms, percentile } from './stats.ts';

const SAMPLE_ZIP = LSA_SAMPLE_ZIP;
const BASE = 'http://localhost:8080/id';
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const WARMUP = 20;

const rng = new Random(20261201);
const pick = <T>(items: readonly T[]): T => rng.pick(items);

async function time(runs: number, work: (i: number) => unknown | Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await work(i);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work(WARMUP + i);
    times.push(performance.now() - started);
  }
  return times;
}

// ---------------------------------------------------------------------------------------------
// Store, server, caller

const zip = process.argv[2] ?? SAMPLE_ZIP;
const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-fhir-'));
const started = performance.now();
const log = await RecordStore.open({ dir });
const report = await importHmisCsv(log, zip);
await log.close();
if (!report.applied) throw new Error(`import failed: ${report.errors.length} errors`);
const store = await EmbeddedStore.open({ dir, baseIri: BASE });
await store.indexReady; // the SPARQL index builds in the background: let it finish before timing
console.log(`LSA sample imported in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const users = new UserDirectory(dir);
const audit = new AuditLog(dir);
const token = await users.add('bench-hospital', 'health-system', { projects: [], orgs: [] });
const config = { dataDir: dir, baseIri: BASE, port: 0, maxQuads: undefined };
const app = createApp({ store, config, users, audit });
const http = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
// The in-process rows run between HTTP rows: keep the idle socket past Node's 5 s default.
(http as unknown as { keepAliveTimeout: number }).keepAliveTimeout = 600_000;
await new Promise<void>((resolve) => http.once('listening', () => resolve()));
const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/fhir`;
const headers = { Authorization: `Bearer ${token}`, Accept: 'application/fhir+json' };

async function fetchJson(path: string): Promise<unknown> {
  const response = await fetch(`${url}${path}`, { headers });
  if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

// ---------------------------------------------------------------------------------------------
// Inputs drawn from the data

const source = report.source;
const state = store.records.source(source) as SourceState;
const client = table('Client');
const column = (name: string) => fieldIndex(client, name);
const rows = [...state.table('Client').rows.values()];
const withEnrollments = rows.filter((r) => state.childKeys('Enrollment', 'PersonalID', r[0] ?? '').size > 0);
const clientIds = Array.from({ length: REQUESTS + WARMUP }, () => pick(withEnrollments)[0] ?? '');
const SEARCHES = [
  ['family', 'LastName', 4],
  ['given', 'FirstName', 3],
  ['birthdate', 'DOB', 10],
  ['identifier', 'PersonalID', 32],
] as const;
const searches = Array.from({ length: REQUESTS + WARMUP }, (_, i) => {
  const [name, field, length] = SEARCHES[i % SEARCHES.length] as (typeof SEARCHES)[number];
  const candidates = rows.filter((r) => (r[column(field)] ?? '') !== '');
  return new URLSearchParams({
    [name]: (pick(candidates)[column(field)] ?? '').slice(0, length),
    _count: '50',
  });
});

const principal = { name: 'bench-hospital', role: 'health-system' as const };
const patients: PatientCache = new WeakMap();
const options = { ssnIdentifier: false, medicaidSystem: 'urn:x' };
/** A view like the server's (same scope, same Patient cache), without HTTP. */
const view = () =>
  new FhirView(store.records, scopeFor(principal, store.records), BASE, options, undefined, { patients });
const fhirId = (personalId: string) => `${source.replace(/_/g, '-')}.${personalId}`;

// ---------------------------------------------------------------------------------------------
// Rows

interface Line {
  readonly name: string;
  readonly http: number[];
  readonly record: number[];
  readonly inProcess: number[];
  readonly target?: number;
}

const lines: Line[] = [];

lines.push({
  name: 'Patient/{id}/$everything',
  http: await time(REQUESTS, (i) => fetchJson(`/Patient/${fhirId(clientIds[i] ?? '')}/$everything`)),
  record: await time(REQUESTS, (i) => JSON.stringify(clientRecord(state, clientIds[i] ?? ''))),
  inProcess: await time(REQUESTS, (i) => {
    const v = view();
    const resources = v.compartment(source, clientIds[i] ?? '', PATIENT_TYPES);
    return JSON.stringify([...resources, ...v.referenced(resources)]);
  }),
  target: 50,
});

const scanClients = (query: URLSearchParams) => {
  // The record-store baseline of a search: every client row, the same field compared as text.
  const [[name, value] = ['', '']] = [...query].filter(([k]) => k !== '_count');
  const index = column(
    { family: 'LastName', given: 'FirstName', birthdate: 'DOB', identifier: 'PersonalID' }[name] ??
      'PersonalID',
  );
  const wanted = value.toLowerCase();
  const found = rows.filter((r) => (r[index] ?? '').toLowerCase().startsWith(wanted)).slice(0, 50);
  return JSON.stringify(found);
};

lines.push({
  name: 'Patient search (family, given, birthdate, identifier)',
  http: await time(REQUESTS, (i) => fetchJson(`/Patient?${searches[i]?.toString()}`)),
  record: await time(REQUESTS, (i) => scanClients(searches[i] as URLSearchParams)),
  inProcess: await time(REQUESTS, (i) => {
    const criteria = parseCriteria('Patient', searches[i] as URLSearchParams, SERVED_TYPES);
    return JSON.stringify(runSearch(view(), criteria).matches);
  }),
  target: 20,
});

const firstPage = new URLSearchParams({ _count: '50' });
lines.push({
  name: 'Patient?_count=50 (unfiltered; cached after the first)',
  http: await time(REQUESTS, () => fetchJson(`/Patient?${firstPage}`)),
  record: await time(REQUESTS, () => JSON.stringify(rows.slice(0, 50))),
  inProcess: await time(REQUESTS, () =>
    JSON.stringify(runSearch(view(), parseCriteria('Patient', firstPage, SERVED_TYPES)).matches),
  ),
});

// ---------------------------------------------------------------------------------------------
// Report

console.log(`\n${REQUESTS} requests per row after ${WARMUP} warm-up, p50 / p99:\n`);
console.log(
  `${'request'.padEnd(56)} ${'HTTP p50'.padStart(10)} ${'HTTP p99'.padStart(10)} ${'in-process p50'.padStart(15)} ${'record store p50'.padStart(17)}  target`,
);
let failed = false;
for (const line of lines) {
  const p50 = percentile(line.http, 50) ?? Number.NaN;
  const ok = line.target === undefined || p50 <= line.target;
  failed ||= !ok;
  console.log(
    `${line.name.padEnd(56)} ${ms(p50).padStart(10)} ${ms(percentile(line.http, 99)).padStart(10)} ${ms(percentile(line.inProcess, 50)).padStart(15)} ${ms(percentile(line.record, 50)).padStart(17)}  ${line.target === undefined ? '' : `p50 ≤ ${line.target} ms ${ok ? 'met' : 'MISSED'}`}`,
  );
}

await new Promise<void>((resolve) => http.close(() => resolve()));
await audit.flush();
await store.close();
rmSync(dir, { recursive: true, force: true });
if (failed) process.exitCode = 1;
