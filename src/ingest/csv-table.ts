/**
 * Streams one FY2026 CSV file into rows in the model's field order. Tolerates what real exports
 * do (BOM, CRLF or LF, quoted or unquoted values, header case, known aliases, extra columns) and
 * stops with a clear message at what makes a file unreadable (bad quoting, ragged rows, a missing
 * non-nullable column, oversize records).
 */
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { HEADER_ALIASES } from '../model/fy2026/aliases.ts';
import type { TableSpec } from '../model/index.ts';

/** One record of more than this is not HMIS data; csv-parse stops instead of buffering it all. */
export const MAX_RECORD_BYTES = 1024 * 1024;

export class StructuralError extends Error {
  override name = 'StructuralError';
}

export interface HeaderPlan {
  /** For each model field, the input column index, or -1 when the file lacks the column. */
  readonly sourceColumns: readonly number[];
  readonly warnings: readonly string[];
}

export function planHeader(spec: TableSpec, header: readonly string[]): HeaderPlan {
  const aliases = HEADER_ALIASES[spec.name] ?? {};
  const wanted = new Map(spec.fields.map((field, index) => [field.name.toLowerCase(), index]));
  for (const [alias, column] of Object.entries(aliases)) {
    wanted.set(
      alias.toLowerCase(),
      spec.fields.findIndex((f) => f.name === column),
    );
  }
  const sourceColumns = spec.fields.map(() => -1);
  const warnings: string[] = [];
  header.forEach((name, column) => {
    const index = wanted.get(name.trim().toLowerCase());
    if (index === undefined)
      warnings.push(`${spec.file}: column ${name.slice(0, 100)} is not FY2026; ignored`);
    else if (sourceColumns[index] !== -1)
      throw new StructuralError(`${spec.file}: column ${name} appears twice`);
    else sourceColumns[index] = column;
  });
  spec.fields.forEach((field, index) => {
    if (sourceColumns[index] !== -1) return;
    if (!field.nullable)
      throw new StructuralError(`${spec.file}: the required column ${field.name} is missing`);
    warnings.push(`${spec.file}: column ${field.name} is missing; read as empty`);
  });
  return { sourceColumns, warnings };
}

export interface TableRow {
  /** Line number in the file (the header is line 1). */
  readonly line: number;
  readonly row: string[];
}

/** Timestamps may arrive ISO-style (`2024-01-31T10:00:00`); the model uses HUD's space form. */
function normalizer(spec: TableSpec): (row: string[]) => void {
  const datetimes = spec.fields.flatMap((f, i) => (f.type.kind === 'datetime' ? [i] : []));
  return (row) => {
    for (const i of datetimes) {
      const value = row[i];
      if (value && value.length === 19 && value[10] === 'T')
        row[i] = `${value.slice(0, 10)} ${value.slice(11)}`;
    }
  };
}

export async function* readTable(
  spec: TableSpec,
  input: Readable,
  onHeader: (plan: HeaderPlan) => void,
): AsyncGenerator<TableRow> {
  const parser = input.pipe(
    parse({
      bom: true,
      relax_quotes: true,
      skip_empty_lines: true,
      max_record_size: MAX_RECORD_BYTES,
      info: true,
    }),
  );
  input.on('error', (error) => parser.destroy(error));
  let plan: HeaderPlan | undefined;
  const normalize = normalizer(spec);
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!plan) {
        plan = planHeader(spec, record);
        onHeader(plan);
        continue;
      }
      const row = plan.sourceColumns.map((column) => (column < 0 ? '' : (record[column] ?? '')));
      normalize(row);
      yield { line: info.lines, row };
    }
  } catch (error) {
    if (error instanceof StructuralError) throw error;
    throw new StructuralError(`${spec.file}: not a readable CSV file (${(error as Error).message})`);
  }
  if (!plan) throw new StructuralError(`${spec.file} is empty: it needs at least its header line`);
}
