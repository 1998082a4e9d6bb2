/**
 * Validation of single-record writes (API calls, RDF loads, SPARQL UPDATE): each put row against
 * the model and rules — strictly, every finding is an error — and every link against the records
 * stored or written in the same transaction. Bulk CSV imports have their own, report-oriented path.
 */
import { fieldIndex, findTable, TABLES, type TableSpec } from '../model/index.ts';
import type { QuadProblem } from '../rdf/quads-to-records.ts';
import type { Operation } from '../store/operations.ts';
import type { RecordState, Row } from '../store/record-state.ts';
import { type Violation, validateRow } from './row.ts';

export interface OperationProblem extends Violation {
  readonly table: string;
  readonly key: string;
}

export class InvalidWriteError extends Error {
  override name = 'InvalidWriteError';
  constructor(readonly problems: readonly OperationProblem[]) {
    super(
      `the write was refused: ${problems
        .slice(0, 5)
        .map((p) => `${p.table} ${p.key}: ${p.message}`)
        .join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`,
    );
  }
}

/** RDF that does not map onto records (see rdf/quads-to-records.ts), as a refused write. */
export function rdfProblemsError(problems: readonly QuadProblem[]): InvalidWriteError {
  return new InvalidWriteError(
    problems.map((p) => ({
      table: '',
      key: p.subject,
      column: p.predicate,
      value: '',
      rule: 'rdf',
      message: p.message,
    })),
  );
}

/**
 * validateOperations for a change that replaces `stored`, a row of `table`: the findings that row
 * had already (imports keep data-quality findings) do not count against the change, only those it
 * introduces.
 */
export function introducedProblems(
  state: RecordState,
  operations: readonly Operation[],
  table: TableSpec,
  stored: Row | undefined,
): OperationProblem[] {
  const key = (p: { column: string; rule: string }) => `${p.column}\u0000${p.rule}`;
  const before = new Set(stored ? validateRow(table, stored).map(key) : []);
  return validateOperations(state, operations).filter((p) => p.table !== table.name || !before.has(key(p)));
}

export function validateOperations(state: RecordState, operations: readonly Operation[]): OperationProblem[] {
  const problems: OperationProblem[] = [];
  const written = new Set<string>();
  const removed = new Set<string>();
  const id = (source: string, table: string, key: string) => `${source}\u0000${table}\u0000${key}`;
  for (const operation of operations) {
    if (operation.op === 'put') {
      const spec = findTable(operation.table);
      if (spec) written.add(id(operation.source, spec.name, operation.row[fieldIndex(spec, spec.key)] ?? ''));
    } else if (operation.op === 'remove') {
      removed.add(id(operation.source, operation.table, operation.key));
    }
  }
  const exists = (source: string, table: string, key: string) =>
    written.has(id(source, table, key)) ||
    (!removed.has(id(source, table, key)) && state.source(source)?.get(table, key) !== undefined);
  for (const operation of operations) {
    if (operation.op === 'remove') problems.push(...orphans(state, operation, removed, id));
    if (operation.op !== 'put') continue;
    const spec = findTable(operation.table);
    if (!spec) continue;
    const key = operation.row[fieldIndex(spec, spec.key)] ?? '';
    for (const violation of validateRow(spec, operation.row))
      problems.push({ table: spec.name, key, ...violation });
    for (const link of spec.links) {
      const value = operation.row[fieldIndex(spec, link.field)];
      if (!value || exists(operation.source, link.table, value)) continue;
      problems.push({
        table: spec.name,
        key,
        column: link.field,
        value,
        rule: 'reference',
        message: `${link.field} ${value} matches no ${link.table} record`,
      });
    }
  }
  return problems;
}

/** Removing a record whose children stay would leave links to nothing. */
function orphans(
  state: RecordState,
  operation: Extract<Operation, { op: 'remove' }>,
  removed: ReadonlySet<string>,
  id: (source: string, table: string, key: string) => string,
): OperationProblem[] {
  const source = state.source(operation.source);
  if (!source) return [];
  const problems: OperationProblem[] = [];
  for (const child of TABLES) {
    for (const link of child.links.filter((l) => l.table === operation.table)) {
      for (const childKey of source.childKeys(child.name, link.field, operation.key)) {
        if (removed.has(id(operation.source, child.name, childKey))) continue;
        problems.push({
          table: operation.table,
          key: operation.key,
          column: link.field,
          value: operation.key,
          rule: 'reference',
          message: `${child.name} ${childKey} still links to it through ${link.field}`,
        });
      }
    }
  }
  return problems;
}
