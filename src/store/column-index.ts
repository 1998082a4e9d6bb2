/**
 * One column's distinct values in one table, grouped by a key derived from each value (a folded
 * name, say) and the keys by their initial: initial → key → value → how many rows hold it.
 * SourceState builds it from the rows on first use and keeps it in step with every put and remove,
 * so a lookup never scans the table. Search (api/hmis-api/name-match.ts) reads the keys with a
 * query name's initial to find every stored spelling of the names near it, then asks the SPARQL
 * store for exactly those spellings instead of scanning every name.
 */
import type { Row } from './record-state.ts';

type Values = Map<string, number>;

const NO_KEYS: ReadonlyMap<string, ReadonlyMap<string, number>> = new Map();

export class ColumnIndex {
  private readonly byInitial = new Map<string, Map<string, Values>>();

  /** `keyOf` must be a pure function of the value: a row's key is derived again when it leaves. */
  constructor(
    readonly column: number,
    readonly keyOf: (value: string) => string,
  ) {}

  add(row: Row): void {
    const value = row[this.column];
    if (!value) return;
    const key = this.keyOf(value);
    const initial = key.slice(0, 1);
    let keys = this.byInitial.get(initial);
    if (!keys) {
      keys = new Map();
      this.byInitial.set(initial, keys);
    }
    let values = keys.get(key);
    if (!values) {
      values = new Map();
      keys.set(key, values);
    }
    values.set(value, (values.get(value) ?? 0) + 1);
  }

  delete(row: Row): void {
    const value = row[this.column];
    if (!value) return;
    const key = this.keyOf(value);
    const initial = key.slice(0, 1);
    const keys = this.byInitial.get(initial);
    const values = keys?.get(key);
    const count = values?.get(value);
    if (!keys || !values || count === undefined) return;
    if (count > 1) values.set(value, count - 1);
    else if (values.size > 1) values.delete(value);
    else if (keys.size > 1) keys.delete(key);
    else this.byInitial.delete(initial);
  }

  /** The keys that begin with `initial` (one UTF-16 code unit), each with its distinct values. */
  withInitial(initial: string): ReadonlyMap<string, ReadonlyMap<string, number>> {
    return this.byInitial.get(initial) ?? NO_KEYS;
  }

  /** Every key, with the distinct values that have it (never empty). */
  *entries(): Generator<[key: string, values: ReadonlyMap<string, number>]> {
    for (const keys of this.byInitial.values()) yield* keys;
  }
}
