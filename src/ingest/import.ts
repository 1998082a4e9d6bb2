/**
 * Imports one HUD FY2026 HMIS CSV export (folder or zip) into the record store as ONE transaction.
 *
 * Semantics: Export.csv names the source and the directive (full refresh replaces the source;
 * delta upserts); a row whose DateUpdated is older than the stored record's does not overwrite it;
 * DateDeleted rows are kept (hidden by every surface); duplicate keys in a file are errors.
 * Default is all-or-nothing: any invalid row → nothing is applied. With `skipInvalidRows`, the
 * valid rows are applied (and rows whose parent was skipped are skipped in turn).
 */
import { fieldIndex, PII_COLUMNS, TABLES, type TableSpec, table } from '../model/index.ts';
import { SOURCE_ID_PATTERN, sourceIdFrom } from '../rdf/iris.ts';
import type { Operation } from '../store/operations.ts';
import type { RecordState, Row } from '../store/record-state.ts';
import type { RecordLog } from '../store/store.ts';
import { validateRow } from '../validate/row.ts';
import { severityOf } from '../validate/severity.ts';
import { readTable, StructuralError, type TableRow } from './csv-table.ts';
import { excerpt, type FileSummary, type ImportIssue, type ImportReport } from './report.ts';
import { type ImportSource, openImportSource } from './sources.ts';

export interface ImportOptions {
  /** The data source id (graph); default: from Export.csv's SourceID, else SourceName. */
  readonly source?: string;
  readonly skipInvalidRows?: boolean;
  /** Treat code-list and cross-field rule violations as errors too (see validate/severity.ts). */
  readonly strict?: boolean;
  /** Validate and report only; never commit. */
  readonly dryRun?: boolean;
  readonly onProgress?: (file: string, rows: number) => void;
}

interface Accepted {
  readonly line: number;
  readonly row: string[];
}

type Incoming = Map<string, Map<string, Accepted>>;

/** What reading the files produced: rows to apply, rows rejected (key → line), and findings. */
interface ReadState {
  readonly incoming: Incoming;
  readonly rejected: Map<string, Map<string, number>>;
  readonly errors: ImportIssue[];
  readonly dataQuality: ImportIssue[];
  readonly warnings: string[];
}

const DIRECTIVE_FULL = '2';

/**
 * Where an import's rows come from: the CSV files of an export, or an HMIS XML document mapped
 * onto the same tables (src/xml/xml-import.ts). Either way the rows meet one validator and one
 * transaction below.
 */
export interface TableSource {
  /** How reports name the rows of a table (`Client.csv`, or `file.xml <Client>`). */
  fileName(spec: TableSpec): string;
  rows(spec: TableSpec, onWarnings: (warnings: readonly string[]) => void): AsyncIterable<TableRow>;
  /** Problems the source found itself (e.g. an XML record without its key); they block the import too. */
  issues?(): readonly ImportIssue[];
  /** Runs just before the transaction is committed (e.g. to record what the tables cannot hold). */
  beforeCommit?(target: { readonly source: string; readonly directive: 'full' | 'delta' }): Promise<void>;
}

export async function importHmisCsv(
  store: RecordLog,
  location: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const started = performance.now();
  const input = await openImportSource(location);
  try {
    const missing = TABLES.filter((spec) => !input.files.has(spec.file.toLowerCase())).map((s) => s.file);
    if (missing.length > 0) throw new StructuralError(`${input.description} lacks ${missing.join(', ')}`);
    return await importTables(store, csvTables(input), options, started);
  } finally {
    input.close();
  }
}

function csvTables(input: ImportSource): TableSource {
  return {
    fileName: (spec) => spec.file,
    async *rows(spec, onWarnings) {
      const file = input.files.get(spec.file.toLowerCase());
      if (!file) throw new StructuralError(`${spec.file} is missing`);
      yield* readTable(spec, await file.open(), (plan) => onWarnings(plan.warnings));
    },
  };
}

