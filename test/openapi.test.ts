/**
 * The OpenAPI document and /docs. No OpenAPI or JSON Schema validator is installed (none is added for
 * this), so two small checkers stand in, each shown to fail on a broken input:
 * - `structuralProblems`: the OpenAPI 3.1 rules a generator can get wrong (version, path templates vs
 *   path parameters, schema xor content, unique operation ids, response keys and descriptions, every
 *   $ref resolving, JSON Schema type names, `required` naming properties, enum values of the declared
 *   type, no 3.0-only `nullable`, security naming defined schemes, tags declared);
 * - `conformance`: the JSON Schema keywords the document uses, to check real answers against it.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/api/app.ts';
import { HMIS_API_ROUTES } from '../src/api/hmis-api/routes.ts';
import { HMIS_API_SCHEMAS } from '../src/api/hmis-api/schemas.ts';
import { buildOpenApi, DOCS_CSP, docsRoutes } from '../src/api/openapi.ts';
import type { RouteSpec } from '../src/api/route-spec.ts';
import { RULES } from '../src/model/fy2026/rules.ts';
import { CODE_LISTS, table } from '../src/model/index.ts';
import { call, closeServer, DEMO_DIR, openServer, type Server } from './hmis-api/helpers.ts';

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const at = (value: unknown, ...keys: string[]): Json => keys.reduce((v: Json, k) => obj(v[k]), obj(value));

const TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'string', 'integer']);
const typesOf = (s: Json) => (s.type === undefined ? [] : ([] as string[]).concat(s.type as string));
const isType = (value: unknown, type: string) =>
  type === 'null'
    ? value === null
    : type === 'integer'
      ? Number.isInteger(value)
      : type === 'array'
        ? Array.isArray(value)
        : type === 'object'
          ? typeof value === 'object' && value !== null && !Array.isArray(value)
          : typeof value === type;

function resolve(document: Json, pointer: string): unknown {
  if (!pointer.startsWith('#/')) return undefined;
  return pointer
    .slice(2)
    .split('/')
    .reduce(
      (v: unknown, part) => (v === undefined ? v : obj(v)[part.replace(/~1/g, '/').replace(/~0/g, '~')]),
      document,
    );
}

function schemaProblems(schema: unknown, where: string, problems: string[]): void {
  const s = obj(schema);
  if ('nullable' in s) problems.push(`${where}: 'nullable' is OpenAPI 3.0; 3.1 uses type [X, 'null']`);
  for (const t of typesOf(s)) if (!TYPES.has(t)) problems.push(`${where}: unknown type ${t}`);
  if (Array.isArray(s.enum) && s.type !== undefined)
    for (const v of s.enum) if (!typesOf(s).some((t) => isType(v, t))) problems.push(`${where}: enum ${v}`);
  const properties = obj(s.properties);
  for (const name of (s.required as string[] | undefined) ?? [])
    if (!(name in properties)) problems.push(`${where}: required ${name} is not a property`);
  for (const [name, sub] of Object.entries(properties)) schemaProblems(sub, `${where}.${name}`, problems);
  if (s.items !== undefined) schemaProblems(s.items, `${where}[]`, problems);
}

function structuralProblems(document: Json): string[] {
  const problems: string[] = [];
  if (!/^3\.1\.\d+$/.test(String(document.openapi))) problems.push(`openapi ${document.openapi}`);
  if (typeof at(document).info !== 'object' || typeof at(document, 'info').title !== 'string')
    problems.push('info.title');
  for (const [name, schema] of Object.entries(at(document, 'components', 'schemas'))) {
    if (!/^[a-zA-Z0-9._-]+$/.test(name)) problems.push(`component name ${name}`);
    schemaProblems(schema, name, problems);
  }
  const schemes = at(document, 'components', 'securitySchemes');
  const tags = new Set(((document.tags as Json[]) ?? []).map((t) => t.name));
  const ids = new Set<string>();
  for (const [path, item] of Object.entries(at(document, 'paths'))) {
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    for (const [method, op] of Object.entries(obj(item))) {
      const w = `${method} ${path}`;
      const operation = obj(op);
      if (ids.has(String(operation.operationId))) problems.push(`${w}: duplicate operationId`);
      ids.add(String(operation.operationId));
      const params = (operation.parameters as Json[]) ?? [];
      if (
        String(
          params
            .filter((p) => p.in === 'path')
            .map((p) => p.name)
            .sort(),
        ) !== String(templated)
      )
        problems.push(`${w}: path parameters differ from the template`);
      for (const p of params) {
        if (!['path', 'query', 'header', 'cookie'].includes(String(p.in))) problems.push(`${w}: in ${p.in}`);
        if (p.in === 'path' && p.required !== true) problems.push(`${w}: ${p.name} not required`);
        if ('schema' in p === 'content' in p) problems.push(`${w}: ${p.name} needs schema xor content`);
        schemaProblems(p.schema, `${w} ${p.name}`, problems);
      }
      if (params.length !== new Set(params.map((p) => `${p.in}:${p.name}`)).size)
        problems.push(`${w}: twice`);
      const responses = Object.entries(obj(operation.responses));
      if (responses.length === 0) problems.push(`${w}: no responses`);
      for (const [status, r] of responses) {
        if (!/^([1-5](\d\d|XX)|default)$/.test(status)) problems.push(`${w}: response key ${status}`);
        if (!('$ref' in obj(r)) && typeof obj(r).description !== 'string') problems.push(`${w} ${status}`);
      }
      for (const tag of (operation.tags as string[]) ?? [])
        if (!tags.has(tag)) problems.push(`${w}: tag ${tag}`);
      for (const requirement of (operation.security as Json[]) ?? [])
        for (const name of Object.keys(requirement)) if (!(name in schemes)) problems.push(`${w}: ${name}`);
    }
  }
  const refs = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(refs);
    else if (value && typeof value === 'object')
      for (const [key, v] of Object.entries(value)) {
        if (key === '$ref' && resolve(document, String(v)) === undefined) problems.push(`unresolved ${v}`);
        else refs(v);
      }
  };
  refs(document);
  return problems;
}

/** Where `value` breaks `schema` (the keywords the document uses); [] when it conforms. */
function conformance(document: Json, schema: unknown, value: unknown, where = '$'): string[] {
  const s = obj(schema);
  if (typeof s.$ref === 'string') return conformance(document, resolve(document, s.$ref), value, where);
  const types = typesOf(s);
  if (types.length > 0 && !types.some((t) => isType(value, t))) return [`${where}: ${value} is not ${types}`];
  const problems: string[] = [];
  if (Array.isArray(s.enum) && !s.enum.includes(value)) problems.push(`${where}: ${value} not in enum`);
  if (typeof value === 'string') {
    if (typeof s.maxLength === 'number' && [...value].length > s.maxLength)
      problems.push(`${where}: too long`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value))
      problems.push(`${where}: ${value} !~ ${s.pattern}`);
    if (s.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value))
      problems.push(`${where}: ${value} not a date`);
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) problems.push(`${where}: ${value} < minimum`);
    if (typeof s.maximum === 'number' && value > s.maximum) problems.push(`${where}: ${value} > maximum`);
  }
  if (Array.isArray(value) && s.items)
    for (const [i, v] of value.entries())
      problems.push(...conformance(document, s.items, v, `${where}[${i}]`));
  if (isType(value, 'object')) {
    const v = value as Json;
    for (const name of (s.required as string[] | undefined) ?? [])
      if (!(name in v)) problems.push(`${where}: ${name} missing`);
    for (const [name, sub] of Object.entries(obj(s.properties)))
      if (name in v) problems.push(...conformance(document, sub, v[name], `${where}.${name}`));
    if (s.additionalProperties === false)
      for (const name of Object.keys(v))
        if (!(name in obj(s.properties))) problems.push(`${where}: ${name}?`);
  }
  return problems;
}

