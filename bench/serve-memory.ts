/**
 * `hearth serve`'s memory on HUD's LSA sample, as a user runs it (a separate process):
 *
 *   npx tsx bench/serve-memory.ts [lsa.zip]        (BENCH_SECONDS of load, default 10)
 *
 * Imports the sample once, then starts `hearth serve` on it twice, side by side: with Hearth's heap
 * setting (HEARTH_HEAP_GROWING_PERCENT, default 50) and with V8's own heuristics (0). Each time it
 * reads the server's RSS when the SPARQL index is ready, after load (autocannon on GET
 * /api/v1/client/{id} at 50 connections, then 200 GET /api/v1/clients pages), and with the research
 * graph open (the first /sparql/research query opens it; it is let go when researchers are idle).
 * Target (issue 2): RSS ≤ 1.5 GB.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { importHmisCsv } from '../src/ingest/import.ts';
import { RecordStore } from '../src/store/record-store.ts';
import { LSA_SAMPLE_ZIP } from './stats.ts';

const zip = process.argv[2] ?? LSA_SAMPLE_ZIP;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const TOKEN = 'bench-serve-memory-token-0123456789abcdef';
const HEARTH = fileURLToPath(new URL('../bin/hearth.mjs', import.meta.url));
const auth = { Authorization: `Bearer ${TOKEN}` };

/** The process's resident set in MB, from /proc (Linux) or ps. */
function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    if (kb) return Math.round((kb * 1024) / 1e6);
  } catch {
    // not Linux: ask ps
  }
  return Math.round(
    (Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' })) * 1024) / 1e6,
  );
}

async function startServer(dir: string, port: number, heapGrowingPercent: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [HEARTH, 'serve'], {
    env: {
      ...process.env,
      HEARTH_DATA_DIR: dir,
      HEARTH_ADMIN_TOKEN: TOKEN,
      PORT: String(port),
      HEARTH_HEAP_GROWING_PERCENT: heapGrowingPercent,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (data: Buffer) => {
      if (data.toString('utf8').includes('listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`hearth serve exited with ${code}`)));
  });
  return child;
}

async function sparql(origin: string, endpoint: string, query: string): Promise<void> {
  const response = await fetch(`${origin}${endpoint}`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/sparql-query' },
    body: query,
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${endpoint} answered ${response.status}`);
}

async function load(origin: string, clientIds: readonly string[]): Promise<number> {
  let i = 0;
  const result = await autocannon({
    url: origin,
    connections: 50,
    duration: SECONDS,
    headers: auth,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          path: `/api/v1/client/${encodeURIComponent(clientIds[i++ % clientIds.length] ?? '')}`,
        }),
      },
    ],
  });
  for (let page = 0; page < 200; page++) {
    const day = `2025-${String((page % 12) + 1).padStart(2, '0')}-01`;
    const response = await fetch(`${origin}/api/v1/clients?ActiveOn=${day}&limit=1000`, { headers: auth });
    await response.arrayBuffer();
  }
  return result.requests.average;
}

async function measure(dir: string, clientIds: readonly string[], heapGrowingPercent: string) {
  const port = 18_000 + Math.floor(Math.random() * 1000);
  const origin = `http://127.0.0.1:${port}`;
  const server = await startServer(dir, port, heapGrowingPercent);
  const pid = server.pid as number;
  try {
    const started = performance.now();
    await sparql(origin, '/sparql', 'ASK {}'); // waits for the SPARQL index
    const indexSeconds = (performance.now() - started) / 1000;
    const ready = rssMb(pid);
    const requestsPerSecond = await load(origin, clientIds);
    const loaded = rssMb(pid);
    await sparql(origin, '/sparql/research', 'ASK {}');
    const research = rssMb(pid);
    return { heapGrowingPercent, indexSeconds, ready, loaded, requestsPerSecond, research };
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-serve-'));
try {
  const log = await RecordStore.open({ dir });
  const report = await importHmisCsv(log, zip);
  const clientIds = [...(log.state.source(report.source)?.table('Client').rows.keys() ?? [])];
  await log.close();
  const results = [];
  for (const setting of ['50', '0']) results.push(await measure(dir, clientIds, setting));
  console.log(`\nhearth serve on HUD's LSA sample (${path.basename(zip)}), node ${process.version}`);
  console.log('target: RSS ≤ 1,500 MB\n');
  console.log(
    'HEARTH_HEAP_GROWING_PERCENT  index ready  RSS ready  RSS after load  req/s   RSS research open',
  );
  for (const r of results) {
    const label = r.heapGrowingPercent === '0' ? '0 (V8 default)' : `${r.heapGrowingPercent} (Hearth)`;
    console.log(
      `${label.padEnd(28)} ${`${r.indexSeconds.toFixed(1)} s`.padStart(11)}  ${`${r.ready} MB`.padStart(9)}  ${`${r.loaded} MB`.padStart(14)}  ${String(Math.round(r.requestsPerSecond)).padStart(6)}  ${`${r.research} MB`.padStart(16)}`,
    );
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
