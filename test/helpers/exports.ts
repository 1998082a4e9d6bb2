/** Test helpers: temporary directories and small HMIS CSV exports built from model tables. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDemoData } from '../../src/demo/generate.ts';
import { csvLines } from '../../src/export/csv-writer.ts';
import { fieldIndex, TABLES, table } from '../../src/model/index.ts';

export type Tables = Map<string, string[][]>;

const created: string[] = [];

export function tempDir(prefix = 'hearth-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A fresh copy of the demo export (small: 12 clients), so tests can edit it. */
export function demoTables(clients = 12): Tables {
  return new Map([...generateDemoData({ clients })].map(([name, rows]) => [name, rows.map((r) => [...r])]));
}

export function writeExport(tables: Tables, dir = tempDir()): string {
  for (const spec of TABLES) {
    fs.writeFileSync(path.join(dir, spec.file), [...csvLines(spec, tables.get(spec.name) ?? [])].join(''));
  }
  return dir;
}

export function cell(tables: Tables, tableName: string, rowIndex: number, column: string): string {
  return tables.get(tableName)?.[rowIndex]?.[fieldIndex(table(tableName), column)] ?? '';
}

export function setCell(
  tables: Tables,
  tableName: string,
  rowIndex: number,
  column: string,
  value: string,
): void {
  const row = tables.get(tableName)?.[rowIndex];
  if (!row) throw new Error(`no row ${rowIndex} in ${tableName}`);
  row[fieldIndex(table(tableName), column)] = value;
}

export const rowCount = (tables: Tables, tableName: string): number => tables.get(tableName)?.length ?? 0;
