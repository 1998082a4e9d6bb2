/**
 * OpenHMIS v3 benchmark on HUD's LSA sample, over real HTTP:
 *
 *   npx tsx bench/openhmis.ts [lsa.zip]        (BENCH_REQUESTS per row, default 200)
 *
 * Sequential requests with ids and names drawn from the data, p50/p99 of the full round trip, in
 * JSON and in XML, beside the HUD HMIS API's GET /client/{PersonalID} as the baseline: the same
 * record store, router, policy and audit behind another wire format.
 */
import crypto from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '../src/api/app.ts';
import { Random } from '../src/demo/random.ts';
import { importHmisCsv } from '../src/ingest/import.ts';
import { fieldIndex, table } from '../src/model/index.ts';
import { AuditLog } from '../src/security/audit.ts';
import { UserDirectory } from '../src/security/users.ts';
import { EmbeddedStore } from '../src/store/embedded-store.ts';
import { RecordStore } from '../src/store/record-store.ts';
import { LSA_SAMPLE_ZIP, ms, percentile } from './stats.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const WARMUP = 20;
const BASE = 'http://localhost:8080/id';
const rng = new Random(20261202);

const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-openhmis-'));
const log = await RecordStore.open({ dir });
const report = await importHmisCsv(log, process.argv[2] ?? LSA_SAMPLE_ZIP);
await log.close();
if (!report.applied) throw new Error(`import failed: ${report.errors.length} errors`);
const store = await EmbeddedStore.open({ dir, baseIri: BASE });
await store.indexReady;

const adminToken = crypto.randomBytes(32).toString('base64url');
const audit = new AuditLog(dir);
const config = { dataDir: dir, baseIri: BASE, port: 0, maxQuads: undefined };
const app = createApp({ store, config, adminToken, audit, users: new UserDirectory(dir) });
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const state = store.records.source(report.source);
if (!state) throw new Error('no source');
const clients = [...state.table('Client').rows.values()];
const enrollmentIds = [...state.table('Enrollment').rows.keys()];
const lastName = fieldIndex(table('Client'), 'LastName');
const personalId = fieldIndex(table('Client'), 'PersonalID');

async function timed(path: () => string, accept: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const begin = performance.now();
    const response = await fetch(`${origin}${path()}`, {
      headers: { Authorization: `Bearer ${adminToken}`, Accept: accept },
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${path()}: ${response.status}`);
    if (i >= WARMUP) times.push(performance.now() - begin);
  }
  return times;
}

const client = () => rng.pick(clients)[personalId] ?? '';
const rows: [string, () => string, string][] = [
  ['HMIS API GET /client/{PersonalID} (baseline)', () => `/api/v1/client/${client()}`, 'application/json'],
  ['GET /clients/{personalId}', () => `/openhmis/api/v3/clients/${client()}`, 'application/json'],
  ['GET /clients/{personalId} (XML)', () => `/openhmis/api/v3/clients/${client()}`, 'application/xml'],
  [
    'GET /enrollments/{enrollmentId} (records embedded)',
    () => `/openhmis/api/v3/enrollments/${rng.pick(enrollmentIds)}`,
    'application/json',
  ],
  [
    'GET /clients?lastName=Xyz* (search)',
    () =>
      `/openhmis/api/v3/clients?lastName=${encodeURIComponent((rng.pick(clients)[lastName] ?? 'A').slice(0, 3))}*`,
    'application/json',
  ],
];

console.log(`${REQUESTS} requests per row after ${WARMUP} warm-up, LSA sample, node ${process.version}\n`);
console.log(`${'request'.padEnd(52)} ${'p50'.padStart(9)} ${'p99'.padStart(9)}`);
for (const [name, path, accept] of rows) {
  const times = await timed(path, accept);
  console.log(
    `${name.padEnd(52)} ${ms(percentile(times, 50)).padStart(9)} ${ms(percentile(times, 99)).padStart(9)}`,
  );
}

await new Promise((resolve) => server.close(resolve));
await audit.flush();
await store.close();
rmSync(dir, { recursive: true, force: true });
