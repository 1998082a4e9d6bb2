/**
 * One column's distinct values in one table, grouped by a key derived from each value (a folded
 * name, say): key → value → how many rows hold it. SourceState builds it from the rows on first
 * use and keeps it in step with every put and remove, so a lookup never scans the table. Search
 * (api/hmis-api/search.ts) reads it to find every stored spelling of the names near a query name,
 * then asks the SPARQL store for exactly those spellings instead of scanning every name.
 */
import type { Row } from './record-state.ts';

export class ColumnIndex {
  private readonly groups = new Map<string, Map<string, number>>();

  /** `keyOf` must be a pure function of the value: a row's key is derived again when it leaves. */
  constructor(
    readonly column: number,
    readonly keyOf: (value: string) => string,
  ) {}

  add(row: Row): void {
    const value = row[this.column];
    if (!value) return;
    const key = this.keyOf(value);
    let values = this.groups.get(key);
    if (!values) {
      values = new Map();
      this.groups.set(key, values);
    }
    values.set(value, (values.get(value) ?? 0) + 1);
  }

  delete(row: Row): void {
    const value = row[this.column];
    if (!value) return;
    const key = this.keyOf(value);
    const values = this.groups.get(key);
    const count = values?.get(value);
    if (!values || count === undefined) return;
    if (count > 1) values.set(value, count - 1);
    else if (values.size > 1) values.delete(value);
    else this.groups.delete(key);
  }

  /** Every key, with the distinct values that have it (never empty). */
  entries(): IterableIterator<[key: string, values: ReadonlyMap<string, number>]> {
    return this.groups.entries();
  }
}
