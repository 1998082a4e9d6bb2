/**
 * Builds demo rows from `{ Column: value }` objects, in the model's field order, so that no demo
 * module keeps its own column list. Unknown column names throw (a typo must not silently drop a
 * value); columns left out are null ('').
 */
import { TABLES, type TableSpec, table } from '../model/index.ts';

export type Value = string | number | null | undefined;
export type Values = Readonly<Record<string, Value>>;

/** One row of `spec` in its field order; `null`/`undefined` become '' (HUD's null). */
export function buildRow(spec: TableSpec, values: Values): string[] {
  for (const column of Object.keys(values)) {
    if (!spec.fields.some((field) => field.name === column)) {
      throw new Error(`${spec.name} has no column ${column}`);
    }
  }
  return spec.fields.map((field) => {
    const value = values[field.name];
    return value === null || value === undefined ? '' : String(value);
  });
}

/** Who created a record and when: fills DateCreated, DateUpdated and UserID. */
export interface Stamp {
  /** `YYYY-MM-DD hh:mm:ss`. */
  readonly created: string;
  /** Defaults to `created`. */
  readonly updated?: string;
  readonly user: string;
}

/** The demo export under construction: every FY2026 table, in load order, with its rows. */
export class DemoTables {
  readonly tables: Map<string, string[][]> = new Map(TABLES.map((spec) => [spec.name, []]));
  private readonly counters = new Map<string, number>();

  constructor(readonly exportId: string) {}

  /**
   * Adds a row and returns its primary key. The stamp fills DateCreated, DateUpdated and UserID,
   * and every row gets the export's ExportID, unless `values` gives them.
   */
  add(tableName: string, values: Values, stamp?: Stamp): string {
    const spec = table(tableName);
    const defaults: Record<string, Value> = {};
    const has = (column: string) => spec.fields.some((field) => field.name === column);
    if (has('ExportID') && tableName !== 'Export') defaults.ExportID = this.exportId;
    if (stamp && has('DateCreated')) {
      defaults.DateCreated = stamp.created;
      defaults.DateUpdated = stamp.updated ?? stamp.created;
      if (has('UserID') && tableName !== 'User') defaults.UserID = stamp.user;
    }
    const row = buildRow(spec, { ...defaults, ...values });
    this.rows(tableName).push(row);
    return row[spec.fields.findIndex((field) => field.name === spec.key)] ?? '';
  }

  rows(tableName: string): string[][] {
    const rows = this.tables.get(tableName);
    if (!rows) throw new Error(`unknown FY2026 table ${tableName}`);
    return rows;
  }

  /** The next identifier with this prefix: `nextId('EN', 5)` → `EN00001`, `EN00002`, … */
  nextId(prefix: string, width: number): string {
    const next = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, next);
    return prefix + String(next).padStart(width, '0');
  }
}
