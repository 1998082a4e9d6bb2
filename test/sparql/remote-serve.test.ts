/**
 * Scale-out for real: two `hearth serve` processes with HEARTH_STORE pointing at one Virtuoso. A
 * write through one process is at once in every SPARQL answer of the other, and in its REST reads
 * after one catch-up interval; the demo data is loaded once, by whichever process finds the
 * server empty first.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../helpers/exports.ts';
import { startServing } from '../helpers/serving.ts';
import { DEMO_DIR, readCsvFolder } from '../hmis-api/helpers.ts';
import { startVirtuoso, type Virtuoso } from './virtuoso.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/hearth.mjs');
const TOKEN = 'remote-serve-admin-token-0123456789abcdefghij';
const BASE = 'http://hearth.example/id';
const HMIS = 'urn:hud:hmis:owl#';
let virtuoso: Virtuoso;
const servers: ChildProcess[] = [];
const urls: string[] = [];

async function serve(): Promise<string> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const { child } = await startServing(process.execPath, [BIN, 'serve'], {
    env: {
      ...process.env,
      HEARTH_STORE: virtuoso.store,
      HEARTH_DATA_DIR: tempDir(),
      HEARTH_BASE_IRI: BASE,
      HEARTH_ADMIN_TOKEN: TOKEN,
      PORT: String(port),
      CI: '1',
    },
    timeoutMs: 90_000,
  });
  servers.push(child);
  return `http://127.0.0.1:${port}`;
}

const sparql = async (url: string, text: string, path = '/sparql') => {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      'Content-Type': path.endsWith('update') ? 'application/sparql-update' : 'application/sparql-query',
      Accept: 'application/sparql-results+json',
    },
    body: text,
  });
  expect(response.status).toBe(200);
  return response.json() as Promise<{ results: { bindings: Record<string, { value: string }>[] } }>;
};

beforeAll(async () => {
  virtuoso = await startVirtuoso();
  urls.push(await serve());
  urls.push(await serve());
}, 240_000);
afterAll(async () => {
  for (const child of servers) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await virtuoso?.stop();
  removeTempDirs();
});

describe('two Hearth processes on one SPARQL server', () => {
  it('both serve the one copy of the demo data', async () => {
    const [a, b] = await Promise.all(urls.map((url) => fetch(`${url}/healthz`).then((r) => r.json())));
    expect(a.records).toBeGreaterThan(1000);
    expect(b.records).toBe(a.records);
    expect(b.transaction).toBe(a.transaction);
  });
  it("a write through one is in the other's SPARQL answers at once and in its REST reads after a catch-up", async () => {
    const [first, second] = urls as [string, string];
    const found = await sparql(first, `SELECT ?c ?g WHERE { GRAPH ?g { ?c a <${HMIS}Client> } } LIMIT 1`);
    const client = found.results.bindings[0]?.c?.value ?? '';
    const graph = found.results.bindings[0]?.g?.value ?? '';
    const personalId = decodeURIComponent(client.split('/').pop() ?? '');
    await sparql(
      first,
      `PREFIX hmis: <${HMIS}>
DELETE { GRAPH <${graph}> { <${client}> hmis:YearEnteredService ?y } }
INSERT { GRAPH <${graph}> { <${client}> hmis:YearEnteredService 1977 } }
WHERE { GRAPH <${graph}> { OPTIONAL { <${client}> hmis:YearEnteredService ?y } } }`,
      '/sparql/update',
    );
    const seen = await sparql(second, `SELECT ?y WHERE { <${client}> <${HMIS}YearEnteredService> ?y }`);
    expect(seen.results.bindings.map((b) => b.y?.value)).toEqual(['1977']);
    const deadline = Date.now() + 10_000;
    let year: unknown;
    while (Date.now() < deadline) {
      const response = await fetch(`${second}/api/v1/client/${encodeURIComponent(personalId)}`, {
        headers: { Authorization: `Bearer ${TOKEN}`, Accept: 'application/json' },
      });
      const body = JSON.stringify(await response.json());
      year = /"YearEnteredService":(\d+|"\d+")/.exec(body)?.[1];
      if (year === '1977' || year === '"1977"') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(String(year).replace(/"/g, '')).toBe('1977');
  });
  it('hearth import, query and export work on the server too; the running processes catch up', async () => {
    const env = {
      ...process.env,
      HEARTH_STORE: virtuoso.store,
      HEARTH_BASE_IRI: BASE,
      HEARTH_DATA_DIR: tempDir(),
      CI: '1',
    };
    const before = (await (await fetch(`${urls[1]}/healthz`)).json()) as { transaction: number };
    const imported = spawnSync(process.execPath, [BIN, 'import', DEMO_DIR, '--quiet'], {
      env,
      encoding: 'utf8',
    });
    expect(imported.status, imported.stderr).toBe(0);
    const counted = spawnSync(
      process.execPath,
      [
        BIN,
        'query',
        `SELECT (COUNT(?c) AS ?n) WHERE { GRAPH ?g { ?c a <${HMIS}Client> } }`,
        '--accept',
        'text/csv',
      ],
      { env, encoding: 'utf8' },
    );
    expect(counted.status, counted.stderr).toBe(0);
    const clients = (readCsvFolder(DEMO_DIR).get('Client') ?? []).length;
    expect(counted.stdout.trim().split(/\r?\n/)).toEqual(['n', String(clients)]);
    const out = path.join(tempDir(), 'export');
    const exported = spawnSync(process.execPath, [BIN, 'export', '--out', out], { env, encoding: 'utf8' });
    expect(exported.status, exported.stderr).toBe(0);
    const csv = readCsvFolder(out);
    expect((csv.get('Client') ?? []).map((c) => c.PersonalID).sort()).toEqual(
      (readCsvFolder(DEMO_DIR).get('Client') ?? []).map((c) => c.PersonalID).sort(),
    );
    const deadline = Date.now() + 10_000;
    let transaction = before.transaction;
    while (transaction === before.transaction && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      transaction = ((await (await fetch(`${urls[1]}/healthz`)).json()) as { transaction: number })
        .transaction;
    }
    expect(transaction).toBe(before.transaction + 1);
  }, 60_000);
});
