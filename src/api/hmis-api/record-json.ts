/**
 * Records in the JSON of the HUD HMIS API (HUD's 0.5 shapes: field names are the FY2026 CSV column
 * names), as objects and as text. The text form is for long lists: a page of 100 client records is
 * about 80 KB, and building an object per record only for JSON.stringify to walk it again was a third
 * of such a handler's time. `rowJsonText` writes exactly what `JSON.stringify(rowJson(…))` writes
 * (tested byte for byte); `jsonText` writes the small envelope around such records.
 */
import type { FieldSpec, TableSpec } from '../../model/index.ts';
import { dateTimeLexical } from '../../rdf/record-quads.ts';
import type { Row } from '../../store/record-state.ts';

export type JsonValue = string | number | null;
export type JsonRecord = Record<string, JsonValue>;

/** How a column is written in JSON: as a string, as a number, or as an xsd:dateTime string. */
type Kind = 'text' | 'number' | 'datetime';

const kindOf = (field: FieldSpec): Kind =>
  field.type.kind === 'integer' || field.type.kind === 'money'
    ? 'number'
    : field.type.kind === 'datetime'
      ? 'datetime'
      : 'text';

/** A column's value in JSON: integers and money as numbers, date-times as xsd:dateTime, '' as null. */
export function jsonValue(field: FieldSpec, value: string | undefined): JsonValue {
  if (!value) return null;
  const kind = kindOf(field);
  return kind === 'number' ? Number(value) : kind === 'datetime' ? dateTimeLexical(value) : value;
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
  return stringText(value);
}

const stringText = (value: string) => (NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`);

const isDigit = (code: number) => code >= 48 && code <= 57;

/** JSON.stringify(Number(value)); codes of one or two digits (most numeric columns) as they are. */
function numberText(value: string): string {
  const first = value.charCodeAt(0);
  if (value.length === 1 && isDigit(first)) return value;
  if (value.length === 2 && first !== 48 && isDigit(first) && isDigit(value.charCodeAt(1))) return value;
  return valueText(Number(value));
}

/** A column's value as `valueText(jsonValue(field, value))` writes it, without the detour. */
function columnText(kind: Kind, value: string | undefined): string {
  if (!value) return 'null';
  if (kind === 'number') return numberText(value);
  return stringText(kind === 'datetime' ? dateTimeLexical(value) : value);
}

interface TableText {
  /** Per column, its name as a JSON key and colon; with a comma before it for every column but the first written. */
  readonly keys: readonly string[];
  readonly commaKeys: readonly string[];
  readonly kinds: readonly Kind[];
  readonly index: ReadonlyMap<string, number>;
}

const TABLE_TEXT = new WeakMap<TableSpec, TableText>();

function tableText(spec: TableSpec): TableText {
  let text = TABLE_TEXT.get(spec);
  if (!text) {
    const keys = spec.fields.map((field) => `${JSON.stringify(field.name)}:`);
    text = {
      keys,
      commaKeys: keys.map((key) => `,${key}`),
      kinds: spec.fields.map(kindOf),
      index: new Map(spec.fields.map((field, i) => [field.name, i])),
    };
    TABLE_TEXT.set(spec, text);
  }
  return text;
}

/**
 * `rowJson(spec, row, columns, lead)` as JSON text: `lead`'s keys first (a column of the same name
 * gives its value there), then the row's other columns in order, limited to `columns` when given.
 * Pages write it for thousands of values, hence the precomputed keys and the plain loop.
 */
export function rowJsonText(
  spec: TableSpec,
  row: Row,
  columns?: readonly string[],
  lead: JsonRecord = {},
): RawJson {
  const { keys, commaKeys, kinds, index } = tableText(spec);
  const fields = spec.fields;
  const shows = (i: number) => !columns || columns.includes((fields[i] as FieldSpec).name);
  let out = '{';
  const written: number[] = []; // the columns lead placed
  for (const name of Object.keys(lead)) {
    const i = index.get(name);
    const shown = i !== undefined && shows(i);
    if (shown) written.push(i);
    const value = shown ? columnText(kinds[i] as Kind, row[i]) : valueText(lead[name] as JsonValue);
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(name)}:${value}`;
  }
  for (let i = 0; i < fields.length; i++) {
    if ((columns && !shows(i)) || (written.length > 0 && written.includes(i))) continue;
    out += (out.length > 1 ? commaKeys[i] : keys[i]) + columnText(kinds[i] as Kind, row[i]);
  }
  return new RawJson(`${out}}`);
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
