/**
 * Random requests on every HMIS API route (demo data): odd methods, path values, query parameters
 * (declared and not), bodies (near-valid clients and arbitrary JSON), media types, Accept headers
 * and tokens, drawn from a seeded generator. Whatever comes in, no answer is a 5xx, every error is
 * the one error shape with its status, and only the writes that succeeded changed the data.
 * FUZZ_SEED and FUZZ_RUNS replay or widen a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HMIS_API_ROUTES } from '../../src/api/hmis-api/routes.ts';
import type { ParamSpec, RouteSpec } from '../../src/api/route-spec.ts';
import { Random } from '../../src/demo/random.ts';
import { table } from '../../src/model/index.ts';
import { ADMIN_TOKEN, call, closeServer, DEMO_DIR, NEW_CLIENT, openServer, type Server } from './helpers.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

let server: Server;
beforeAll(async () => {
  server = await openServer(DEMO_DIR);
}, 60_000);
afterAll(async () => {
  await closeServer(server);
});

const TEXTS = [
  '',
  ' ',
  'a',
  'x'.repeat(80),
  "' OR 1=1 --",
  '" } UNION { ?s ?p ?o } #',
  '<x:y/>',
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
const CLIENT_FIELDS = table('Client').fields;
const FIELDS = [...CLIENT_FIELDS.map((f) => f.name), 'score', '__proto__', 'constructor', 'Bogus'];
const MEDIA_TYPES = [
  'application/json',
  'application/json',
  'application/json',
  'application/merge-patch+json',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
];
const ACCEPTS = [
  'application/ld+json',
  'text/turtle',
  'application/n-triples',
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

/** One random request: what was sent (to name a failure) and the answer. */
interface Sent {
  readonly method: string;
  readonly url: string;
  readonly body?: unknown;
  readonly headers: Record<string, string>;
  readonly token: string | null;
}

class RequestMaker {
  constructor(private readonly random: Random) {}

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
    return this.object(depth + 1);
  }

  object(depth = 0): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    for (let i = this.random.int(0, 4); i > 0; i--) object[this.random.pick(FIELDS)] = this.value(depth);
    return object;
  }

  /** A body that is often nearly right, so validation past the first check gets exercised. */
  body(route: RouteSpec): unknown {
    if (this.random.chance(0.15)) return this.value();
    if (route.body?.schema === 'ClientSearchQuery') {
      const criteria = ['PersonalID', 'FirstName', 'LastName', 'DOB', 'SSN'];
      const body: Record<string, unknown> = {};
      for (let i = this.random.int(0, 3); i > 0; i--)
        body[this.random.pick(criteria)] = this.random.chance(0.8) ? this.text() : this.value();
      return body;
    }
    const body: Record<string, unknown> = this.random.chance(0.6) ? { ...NEW_CLIENT } : {};
    for (let i = this.random.int(0, 2); i > 0; i--) {
      // Mostly a column of the model with a value of its JSON type (a code outside its list, say).
      const field = this.random.chance(0.8) ? this.random.pick(CLIENT_FIELDS) : undefined;
      if (field) body[field.name] = this.typed(field.type.kind);
      else body[this.random.pick(FIELDS)] = this.value();
    }
    return body;
  }

  typed(kind: string): unknown {
    if (kind === 'integer') return this.random.pick([-1, 0, 1, 2, 8, 9, 99, 100, 2 ** 31, null]);
    if (kind === 'date')
      return this.random.pick(['1990-01-01', '2025-02-30', '1850-06-01', '2099-01-01', null]);
    return this.random.chance(0.8) ? this.text() : null;
  }

  /** A query parameter's value: often of its type, so the routes past parameter checks get exercised. */
  paramValue(spec: ParamSpec | undefined): string {
    if (!spec || this.random.chance(0.25)) return this.text();
    if (spec.type === 'integer') return String(this.random.pick([1, 2, 3, 13, 99, 0, 1000]));
    if (spec.type === 'date') return this.random.pick(['2024-01-01', '2025-06-30', '2026-01-01']);
    if (spec.type === 'date-time') return this.random.pick(['2025-01-01T00:00:00Z', '2025-01-01']);
    return this.text();
  }

  pathValue(name: string): string {
    if (this.random.chance(0.7)) return name === 'ProjectID' ? 'RRH' : 'CL0001';
    return encode(this.text()) || 'x';
  }

  route(): RouteSpec {
    return this.random.pick(ROUTES);
  }

  request(route: RouteSpec): Sent {
    const method = this.random.chance(0.9) ? route.method.toUpperCase() : this.random.pick(METHODS);
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => this.pathValue(name));
    const declared = route.params.filter((p) => p.in === 'query');
    const query: string[] = [];
    for (let i = this.random.int(0, 2); i > 0; i--) {
      const spec = declared.length > 0 && this.random.chance(0.85) ? this.random.pick(declared) : undefined;
      query.push(`${encode(spec?.name ?? this.text())}=${encode(this.paramValue(spec))}`);
    }
    const url = query.length > 0 ? `${path}?${query.join('&')}` : path;
    const headers: Record<string, string> = {};
    if (this.random.chance(0.2)) headers.Accept = this.random.pick(ACCEPTS);
    // A Request cannot carry a GET body (over HTTP it could; the router never reads one there).
    const withBody = method !== 'GET' && (route.body !== undefined || this.random.chance(0.1));
    if (withBody) headers['Content-Type'] = this.random.pick(MEDIA_TYPES);
    // Header values are bytes: a fetch Request refuses others, as an HTTP parser would.
    const headerText = () => this.text().replace(/[^\x20-\x7e\x80-\xff]/g, '?');
    const token = this.random.chance(0.95) ? ADMIN_TOKEN : this.random.chance(0.5) ? null : headerText();
    return { method, url, headers, token, ...(withBody ? { body: this.body(route) } : {}) };
  }
}

