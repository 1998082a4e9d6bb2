/**
 * Random requests on every HMIS API route but imports (which start background jobs), on the demo
 * data (test/helpers/fuzz.ts): no answer is a 5xx, every error is the one error shape with its
 * status, and only the creates that succeeded added clients.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HMIS_API_ROUTES } from '../../src/api/hmis-api/routes.ts';
import { table } from '../../src/model/index.ts';
import { FUZZ_RUNS, FUZZ_SEED, type Fuzz, type FuzzRoute, fuzzRoutes } from '../helpers/fuzz.ts';
import { ADMIN_TOKEN, closeServer, DEMO_DIR, NEW_CLIENT, openServer, type Server } from './helpers.ts';

let server: Server;
beforeAll(async () => {
  server = await openServer(DEMO_DIR);
}, 60_000);
afterAll(async () => {
  await closeServer(server);
});

const CLIENT_FIELDS = table('Client').fields;
const NAMES = [...CLIENT_FIELDS.map((f) => f.name), 'score', '__proto__', 'constructor', 'Bogus'];
const CRITERIA = ['PersonalID', 'FirstName', 'LastName', 'DOB', 'SSN'];

/** Search criteria, or a client that is often valid but for a column or two. */
function body(route: FuzzRoute, fuzz: Fuzz): unknown {
  const { random } = fuzz;
  if (random.chance(0.15)) return fuzz.value();
  if (route.body?.schema === 'ClientSearchQuery') {
    const criteria: Record<string, unknown> = {};
    for (let i = random.int(0, 3); i > 0; i--)
      criteria[random.pick(CRITERIA)] = random.chance(0.8) ? fuzz.text() : fuzz.value();
    return criteria;
  }
  const client: Record<string, unknown> = random.chance(0.6) ? { ...NEW_CLIENT } : {};
  for (let i = random.int(0, 2); i > 0; i--) {
    const field = random.chance(0.8) ? random.pick(CLIENT_FIELDS) : undefined;
    if (field) client[field.name] = fuzz.typed(field.type.kind);
    else client[random.pick(NAMES)] = fuzz.value();
  }
  return client;
}

it(`random requests (seed ${FUZZ_SEED}, ${FUZZ_RUNS}): no 5xx, one error shape, data changed only by successful writes`, async () => {
  const clients = () => server.store.records.source(server.source)?.table('Client').rows.size ?? 0;
  const before = clients();
  const { statuses, writes } = await fuzzRoutes({
    app: server.app,
    base: '/api/v1',
    routes: HMIS_API_ROUTES.filter((route) => !route.path.startsWith('/imports')),
    token: ADMIN_TOKEN,
    mediaTypes: [
      'application/json',
      'application/json',
      'application/json',
      'application/merge-patch+json',
      'application/json; charset=latin1',
      'text/plain',
    ],
    knownValue: (param) => (param === 'ProjectID' ? 'RRH' : 'CL0001'),
    body,
    checkError: (status, text, what) => {
      const { error } = JSON.parse(text) as { error: { status: number; code: unknown; message: unknown } };
      expect(error.status, what).toBe(status);
      expect(typeof error.code === 'string' && typeof error.message === 'string', what).toBe(true);
    },
  });
  expect(clients()).toBe(before + (writes.get('POST /client') ?? 0));
  // The mix reached past the first checks: successes, validation failures and refusals all occur.
  for (const status of [200, 201, 400, 404, 405, 415, 422])
    expect(statuses.get(status) ?? 0, `${status} in ${JSON.stringify([...statuses])}`).toBeGreaterThan(0);
}, 120_000);
