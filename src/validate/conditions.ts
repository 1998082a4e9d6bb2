/** Conditions of the rules (see `Condition` in the model), compiled to closures and described in English. */
import { type Condition, fieldIndex, type TableSpec } from '../model/index.ts';

export type RowPredicate = (row: readonly string[]) => boolean;

/** Compiles a condition over a table's rows; unknown columns throw at compile time. */
export function compileCondition(spec: TableSpec, condition: Condition): RowPredicate {
  if ('all' in condition) {
    const parts = condition.all.map((c) => compileCondition(spec, c));
    if (parts.length === 2) {
      const [a, b] = parts as [RowPredicate, RowPredicate];
      return (row) => a(row) && b(row);
    }
    return (row) => parts.every((p) => p(row));
  }
  if ('any' in condition) {
    const parts = condition.any.map((c) => compileCondition(spec, c));
    if (parts.length === 2) {
      const [a, b] = parts as [RowPredicate, RowPredicate];
      return (row) => a(row) || b(row);
    }
    return (row) => parts.some((p) => p(row));
  }
  const index = fieldIndex(spec, condition.field);
  if ('notNull' in condition) return (row) => (row[index] ?? '') !== '';
  const codes = condition.in;
  if (codes.length === 1) {
    const code = codes[0];
    return (row) => row[index] === code;
  }
  const set = new Set(codes);
  return (row) => set.has(row[index] ?? '');
}

function listCodes(codes: readonly string[]): string {
  if (codes.length === 1) return `${codes[0]}`;
  if (codes.length === 2) return `${codes[0]} or ${codes[1]}`;
  return `one of ${codes.join(', ')}`;
}

/** E.g. `RecordType is 144 and TypeProvided is 3`. */
export function describeCondition(condition: Condition): string {
  if ('all' in condition) {
    return condition.all
      .map((c) => ('any' in c ? `(${describeCondition(c)})` : describeCondition(c)))
      .join(' and ');
  }
  if ('any' in condition) {
    return condition.any
      .map((c) => ('all' in c ? `(${describeCondition(c)})` : describeCondition(c)))
      .join(' or ');
  }
  if ('notNull' in condition) return `${condition.field} is not null`;
  return `${condition.field} is ${listCodes(condition.in)}`;
}
