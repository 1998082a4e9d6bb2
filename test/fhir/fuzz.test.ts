/**
 * Random requests on every FHIR route, on the demo data (test/helpers/fuzz.ts), as a health system:
 * resource types real and not, ids, search parameters of every type with FHIR's prefixes and
 * modifiers, Parameters bodies for the Medicaid operations and forms for `_search`. No answer is a
 * 5xx, and every error is an OperationOutcome with an issue.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FHIR_ROUTES } from '../../src/api/fhir/route-table.ts';
import { SEARCH_PARAMS } from '../../src/api/fhir/search-params.ts';
import type { ParamSpec } from '../../src/api/route-spec.ts';
import { FUZZ_RUNS, FUZZ_SEED, type Fuzz, type FuzzRoute, fuzzRoutes } from '../helpers/fuzz.ts';
import { closeServer, DEMO_DIR, openServer, type Server } from '../hmis-api/helpers.ts';

let server: Server;
let token: string;
beforeAll(async () => {
  server = await openServer(DEMO_DIR);
  token = await server.users.add('fuzz-health', 'health-system');
}, 60_000);
afterAll(async () => {
  await closeServer(server);
});

const TYPES = [...Object.keys(SEARCH_PARAMS), 'Bogus', 'patient', 'metadata'];
const NAMES = [...new Set(Object.values(SEARCH_PARAMS).flatMap((params) => params.map((p) => p.name)))];
const QUERY: ParamSpec[] = [
  ...NAMES,
  '_count',
  '_summary',
  '_elements',
  '_sort',
  'name:exact',
  'birthdate:missing',
].map((name) => ({ name, in: 'query', type: 'string', description: name }));
const VALUES = [
  'ge2025-01-01',
  'lt2026-13-01',
  'eq2025',
  'sa2025-01-01T00:00:00Z',
  'http://hl7.org/fhir/sid/us-ssn|',
  '|CL0001',
  'Patient/CL0001',
  'CL0001',
  'true',
  'female',
  '0',
  '-1',
  '10000',
];

/** FHIR_ROUTES as the fuzzer reads routes: `{type}` for `:type`, FHIR's search parameters in the query. */
const ROUTES: FuzzRoute[] = FHIR_ROUTES.map((route) => ({
  method: route.method === 'GET' ? 'get' : 'post',
  path: route.path.replace(/:(\w+)/g, '{$1}'),
  params: QUERY,
  ...(route.body ? { body: { description: route.path } } : {}),
}));

function body(route: FuzzRoute, fuzz: Fuzz): unknown {
  const { random } = fuzz;
  if (random.chance(0.2)) return fuzz.value();
  if (route.path.endsWith('_search'))
    return `${random.pick(NAMES)}=${encodeURIComponent(random.pick(VALUES))}&_count=${random.int(-1, 30)}`;
  const parameter = [
    {
      name: 'patient',
      valueReference: { reference: `Patient/${random.chance(0.7) ? 'CL0001' : fuzz.text()}` },
    },
    { name: 'memberId', valueString: random.chance(0.7) ? `MCD${random.int(0, 99999)}` : fuzz.text() },
    {
      name: random.pick(['patient', 'memberId', 'bogus']),
      [random.pick(['valueString', 'valueInteger'])]: fuzz.value(),
    },
  ].filter(() => random.chance(0.6));
  return { resourceType: random.chance(0.9) ? 'Parameters' : fuzz.text(), parameter };
}

it(`random requests (seed ${FUZZ_SEED}, ${FUZZ_RUNS}): no 5xx, every error an OperationOutcome`, async () => {
  const { statuses } = await fuzzRoutes({
    app: server.app,
    base: '/fhir',
    routes: ROUTES,
    token,
    mediaTypes: [
      'application/fhir+json',
      'application/json',
      'application/x-www-form-urlencoded',
      'text/plain',
    ],
    knownValue: (param) => (param === 'type' ? fuzzType() : 'CL0001'),
    body,
    bodyText: (value) => (typeof value === 'string' ? value : JSON.stringify(value)),
    paramValue: (spec, fuzz) => (spec && fuzz.random.chance(0.6) ? fuzz.random.pick(VALUES) : fuzz.text()),
    checkError: (_status, text, what) => {
      const outcome = JSON.parse(text) as {
        resourceType: unknown;
        issue?: { severity: unknown; code: unknown }[];
      };
      expect(outcome.resourceType, what).toBe('OperationOutcome');
      expect(
        typeof outcome.issue?.[0]?.severity === 'string' && typeof outcome.issue[0].code === 'string',
        what,
      ).toBe(true);
    },
  });
  for (const status of [200, 400, 404])
    expect(statuses.get(status) ?? 0, `${status} in ${JSON.stringify([...statuses])}`).toBeGreaterThan(0);
}, 120_000);

// Types rotate deterministically (the fuzzer's random source is its own): mostly real ones.
let typeTurn = 0;
const fuzzType = () => TYPES[typeTurn++ % TYPES.length] as string;
