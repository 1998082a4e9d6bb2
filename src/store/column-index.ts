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
  /** Each value rows hold → its key: derived once per distinct value, not once per row or lookup. */
  private readonly keys = new Map<string, string>();

  /** `keyOf` must be a pure function of the value. */
  constructor(
    readonly column: number,
    readonly keyOf: (value: string) => string,
  ) {}

  add(row: Row): void {
    const value = row[this.column];
    if (!value) return;
    let key = this.keys.get(value);
    if (key === undefined) {
      key = this.keyOf(value);
      this.keys.set(value, key);
    }
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
    const key = value ? this.keys.get(value) : undefined;
    if (!value || key === undefined) return;
    const initial = key.slice(0, 1);
    const keys = this.byInitial.get(initial);
    const values = keys?.get(key);
    const count = values?.get(value);
    if (!keys || !values || count === undefined) return;
    if (count > 1) {
      values.set(value, count - 1);
      return;
    }
    this.keys.delete(value);
    if (values.size > 1) values.delete(value);
    else if (keys.size > 1) keys.delete(key);
    else this.byInitial.delete(initial);
  }

  /** The key of a value that some row holds (as `keyOf` derived it), undefined for any other. */
  keyFor(value: string): string | undefined {
    return this.keys.get(value);
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
