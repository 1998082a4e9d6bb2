/**
 * The FY2026 model, assembled once from the generated HUD facts (`fy2026/fields.ts`,
 * `fy2026/code-lists.ts`), the ontology mapping (`fy2026/tables.ts`) and the rules.
 */
import { CODE_LIST_ROWS } from './fy2026/code-lists.ts';
import { NULLABLE_CORRECTIONS } from './fy2026/corrections.ts';
import { FIELD_ROWS, type FieldRow } from './fy2026/fields.ts';
import { HEARTH_PROPERTIES, PROPERTY_ALIASES, TABLE_MAPPINGS } from './fy2026/tables.ts';
import { HEARTH, HMIS } from './namespaces.ts';
import type { CodeList, FieldSpec, FieldType, TableSpec } from './types.ts';

export type { CodeList, Condition, FieldSpec, FieldType, LinkSpec, Rule, TableSpec } from './types.ts';

/** Parses HUD's type codes: `I`, `S50`, `S`, `D`, `T`, `M`, `M+`. */
export function parseFieldType(code: string): FieldType {
  if (code === 'I') return { kind: 'integer' };
  if (code === 'D') return { kind: 'date' };
  if (code === 'T') return { kind: 'datetime' };
  if (code === 'M' || code === 'M+') return { kind: 'money', nonNegative: code === 'M+' };
  const string = /^S(\d*)$/.exec(code);
  if (string) return { kind: 'string', maxLength: string[1] ? Number(string[1]) : null };
  throw new Error(`unknown HUD field type code ${code}`);
}

export function propertyIri(column: string): string {
  if (HEARTH_PROPERTIES.includes(column)) return HEARTH + column;
  return HMIS + (PROPERTY_ALIASES[column] ?? column);
}

function fieldSpec(table: string, [name, type, list, specNullable, elements]: FieldRow): FieldSpec {
  const nullable = specNullable || NULLABLE_CORRECTIONS.some((c) => c.table === table && c.field === name);
  const mode = list === '' ? null : list === 'conditional' || list === 'local' ? list : 'fixed';
  return {
    name,
    dataElements: elements ? elements.split('; ') : [],
    type: parseFieldType(type),
    nullable,
    codeList: mode === 'fixed' ? list : null,
    codeListMode: mode,
    iri: propertyIri(name),
  };
}

function tableSpec(name: string): TableSpec {
  const mapping = TABLE_MAPPINGS[name];
  const rows = FIELD_ROWS[name];
  if (!mapping || !rows) throw new Error(`table ${name} has no mapping or no fields`);
  return {
    name,
    file: `${name}.csv`,
    key: mapping.key,
    segment: mapping.segment,
    classes: mapping.classes.map((local) => HMIS + local),
    links: mapping.links.map((link) => ({ ...link, properties: link.properties.map((p) => HMIS + p) })),
    fields: rows.map((row) => fieldSpec(name, row)),
  };
}

/** All 24 FY2026 tables, parents before children. */
export const TABLES: readonly TableSpec[] = Object.keys(TABLE_MAPPINGS).map(tableSpec);

const tablesByName = new Map(TABLES.map((t) => [t.name, t]));
const tablesBySegment = new Map(TABLES.map((t) => [t.segment, t]));

export function table(name: string): TableSpec {
  const spec = tablesByName.get(name);
  if (!spec) throw new Error(`unknown FY2026 table ${name}`);
  return spec;
}

export const findTable = (name: string): TableSpec | undefined => tablesByName.get(name);
export const findTableBySegment = (segment: string): TableSpec | undefined => tablesBySegment.get(segment);

export const CODE_LISTS: ReadonlyMap<string, CodeList> = new Map(
  Object.entries(CODE_LIST_ROWS).map(([id, rows]) => [
    id,
    { id, codes: rows.map(([code, label]) => ({ code, label })) },
  ]),
);

export function codeList(id: string): CodeList {
  const list = CODE_LISTS.get(id);
  if (!list) throw new Error(`unknown HUD code list ${id}`);
  return list;
}

/** Index of a column in a table's field order (rows are stored as arrays in that order). */
export function fieldIndex(spec: TableSpec, column: string): number {
  const index = spec.fields.findIndex((f) => f.name === column);
  if (index < 0) throw new Error(`${spec.name} has no column ${column}`);
  return index;
}

/** Columns that identify a person: never in logs or URLs, redacted in reports. */
export const PII_COLUMNS: ReadonlySet<string> = new Set([
  'FirstName',
  'MiddleName',
  'LastName',
  'NameSuffix',
  'SSN',
  'DOB',
]);
