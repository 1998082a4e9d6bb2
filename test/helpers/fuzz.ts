/**
 * Seeded random requests for a route table (api/route-spec.ts): odd methods, path values, query
 * parameters (declared and not, often of their type), bodies, media types, Accept headers and
 * tokens. A surface's test says what a near-valid body and a known path value are, and what its
 * error shape is; `fuzzRoutes` sends the requests and checks that none is a 5xx.
 * FUZZ_SEED and FUZZ_RUNS replay or widen a run.
 */
import type { Hono } from 'hono';
import { expect } from 'vitest';
import type { ParamSpec, RouteSpec } from '../../src/api/route-spec.ts';
import { Random } from '../../src/demo/random.ts';

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261202);
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 1500);

const TEXTS = [
  '',
  ' ',
  'a',
  'x'.repeat(80),
  "' OR 1=1 --",
  '" } UNION { ?s ?p ?o } #',
  '<x:y/>',
  '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
  '\u0000',
  '\u001f',
  '\ud800',
  'Ñúñez',
  '𝒜𝒷',
  '%',
  '%00',
  '../../etc/passwd',
  '2025-02-30',
  '2025-01-01',
  '2025-01-01T25:00:00',
  '9999-12-31',
  '0000-01-01',
  '-1',
  '0',
  '1',
  '3',
  '13',
  '99',
  '1e309',
  '0x10',
  'NaN',
  'null',
  'true',
  'XX-500',
  'CL0001',
  'RRH',
];
const NUMBERS = [0, -0, 1, -1, 3, 99, 1.5, 2 ** 53 + 1, 1e308, -1e308, 0.1];
const ACCEPTS = [
  'application/ld+json',
  'text/turtle',
  'application/n-triples',
  'application/xml',
  'application/zip',
  'image/png',
  '*/*;q=0',
  'application/json;q=0.1, text/turtle',
  'text/*',
];
const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];

/** encodeURIComponent, except that a lone surrogate becomes the invalid UTF-8 it would be: hostile input too. */
const encode = (text: string): string =>
  [...text].map((c) => (/[\ud800-\udfff]/.test(c) ? '%ED%A0%80' : encodeURIComponent(c))).join('');

/** Random values: texts from a hostile pool, numbers at the edges, nested JSON. */
export class Fuzz {
  constructor(readonly random: Random) {}

  text(): string {
    return this.random.chance(0.1)
      ? String.fromCharCode(this.random.int(0, 0xffff))
      : this.random.pick(TEXTS);
  }

  value(depth = 0): unknown {
    const kind = this.random.int(0, depth > 2 ? 3 : 5);
    if (kind === 0) return this.text();
    if (kind === 1) return this.random.pick(NUMBERS);
    if (kind === 2) return this.random.chance(0.5) ? null : this.random.chance(0.5);
    if (kind === 3) return this.random.int(0, 99);
    if (kind === 4) return Array.from({ length: this.random.int(0, 3) }, () => this.value(depth + 1));
    return this.object(['a', '__proto__', 'constructor', 'data', 'item'], depth + 1);
  }

  object(keys: readonly string[], depth = 0): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    for (let i = this.random.int(0, 4); i > 0; i--) object[this.random.pick(keys)] = this.value(depth);
    return object;
  }

  /** A value of a model type's JSON form, often outside its code list or calendar. */
  typed(kind: string): unknown {
    if (kind === 'integer') return this.random.pick([-1, 0, 1, 2, 8, 9, 99, 100, 2 ** 31, null]);
    if (kind === 'date')
      return this.random.pick(['1990-01-01', '2025-02-30', '1850-06-01', '2099-01-01', null]);
    return this.random.chance(0.8) ? this.text() : null;
  }

  /** A query parameter's value: often of its type, so that requests get past the parameter checks. */
  paramValue(spec: ParamSpec | undefined): string {
    if (!spec || this.random.chance(0.25)) return this.text();
    if (spec.type === 'integer') return String(this.random.pick([1, 2, 3, 13, 99, 0, 1000]));
    if (spec.type === 'date') return this.random.pick(['2024-01-01', '2025-06-30', '2026-01-01']);
    if (spec.type === 'date-time') return this.random.pick(['2025-01-01T00:00:00Z', '2025-01-01']);
    return this.text();
  }
}

/** What the fuzzer reads of a route: a RouteSpec, or as much of one as a surface's table has. */
export type FuzzRoute = Pick<RouteSpec, 'method' | 'path' | 'params' | 'body'>;

