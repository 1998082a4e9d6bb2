/**
 * Mounts a route table (api/route-spec.ts) on a Hono app. Every request goes through the same steps,
 * in this order, so no route can skip one: authenticate (401), check the policy action (403), parse
 * and validate path and query parameters (400, unknown query parameters included), negotiate the
 * response media type (406), read the body within its size limit and media types (413, 415, 400),
 * call the handler, and write one audit line. Errors leave in the one error shape (api/errors.ts).
 */
import type { Context, Hono } from 'hono';
import { CODE_LISTS } from '../model/index.ts';
import { BindError, hasControlCharacter } from '../query/bind.ts';
import { QueryTimeoutError, SparqlEngineError } from '../query/errors.ts';
import type { AuditOutcome } from '../security/audit.ts';
import { authenticateRequest, challengeHeaders } from '../security/authenticate.ts';
import { allows } from '../security/policy.ts';
import type { Principal } from '../security/principal.ts';
import { RemoteStoreError } from '../store/remote-client.ts';
import { InvalidWriteError } from '../validate/operations.ts';
import { ApiError, errorBody, type FieldError, storageError } from './errors.ts';
import type { ApiServices, ParamSpec, RouteRequest, RouteSpec } from './route-spec.ts';

const DEFAULT_MAX_BODY = 64 * 1024;
const DEFAULT_MAX_STRING = 64;
type Params = Record<string, string | number | undefined>;

/** `/client/{PersonalID}` → `/client/:PersonalID`. */
export const honoPath = (path: string): string => path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ':$1');

/** Mounts `routes` on `app`; `base` is the prefix the app is mounted under, for audit lines only. */
export function mountRoutes(app: Hono, routes: readonly RouteSpec[], services: ApiServices, base = ''): void {
  const methods = new Map<string, string[]>();
  for (const route of routes) {
    checkRanges(route);
    app.on(route.method.toUpperCase(), honoPath(route.path), (c) => serveRoute(c, route, services, base));
    methods.set(route.path, [...(methods.get(route.path) ?? []), route.method.toUpperCase()]);
  }
  // A known path with another method is a 405 naming the allowed ones, not a 404.
  for (const [path, allowed] of methods) {
    app.all(honoPath(path), (c) => {
      const error = new ApiError(405, 'method_not_allowed', `use ${allowed.join(' or ')} here`);
      return c.json(errorBody(error), 405, { Allow: allowed.join(', ') });
    });
  }
}

async function serveRoute(c: Context, route: RouteSpec, services: ApiServices, base: string) {
  let principal: Principal | undefined;
  const noted: Record<string, string> = {};
  const audit = (outcome: AuditOutcome, status: number) =>
    services.audit.record({
      principal,
      action: principal ? (route.action ?? 'route') : 'authenticate',
      route: `${route.method.toUpperCase()} ${base}${route.path}`,
      outcome,
      status,
      records: recordsOf(pathIdentifiers(c, route), noted),
    });
  try {
    principal = authenticateRequest(c.req.header('authorization'), services.users, services.adminToken);
    if (route.action ? !allows(principal, route.action) : !route.roles.includes(principal.role))
      throw new ApiError(403, 'forbidden', `role ${principal.role} may not use this route`);
    const params = parseParams(c, route);
    const mediaType = negotiate(c.req.header('accept'), route.produces);
    const body = route.body ? await readBody(c.req.raw, route.body) : undefined;
    const request: RouteRequest = {
      principal,
      params,
      body,
      accept: c.req.header('accept'),
      mediaType,
      raw: c.req.raw,
      auditRecord: (field, id) => {
        noted[field] = id;
      },
    };
    const response = await route.handle(request, services);
    audit(outcomeOf(response.status), response.status);
    return response;
  } catch (caught) {
    const error = toApiError(caught);
    if (!error) {
      audit('error', 500);
      throw caught;
    }
    audit(outcomeOf(error.status), error.status);
    return c.json(errorBody(error), error.status, challengeHeaders(error));
  }
}

/** Path parameters are record identifiers (PersonalID, ProjectID, …): the audit line names them. */
function pathIdentifiers(c: Context, route: RouteSpec): Record<string, string> | undefined {
  const ids: Record<string, string> = {};
  for (const param of route.params) if (param.in === 'path') ids[param.name] = c.req.param(param.name) ?? '';
  return Object.keys(ids).length > 0 ? ids : undefined;
}

/** The path's identifiers and those the handler noted, or undefined when there are none. */
function recordsOf(path: Record<string, string> | undefined, noted: Record<string, string>) {
  return path || Object.keys(noted).length > 0 ? { ...path, ...noted } : undefined;
}

function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'allowed';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'denied';
  if (status === 404) return 'not_found';
  return status >= 500 ? 'error' : 'invalid';
}

