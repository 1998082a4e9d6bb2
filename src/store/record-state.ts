/**
 * The in-memory state of every record, per data source and table, with the link indexes REST
 * reads need (e.g. a client's enrollments, an enrollment's exits). Pure data structure: no I/O.
 */
import { fieldIndex, findTable, TABLES, type TableSpec } from '../model/index.ts';
import { ChangeFeed } from './change-feed.ts';
import { ColumnIndex } from './column-index.ts';
import type { Operation } from './operations.ts';

export type Row = readonly string[];

interface TableState {
  readonly spec: TableSpec;
  readonly keyIndex: number;
  readonly rows: Map<string, Row>;
  /** Per link field (e.g. PersonalID): its column, and parent key → keys of rows in this table. */
  readonly children: Map<string, { readonly column: number; readonly byParent: Map<string, Set<string>> }>;
}

const linkFields = (spec: TableSpec) => [...new Set(spec.links.map((link) => link.field))];

/** How many RDF quads a row becomes (see rdf/record-quads.ts): types, non-empty cells, links. */
export function quadCount(spec: TableSpec, row: Row): number {
  let count = spec.classes.length;
  for (const value of row) if (value) count++;
  for (const link of spec.links) if (row[fieldIndex(spec, link.field)]) count += link.properties.length;
  return count;
}

function emptyTable(spec: TableSpec): TableState {
  return {
    spec,
    keyIndex: fieldIndex(spec, spec.key),
    rows: new Map(),
    children: new Map(
      linkFields(spec).map((field) => [field, { column: fieldIndex(spec, field), byParent: new Map() }]),
    ),
  };
}

/** What childKeys answers for a parent without children: one shared set, never written to. */
const NO_KEYS: ReadonlySet<string> = new Set();
const NO_INDEXES: readonly ColumnIndex[] = [];

export class SourceState {
  /** Quads this source's records make, kept current so capacity checks cost nothing. */
  quads = 0;
  readonly tables = new Map<string, TableState>(TABLES.map((spec) => [spec.name, emptyTable(spec)]));
  private feed: ChangeFeed | undefined;
  private readonly iriOrder = new Map<string, readonly string[]>();
  /** Per table, the column indexes readers asked for (see columnIndex). */
  private readonly columnIndexes = new Map<string, ColumnIndex[]>();

  /** Changes to client data in time order (built on first use, then kept in step with writes). */
  changes(): ChangeFeed {
    this.feed ??= new ChangeFeed(() =>
      [...this.tables.values()].map(({ spec, rows }) => [spec, rows.values()] as const),
    );
    return this.feed;
  }

  table(name: string): TableState {
    const state = this.tables.get(name);
    if (!state) throw new Error(`unknown table ${name}`);
    return state;
  }

  /**
   * The keys of `table` percent-encoded as in record IRIs, sorted: the order of the records' IRIs
   * (`{base}/{source}/{segment}/{key}`), in which keyset-paged lists walk them. Built on first use
   * after a key was added or removed (ASCII only, so code-unit order is Oxigraph's byte order).
   */
  keysInIriOrder(table: string): readonly string[] {
    let keys = this.iriOrder.get(table);
    if (!keys) {
      keys = [...this.table(table).rows.keys()].map(encodeURIComponent).sort();
      this.iriOrder.set(table, keys);
    }
    return keys;
  }

  /**
   * The values of `table`'s `field` grouped by `keyOf` (see ColumnIndex): built on the first call
   * with this field and function, then kept in step with every write. Pass a module-level function:
   * each distinct function makes an index of its own.
   */
  columnIndex(table: string, field: string, keyOf: (value: string) => string): ColumnIndex {
    const state = this.table(table);
    const column = fieldIndex(state.spec, field);
    const indexes = this.columnIndexes.get(table) ?? [];
    let index = indexes.find((candidate) => candidate.column === column && candidate.keyOf === keyOf);
    if (!index) {
      index = new ColumnIndex(column, keyOf);
      for (const row of state.rows.values()) index.add(row);
      this.columnIndexes.set(table, [...indexes, index]);
    }
    return index;
  }

  get(table: string, key: string): Row | undefined {
    return this.table(table).rows.get(key);
  }

  /** Keys of `table` rows whose `field` (a link field such as PersonalID) equals `parentKey`. */
  childKeys(table: string, field: string, parentKey: string): ReadonlySet<string> {
    return this.table(table).children.get(field)?.byParent.get(parentKey) ?? NO_KEYS;
  }

