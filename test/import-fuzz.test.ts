/**
 * The demo export mangled at random, then imported: cells replaced by hostile or mistyped values,
 * columns dropped, doubled or added, rows cut short or run long, garbage and unterminated quotes,
 * files truncated, emptied or missing, BOMs and CRLFs, drawn from a seeded generator. An import
 * either applies, or reports errors that name the file, line and column (or refuses the export as
 * a whole with a StructuralError), and then the store holds nothing: no import is half-applied.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, expect, it } from 'vitest';
import { Random } from '../src/demo/random.ts';
import { StructuralError } from '../src/ingest/csv-table.ts';
import { importHmisCsv } from '../src/ingest/import.ts';
import { RecordStore } from '../src/store/record-store.ts';
import { removeTempDirs, tempDir } from './helpers/exports.ts';
import { FUZZ_RUNS, FUZZ_SEED } from './helpers/fuzz.ts';
import { DEMO_DIR } from './hmis-api/helpers.ts';

afterAll(() => removeTempDirs());

const FILES = new Map(
  fs
    .readdirSync(DEMO_DIR)
    .filter((file) => file.endsWith('.csv'))
    .map((file) => [
      file,
      parse(fs.readFileSync(path.join(DEMO_DIR, file), 'utf8'), { bom: true }) as string[][],
    ]),
);
const VALUES = [
  '',
  'x'.repeat(300),
  '=cmd|"/c calc"!A1',
  "' OR 1=1 --",
  '<x>&e;</x>',
  '\u0000',
  'Ñúñez',
  '2025-02-30',
  '2025-01-01 25:61:00',
  '-1',
  '99',
  '1e309',
  '12.5',
  'NaN',
  'null',
  '"',
  '\n',
];

const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
const csvText = (rows: string[][]) => `${rows.map((row) => row.map(quote).join(',')).join('\r\n')}\r\n`;

/** The demo export as files with one to four mangles; undefined text means the file is missing. */
function mangled(random: Random): Map<string, string | undefined> {
  const tables = new Map([...FILES].map(([file, rows]) => [file, rows.map((row) => [...row])]));
  const raw = new Map<string, (text: string) => string | undefined>();
  for (let n = random.int(1, 4); n > 0; n--) {
    const file = random.pick([...tables.keys()]);
    const rows = tables.get(file) as string[][];
    const header = rows[0] as string[];
    const line = random.int(1, Math.max(1, rows.length - 1));
    const row = rows[line];
    const column = random.int(0, header.length - 1);
    // Cell edits weigh most: they reach row validation, where structural ones stop at the file.
    switch (random.chance(0.6) ? 0 : random.int(3, 9)) {
      case 0:
        if (row) row[column] = random.pick(VALUES);
        break;
      case 3:
        for (const r of rows) r.splice(column, 1); // a column gone, header and all
        break;
      case 4:
        header.push(random.chance(0.5) ? 'Bogus' : (header[column] as string)); // unknown or doubled
        break;
      case 5:
        row?.splice(random.int(0, row.length - 1)); // a row cut short
        break;
      case 6:
        row?.push('extra'); // a row that runs long
        break;
      case 7:
        rows.splice(line, 0, [random.pick(['"unterminated', 'garbage', '\u0000\u0000', ''])]);
        break;
      case 8:
        raw.set(file, (text) => text.slice(0, random.int(0, text.length))); // truncated anywhere
        break;
      default:
        raw.set(file, (text) => (random.chance(0.5) ? `\ufeff${text.replace(/\r\n/g, '\n')}` : undefined));
    }
  }
  return new Map([...tables].map(([file, rows]) => [file, (raw.get(file) ?? ((t) => t))(csvText(rows))]));
}

it(`mangled exports (seed ${FUZZ_SEED}, ${Math.round(FUZZ_RUNS / 30)}): applied whole, or refused whole with errors naming file, line and column`, async () => {
  const random = new Random(FUZZ_SEED);
  const outcomes = { applied: 0, refused: 0, structural: 0 };
  for (let run = 0; run < Math.round(FUZZ_RUNS / 30); run++) {
    const dir = tempDir('hearth-import-fuzz-');
    const exportDir = path.join(dir, 'export');
    fs.mkdirSync(exportDir);
    for (const [file, text] of mangled(random))
      if (text !== undefined) fs.writeFileSync(path.join(exportDir, file), text);
    const store = await RecordStore.open({ dir: path.join(dir, 'data') });
    const what = `run ${run} (FUZZ_SEED=${FUZZ_SEED})`;
    try {
      const report = await importHmisCsv(store, exportDir);
      if (report.applied) {
        outcomes.applied++;
        expect(report.errors, what).toEqual([]);
        expect(store.state.size, what).toBeGreaterThan(0);
      } else {
        outcomes.refused++;
        expect(report.errors.length, what).toBeGreaterThan(0);
        for (const error of report.errors) {
          expect(FILES.has(error.file) || error.file === '', `${what}: ${JSON.stringify(error)}`).toBe(true);
          expect(Number.isInteger(error.row) && error.message.length > 0 && error.rule.length > 0, what).toBe(
            true,
          );
        }
        expect(store.state.size, what).toBe(0);
      }
    } catch (error) {
      expect(error, `${what}: ${error}`).toBeInstanceOf(StructuralError);
      outcomes.structural++;
      expect(store.state.size, what).toBe(0);
    } finally {
      await store.close();
    }
  }
  expect(outcomes.applied + outcomes.refused, JSON.stringify(outcomes)).toBeGreaterThan(0);
  expect(outcomes.refused, JSON.stringify(outcomes)).toBeGreaterThan(0);
}, 300_000);