/** Errors from the layers below, as API errors; undefined for the unexpected (a 500). */
function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof InvalidWriteError) {
    const fields = error.problems.map((p) => ({
      field: p.column || p.table,
      rule: p.rule,
      message: p.message,
    }));
    return new ApiError(422, 'validation_failed', 'the record does not satisfy the FY2026 model', fields);
  }
  if (error instanceof BindError) return new ApiError(400, 'bad_request', 'a parameter value is not usable');
  if (error instanceof QueryTimeoutError)
    return new ApiError(503, 'unavailable', 'the query took too long; narrow it and retry');
  if (error instanceof RemoteStoreError)
    return new ApiError(503, 'unavailable', 'the SPARQL server behind Hearth did not answer; retry shortly');
  if (error instanceof SparqlEngineError)
    return new ApiError(503, 'unavailable', 'the query index is being rebuilt; retry shortly');
  return storageError(error);
}

// ---------------------------------------------------------------------------------------------
// Parameters

const clip = (text: string) => (text.length > 64 ? `${text.slice(0, 64)}…` : text);

function parseParams(c: Context, route: RouteSpec): Params {
  const query = new URL(c.req.url).searchParams;
  const declared = route.params.filter((p) => p.in === 'query');
  const names = [...new Set(query.keys())];
  const unknown = names.filter((name) => !declared.some((p) => p.name === name));
  if (unknown.length > 0) {
    const fields = unknown.slice(0, 20).map((name) => {
      const near = declared.find((p) => p.name.toLowerCase() === name.toLowerCase());
      return {
        field: clip(name),
        rule: 'unknown',
        message: near ? `did you mean ${near.name}?` : 'not accepted here',
      };
    });
    throw new ApiError(400, 'bad_request', 'unknown query parameter(s)', fields);
  }
  const repeated = names.filter((name) => query.getAll(name).length > 1);
  if (repeated.length > 0) {
    const fields = repeated.map((name) => ({ field: name, rule: 'repeated', message: 'give it once' }));
    throw new ApiError(400, 'bad_request', 'repeated query parameter(s)', fields);
  }
  const params: Params = {};
  const errors: FieldError[] = [];
  for (const spec of route.params) {
    const raw =
      spec.in === 'path'
        ? c.req.param(spec.name)
        : spec.in === 'header'
          ? c.req.header(spec.name)
          : (query.get(spec.name) ?? undefined);
    if (raw === undefined || raw === '') {
      if (spec.required || spec.in === 'path')
        errors.push({ field: spec.name, rule: 'required', message: 'required' });
      continue;
    }
    const parsed = parseParam(spec, raw);
    if (typeof parsed === 'object') errors.push(parsed);
    else params[spec.name] = parsed;
  }
  errors.push(...invertedRanges(route, params));
  if (errors.length > 0) throw new ApiError(400, 'bad_request', 'invalid parameter(s)', errors);
  return params;
}

/** A range end must name a start the route has: a misspelt one would never be checked. */
function checkRanges(route: RouteSpec): void {
  for (const { name, notBefore } of route.params)
    if (notBefore && !route.params.some((p) => p.name === notBefore))
      throw new Error(`${route.path}: ${name} ends a range from ${notBefore}, which the route lacks`);
}

