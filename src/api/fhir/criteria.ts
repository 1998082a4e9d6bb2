/**
 * A search request's query string, parsed and checked against the search parameter table: unknown
 * parameters, modifiers the parameter type does not have, malformed values and `_count` outside
 * 1..MAX_COUNT are 400s naming the parameter. Repeated parameters AND, commas OR (FHIR search).
 */
import { FHIR_ID } from '../../fhir/ids.ts';
import type { Resource } from '../../fhir/types.ts';
import { hasControlCharacter } from '../../query/bind.ts';
import { FhirError } from './outcome.ts';
import {
  type DateRange,
  type ParamValues,
  rangeOf,
  type SearchParam,
  searchParam,
  type TokenValue,
} from './search-params.ts';

export const DEFAULT_COUNT = 50;
export const MAX_COUNT = 1000;
const MAX_VALUE_LENGTH = 256;
const MAX_PARAMS = 50;

/** Result parameters every search accepts (besides the type's search parameters). */
export const RESULT_PARAMS = ['_count', '_cursor', '_include', '_revinclude', '_format', '_pretty'] as const;

type Matcher = (resource: Resource) => boolean;

export interface Criterion {
  readonly param: SearchParam;
  /** The OR of the comma-separated values. */
  readonly matches: Matcher;
  /** For reference parameters: the referenced ids as `Type/id`, for narrowing candidates. */
  readonly references?: readonly string[];
}

export interface Inclusion {
  readonly sourceType: string;
  readonly param: SearchParam;
}

export interface Criteria {
  readonly type: string;
  readonly criteria: readonly Criterion[];
  readonly count: number;
  readonly after?: string;
  readonly include: readonly Inclusion[];
  readonly revinclude: readonly Inclusion[];
  /** The query as received, minus `_cursor`: the base of the self and next links. */
  readonly query: URLSearchParams;
}

const bad = (name: string, message: string) => new FhirError(400, 'invalid', message, [name]);

const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();

/** Matches a value as given (`:exact`) or an already folded value (the default and `:contains`). */
function stringMatcher(name: string, modifier: string | undefined, value: string): (v: string) => boolean {
  if (modifier === 'exact') return (v) => v === value;
  const wanted = fold(value);
  if (modifier === 'contains') return (v) => v.includes(wanted);
  if (modifier !== undefined)
    throw bad(name, `${name} has no :${modifier} modifier (use :exact or :contains)`);
  return (v) => v.startsWith(wanted);
}

/**
 * A string parameter's values of a resource, folded (case and accents), computed once per resource
 * object: resources built from unchanged rows are reused (view.ts), so searches do not fold the
 * same names again.
 */
const VALUES = new WeakMap<Resource, Map<string, ParamValues>>();

function cached(resource: Resource, key: string, compute: () => ParamValues): ParamValues {
  let perParam = VALUES.get(resource);
  if (!perParam) {
    perParam = new Map();
    VALUES.set(resource, perParam);
  }
  let values = perParam.get(key);
  if (!values) {
    values = compute();
    perParam.set(key, values);
  }
  return values;
}

const foldedValues = (param: SearchParam, resource: Resource) =>
  cached(resource, `folded:${param.name}`, () => (param.values(resource) as string[]).map(fold)) as string[];

const valuesOf = (param: SearchParam, resource: Resource) =>
  cached(resource, param.name, () => param.values(resource));

function tokenMatcher(value: string): (v: TokenValue) => boolean {
  const bar = value.indexOf('|');
  if (bar < 0) return (v) => v.code === value;
  const [system, code] = [value.slice(0, bar), value.slice(bar + 1)];
  if (system === '') return (v) => v.system === undefined && v.code === code;
  if (code === '') return (v) => v.system === system;
  return (v) => v.system === system && v.code === code;
}

const PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb'] as const;
type Prefix = (typeof PREFIXES)[number];

function dateRange(name: string, text: string): DateRange {
  if (/^\d{4}$/.test(text)) return { start: `${text}-01-01T00:00:00`, end: `${text}-12-31T23:59:59` };
  if (/^\d{4}-\d{2}$/.test(text)) {
    const [year, month] = text.split('-').map(Number) as [number, number];
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (month < 1 || month > 12) throw bad(name, `${name}: ${text} is not a month`);
    return { start: `${text}-01T00:00:00`, end: `${text}-${String(last).padStart(2, '0')}T23:59:59` };
  }
  const range = rangeOf(text);
  const day = text.slice(0, 10);
  const valid =
    range &&
    !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) &&
    new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);
  if (!range || !valid)
    throw bad(name, `${name}: ${text} is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime)`);
  return range;
}

function dateMatcher(name: string, text: string): (v: DateRange) => boolean {
  const prefix = (PREFIXES as readonly string[]).includes(text.slice(0, 2))
    ? (text.slice(0, 2) as Prefix)
    : 'eq';
  const p = dateRange(name, prefix === 'eq' && !text.startsWith('eq') ? text : text.slice(2));
  const tests: Record<Prefix, (r: DateRange) => boolean> = {
    eq: (r) => r.start >= p.start && r.end <= p.end,
    ne: (r) => !(r.start >= p.start && r.end <= p.end),
    gt: (r) => r.end > p.end,
    lt: (r) => r.start < p.start,
    ge: (r) => r.end >= p.start,
    le: (r) => r.start <= p.end,
    sa: (r) => r.start > p.end,
    eb: (r) => r.end < p.start,
  };
  return tests[prefix];
}