/** The model's statement of a column, restated independently of columnSchema. */
function expectColumns(document: Json, tableName: string) {
  const spec = table(tableName);
  const schema = at(document, 'components', 'schemas', tableName);
  expect(Object.keys(obj(schema.properties))).toEqual(spec.fields.map((f) => f.name));
  expect(schema.required).toEqual(spec.fields.filter((f) => !f.nullable).map((f) => f.name));
  for (const field of spec.fields) {
    const actual = at(schema, 'properties', field.name);
    const kind = field.type.kind;
    const base = {
      integer: 'integer',
      money: 'number',
      string: 'string',
      date: 'string',
      datetime: 'string',
    }[kind];
    expect(actual.type, field.name).toEqual(field.nullable ? [base, 'null'] : base);
    expect(actual.maxLength, field.name).toBe(
      field.type.kind === 'string' ? (field.type.maxLength ?? undefined) : undefined,
    );
    expect(actual.format, field.name).toBe(kind === 'date' ? 'date' : undefined);
    if (kind === 'datetime')
      expect(new RegExp(String(actual.pattern)).test('2025-06-30T14:05:00')).toBe(true);
    const list = field.codeListMode === 'fixed' ? CODE_LISTS.get(field.codeList ?? '') : undefined;
    const forbidden = RULES.flatMap((r) =>
      r.kind === 'notInList' && r.table === tableName && r.field === field.name ? r.codes : [],
    );
    const codes = list?.codes.filter((c) => !forbidden.includes(c.code));
    const values = codes?.map((c) => (kind === 'integer' ? Number(c.code) : c.code));
    expect(actual.enum, field.name).toEqual(values && (field.nullable ? [...values, null] : values));
    expect(actual['x-enum-descriptions'], field.name).toEqual(codes?.map((c) => c.label));
  }
}

