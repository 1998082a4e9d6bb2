/**
 * Records in the JSON of the HUD HMIS API (HUD's 0.5 shapes: field names are the FY2026 CSV column
 * names), as objects and as text. The text form is for long lists: a page of 100 client records is
 * about 80 KB, and building an object per record only for JSON.stringify to walk it again was a third
 * of such a handler's time. `rowJsonText` writes exactly what `JSON.stringify(rowJson(…))` writes
 * (tested byte for byte); `jsonText` writes the small envelope around such records.
 */
import type { FieldSpec, TableSpec } from '../../model/index.ts';
import { toLexical } from '../../rdf/record-quads.ts';
import type { Row } from '../../store/record-state.ts';

export type JsonValue = string | number | null;
export type JsonRecord = Record<string, JsonValue>;

/** A column's value in JSON: integers and money as numbers, date-times as xsd:dateTime, '' as null. */
export function jsonValue(field: FieldSpec, value: string | undefined): JsonValue {
  if (!value) return null;
  switch (field.type.kind) {
    case 'integer':
    case 'money':
      return Number(value);
    case 'datetime':
      return toLexical(field.type, value);
    default:
      return value;
  }
}

/**
 * A record as a JSON object in column order, limited to `columns` when given. Written into `json`
 * (after its keys; a key it has already keeps its place): cheaper than spreading into another.
 */
export function rowJson(
  spec: TableSpec,
  row: Row,
  columns?: readonly string[],
  json: JsonRecord = {},
): JsonRecord {
  const fields = spec.fields;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as FieldSpec;
    if (!columns || columns.includes(field.name)) json[field.name] = jsonValue(field, row[i]);
  }
  return json;
}

/** JSON text that is already written: `jsonText` splices it in as it is. */
export class RawJson {
  constructor(readonly text: string) {}
}

// What JSON.stringify escapes in a string: quote, backslash, control characters, and (ES2019) lone
// surrogates. Any surrogate sends the string to JSON.stringify, which leaves well-formed pairs alone.
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON escapes exactly these characters.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function valueText(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

interface TableText {
  /** Per column, its name as a JSON key followed by the colon. */
  readonly keys: readonly string[];
  readonly index: ReadonlyMap<string, number>;
}

const TABLE_TEXT = new WeakMap<TableSpec, TableText>();

function tableText(spec: TableSpec): TableText {
  let text = TABLE_TEXT.get(spec);
  if (!text) {
    text = {
      keys: spec.fields.map((field) => `${JSON.stringify(field.name)}:`),
      index: new Map(spec.fields.map((field, i) => [field.name, i])),
    };
    TABLE_TEXT.set(spec, text);
  }
  return text;
}

/**
 * `rowJson(spec, row, columns, lead)` as JSON text: `lead`'s keys first (a column of the same name
 * gives its value there), then the row's other columns in order, limited to `columns` when given.
 */
export function rowJsonText(
  spec: TableSpec,
  row: Row,
  columns?: readonly string[],
  lead: JsonRecord = {},
): RawJson {
  const { keys, index } = tableText(spec);
  const fields = spec.fields;
  const shows = (i: number) => !columns || columns.includes((fields[i] as FieldSpec).name);
  let out = '';
  for (const name of Object.keys(lead)) {
    const i = index.get(name);
    const value =
      i !== undefined && shows(i) ? jsonValue(fields[i] as FieldSpec, row[i]) : (lead[name] as JsonValue);
    out += `${out ? ',' : ''}${JSON.stringify(name)}:${valueText(value)}`;
  }
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as FieldSpec;
    if (!shows(i) || Object.hasOwn(lead, field.name)) continue;
    out += `${out ? ',' : ''}${keys[i]}${valueText(jsonValue(field, row[i]))}`;
  }
  return new RawJson(`{${out}}`);
}

/** JSON.stringify for an envelope of plain objects, arrays and values, with RawJson spliced in. */
export function jsonText(value: unknown): RawJson {
  return new RawJson(write(value));
}

function write(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : write(item))).join(',')}]`;
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype)
    return JSON.stringify(value) ?? 'null';
  let out = '';
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    out += `${out ? ',' : ''}${JSON.stringify(key)}:${write(item)}`;
  }
  return `{${out}}`;
}
