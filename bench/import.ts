/**
 * Import and startup benchmark on HUD's LSA sample, against a floor measured in the same run:
 *
 *   npx tsx bench/import.ts [sample.zip]
 *
 * floor      — reading the 24 CSVs out of the zip with csv-parse, nothing else;
 * import     — `hearth import`: parse, validate every row and link, one fsynced transaction;
 * reopen     — a restart: replay the log into memory (REST reads are served from here on);
 * index      — the SPARQL index (Oxigraph worker) built from the records, in the background;
 * snapshot   — reopen after compaction.
 * Targets (issue 2): import ≤ 20 s, point lookup ≤ 2 ms, RSS ≤ 1.5 GB, startup ≤ 10 s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse';
import { importHmisCsv } from '../src/ingest/import.ts';
import { readZip } from '../src/ingest/zip.ts';
import { clientRecord } from '../src/store/client-record.ts';
import { EmbeddedStore } from '../src/store/embedded-store.ts';
import type { SourceState } from '../src/store/record-state.ts';
import { RecordStore } from '../src/store/record-store.ts';
import { LSA_SAMPLE_ZIP } from './stats.ts';

const zip = process.argv[2] ?? LSA_SAMPLE_ZIP;
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

    started = performance.now();
    const store = await EmbeddedStore.open({ dir, baseIri: 'http://localhost:8080/id' });
    row(
      'reopen: records ready (REST)',
      seconds(started),
      `${store.records.size.toLocaleString('en-US')} records`,
    );
    const source = store.records.source(report.source) as SourceState;
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
    row(
      'reopen: SPARQL index ready',
      seconds(started),
      `${store.records.quads.toLocaleString('en-US')} quads`,
    );
    row('RSS with records and SPARQL index', `${rssMb()} MB`);
    await store.log.compact();
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

await main();
