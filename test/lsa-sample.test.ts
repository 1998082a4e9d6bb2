/**
 * HUD's sample FY2026 export (10,600 clients): import row counts, and the round trip
 * import → export → import (same rows, isomorphic graphs; CSV equal cell by cell).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportHmisCsv } from '../src/export/csv-export.ts';
import { importHmisCsv } from '../src/ingest/import.ts';
import type { ImportReport } from '../src/ingest/report.ts';
import { readZip } from '../src/ingest/zip.ts';
import { TABLES } from '../src/model/index.ts';
import { recordQuads, toNQuads } from '../src/rdf/record-quads.ts';
import type { SourceState } from '../src/store/record-state.ts';
import { RecordStore } from '../src/store/record-store.ts';
import { removeTempDirs, tempDir } from './helpers/exports.ts';

const LSA_ZIP = new URL('../../shared/data/hud-lsa-sample/Sample-HMIS-Data-FY2026.zip', import.meta.url)
  .pathname;
const BASE = 'https://hearth.test/id';

async function readZipCsv(file: string): Promise<Map<string, string[][]>> {
  const zip = await readZip(file);
  const files = new Map<string, string[][]>();
  for (const name of zip.names) {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.open(name)) chunks.push(chunk as Buffer);
    files.set(
      path.basename(name),
      parse(Buffer.concat(chunks), { bom: true, relax_quotes: true }) as string[][],
    );
  }
  zip.close();
  return files;
}

/** An order-independent fingerprint of a source's RDF graph: equal for isomorphic ground graphs. */
function graphFingerprint(source: SourceState, sourceId: string): { quads: number; digest: bigint } {
  let digest = 0n;
  let quads = 0;
  for (const spec of TABLES) {
    for (const row of source.table(spec.name).rows.values()) {
      for (const line of toNQuads(recordQuads(BASE, sourceId, spec, row)).split('\n')) {
        if (!line) continue;
        quads++;
        digest += BigInt(`0x${createHash('sha1').update(line).digest('hex').slice(0, 15)}`);
      }
    }
  }
  return { quads, digest };
}

describe.skipIf(!fs.existsSync(LSA_ZIP))('HUD LSA sample export', () => {
  let store: RecordStore;
  let report: ImportReport;
  let input: Map<string, string[][]>;

  beforeAll(async () => {
    input = await readZipCsv(LSA_ZIP);
    store = await RecordStore.open({ dir: tempDir() });
    report = await importHmisCsv(store, LSA_ZIP);
  }, 300_000);
  afterAll(async () => {
    await store?.close();
    removeTempDirs();
  });

  it('imports every row of the 24 files without errors', () => {
    expect(report.errors.slice(0, 5)).toEqual([]);
    expect(report.applied).toBe(true);
    for (const spec of TABLES) {
      const rows = (input.get(spec.file)?.length ?? 1) - 1;
      expect(report.files.find((f) => f.file === spec.file)?.applied, spec.file).toBe(rows);
      expect(store.state.source(report.source)?.table(spec.name).rows.size, spec.file).toBe(rows);
    }
  });

  it('exports CSV equal to the input cell by cell, and re-imports to an isomorphic graph', async () => {
    const out = path.join(tempDir(), 'export.zip');
    await exportHmisCsv(store.state, { out });
    const exported = await readZipCsv(out);
    for (const spec of TABLES) {
      const [inHeader = [], ...inRows] = input.get(spec.file) ?? [];
      const [outHeader = [], ...outRows] = exported.get(spec.file) ?? [];
      expect(outHeader, spec.file).toEqual(spec.fields.map((f) => f.name));
      // Normalizations: columns in FY2026 order, ISO `T` timestamps written with a space.
      const order = outHeader.map((name) => inHeader.indexOf(name));
      const normalized = inRows.map((row) =>
        order.map((i) => (row[i] ?? '').replace(/^(\d{4}-\d\d-\d\d)T/, '$1 ')),
      );
      expect(outRows.length, spec.file).toBe(normalized.length);
      expect(outRows, spec.file).toEqual(normalized);
    }
    const second = await RecordStore.open({ dir: tempDir() });
    try {
      const again = await importHmisCsv(second, out);
      expect(again.errors).toEqual([]);
      const a = store.state.source(report.source) as SourceState;
      const b = second.state.source(again.source) as SourceState;
      expect(graphFingerprint(b, again.source)).toEqual(graphFingerprint(a, report.source));
    } finally {
      await second.close();
    }
  }, 300_000);
});
