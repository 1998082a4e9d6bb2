/**
 * The unit of change in the store. Every write (an import, an API call, a SPARQL UPDATE) becomes a
 * list of operations committed as one transaction.
 */
import type { RecordState } from './record-state.ts';

/** Insert or replace one record: a row of the table, values in the model's field order. */
export interface PutOperation {
  readonly op: 'put';
  readonly source: string;
  readonly table: string;
  readonly row: readonly string[];
}

/** Remove a record for good (records deleted in HMIS terms keep their row with DateDeleted set). */
export interface RemoveOperation {
  readonly op: 'remove';
  readonly source: string;
  readonly table: string;
  readonly key: string;
}

/** Remove every record of a data source (a full-refresh import starts with this). */
export interface DropSourceOperation {
  readonly op: 'dropSource';
  readonly source: string;
}

export type Operation = PutOperation | RemoveOperation | DropSourceOperation;

/**
 * What a commit applies: operations, or a function that computes them from the records as every
 * earlier transaction left them. A read-modify-write (a PATCH) passes a function, which runs in the
 * commit queue: two concurrent changes to one record then both land, where operations computed
 * before the wait would let the later one put back what the earlier one changed. The function may
 * throw (a 404, a validation error); nothing is written then.
 */
export type Change = readonly Operation[] | ((records: RecordState) => readonly Operation[]);

export const operationsOf = (change: Change, records: RecordState): readonly Operation[] =>
  typeof change === 'function' ? change(records) : change;

/** Rejects an operation the state could not apply, before anything is written. */
export function checkOperation(
  operation: Operation,
  fieldCount: (table: string) => number | undefined,
): void {
  if (operation.op === 'dropSource') return;
  const count = fieldCount(operation.table);
  if (count === undefined) throw new Error(`unknown table ${operation.table}`);
  if (operation.op === 'put' && operation.row.length !== count) {
    throw new Error(`a ${operation.table} row needs ${count} values, got ${operation.row.length}`);
  }
}

export function encodeOperation(operation: Operation): string {
  switch (operation.op) {
    case 'put':
      return JSON.stringify(['put', operation.source, operation.table, operation.row]);
    case 'remove':
      return JSON.stringify(['remove', operation.source, operation.table, operation.key]);
    case 'dropSource':
      return JSON.stringify(['dropSource', operation.source]);
  }
}

export function decodeOperation(line: string): Operation {
  const value: unknown = JSON.parse(line);
  if (!Array.isArray(value)) throw new Error('operation is not a JSON array');
  const [op, source, table, payload] = value as [unknown, unknown, unknown, unknown];
  if (typeof source !== 'string') throw new Error('operation has no source');
  if (op === 'dropSource') return { op, source };
  if (typeof table !== 'string') throw new Error('operation has no table');
  if (op === 'put' && Array.isArray(payload) && payload.every((v) => typeof v === 'string')) {
    return { op, source, table, row: payload as string[] };
  }
  if (op === 'remove' && typeof payload === 'string') return { op, source, table, key: payload };
  throw new Error(`malformed ${String(op)} operation`);
}