/** Validates every table's rows, checks links, and applies all of it as one transaction (or nothing). */
export async function importTables(
  store: RecordLog,
  source: TableSource,
  options: ImportOptions = {},
  started = performance.now(),
): Promise<ImportReport> {
  const read: ReadState = {
    incoming: new Map(),
    rejected: new Map(),
    errors: [],
    dataQuality: [],
    warnings: [],
  };
  const files: FileSummary[] = [];
  for (const spec of TABLES) files.push(await readFile(source, spec, read, options));
  read.errors.push(...(source.issues?.() ?? []));
  const { incoming, errors, dataQuality, warnings } = read;
  const exportInfo = describeExport(incoming.get('Export') ?? new Map(), options.source);
  checkReferences(store, exportInfo, read, files, options.skipInvalidRows === true);
  const report: ImportReport = {
    ...exportInfo,
    applied: false,
    files,
    errors,
    dataQuality,
    warnings,
    durationMs: 0,
  };
  const mayApply = errors.length === 0 || options.skipInvalidRows === true;
  if (mayApply && !options.dryRun) {
    await source.beforeCommit?.(exportInfo);
    // Planned in the commit queue: which stored rows are newer is read after every earlier write.
    report.txId = await store.commit((records) => planOperations(records, exportInfo, incoming, files));
    report.applied = true;
  }
  report.durationMs = performance.now() - started;
  return report;
}

async function readFile(
  source: TableSource,
  spec: TableSpec,
  found: ReadState,
  options: ImportOptions,
): Promise<FileSummary> {
  const summary: FileSummary = {
    file: source.fileName(spec),
    rows: 0,
    invalid: 0,
    skippedOlder: 0,
    applied: 0,
    deleted: 0,
  };
  const accepted = new Map<string, Accepted>();
  const invalidKeys = new Map<string, number>();
  found.incoming.set(spec.name, accepted);
  found.rejected.set(spec.name, invalidKeys);
  const keyIndex = fieldIndex(spec, spec.key);
  for await (const { line, row } of source.rows(spec, (warnings) => found.warnings.push(...warnings))) {
    summary.rows++;
    if (summary.rows % 10_000 === 0) options.onProgress?.(spec.file, summary.rows);
    const violations = validateRow(spec, row);
    const key = row[keyIndex] ?? '';
    const duplicate = accepted.get(key);
    if (duplicate) {
      violations.push({
        column: spec.key,
        value: key,
        rule: 'duplicateKey',
        message: `${spec.key} ${excerpt(key)} already appears on line ${duplicate.line}`,
      });
    }
    let invalid = false;
    for (const v of violations) {
      const severity = severityOf(v.rule, options.strict === true);
      (severity === 'error' ? found.errors : found.dataQuality).push(issue(summary.file, line, v));
      invalid ||= severity === 'error';
    }
    if (invalid) {
      summary.invalid++;
      invalidKeys.set(key, line);
      continue;
    }
    accepted.set(key, { line, row });
  }
  options.onProgress?.(spec.file, summary.rows);
  return summary;
}

function issue(file: string, row: number, v: Omit<ImportIssue, 'file' | 'row'>): ImportIssue {
  if (!PII_COLUMNS.has(v.column) || v.value === '') return { file, row, ...v, value: excerpt(v.value) };
  // Identifying values never reach a report (which may end up in CI logs or tickets).
  return { file, row, ...v, value: '[redacted]', message: v.message.split(v.value).join('[redacted]') };
}

interface ExportInfo {
  readonly source: string;
  readonly directive: 'full' | 'delta';
  readonly exportIds: ReadonlySet<string>;
}

function describeExport(rows: Map<string, Accepted>, sourceOption: string | undefined): ExportInfo {
  const spec = table('Export');
  const column = (name: string) => fieldIndex(spec, name);
  const exports = [...rows.values()].map((a) => a.row);
  if (exports.length === 0)
    throw new StructuralError('Export.csv has no valid row: it must describe the export');
  // Several rows happen (HUD's sample has ten); the latest ExportDate decides the directive.
  const latest = exports.reduce((a, b) =>
    (b[column('ExportDate')] ?? '') > (a[column('ExportDate')] ?? '') ? b : a,
  );
  const names = new Set(exports.map((r) => r[column('SourceID')] || r[column('SourceName')] || ''));
  if (!sourceOption && names.size > 1) {
    throw new StructuralError(
      `Export.csv rows name different sources (${[...names].join(', ')}); pass --source`,
    );
  }
  const source = sourceOption ?? sourceIdFrom([...names][0] ?? '');
  if (!SOURCE_ID_PATTERN.test(source)) {
    throw new StructuralError(
      `cannot derive a source id from Export.csv (SourceID and SourceName are empty or unusable); pass --source`,
    );
  }
  return {
    source,
    directive: latest[column('ExportDirective')] === DIRECTIVE_FULL ? 'full' : 'delta',
    exportIds: new Set(rows.keys()),
  };
}