const build = (routes: readonly RouteSpec[]) =>
  buildOpenApi(routes, { title: 'Hearth', version: '0.1.0', schemas: HMIS_API_SCHEMAS }) as Json;
const handle = async () => new Response(null, { status: 500 });
const FIXTURE: readonly RouteSpec[] = [
  {
    method: 'patch',
    path: '/enrollment/{EnrollmentID}',
    operationId: 'patchEnrollment',
    summary: 'Change an enrollment',
    roles: ['admin'],
    params: [{ name: 'EnrollmentID', in: 'path', type: 'string', maxLength: 32, description: 'Enrollment' }],
    body: { table: 'Enrollment', partial: true, description: 'Columns' },
    responses: [
      { status: 200, description: 'Stored', table: 'Enrollment' },
      { status: 409, description: 'Busy' },
    ],
    produces: ['application/json', 'application/ld+json', 'text/turtle'],
    handle,
  },
  {
    method: 'get',
    path: '/exits',
    operationId: 'listExits',
    summary: 'Exits',
    roles: ['admin'],
    params: [
      { name: 'Destination', in: 'query', type: 'integer', codeList: '3.12.1', description: 'Where to' },
    ],
    responses: [{ status: 200, description: 'Exits', table: 'Exit', list: true }],
    produces: ['application/json'],
    handle,
  },
];

