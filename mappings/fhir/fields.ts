/**
 * References from the FHIR mapping tables to model fields. Every table in this folder names HUD
 * fields through `field()`, which fails at load time when the model has no such column, so a
 * renamed or removed FY2026 field cannot silently fall out of the FHIR mapping.
 */
import { codeList, fieldIndex, table } from '../../src/model/index.ts';

export interface FieldRef {
  readonly table: string;
  readonly field: string;
  /** The column's position in stored rows (the model's field order). */
  readonly index: number;
  /** The field's HUD code list, when it has one fixed list. */
  readonly codeList: string | null;
}

export function field(tableName: string, name: string): FieldRef {
  const spec = table(tableName);
  const index = fieldIndex(spec, name);
  const codeListId = spec.fields[index]?.codeList ?? null;
  return { table: tableName, field: name, index, codeList: codeListId };
}

/** The label HUD gives `code` in list `list` (throws for a list or code the model does not have). */
export function hudLabel(list: string, code: string): string {
  const entry = codeList(list).codes.find((c) => c.code === code);
  if (!entry) throw new Error(`HUD list ${list} has no code ${code}`);
  return entry.label;
}
