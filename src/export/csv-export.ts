/**
 * Writes one data source as a HUD FY2026 HMIS CSV export: the 24 files, to a folder or a zip.
 *
 * Without a period, every stored row goes out as stored (Export.csv included), so an import →
 * export round trip reproduces the input cell by cell. With `from`/`to`, the export holds the
 * enrollments active in that period (EntryDate ≤ to, and no exit or ExitDate ≥ from), their
 * clients and every record under them, all project-level records, and one new Export.csv row
 * (reporting period, full refresh) that every row's ExportID points to.
 */
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { fieldIndex, TABLES, type TableSpec, table } from '../model/index.ts';
import type { RecordState, Row, SourceState } from '../store/record-state.ts';
import { csvLines } from './csv-writer.ts';
import { writeWholeFile, writeWholeFiles } from './whole-file.ts';

export interface CsvExportOptions {
  /** A folder (created if needed) or a path ending in `.zip`. */
  readonly out: string;
  readonly source?: string;
  readonly from?: string;
  readonly to?: string;
  /** The ExportDate stamp of a period export (default: now). */
  readonly now?: Date;
}

export interface CsvExportResult {
  readonly source: string;
  readonly rows: Readonly<Record<string, number>>;
}

export class ExportError extends Error {
  override name = 'ExportError';
}

export function chooseSource(state: RecordState, requested: string | undefined): string {
  const sources = [...state.sources.keys()];
  if (requested) {
    if (!state.source(requested))
      throw new ExportError(`no data source ${requested}; stored: ${sources.join(', ') || 'none'}`);
    return requested;
  }
  if (sources.length === 1 && sources[0]) return sources[0];
  if (sources.length === 0) throw new ExportError('the store holds no data; import an export first');
  throw new ExportError(`the store holds several data sources (${sources.join(', ')}); pass --source`);
}

export async function exportHmisCsv(state: RecordState, options: CsvExportOptions): Promise<CsvExportResult> {
  const source = chooseSource(state, options.source);
  const data = state.source(source) as SourceState;
  for (const [name, value] of [
    ['--from', options.from],
    ['--to', options.to],
  ] as const) {
    if (value !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(value))
      throw new ExportError(`${name} must be YYYY-MM-DD`);
  }
  const selection = options.from || options.to ? selectPeriod(data, options) : undefined;
  const rows: Record<string, number> = {};
  const tables = TABLES.map((spec) => {
    const selected = selection ? selection(spec) : [...data.table(spec.name).rows.values()];
    rows[spec.name] = selected.length;
    return { spec, rows: selected };
  });
  if (options.out.toLowerCase().endsWith('.zip')) await writeZip(options.out, tables);
  else await writeFolder(options.out, tables);
  return { source, rows };
}

type Selected = { spec: TableSpec; rows: readonly Row[] }[];

// Both forms go through whole-file.ts: 0600, and an export that fails replaces nothing.
async function writeFolder(dir: string, tables: Selected): Promise<void> {
  await writeWholeFiles(
    tables.map(({ spec, rows }) => ({
      target: path.join(dir, spec.file),
      write: (stream) => pipeline(Readable.from(csvLines(spec, rows)), stream),
    })),
  );
}

async function writeZip(file: string, tables: Selected): Promise<void> {
  await writeWholeFile(file, (stream) => {
    const zip = new yazl.ZipFile();
    for (const { spec, rows } of tables) zip.addReadStream(Readable.from(csvLines(spec, rows)), spec.file);
    zip.end();
    return pipeline(zip.outputStream, stream);
  });
}

/** HUD's export period semantics, as a per-table row filter. */
function selectPeriod(data: SourceState, options: CsvExportOptions): (spec: TableSpec) => Row[] {
  const from = options.from ?? '0000-01-01';
  const to = options.to ?? '9999-12-31';
  const enrollment = table('Enrollment');
  const exit = table('Exit');
  const exitDates = new Map<string, string>();
  for (const row of data.table('Exit').rows.values()) {
    exitDates.set(row[fieldIndex(exit, 'EnrollmentID')] ?? '', row[fieldIndex(exit, 'ExitDate')] ?? '');
  }
  const enrollments = new Set<string>();
  const clients = new Set<string>();
  for (const [key, row] of data.table('Enrollment').rows) {
    const exitDate = exitDates.get(key);
    if ((row[fieldIndex(enrollment, 'EntryDate')] ?? '') > to || (exitDate && exitDate < from)) continue;
    enrollments.add(key);
    clients.add(row[fieldIndex(enrollment, 'PersonalID')] ?? '');
  }
  const assessments = new Set<string>();
  for (const [key, row] of data.table('Assessment').rows) {
    if (enrollments.has(row[fieldIndex(table('Assessment'), 'EnrollmentID')] ?? '')) assessments.add(key);
  }
  const exportId = `hearth-${(options.now ?? new Date()).toISOString().replace(/\D/g, '').slice(0, 14)}`;
  return (spec) => {
    const all = [...data.table(spec.name).rows.values()];
    if (spec.name === 'Export') return [periodExportRow(all, exportId, from, to, options.now ?? new Date())];
    const keep = rowFilter(spec, { enrollments, clients, assessments });
    const exportColumn = fieldIndex(spec, 'ExportID');
    return all.filter(keep).map((row) => row.map((value, i) => (i === exportColumn ? exportId : value)));
  };
}

function rowFilter(
  spec: TableSpec,
  kept: { enrollments: Set<string>; clients: Set<string>; assessments: Set<string> },
): (row: Row) => boolean {
  const by = (column: string, keys: Set<string>) => {
    const index = fieldIndex(spec, column);
    return (row: Row) => keys.has(row[index] ?? '');
  };
  if (spec.name === 'Client') return by('PersonalID', kept.clients);
  if (spec.name === 'AssessmentQuestions' || spec.name === 'AssessmentResults') {
    return by('AssessmentID', kept.assessments);
  }
  if (spec.fields.some((f) => f.name === 'EnrollmentID')) return by('EnrollmentID', kept.enrollments);
  return () => true;
}

function periodExportRow(stored: readonly Row[], exportId: string, from: string, to: string, now: Date): Row {
  const spec = table('Export');
  const date = fieldIndex(spec, 'ExportDate');
  const latest = [...stored].sort((a, b) => (a[date] ?? '').localeCompare(b[date] ?? '')).at(-1) ?? [];
  const values: Record<string, string> = {
    ExportID: exportId,
    ExportDate: now.toISOString().slice(0, 19).replace('T', ' '),
    ExportStartDate: from === '0000-01-01' ? (latest[fieldIndex(spec, 'ExportStartDate')] ?? to) : from,
    ExportEndDate: to === '9999-12-31' ? now.toISOString().slice(0, 10) : to,
    SoftwareName: 'Hearth',
    ExportPeriodType: '3',
    ExportDirective: '2',
  };
  return spec.fields.map((field, i) => values[field.name] ?? latest[i] ?? '');
}
