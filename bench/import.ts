/**
 * Import and startup benchmark on HUD's LSA sample, against a floor measured in the same run:
 *
 *   npx tsx bench/import.ts [sample.zip]
 *
 * floor      — reading the 24 CSVs out of the zip with csv-parse, nothing else;
 * import     — `hearth import`: parse, validate every row and link, one fsynced transaction;
 * reopen     — a restart, in a fresh process: replay the log into memory (REST reads are served
 *              from here on), then the SPARQL index (Oxigraph worker) built from the records in the
 *              background, RSS, and the research graph on top (held only while researchers query);
 * snapshot   — reopen after compaction.
 * Targets (issue 2): import ≤ 20 s, point lookup ≤ 2 ms, RSS ≤ 1.5 GB, startup ≤ 10 s.
 */

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import { importHmisCsv } from '../src/ingest/import.ts';
import { readZip } from '../src/ingest/zip.ts';
import { ResearchIndex } from '../src/research/research-index.ts';
import { clientRecord } from '../src/store/client-record.ts';
import { EmbeddedStore } from '../src/store/embedded-store.ts';
import type { SourceState } from '../src/store/record-state.ts';
import { RecordStore } from '../src/store/record-store.ts';
import { LSA_SAMPLE_ZIP } from './stats.ts';

const zip = (process.argv[2] === '--reopen' ? undefined : process.argv[2]) ?? LSA_SAMPLE_ZIP;
const rssMb = () => Math.round(process.memoryUsage().rss / 1e6);
const rows: [string, string, string][] = [];
const row = (step: string, value: string, note = '') => {
  rows.push([step, value, note]);
  console.error(`${step}: ${value} ${note}`);
};
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

async function floor(): Promise<void> {
  const started = performance.now();
  const reader = await readZip(zip);
  let records = 0;
  for (const name of reader.names) {
    for await (const _ of (await reader.open(name)).pipe(parse({ bom: true, relax_quotes: true }))) records++;
  }
  reader.close();
  row('floor: unzip + csv-parse only', seconds(started), `${records.toLocaleString('en-US')} lines`);
}

/**
 * A restart, in a fresh process as `hearth serve` would start: the records, a client lookup, the
 * SPARQL index, RSS; then the research graph (held only while researchers query, on-demand.ts).
 */
async function reopen(dir: string, sourceName: string): Promise<void> {
  const started = performance.now();
  const store = await EmbeddedStore.open({ dir, baseIri: 'http://localhost:8080/id' });
  row(
    'reopen: records ready (REST)',
    seconds(started),
    `${store.records.size.toLocaleString('en-US')} records`,
  );
  const source = store.records.source(sourceName) as SourceState;
  const ids = [...source.table('Client').rows.keys()];
  const lookupStarted = performance.now();
  for (let i = 0; i < 10_000; i++) clientRecord(source, ids[(i * 7919) % ids.length] as string);
  row(
    'client full record (clientRecord)',
    `${((performance.now() - lookupStarted) / 10_000).toFixed(3)} ms`,
    'mean of 10,000',
  );
  await store.indexReady;
  await store.query('ASK {}');
  row('reopen: SPARQL index ready', seconds(started), `${store.records.quads.toLocaleString('en-US')} quads`);
  row('RSS with records and SPARQL index', `${rssMb()} MB`, 'fresh process, as after a restart');
  const researchStarted = performance.now();
  const research = await ResearchIndex.open(store);
  const researchQuads = await research.size();
  row('research graph ready', seconds(researchStarted), `${researchQuads.toLocaleString('en-US')} quads`);
  row('RSS with the research graph open too', `${rssMb()} MB`);
  await research.close();
  await store.close();
}

async function main(): Promise<void> {
  await floor();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-import-'));
  try {
    let started = performance.now();
    const log = await RecordStore.open({ dir });
    const report = await importHmisCsv(log, zip);
    row(
      'import (validate, link checks, fsynced commit)',
      seconds(started),
      `${report.errors.length} errors, RSS ${rssMb()} MB`,
    );
    await log.close();
    rows.push(...(await inChild(dir, report.source)));

    const store = await RecordStore.open({ dir });
    await store.compact();
    await store.close();
    started = performance.now();
    const again = await RecordStore.open({ dir, readOnly: true });
    row('reopen from snapshot: records ready', seconds(started));
    await again.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`\nHUD LSA sample (${path.basename(zip)}), node ${process.version}\n`);
  for (const [step, value, note] of rows) console.log(`${step.padEnd(width)}  ${value.padStart(9)}  ${note}`);
}

/** Runs `reopen` in a child process (so no memory of the import counts) and returns its rows. */
async function inChild(dir: string, source: string): Promise<[string, string, string][]> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), REOPEN, dir, source],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (data: Buffer) => {
    output += data.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`the reopen process exited with ${code}`);
  return JSON.parse(output) as [string, string, string][];
}

const REOPEN = '--reopen';
if (process.argv[2] === REOPEN) {
  await reopen(process.argv[3] as string, process.argv[4] as string);
  process.stdout.write(JSON.stringify(rows));
} else await main();
