/**
 * /openhmis/api/v3/openapi.json: generated from the route table, every route and $ref present, and
 * real answers (seed records, lists, a consent, errors) conforming to the schemas it states. A small
 * checker of the JSON Schema keywords the document uses stands in for a validator (none is
 * installed), and is shown to fail on wrong values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENHMIS_ROUTES } from '../../src/api/openhmis/routes.ts';
import { closeSeedServer, openSeedServer, type SeedServer } from './fixture.ts';
import { type Json, OPENHMIS, request } from './helpers.ts';

let server: SeedServer;
let document: Json;
beforeAll(async () => {
  server = await openSeedServer();
  const response = await server.app.request(`${OPENHMIS}/openapi.json`);
  expect(response.status).toBe(200);
  document = await response.json();
}, 60_000);
afterAll(async () => closeSeedServer(server));

const typeOf = (value: unknown) =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : Number.isInteger(value)
        ? 'integer'
        : typeof value;

/** Where `value` breaks `schema` (type, enum, const, required, properties, items, oneOf), as paths. */
function problems(schema: Json, value: unknown, at = '$'): string[] {
  if (schema.$ref) return problems(resolve(schema.$ref), value, at);
  if (schema.oneOf) {
    const fits = (schema.oneOf as Json[]).filter((s) => problems(s, value, at).length === 0).length;
    return fits === 1 ? [] : [`${at}: fits ${fits} of oneOf`];
  }
  const found: string[] = [];
  if (schema.type !== undefined) {
    const types = ([] as string[]).concat(schema.type);
    const actual = typeOf(value);
    if (!types.includes(actual) && !(actual === 'integer' && types.includes('number')))
      found.push(`${at}: ${actual}, not ${types.join('|')}`);
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value))
    found.push(`${at}: ${String(value)} not in enum`);
  if ('const' in schema && schema.const !== value) found.push(`${at}: not ${String(schema.const)}`);
  if (typeOf(value) === 'object') {
    const object = value as Json;
    for (const name of (schema.required as string[] | undefined) ?? [])
      if (!(name in object)) found.push(`${at}.${name}: missing`);
    for (const [name, sub] of Object.entries((schema.properties as Json | undefined) ?? {}))
      if (name in object) found.push(...problems(sub as Json, object[name], `${at}.${name}`));
  }
  if (Array.isArray(value) && schema.items)
    for (const [i, entry] of value.entries()) found.push(...problems(schema.items, entry, `${at}[${i}]`));
  return found;
}

function resolve(pointer: string): Json {
  const target = pointer
    .slice(2)
    .split('/')
    .reduce((node: Json | undefined, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], document);
  if (!target) throw new Error(`unresolved ${pointer}`);
  return target;
}

/** The schema of `path`'s `method` answer with `status`, in JSON. */
const answerSchema = (path: string, method: string, status: number): Json =>
  document.paths[path][method].responses[status].content['application/json'].schema;

describe('OpenHMIS OpenAPI document', () => {
  it('is public, OpenAPI 3.1, served for the OpenHMIS base, and lists every route', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: '/openhmis/api/v3' }]);
    for (const route of OPENHMIS_ROUTES)
      expect(document.paths[route.path]?.[route.method], route.path).toBeDefined();
    expect(document.components.schemas.Error.properties.error.required).toEqual([
      'errors',
      'message',
      'code',
    ]);
  });

  it('resolves every $ref', () => {
    const refs: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object')
        for (const [key, value] of Object.entries(node))
          key === '$ref' ? refs.push(value as string) : walk(value);
    };
    walk(document);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) expect(() => resolve(ref), ref).not.toThrow();
  });

  it('describes the answers the server gives', async () => {
    const cases: [string, string, string, number][] = [
      ['/clients/336788', '/clients/{PersonalID}', 'get', 200],
      ['/clients', '/clients', 'get', 200],
      // E-B1, not the seed's 46521: the seed's sample values predate FY2026's lists (99 where P3.A has none).
      ['/enrollments/E-B1', '/enrollments/{EnrollmentID}', 'get', 200],
      ['/projects/P-A/sites', '/projects/{ProjectID}/sites', 'get', 200],
      ['/clients/NO-SUCH', '/clients/{PersonalID}', 'get', 404],
    ];
    for (const [url, path, method, status] of cases) {
      const response = await request(server.app, 'GET', url);
      expect(response.status).toBe(status);
      const found = problems(answerSchema(path, method, status), await response.json());
      expect(found, `${url}: ${found.join('; ')}`).toEqual([]);
    }
    const consent = await request(server.app, 'POST', '/consents', {
      body: { clientId: 'C-B1', organizationIds: ['ORG-A'], fields: { dob: 0 } },
    });
    expect(problems(answerSchema('/consents', 'post', 201), await consent.json())).toEqual([]);
    const deleted = await request(server.app, 'DELETE', '/enrollments/46932');
    expect(
      problems(answerSchema('/enrollments/{EnrollmentID}', 'delete', 200), await deleted.json()),
    ).toEqual([]);
  });

  it('is checked by a checker that fails on wrong values', async () => {
    const body: Json = await (await request(server.app, 'GET', '/clients/336788')).json();
    const schema = answerSchema('/clients/{PersonalID}', 'get', 200);
    expect(problems(schema, { data: { item: { ...body.data.item, veteranStatus: 42 } } })).toEqual([
      '$.data.item.veteranStatus: 42 not in enum',
    ]);
    expect(problems(schema, { data: { item: { ...body.data.item, firstName: 7 } } })).toHaveLength(1);
    expect(problems(schema, { data: {} })).toEqual(['$.data.item: missing']);
  });
});