/**
 * Every link (PersonalID, EnrollmentID, ProjectID, …) and ExportID must point at a record of this
 * import or, for a delta, one already stored. Tables are checked parents first, so a row whose
 * parent was rejected is rejected too.
 */
function checkReferences(
  store: RecordLog,
  info: ExportInfo,
  { incoming, rejected, errors }: ReadState,
  files: FileSummary[],
  skipInvalidRows: boolean,
): void {
  const stored = info.directive === 'delta' ? store.state.source(info.source) : undefined;
  const exists = (tableName: string, key: string) =>
    incoming.get(tableName)?.has(key) === true || stored?.get(tableName, key) !== undefined;
  for (const [index, spec] of TABLES.entries()) {
    const rows = incoming.get(spec.name);
    const summary = files[index];
    if (!rows || !summary) continue;
    const checks = [
      ...spec.links.map((link) => ({
        column: link.field,
        index: fieldIndex(spec, link.field),
        table: link.table,
      })),
      ...(spec.name === 'Export'
        ? []
        : [{ column: 'ExportID', index: fieldIndex(spec, 'ExportID'), table: 'Export' }]),
    ];
    for (const [key, { line, row }] of rows) {
      const broken = checks.filter((c) => {
        const value = row[c.index];
        if (!value) return false;
        return c.table === 'Export' ? !info.exportIds.has(value) : !exists(c.table, value);
      });
      if (broken.length === 0) continue;
      for (const c of broken) {
        const value = row[c.index] ?? '';
        const parentLine = rejected.get(c.table)?.get(value);
        // Name the root cause: a link to a row that was itself rejected is not a dangling link.
        const [rule, message] =
          parentLine === undefined
            ? ['reference', `${c.column} ${excerpt(value)} matches no record in ${c.table}.csv`]
            : [
                'parentRejected',
                `${c.column} ${excerpt(value)} links to ${c.table}.csv row ${parentLine}, which was rejected`,
              ];
        errors.push({ file: spec.file, row: line, column: c.column, value: excerpt(value), rule, message });
      }
      rejected.get(spec.name)?.set(key, line);
      summary.invalid++;
      if (skipInvalidRows) rows.delete(key);
    }
  }
}

/** The import's operations against `records`; counts what it applies and skips (afresh on each call). */
function planOperations(
  records: RecordState,
  info: ExportInfo,
  incoming: Incoming,
  files: FileSummary[],
): Operation[] {
  const operations: Operation[] =
    info.directive === 'full' ? [{ op: 'dropSource', source: info.source }] : [];
  const stored = info.directive === 'delta' ? records.source(info.source) : undefined;
  for (const [index, spec] of TABLES.entries()) {
    const summary = files[index];
    const rows = incoming.get(spec.name);
    if (!summary || !rows) continue;
    summary.applied = summary.skippedOlder = summary.deleted = 0;
    const updated = spec.fields.findIndex((f) => f.name === 'DateUpdated');
    const deleted = spec.fields.findIndex((f) => f.name === 'DateDeleted');
    for (const [key, { row }] of rows) {
      const current: Row | undefined = stored?.get(spec.name, key);
      if (current && updated >= 0 && (current[updated] ?? '') > (row[updated] ?? '')) {
        summary.skippedOlder++;
        continue;
      }
      operations.push({ op: 'put', source: info.source, table: spec.name, row });
      summary.applied++;
      if (deleted >= 0 && row[deleted]) summary.deleted++;
    }
  }
  return operations;
}