describe('buildOpenApi from a fixture route table', () => {
  const document = build(FIXTURE);

  it('is structurally valid; the check fails on a broken copy', () => {
    expect(structuralProblems(document)).toEqual([]);
    const broken = JSON.parse(JSON.stringify(document)) as Json;
    at(broken, 'components', 'schemas', 'Exit').required = ['NoSuchColumn'];
    at(broken, 'components', 'schemas', 'Exit', 'properties').ExitDate = { type: 'string', nullable: true };
    const op = at(broken, 'paths', '/enrollment/{EnrollmentID}', 'patch');
    (op.parameters as unknown[]).pop();
    op.responses = { 200: { $ref: '#/components/responses/Nope' } };
    expect(structuralProblems(broken)).toHaveLength(4);
  });

  it('has a schema per used table with every column as the model states it', () => {
    expect(Object.keys(at(document, 'components', 'schemas'))).toEqual([
      'Enrollment',
      'EnrollmentPatch',
      'Error',
      'Exit',
      'JsonLdGraph',
    ]);
    expectColumns(document, 'Enrollment');
    expectColumns(document, 'Exit');
    const patch = at(document, 'components', 'schemas', 'EnrollmentPatch');
    expect(patch.required).toBeUndefined();
    expect(Object.keys(obj(patch.properties))).not.toContain('DateUpdated');
    expect(at(document, 'components', 'schemas', 'Exit', 'properties', 'Destination').enum).not.toContain(
      336,
    );
  });

  it('maps bodies, lists, media types, code-list parameters and router errors', () => {
    const patch = at(document, 'paths', '/enrollment/{EnrollmentID}', 'patch');
    expect(at(patch, 'requestBody', 'content', 'application/json').schema).toEqual({
      $ref: '#/components/schemas/EnrollmentPatch',
    });
    expect(Object.keys(obj(patch.responses))).toEqual([
      '200',
      '400',
      '401',
      '403',
      '406',
      '409',
      '413',
      '415',
      '503',
    ]);
    expect(at(patch, 'responses', '409', 'content', 'application/json').schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
    const ok = at(patch, 'responses', '200', 'content');
    expect(at(ok, 'application/ld+json').schema).toEqual({ $ref: '#/components/schemas/JsonLdGraph' });
    expect(at(ok, 'text/turtle').schema).toEqual({ type: 'string', contentMediaType: 'text/turtle' });
    const exits = at(document, 'paths', '/exits', 'get');
    expect(at(exits, 'responses', '200', 'content', 'application/json').schema).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/Exit' },
    });
    const [destination] = exits.parameters as Json[];
    const list = CODE_LISTS.get('3.12.1')?.codes ?? [];
    expect(destination?.schema).toMatchObject({ type: 'integer', enum: list.map((c) => Number(c.code)) });
    expect(obj(destination?.schema)['x-enum-descriptions']).toEqual(list.map((c) => c.label));
    expect(String(destination?.description)).toContain(`${list[0]?.code} = ${list[0]?.label}`);
  });

  it('is deterministic and refuses inconsistent route tables', () => {
    expect(JSON.stringify(build(FIXTURE))).toBe(JSON.stringify(document));
    const again = { ...(FIXTURE[1] as RouteSpec), operationId: 'again' };
    expect(() => build([...FIXTURE, again])).toThrow(/two routes/);
    const unknown = {
      ...(FIXTURE[1] as RouteSpec),
      responses: [{ status: 200, description: 'x', schema: 'Nope' }],
    };
    expect(() => build([unknown])).toThrow(/Nope/);
  });
});

