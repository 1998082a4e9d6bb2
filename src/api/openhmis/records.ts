/**
 * One OpenHMIS resource over its FY2026 table, from the declarative mapping in mappings/openhmis/:
 * rows as OpenHMIS objects (camelCase names, integers as numbers, dates YYYY-MM-DD as the seed
 * shows them, empty cells as null), and request bodies (JSON, or XML's untyped leaves) as cells.
 */
import type { FieldPair, ResourceMapping } from '../../../mappings/openhmis/resources.ts';
import { type FieldSpec, fieldIndex, type TableSpec, table } from '../../model/index.ts';
import type { Row } from '../../store/record-state.ts';
import { ApiError, type FieldError } from '../errors.ts';
import { jsonValue as hmisJsonValue } from '../hmis-api/record-json.ts';
import { jsonCell } from '../record-writes.ts';

export interface MappedField {
  readonly name: string;
  readonly column: string;
  readonly index: number;
  readonly spec: FieldSpec;
}

export interface Resource {
  readonly mapping: ResourceMapping;
  readonly spec: TableSpec;
  readonly keyIndex: number;
  readonly fields: readonly MappedField[];
  readonly byName: ReadonlyMap<string, MappedField>;
  readonly unsupported: ReadonlySet<string>;
  /** Names the server sets (id, parent ids, dates): accepted in bodies, never taken from them. */
  readonly serverSet: ReadonlySet<string>;
  readonly whereIndex: number | undefined;
  /** Properties of embedded records (an enrollment's incomeSources, exit, …): read-only here. */
  readonly embedded: ReadonlySet<string>;
}

const SERVER_COLUMNS = new Set([
  'DateCreated',
  'DateUpdated',
  'UserID',
  'DateDeleted',
  'ExportID',
  'EnrollmentID',
  'PersonalID',
]);

export function compileResource(mapping: ResourceMapping, embedded: readonly string[] = []): Resource {
  const spec = table(mapping.table);
  const fields = mapping.fields.map(([name, column]: FieldPair) => {
    const index = fieldIndex(spec, column);
    return { name, column, index, spec: spec.fields[index] as FieldSpec };
  });
  const serverSet = new Set(
    fields.filter((f) => SERVER_COLUMNS.has(f.column) || f.column === spec.key).map((f) => f.name),
  );
  // A parent's id in a top-level body (an enrollment's personalId and projectId) is the caller's to give.
  if (mapping.parent === 'none') for (const f of fields) if (f.column !== spec.key) serverSet.delete(f.name);
  if (mapping.parent === 'project')
    for (const f of fields) if (f.column === 'ProjectID') serverSet.add(f.name);
  for (const f of fields) if (['DateCreated', 'DateUpdated'].includes(f.column)) serverSet.add(f.name);
  return {
    mapping,
    spec,
    keyIndex: fieldIndex(spec, spec.key),
    fields,
    byName: new Map(fields.map((f) => [f.name, f])),
    unsupported: new Set(mapping.unsupported),
    serverSet,
    whereIndex: mapping.where ? fieldIndex(spec, mapping.where.column) : undefined,
    embedded: new Set(embedded),
  };
}

/** Whether a row of the resource's table belongs to this resource (e.g. DisabilityType 7). */
export const belongs = (resource: Resource, row: Row): boolean =>
  resource.whereIndex === undefined ||
  (resource.mapping.where?.codes.includes(row[resource.whereIndex] ?? '') ?? true);

export type JsonValue = string | number | null;

/** As the HMIS API writes a column, except that record dates are days ("dateUpdated": "2015-05-08" in the seed). */
function jsonValue(field: FieldSpec, value: string | undefined): JsonValue {
  return field.type.kind === 'datetime' && value ? value.slice(0, 10) : hmisJsonValue(field, value);
}

/** The row as an OpenHMIS object; `columns` limits it (consent-shared fields), the key always shown. */
export function rowObject(
  resource: Resource,
  row: Row,
  columns?: ReadonlySet<string>,
): Record<string, JsonValue> {
  const object: Record<string, JsonValue> = {};
  for (const field of resource.fields) {
    if (columns && !columns.has(field.column) && field.column !== resource.spec.key) continue;
    object[field.name] = jsonValue(field.spec, row[field.index]);
  }
  return object;
}

/** What a body says, as cells by column, and which of its names have no FY2026 home. */
export interface BodyCells {
  readonly cells: ReadonlyMap<string, string>;
  readonly unsupported: readonly string[];
  /** Embedded arrays and objects: read-only through their parent, so ignored. */
  readonly ignored: readonly string[];
}

/** XML leaves are text: type them by the field before the JSON rules apply. */
function fromLexical(field: FieldSpec, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value === '' && field.type.kind !== 'string') return null;
  if (field.type.kind === 'integer' && /^-?\d{1,15}$/.test(value)) return Number(value);
  if (field.type.kind === 'money' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

/** Dates may come as YYYY-MM-DD, an ISO date-time, or epoch milliseconds (the seed shows both). */
function normalizeDate(field: FieldSpec, value: unknown): unknown {
  if (field.type.kind !== 'date') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && Math.abs(value) < 8.64e15)
    return new Date(value).toISOString().slice(0, 10);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})?$/.test(value))
    return value.slice(0, 10);
  return value;
}

/** The body's fields as cells; 400 naming every field that is unknown or of the wrong type. */
export function bodyCells(resource: Resource, body: unknown, lexical: boolean): BodyCells {
  const what = resource.mapping.resource;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ApiError(400, 'bad_request', `the body must be one ${what} object`);
  const cells = new Map<string, string>();
  const unsupported: string[] = [];
  const ignored: string[] = [];
  const errors: FieldError[] = [];
  for (const [name, raw] of Object.entries(body)) {
    const field = resource.byName.get(name);
    if (resource.unsupported.has(name)) unsupported.push(name);
    else if (resource.embedded.has(name)) ignored.push(name);
    else if (!field) {
      if (typeof raw === 'object' && raw !== null) ignored.push(name);
      else errors.push({ field: name.slice(0, 64), rule: 'unknown', message: `not a field of ${what}` });
    } else if (!resource.serverSet.has(name)) {
      const value = normalizeDate(field.spec, lexical ? fromLexical(field.spec, raw) : raw);
      const cell = jsonCell(field.spec, value, name);
      if (typeof cell === 'string') cells.set(field.column, cell);
      else errors.push(cell);
    }
  }
  if (errors.length > 0) throw new ApiError(400, 'bad_request', `the body does not fit ${what}`, errors);
  return { cells, unsupported, ignored };
}

/** FY2026 column → OpenHMIS name, for validation findings. */
export function fieldName(resource: Resource, column: string): string {
  return resource.fields.find((f) => f.column === column)?.name ?? column;
}
