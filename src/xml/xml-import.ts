/**
 * `hearth import file.xml`: one streaming pass reads the document (reader.ts, with its security
 * limits), checks it against HUD's schema (validator.ts) and maps it onto FY2026 rows
 * (document-reader.ts); the rows then go through the CSV import's own validation and single
 * transaction (ingest/import.ts). Nothing is applied if anything is wrong.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { type ImportOptions, importTables } from '../ingest/import.ts';
import type { ImportIssue, ImportReport } from '../ingest/report.ts';
import { PII_COLUMNS, type TableSpec } from '../model/index.ts';
import type { RecordLog } from '../store/store.ts';
import { DocumentReader } from './document-reader.ts';
import { versionOfNamespace, versionView, type XmlVersion } from './mapping.ts';
import { rowDigest, writeNotes } from './notes.ts';
import { DEFAULT_XML_LIMITS, parseXml, type XmlHandler, XmlInputError, type XmlLimits } from './reader.ts';
import { type SchemaIssue, SchemaValidator } from './validator.ts';

export interface XmlImportOptions extends ImportOptions {
  readonly limits?: XmlLimits;
  /** `full` (default): structure, types, keys and HUD's assertions; `primary`: without assertions. */
  readonly validation?: 'full' | 'primary';
}

export interface XmlSummary {
  readonly version: XmlVersion;
  readonly records: Readonly<Record<string, number>>;
  /** Elements kept with their records for want of an FY2026 field: `Record Element` → count. */
  readonly kept: Readonly<Record<string, number>>;
  readonly schemaErrors: number;
}

export type XmlImportReport = ImportReport & { readonly xml: XmlSummary };

const each = <T>(list: readonly T[], run: (item: T) => void): void => {
  for (const item of list) run(item);
};

/** Reads the document once: schema check and mapping side by side. */
export async function readHmisXml(
  input: Readable | AsyncIterable<Buffer | string>,
  label: string,
  options: { limits?: XmlLimits; validation?: 'full' | 'primary'; map?: boolean } = {},
): Promise<{ reader?: DocumentReader; validator: SchemaValidator; version: XmlVersion }> {
  let reader: DocumentReader | undefined;
  let validator: SchemaValidator | undefined;
  let version: XmlVersion | undefined;
  const handlers: XmlHandler[] = [];
  const start: XmlHandler = {
    open(element, depth) {
      if (depth !== 1) return;
      version = versionOfNamespace(element.uri);
      if (element.local !== 'Sources' || !version) {
        throw new XmlInputError(
          `not an HUD HMIS XML document: the root must be <Sources> in the FY2022 or v6.1.2 namespace (found {${element.uri}}${element.local})`,
          element.line,
          element.qname,
        );
      }
      const view = versionView(version);
      validator = new SchemaValidator(view.schema, { assertions: options.validation !== 'primary' });
      handlers.push(validator.handler());
      if (options.map !== false) {
        reader = new DocumentReader(view, label);
        handlers.push(reader.handler());
      }
      for (const h of handlers) h.open(element, depth);
    },
    close() {},
  };
  await parseXml(
    input,
    {
      open: (element, depth) =>
        depth === 1 ? start.open(element, depth) : each(handlers, (h) => h.open(element, depth)),
      close: (element, text, depth) => each(handlers, (h) => h.close(element, text, depth)),
      end: () => each(handlers, (h) => h.end?.()),
    },
    options.limits ?? DEFAULT_XML_LIMITS,
  );
  if (!validator || !version) throw new XmlInputError('the document has no root element', 1, '');
  return { reader, validator, version };
}

const localOf = (qname: string) => qname.slice(qname.indexOf(':') + 1);

/** Identifying values never reach a report, whichever check found them (as in the CSV import). */
function redacted(issue: ImportIssue): ImportIssue {
  const column = localOf(issue.column);
  if (!PII_COLUMNS.has(column)) return issue;
  const message = (issue.value ? issue.message.split(issue.value).join('[redacted]') : issue.message).replace(
    /"[^"]*"/g,
    '"[redacted]"',
  );
  return { ...issue, value: issue.value ? '[redacted]' : '', message };
}

const schemaIssue = (label: string, issue: SchemaIssue): ImportIssue =>
  redacted({
    file: `${label} <${issue.element}>`,
    row: issue.line,
    column: issue.element,
    value: '',
    rule: `xsd:${issue.rule}`,
    message: issue.message,
  });

export async function importHmisXml(
  store: RecordLog,
  file: string,
  options: XmlImportOptions = {},
  input?: Readable | AsyncIterable<Buffer | string>,
): Promise<XmlImportReport> {
  const started = performance.now();
  const label = path.basename(file);
  // Hash marks, kept elements and extensions live beside the records (xml-notes.json), so that
  // nothing without an FY2026 column is dropped: that needs a local data directory.
  const dir = store.dir;
  if (!dir) {
    throw new XmlInputError(
      'HMIS XML import keeps what FY2026 has no column for in the data directory: use the embedded store',
      1,
      'Sources',
    );
  }
  const stream = input ?? fs.createReadStream(file);
  const { reader, validator, version } = await readHmisXml(stream, label, options);
  if (!reader) throw new Error('unreachable: the document was read without mapping');
  const stateOf = (source: string | undefined) => (source ? store.state.source(source) : undefined);
  reader.finish((tableName, key) => stateOf(options.source)?.get(tableName, key));
  const issues = [...validator.issues.map((i) => schemaIssue(label, i)), ...reader.issues.map(redacted)];
  if ((reader.rows.get('Export')?.size ?? 0) === 0) {
    const first = issues[0];
    throw new XmlInputError(
      `the document has no usable <Export>${first ? ` (${first.message})` : ''}`,
      first?.row ?? 1,
      'Export',
    );
  }
  const report = await importTables(
    store,
    {
      fileName: (spec: TableSpec) => `${label} ${spec.name}`,
      async *rows(spec: TableSpec) {
        for (const { line, values } of reader.rows.get(spec.name)?.values() ?? [])
          yield { line, row: values };
      },
      issues: () => issues,
      beforeCommit: async ({ source, directive }) =>
        writeNotes(dir, source, reader.notes(rowDigest), directive === 'full'),
    },
    options,
    started,
  );
  for (const warning of reader.warnings) report.warnings.push(warning);
  if (validator.omitted > 0)
    report.warnings.push(`${label}: ${validator.omitted} more schema findings were found but not listed`);
  for (const [name, count] of reader.drafts.keptCounts)
    report.warnings.push(`${label}: ${count} × ${name}: no FY2026 field; kept with the record`);
  return {
    ...report,
    xml: {
      version,
      records: Object.fromEntries(reader.counts),
      kept: Object.fromEntries(reader.drafts.keptCounts),
      schemaErrors: validator.issues.length,
    },
  };
}

/** `hearth validate file.xml` without a store: HUD's schema rules only. */
export async function validateHmisXml(
  file: string,
  options: { limits?: XmlLimits; validation?: 'full' | 'primary' } = {},
): Promise<{ version: XmlVersion; issues: readonly SchemaIssue[] }> {
  const { validator, version } = await readHmisXml(fs.createReadStream(file), path.basename(file), {
    ...options,
    map: false,
  });
  return { version, issues: validator.issues };
}

export { isXmlFile } from './detect.ts';
export { DEFAULT_XML_LIMITS, XmlInputError };