describe('the HMIS API document', () => {
  const document = build(HMIS_API_ROUTES);

  it('is structurally valid OpenAPI 3.1 with every route and every parameter', () => {
    expect(structuralProblems(document)).toEqual([]);
    for (const route of HMIS_API_ROUTES) {
      const op = at(document, 'paths', route.path, route.method);
      expect(op.operationId).toBe(route.operationId);
      expect(op.security).toEqual([{ bearer: [] }]);
      const params = op.parameters as Json[];
      expect(params.map((p) => `${p.in}:${p.name}`)).toEqual(route.params.map((p) => `${p.in}:${p.name}`));
      for (const [i, spec] of route.params.entries()) {
        const schema = obj(params[i]?.schema);
        expect(schema.type).toBe(spec.type === 'integer' ? 'integer' : 'string');
        if (spec.codeList)
          expect(schema.enum).toEqual(CODE_LISTS.get(spec.codeList)?.codes.map((c) => Number(c.code)));
        if (spec.maxLength) expect(schema.maxLength).toBe(spec.maxLength);
        expect(params[i]?.description).toContain(spec.description);
      }
    }
    expectColumns(document, 'Client');
  });

  it('is served at /openapi.json by the app, with /docs under a strict CSP and only local assets', async () => {
    const app = createApp();
    const served = obj(await (await app.request('/openapi.json')).json());
    expect([served.paths, served.components]).toEqual([document.paths, document.components]);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as Json;
    expect(at(served, 'info').version).toBe(pkg.version);
    const res = await app.request('/docs');
    expect(res.headers.get('content-security-policy')).toBe(DOCS_CSP);
    expect(DOCS_CSP).toMatch(/default-src 'none'.*script-src 'self'/);
    expect(DOCS_CSP).not.toMatch(/unsafe-|https?:|\*/);
    const html = await res.text();
    expect(html).not.toMatch(/https?:\/\//);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets).toHaveLength(4);
    for (const asset of assets) {
      const served = await app.request(asset);
      expect(served.status, asset).toBe(200);
      if (asset.endsWith('.js') || asset.endsWith('.css'))
        expect(served.headers.get('content-type')).toMatch(/text\//);
      if (asset.endsWith('init.js')) expect(await served.text()).not.toMatch(/https?:\/\//);
    }
    for (const path of ['/docs/index.html', '/docs/..%2Fpackage.json', '/docs/swagger-ui-bundle.js.map'])
      expect((await docsRoutes(() => FIXTURE).request(path)).status, path).toBe(404);
  });
});

describe('answers conform to the document (demo data)', () => {
  const document = build(HMIS_API_ROUTES);
  let server: Server;
  beforeAll(async () => {
    server = await openServer(DEMO_DIR);
  }, 60_000);
  afterAll(() => closeServer(server));

  /** A value for each parameter the answers need, from a client that has an enrollment. */
  function values(): Record<string, string> {
    const source = server.store.records.source(server.source);
    const enrollment = [...(source?.table('Enrollment').rows.values() ?? [])][0] ?? [];
    const spec = table('Enrollment');
    const column = (name: string) => enrollment[spec.fields.findIndex((f) => f.name === name)] ?? '';
    return { PersonalID: column('PersonalID'), ProjectID: column('ProjectID') };
  }

  it('every GET route answers JSON its 200 schema describes, and JSON-LD the graph schema', async () => {
    const known = values();
    let checked = 0;
    for (const route of HMIS_API_ROUTES.filter((r) => r.method === 'get')) {
      const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => known[name] ?? '');
      if (path.includes('//') || path.endsWith('/')) continue; // a parameter without a value (an import id)
      const schema = at(
        document,
        'paths',
        route.path,
        'get',
        'responses',
        '200',
        'content',
        'application/json',
      ).schema;
      const res = await call(server.app, 'GET', path);
      expect(res.status, path).toBe(200);
      expect(conformance(document, schema, await res.json()), path).toEqual([]);
      if (route.produces.includes('application/ld+json')) {
        const ld = await call(server.app, 'GET', path, { accept: 'application/ld+json' });
        expect(conformance(document, { $ref: '#/components/schemas/JsonLdGraph' }, await ld.json())).toEqual(
          [],
        );
      }
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(9);
  });

  it('the conformance check fails on an answer that breaks the schema', async () => {
    const res = await call(server.app, 'GET', `/client/${values().PersonalID}`);
    const client = (await res.json()) as Json;
    const schema = { $ref: '#/components/schemas/ClientWithEnrollments' };
    expect(conformance(document, schema, client)).toEqual([]);
    const broken = { ...client, DateUpdated: '2025-06-30 14:05:00', VeteranStatus: 5, SSN: 123 };
    expect(conformance(document, schema, broken)).toHaveLength(3);
  });
});
