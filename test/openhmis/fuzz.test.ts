/**
 * Random requests on every OpenHMIS route, on the demo data (test/helpers/fuzz.ts), with bodies as
 * JSON or XML: stored items with a field or two changed, or arbitrary values. No answer is a 5xx,
 * every error is OpenHMIS's error shape, and only the client creates that succeeded added clients.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ORGANIZATIONS, PROJECT_PARTS, PROJECTS, USERS } from '../../src/api/openhmis/catalog.ts';
import { CLIENTS } from '../../src/api/openhmis/clients.ts';
import { CHILDREN, ENROLLMENTS } from '../../src/api/openhmis/enrollments.ts';
import type { Resource } from '../../src/api/openhmis/records.ts';
import { OPENHMIS_ROUTES } from '../../src/api/openhmis/routes.ts';
import { parseXml, toXml } from '../../src/api/openhmis/xml.ts';
import { TABLES } from '../../src/model/index.ts';
import { FUZZ_RUNS, FUZZ_SEED, type Fuzz, type FuzzRoute, fuzzRoutes } from '../helpers/fuzz.ts';
import { ADMIN_TOKEN, closeServer, DEMO_DIR, openServer, type Server } from '../hmis-api/helpers.ts';
import { type Json, jsonOf, OPENHMIS, request } from './helpers.ts';

const RESOURCES: readonly Resource[] = [
  CLIENTS,
  ENROLLMENTS,
  ...CHILDREN,
  ORGANIZATIONS,
  PROJECTS,
  ...PROJECT_PARTS,
  USERS,
];
const SERVER_SET = ['dateCreated', 'dateUpdated', 'userId', 'exportId', 'dateDeleted'];

let server: Server;
/** A stored item per resource path segment (`clients`, `enrollments`), as a body to start from. */
const stored = new Map<string, Record<string, unknown>>();
beforeAll(async () => {
  server = await openServer(DEMO_DIR);
  for (const [segment, path] of [
    ['clients', '/clients/CL0001'],
    ['enrollments', '/enrollments/EN00001'],
  ] as const) {
    const item: Json = (await jsonOf(await request(server.app, 'GET', path))).data.item;
    for (const key of [...SERVER_SET, 'personalId', 'enrollmentId'])
      if (segment === 'clients' || key !== 'personalId') delete item[key];
    stored.set(segment, item);
  }
}, 60_000);
afterAll(async () => {
  await closeServer(server);
});

/** The resource a route serves: the one named by its path's last literal segment. */
function resourceOf(route: FuzzRoute): Resource | undefined {
  const segment = route.path
    .split('/')
    .filter((s) => s && !s.startsWith('{'))
    .at(-1);
  return RESOURCES.find((resource) => resource.mapping.resource === segment);
}

function body(route: FuzzRoute, fuzz: Fuzz): unknown {
  const { random } = fuzz;
  const resource = resourceOf(route);
  if (!resource || random.chance(0.15)) return fuzz.value();
  const start = stored.get(resource.mapping.resource);
  const item: Record<string, unknown> = start && random.chance(0.7) ? { ...start } : {};
  for (let i = random.int(0, 2); i > 0; i--) {
    const field = random.pick(resource.fields);
    item[field.name] = fuzz.typed(field.spec.type.kind);
  }
  if (random.chance(0.1)) item[random.pick(['bogus', '__proto__', 'constructor'])] = fuzz.value();
  return random.chance(0.5) ? item : { data: { item } };
}

/** A first key per key column (PersonalID → a client's), for path values that exist. */
function knownValue(param: string): string {
  const state = server.store.records.source(server.source);
  const spec = TABLES.find((t) => t.key === param);
  const first = spec ? state?.table(spec.name).rows.keys().next().value : undefined;
  return first ?? 'x';
}

it(`random requests (seed ${FUZZ_SEED}, ${FUZZ_RUNS}): no 5xx, OpenHMIS's error shape, only successful creates add clients`, async () => {
  const clients = () => server.store.records.source(server.source)?.table('Client').rows.size ?? 0;
  const before = clients();
  const { statuses, writes } = await fuzzRoutes({
    app: server.app,
    base: OPENHMIS,
    routes: OPENHMIS_ROUTES,
    token: ADMIN_TOKEN,
    mediaTypes: ['application/json', 'application/json', 'application/xml', 'text/xml', 'text/plain'],
    knownValue,
    body,
    bodyText: (value, mediaType) =>
      mediaType.endsWith('xml') ? toXml('item', value) : JSON.stringify(value),
    checkError: (_status, text, what) => {
      // In JSON, or in XML when the request asked for it (or came as XML): `error` alone, never `data`.
      const parsed = text.startsWith('<?xml')
        ? (() => {
            const { root, value } = parseXml(text);
            return { [root]: value } as Json;
          })()
        : (JSON.parse(text) as Json);
      expect(parsed.data, what).toBeUndefined();
      const { code, message, errors } = parsed.error ?? {};
      const noErrors = errors === undefined || errors === null || errors === '';
      expect(typeof code === 'string' && typeof message === 'string', what).toBe(true);
      expect(Array.isArray(errors) || noErrors, what).toBe(true);
    },
  });
  expect(clients()).toBe(before + (writes.get('POST /clients') ?? 0));
  for (const status of [200, 201, 400, 404, 405, 415])
    expect(statuses.get(status) ?? 0, `${status} in ${JSON.stringify([...statuses])}`).toBeGreaterThan(0);
}, 120_000);