  /**
   * Stores `row` itself, frozen: the state must change only through operations the log holds, and
   * readers key caches on row identity (a row is replaced, never changed).
   */
  put(table: string, row: Row): void {
    Object.freeze(row);
    const state = this.table(table);
    const key = row[state.keyIndex] ?? '';
    const previous = state.rows.get(key);
    if (previous) {
      this.unindex(state, key, previous);
      this.quads -= quadCount(state.spec, previous);
    } else this.iriOrder.delete(table);
    state.rows.set(key, row);
    this.quads += quadCount(state.spec, row);
    this.feed?.note(table, previous, row);
    for (const index of this.columnIndexes.get(table) ?? NO_INDEXES) {
      if (previous) index.delete(previous);
      index.add(row);
    }
    for (const { column, byParent } of state.children.values()) {
      const parent = row[column];
      if (!parent) continue;
      const keys = byParent.get(parent);
      if (keys) keys.add(key);
      else byParent.set(parent, new Set([key]));
    }
  }

  remove(table: string, key: string): void {
    const state = this.table(table);
    const previous = state.rows.get(key);
    if (!previous) return;
    this.unindex(state, key, previous);
    this.quads -= quadCount(state.spec, previous);
    state.rows.delete(key);
    this.iriOrder.delete(table);
    this.feed?.note(table, previous, undefined);
    for (const index of this.columnIndexes.get(table) ?? NO_INDEXES) index.delete(previous);
  }

  private unindex(state: TableState, key: string, row: Row): void {
    for (const { column, byParent } of state.children.values()) {
      const parent = row[column];
      if (!parent) continue;
      const keys = byParent.get(parent);
      keys?.delete(key);
      if (keys?.size === 0) byParent.delete(parent);
    }
  }

  get size(): number {
    let total = 0;
    for (const state of this.tables.values()) total += state.rows.size;
    return total;
  }
}

export class RecordState {
  readonly sources = new Map<string, SourceState>();

  source(name: string): SourceState | undefined {
    return this.sources.get(name);
  }

  apply(operation: Operation): void {
    if (operation.op === 'dropSource') {
      this.sources.delete(operation.source);
      return;
    }
    if (!findTable(operation.table)) throw new Error(`unknown table ${operation.table}`);
    const source = this.sources.get(operation.source);
    if (operation.op === 'remove') {
      source?.remove(operation.table, operation.key);
      return;
    }
    if (source) source.put(operation.table, operation.row);
    else
      this.sources
        .set(operation.source, new SourceState())
        .get(operation.source)
        ?.put(operation.table, operation.row);
  }

  /** The stored row a put or remove is about to replace (undefined for new rows and dropSource). */
  previousRow(operation: Operation): Row | undefined {
    if (operation.op === 'dropSource') return undefined;
    const spec = findTable(operation.table);
    if (!spec) return undefined;
    const key = operation.op === 'put' ? (operation.row[fieldIndex(spec, spec.key)] ?? '') : operation.key;
    return this.sources.get(operation.source)?.get(operation.table, key);
  }

  /** Every record as put operations: the content of a snapshot. */
  *operations(): Generator<Operation> {
    for (const [source, state] of this.sources) {
      for (const [table, { rows }] of state.tables) {
        for (const row of rows.values()) yield { op: 'put', source, table, row };
      }
    }
  }

  get size(): number {
    let total = 0;
    for (const source of this.sources.values()) total += source.size;
    return total;
  }

  get quads(): number {
    let total = 0;
    for (const source of this.sources.values()) total += source.quads;
    return total;
  }

  /** The quad count after `operations`, without applying them (each compared with the stored row). */
  quadsAfter(operations: readonly Operation[]): number {
    let total = this.quads;
    const dropped = new Set<string>();
    for (const operation of operations) {
      if (operation.op === 'dropSource') {
        if (!dropped.has(operation.source)) total -= this.sources.get(operation.source)?.quads ?? 0;
        dropped.add(operation.source);
        continue;
      }
      const spec = findTable(operation.table);
      if (!spec) continue;
      const previous = dropped.has(operation.source) ? undefined : this.previousRow(operation);
      if (previous) total -= quadCount(spec, previous);
      if (operation.op === 'put') total += quadCount(spec, operation.row);
    }
    return total;
  }
}