/** The routes to throw requests at: all but imports, which start background jobs. */
const ROUTES = HMIS_API_ROUTES.filter((route) => !route.path.startsWith('/imports'));

describe(`random requests on every route (seed ${SEED}, ${RUNS} requests)`, () => {
  it('never answer 5xx, always in the one error shape, and change data only by successful writes', async () => {
    const maker = new RequestMaker(new Random(SEED));
    const clients = () => server.store.records.source(server.source)?.table('Client').rows.size ?? 0;
    const before = clients();
    let created = 0;
    const statuses = new Map<number, number>();
    for (let run = 0; run < RUNS; run++) {
      const sent = maker.request(maker.route());
      const response = await call(server.app, sent.method, sent.url, {
        token: sent.token,
        headers: sent.headers,
        ...(sent.body === undefined ? {} : { rawBody: JSON.stringify(sent.body) }),
      });
      const text = await response.text();
      const what = `run ${run} (FUZZ_SEED=${SEED}): ${sent.method} ${sent.url} ${JSON.stringify(sent.headers)}`;
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      expect(response.status, what).toBeLessThan(500);
      if (response.status >= 400) {
        const error = (JSON.parse(text) as { error: { status: number; code: string; message: string } })
          .error;
        expect(error.status, what).toBe(response.status);
        expect(typeof error.code === 'string' && typeof error.message === 'string', what).toBe(true);
      }
      if (sent.method === 'POST' && sent.url.split('?')[0] === '/client' && response.status === 201)
        created++;
    }
    expect(clients()).toBe(before + created);
    // The mix reached past the first checks: successes, validation failures and refusals all occur.
    for (const status of [200, 201, 400, 404, 405, 415, 422])
      expect(statuses.get(status) ?? 0, `${status} in ${JSON.stringify([...statuses])}`).toBeGreaterThan(0);
  }, 120_000);
});
