/**
 * HUD-style CSV formatting, shared by every CSV writer in Hearth.
 *
 * - Line ending: LF (`\n`), after every line including the last. HUD's FY2026 sample export
 *   (Sample-HMIS-Data-FY2026.zip) uses bare LF and no byte order mark, so Hearth does the same;
 *   readers (ours included) accept CRLF as well.
 * - Quoting: a value is quoted only when it must be: when it contains a comma, a double quote, CR
 *   or LF, or starts or ends with a space or tab (which some readers trim). Embedded quotes are
 *   doubled. Empty values (HUD's null) are written as nothing between the commas.
 * - No formula-injection escaping: HMIS CSV is a data interchange format between systems, not a
 *   spreadsheet, and an import → export round trip must reproduce every value exactly. Values that
 *   begin with `=`, `+`, `-` or `@` are written as they are; whoever opens the files in a
 *   spreadsheet program must take care.
 */
import type { TableSpec } from '../model/index.ts';

/** The line terminator HUD's sample export uses. */
export const CSV_EOL = '\n';

const NEEDS_QUOTES = /[",\r\n]|^[ \t]|[ \t]$/;

/** One value as it appears between commas. */
export function formatCsvValue(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV line, terminated by {@link CSV_EOL}. */
export function formatCsvRow(values: readonly string[]): string {
  // A lone empty value would make a blank line, which readers skip: quote it so the row survives.
  if (values.length === 1 && values[0] === '') return `""${CSV_EOL}`;
  return values.map(formatCsvValue).join(',') + CSV_EOL;
}

/** The header line of a table's file: its FY2026 column names in the model's order. */
export function csvHeader(spec: TableSpec): string {
  return formatCsvRow(spec.fields.map((field) => field.name));
}

function checkWidth(spec: TableSpec, row: readonly string[], index: number): void {
  if (row.length !== spec.fields.length) {
    throw new Error(
      `${spec.file}: row ${index + 1} has ${row.length} values; the table has ${spec.fields.length} columns`,
    );
  }
}

/**
 * The lines of a table's file: the header, then one line per row. Rows must be in the model's
 * field order and of its width (a ragged row throws rather than write a file readers reject).
 */
export function* csvLines(spec: TableSpec, rows: Iterable<readonly string[]>): Generator<string> {
  yield csvHeader(spec);
  let index = 0;
  for (const row of rows) {
    checkWidth(spec, row, index++);
    yield formatCsvRow(row);
  }
}

/** Rows are written in chunks of about this many characters. */
const CHUNK_CHARS = 64 * 1024;

export interface WriteCsvOptions {
  /** End the stream when done and wait for it to finish (default true; pass false for stdout). */
  readonly end?: boolean;
}

/**
 * Streams a table's file to `out`, honouring backpressure: when `write` returns false it waits
 * for `drain` before writing more. Rejects on the stream's `error`.
 */
export async function writeCsv(
  spec: TableSpec,
  rows: Iterable<readonly string[]>,
  out: NodeJS.WritableStream,
  options: WriteCsvOptions = {},
): Promise<void> {
  let failure: unknown;
  let wake: (() => void) | undefined;
  const onError = (error: unknown) => {
    failure ??= error;
    wake?.();
  };
  const waitFor = (event: string) =>
    new Promise<void>((resolve) => {
      wake = () => {
        out.removeListener(event, done);
        resolve();
      };
      const done = () => wake?.();
      out.once(event, done);
    });
  out.on('error', onError);
  try {
    let chunk = '';
    const flush = async () => {
      const ok = out.write(chunk);
      chunk = '';
      if (!ok && failure === undefined) await waitFor('drain');
      if (failure !== undefined) throw failure;
    };
    for (const line of csvLines(spec, rows)) {
      chunk += line;
      if (chunk.length >= CHUNK_CHARS) await flush();
    }
    if (chunk) await flush();
    if (options.end ?? true) {
      const finished = waitFor('finish');
      out.end();
      await finished;
      if (failure !== undefined) throw failure;
    }
  } finally {
    out.removeListener('error', onError);
  }
}