/** What a surface's test supplies. */
export interface Surface {
  readonly app: Hono;
  /** Prefixed to every route path (e.g. `/api/v1`). */
  readonly base: string;
  readonly routes: readonly FuzzRoute[];
  readonly token: string;
  /** Media types a body is sent as (repeat one to weigh it). */
  readonly mediaTypes: readonly string[];
  /** A value of a path parameter that exists in the data. */
  readonly knownValue: (param: string) => string;
  /** A body for the route, often nearly right, and its text for a media type. */
  readonly body: (route: FuzzRoute, fuzz: Fuzz) => unknown;
  /** A query parameter's value, when the surface has its own syntax (FHIR's `ge2025-01-01`). */
  readonly paramValue?: (spec: ParamSpec | undefined, fuzz: Fuzz) => string;
  readonly bodyText?: (body: unknown, mediaType: string) => string;
  /** Throws unless an error answer's body is the surface's error shape. */
  readonly checkError: (status: number, text: string, what: string) => void;
}

interface Sent {
  readonly method: string;
  readonly path: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

function randomRequest(surface: Surface, fuzz: Fuzz): Sent {
  const { random } = fuzz;
  const route = random.pick(surface.routes);
  const method = random.chance(0.9) ? route.method.toUpperCase() : random.pick(METHODS);
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    random.chance(0.7) ? surface.knownValue(name) : encode(fuzz.text()) || 'x',
  );
  const declared = route.params.filter((p) => p.in === 'query');
  const query: string[] = [];
  for (let i = random.int(0, 2); i > 0; i--) {
    const spec = declared.length > 0 && random.chance(0.85) ? random.pick(declared) : undefined;
    const value = surface.paramValue?.(spec, fuzz) ?? fuzz.paramValue(spec);
    query.push(`${encode(spec?.name ?? fuzz.text())}=${encode(value)}`);
  }
  const url = query.length > 0 ? `${path}?${query.join('&')}` : path;
  // Header values are bytes: a fetch Request refuses others, as an HTTP parser would.
  const headerText = () => fuzz.text().replace(/[^\x20-\x7e\x80-\xff]/g, '?');
  const headers: Record<string, string> = {};
  const token = random.chance(0.95) ? surface.token : random.chance(0.5) ? undefined : headerText();
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  if (random.chance(0.2)) headers.Accept = random.pick(ACCEPTS);
  if (random.chance(0.1)) headers['If-Match'] = random.chance(0.3) ? '*' : headerText();
  // A Request cannot carry a GET body (over HTTP it could; the routers never read one there).
  if (method === 'GET' || (route.body === undefined && !random.chance(0.1)))
    return { method, path, url, headers };
  const mediaType = random.pick(surface.mediaTypes);
  headers['Content-Type'] = mediaType;
  const body = surface.body(route, fuzz);
  const text = surface.bodyText?.(body, mediaType) ?? JSON.stringify(body);
  return { method, path, url, headers, body: text };
}

/**
 * Sends FUZZ_RUNS random requests on the surface's routes. None may answer 5xx, and every error
 * must be the surface's error shape. Returns how often each status came, and the successful
 * writes by method and path (e.g. `POST /clients`) for the caller to check the data against.
 */
export async function fuzzRoutes(surface: Surface, seed = FUZZ_SEED, runs = FUZZ_RUNS) {
  const fuzz = new Fuzz(new Random(seed));
  const statuses = new Map<number, number>();
  const writes = new Map<string, number>();
  for (let run = 0; run < runs; run++) {
    const sent = randomRequest(surface, fuzz);
    const response = await surface.app.request(`${surface.base}${sent.url}`, {
      method: sent.method,
      headers: sent.headers,
      ...(sent.body === undefined ? {} : { body: sent.body }),
    });
    const text = await response.text();
    const what = `run ${run} (FUZZ_SEED=${seed}): ${sent.method} ${sent.url} ${JSON.stringify(sent.headers)}`;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    expect(response.status, `${what} → ${text.slice(0, 300)}`).toBeLessThan(500);
    if (response.status >= 400) surface.checkError(response.status, text, what);
    else if (sent.method !== 'GET') {
      const key = `${sent.method} ${sent.path}`;
      writes.set(key, (writes.get(key) ?? 0) + 1);
    }
  }
  return { statuses, writes };
}