/** `Patient/x`, `x` (when the parameter has one target type) or an absolute URL ending in `Patient/x`. */
function referenceValue(param: SearchParam, text: string): string {
  const match = /(?:^|\/)([A-Z][A-Za-z]+)\/([^/]+)$/.exec(text);
  const [type, id] = match ? [match[1] as string, match[2] as string] : [param.target?.[0] ?? '', text];
  if (!param.target?.includes(type) || !FHIR_ID.test(id))
    throw bad(param.name, `${param.name}: ${text} is not a reference to ${param.target?.join(' or ')}`);
  return `${type}/${id}`;
}

function criterion(type: string, key: string, raw: string): Criterion {
  const [name = '', modifier, ...extra] = key.split(':');
  const param = searchParam(type, name);
  if (!param) throw bad(key, `unknown search parameter ${key} for ${type}`);
  if (extra.length > 0 || (modifier !== undefined && param.type !== 'string'))
    throw bad(key, `${name} does not take the modifier :${[modifier, ...extra].join(':')}`);
  const values = raw.split(',').filter((v) => v !== '');
  if (values.length === 0) throw bad(key, `${key} needs a value`);
  switch (param.type) {
    case 'string': {
      const tests = values.map((v) => stringMatcher(key, modifier, v));
      if (modifier === 'exact')
        return { param, matches: (r) => param.values(r).some((v) => tests.some((t) => t(v as string))) };
      return { param, matches: (r) => foldedValues(param, r).some((v) => tests.some((t) => t(v))) };
    }
    case 'token': {
      const tests = values.map(tokenMatcher);
      return { param, matches: (r) => valuesOf(param, r).some((v) => tests.some((t) => t(v as TokenValue))) };
    }
    case 'date': {
      const tests = values.map((v) => dateMatcher(key, v));
      return { param, matches: (r) => valuesOf(param, r).some((v) => tests.some((t) => t(v as DateRange))) };
    }
    case 'reference': {
      const wanted = new Set(values.map((v) => referenceValue(param, v)));
      return {
        param,
        references: [...wanted],
        matches: (r) => param.values(r).some((v) => wanted.has(v as string)),
      };
    }
  }
}

function inclusion(name: string, text: string, types: ReadonlySet<string>): Inclusion {
  const [sourceType = '', paramName = '', target, ...rest] = text.split(':');
  const param = searchParam(sourceType, paramName);
  if (
    !types.has(sourceType) ||
    !param ||
    param.type !== 'reference' ||
    rest.length > 0 ||
    (target && !param.target?.includes(target))
  )
    throw bad(
      name,
      `${name}=${text} is not supported (use Type:reference-parameter, e.g. EpisodeOfCare:patient)`,
    );
  return { sourceType, param };
}

function count(text: string | null): number {
  if (text === null) return DEFAULT_COUNT;
  if (!/^\d{1,7}$/.test(text) || Number(text) < 1 || Number(text) > MAX_COUNT)
    throw bad('_count', `_count must be an integer from 1 to ${MAX_COUNT}`);
  return Number(text);
}

export const encodeCursor = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');

function decodeCursor(text: string | null): string | undefined {
  if (text === null) return undefined;
  const id = /^[A-Za-z0-9_-]{1,100}$/.test(text) ? Buffer.from(text, 'base64url').toString('utf8') : '';
  if (!FHIR_ID.test(id)) throw bad('_cursor', '_cursor must be passed back as the next link gave it');
  return id;
}

export function parseCriteria(type: string, query: URLSearchParams, types: ReadonlySet<string>): Criteria {
  const keys = [...query.keys()];
  if (keys.length > MAX_PARAMS) throw bad('query', `at most ${MAX_PARAMS} parameters`);
  const criteria: Criterion[] = [];
  const include: Inclusion[] = [];
  const revinclude: Inclusion[] = [];
  for (const [key, value] of query) {
    if (value.length > MAX_VALUE_LENGTH)
      throw bad(key, `${key} is longer than ${MAX_VALUE_LENGTH} characters`);
    if (hasControlCharacter(value)) throw bad(key, `${key} has control characters`);
    if (key === '_include') include.push(inclusion(key, value, new Set([type])));
    else if (key === '_revinclude') revinclude.push(inclusion(key, value, types));
    else if (!(RESULT_PARAMS as readonly string[]).includes(key)) criteria.push(criterion(type, key, value));
  }
  for (const single of ['_count', '_cursor', '_format', '_pretty'])
    if (query.getAll(single).length > 1) throw bad(single, `give ${single} once`);
  const format = query.get('_format');
  if (format !== null && !['json', 'application/json', 'application/fhir+json'].includes(format))
    throw new FhirError(406, 'not-supported', 'Hearth answers in JSON only (_format=json)', ['_format']);
  const base = new URLSearchParams(query);
  base.delete('_cursor');
  return {
    type,
    criteria,
    count: count(query.get('_count')),
    after: decodeCursor(query.get('_cursor')),
    include,
    revinclude,
    query: base,
  };
}