/** Range ends given before their start (ExitDate before EntryDate, say): a mistake, not an empty list. */
function invertedRanges(route: RouteSpec, params: Params): FieldError[] {
  const errors: FieldError[] = [];
  for (const spec of route.params) {
    const [end, start] = [params[spec.name], spec.notBefore && params[spec.notBefore]];
    if (typeof end === 'string' && typeof start === 'string' && end < start)
      errors.push({ field: spec.name, rule: 'range', message: `on or after ${spec.notBefore}` });
  }
  return errors;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** A real calendar day (2025-02-30 is not). */
export function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * `YYYY-MM-DD[Thh:mm[:ss[.f]]][Z|±hh:mm]` as `YYYY-MM-DDThh:mm:ss` without a zone, the form HUD's
 * date-times are stored in; a value with a zone is converted to UTC.
 */
export function normalizeDateTime(text: string): string | undefined {
  const match = DATE_TIME.exec(text);
  if (!match || !isCalendarDate(match[1] ?? '')) return undefined;
  const [hours, minutes, seconds] = [match[2] ?? '00', match[3] ?? '00', match[4] ?? '00'];
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return undefined;
  const local = `${match[1]}T${hours}:${minutes}:${seconds}`;
  const zone = match[5];
  if (!zone) return local;
  const instant = new Date(`${local}${zone}`);
  return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString().slice(0, 19);
}

function parseParam(spec: ParamSpec, raw: string): string | number | FieldError {
  const fail = (rule: string, message: string): FieldError => ({ field: spec.name, rule, message });
  switch (spec.type) {
    case 'integer': {
      if (!/^-?\d{1,9}$/.test(raw)) return fail('type', 'an integer');
      const value = Number(raw);
      const list = spec.codeList ? CODE_LISTS.get(spec.codeList) : undefined;
      if (list && !list.codes.some((code) => Number(code.code) === value))
        return fail('codeList', `not a code of HUD list ${list.id}`);
      if (spec.minimum !== undefined && value < spec.minimum)
        return fail('range', `at least ${spec.minimum}`);
      if (spec.maximum !== undefined && value > spec.maximum) return fail('range', `at most ${spec.maximum}`);
      return value;
    }
    case 'date':
      return isCalendarDate(raw) ? raw : fail('type', 'a date YYYY-MM-DD');
    case 'date-time':
      return normalizeDateTime(raw) ?? fail('type', 'a date-time YYYY-MM-DDThh:mm:ss (Z or ±hh:mm optional)');
    case 'cursor':
      return /^[A-Za-z0-9_-]{1,1024}$/.test(raw) ? raw : fail('type', 'a cursor from a previous page');
    case 'string': {
      if ([...raw].length > (spec.maxLength ?? DEFAULT_MAX_STRING))
        return fail('maxLength', `at most ${spec.maxLength ?? DEFAULT_MAX_STRING} characters`);
      if (hasControlCharacter(raw)) return fail('type', 'no control characters');
      if (spec.pattern && !new RegExp(`^(?:${spec.pattern})$`).test(raw))
        return fail('pattern', `must match ${spec.pattern}`);
      return raw;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Content negotiation and bodies

interface Range {
  readonly type: string;
  readonly q: number;
}

function parseAccept(header: string): Range[] {
  return header
    .split(',')
    .map((part) => {
      const [type = '', ...parameters] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = parameters.find((p) => p.startsWith('q='));
      const quality = q ? Number(q.slice(2)) : 1;
      return { type, q: Number.isFinite(quality) ? Math.min(Math.max(quality, 0), 1) : 0 };
    })
    .filter((range) => range.type.includes('/'));
}

/** The best of `produces` for an Accept header (ties go to the route's preference); 406 if none. */
export function negotiate(accept: string | undefined, produces: readonly string[]): string {
  const first = produces[0] ?? 'application/json';
  if (!accept?.trim() || accept === '*/*') return first; // what most clients send, parsed for nothing
  if (produces.includes(accept)) return accept;
  const ranges = parseAccept(accept);
  let best: { type: string; q: number } | undefined;
  for (const type of produces) {
    const [major] = type.split('/');
    const specificity = (range: Range) =>
      range.type === type ? 3 : range.type === `${major}/*` ? 2 : range.type === '*/*' ? 1 : 0;
    const match = ranges.filter((r) => specificity(r) > 0).sort((a, b) => specificity(b) - specificity(a))[0];
    if (match && match.q > 0 && (!best || match.q > best.q)) best = { type, q: match.q };
  }
  if (!best) throw new ApiError(406, 'not_acceptable', `this route answers with ${produces.join(', ')}`);
  return best.type;
}

/** Refuses malformed UTF-8 instead of replacing it; without `stream`, each decode starts afresh. */
export const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The request's media type, lower-case, without parameters. */
export const mediaTypeOf = (request: Request): string =>
  (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

async function readBody(request: Request, spec: NonNullable<RouteSpec['body']>): Promise<unknown> {
  const accepted = spec.mediaTypes ?? ['application/json'];
  const mediaType = mediaTypeOf(request);
  if (!accepted.includes(mediaType))
    throw new ApiError(415, 'unsupported_media_type', `send the body as ${accepted.join(' or ')}`);
  const limit = spec.maxBytes ?? DEFAULT_MAX_BODY;
  const tooLarge = () => new ApiError(413, 'payload_too_large', `the body may have at most ${limit} bytes`);
  const bytes = await readLimited(request, limit, tooLarge);
  if (bytes.length === 0) throw new ApiError(400, 'bad_request', 'a request body is required');
  if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) return bytes;
  let text: string;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    throw new ApiError(400, 'bad_request', 'the body is not UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'bad_request', 'the body is not valid JSON');
  }
}

/**
 * The body, read no further than `limit` bytes: `tooLarge()` is thrown for a declared Content-Length
 * past it before anything is read, and for a body that runs past it (a lying or absent
 * Content-Length changes nothing).
 */
export async function readLimited(
  request: Request,
  limit: number,
  tooLarge: () => ApiError,
): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (Number(declared ?? 0) > limit) throw tooLarge();
  if (declared !== null && /^\d{1,15}$/.test(declared)) {
    // Over HTTP the server's parser frames the body by its Content-Length, so no more can arrive;
    // @hono/node-server then reads it straight from the socket, where `.body` would build a web
    // stream first (0.3 ms a request here). A Request made in-process is checked once read.
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.length > limit) throw tooLarge();
    return bytes;
  }
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
