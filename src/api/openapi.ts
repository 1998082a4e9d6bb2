/**
 * The OpenAPI 3.1 document, generated from a route table (api/route-spec.ts) and the FY2026 model, and
 * the `/openapi.json` + `/docs` routes. Nothing here lists routes or fields: a column added to the
 * model or a parameter added to a route shows up in the document without touching this file.
 *
 * Columns (HUD type codes → JSON Schema 2020-12, OpenAPI 3.1's dialect), as representations.ts writes them:
 * - `I` → integer; with a fixed code list an `enum` of its codes minus those a `notInList` rule
 *   forbids, HUD's labels in `x-enum-descriptions` (same order) and in `description` (which UIs show);
 * - `S<n>` → string with `maxLength`; `D` → `format: date`;
 * - `T` → a `YYYY-MM-DDThh:mm:ss` pattern, not `format: date-time`: RFC 3339 requires a UTC offset and
 *   HUD's timestamps have none, so generated clients would reject every value (DEVIATIONS.md §5);
 * - `M`/`M+` → number, as the JSON answers carry money (`minimum: 0` for `M+`). Not `multipleOf: 0.01`:
 *   in binary floating point validators would refuse 0.07;
 * - nullable columns are `type: [X, 'null']` (an enum lists `null` too); the others are `required`.
 * Pattern and range rules become `pattern`/`minimum`/`maximum`; `max: 'currentYear'` states no maximum,
 * so the document does not depend on the day it is built (as in the SHACL shapes).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { RULES } from '../model/fy2026/rules.ts';
import { CODE_LISTS, type FieldSpec, table as modelTable, type TableSpec } from '../model/index.ts';
import type { ErrorCode } from './errors.ts';
import type { BodySpec, ParamSpec, ResponseSpec, RouteSpec } from './route-spec.ts';

export type Schema = { readonly [key: string]: unknown };

export interface OpenApiOptions {
  readonly title: string;
  readonly version: string;
  /** The routes' base URL; default `/api/v1` (relative, so the document works behind any host). */
  readonly serverUrl?: string;
  /** Schemas routes name with `schema:`; their JSON shapes live with the routes that answer them. */
  readonly schemas?: Readonly<Record<string, Schema>>;
}

// Keyed by ErrorCode, so this stops compiling when errors.ts gains or loses a code.
const ERROR_CODES: Readonly<Record<ErrorCode, true>> = {
  ...{ bad_request: true, unauthorized: true, forbidden: true, not_found: true, conflict: true },
  ...{ method_not_allowed: true, not_acceptable: true, payload_too_large: true, internal: true },
  ...{ unsupported_media_type: true, validation_failed: true, unavailable: true, precondition_failed: true },
};

const STRING = { type: 'string' } as const;
const object = (properties: Record<string, Schema>, required?: readonly string[]): Schema => ({
  type: 'object',
  ...(required ? { required } : {}),
  properties,
});

/** errors.ts's errorBody. */
const ERROR = object(
  {
    error: object(
      {
        status: { type: 'integer', minimum: 400, maximum: 599 },
        code: { type: 'string', enum: Object.keys(ERROR_CODES).sort() },
        message: STRING,
        fields: {
          type: 'array',
          items: object({ field: STRING, rule: STRING, message: STRING }, ['field', 'message']),
        },
      },
      ['status', 'code', 'message'],
    ),
  },
  ['error'],
);

/** representations.ts's JSON-LD: an `@graph` of one node per record, columns by their CSV names. */
const JSON_LD_GRAPH = object(
  {
    '@context': { type: 'string', format: 'uri', description: 'The context served at /context.jsonld' },
    '@graph': {
      type: 'array',
      items: object(
        { '@id': { type: 'string', format: 'iri' }, '@type': { type: ['string', 'array'], items: STRING } },
        ['@id', '@type'],
      ),
    },
  },
  ['@context', '@graph'],
);

/** Written by the server (client-write.ts refuses them in bodies): response-only, per OpenAPI's readOnly. */
const SERVER_SET = new Set(['DateCreated', 'DateUpdated', 'UserID', 'DateDeleted', 'ExportID']);
/** HUD timestamps as JSON carries them (xsd:dateTime, no zone); for schemas of date-time values. */
export const LOCAL_DATE_TIME = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$';

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const labelled = (codes: readonly { code: string; label: string }[]) =>
  codes.map((c) => `${c.code} = ${c.label}`).join('; ');

function listOf(id: string, where: string) {
  const list = CODE_LISTS.get(id);
  if (!list) throw new Error(`${where}: unknown HUD code list ${id}`);
  return list;
}

function columnType(field: FieldSpec): [string, Record<string, unknown>] {
  const t = field.type;
  if (t.kind === 'integer') return ['integer', {}];
  if (t.kind === 'money') return ['number', t.nonNegative ? { minimum: 0 } : {}];
  if (t.kind === 'date') return ['string', { format: 'date' }];
  if (t.kind === 'datetime')
    return ['string', { pattern: LOCAL_DATE_TIME, description: 'xsd:dateTime without a time zone' }];
  return ['string', t.maxLength === null ? {} : { maxLength: t.maxLength }];
}

/** One column as JSON answers carry it; schemas.ts builds its record shapes from this too. */
export function columnSchema(spec: TableSpec, field: FieldSpec): Schema {
  const [type, extra] = columnType(field);
  const schema: Record<string, unknown> = { type: field.nullable ? [type, 'null'] : type, ...extra };
  const rules = RULES.filter((r) => r.table === spec.name && r.field === field.name);
  for (const rule of rules) {
    if (rule.kind === 'pattern') schema.pattern = rule.pattern;
    if (rule.kind === 'range') schema.minimum = rule.min;
    if (rule.kind === 'range' && rule.max !== 'currentYear') schema.maximum = rule.max;
  }
  if (field.codeListMode === 'fixed' && field.codeList) {
    const list = listOf(field.codeList, `${spec.name}.${field.name}`);
    const forbidden = new Set(rules.flatMap((r) => (r.kind === 'notInList' ? r.codes : [])));
    const codes = list.codes.filter((c) => !forbidden.has(c.code));
    const values = codes.map((c) => (type === 'integer' ? Number(c.code) : c.code));
    schema.enum = field.nullable ? [...values, null] : values;
    schema['x-enum-descriptions'] = codes.map((c) => c.label);
    schema.description = `HUD list ${list.id}: ${labelled(codes)}`;
  }
  if (field.codeListMode === 'conditional')
    schema.description = 'A HUD code; its list depends on another column';
  if (field.dataElements.length > 0) schema['x-hud-data-elements'] = field.dataElements;
  if (field.name === spec.key || SERVER_SET.has(field.name)) schema.readOnly = true;
  schema['x-semantic-uri'] = field.iri;
  return schema;
}

/** A whole record, or (partial) the columns a PATCH may carry: none required, server columns left out. */
function tableSchema(spec: TableSpec, partial: boolean): Schema {
  const fields = spec.fields.filter((f) => !partial || !SERVER_SET.has(f.name));
  const properties = Object.fromEntries(fields.map((f) => [f.name, columnSchema(spec, f)]));
  return {
    type: 'object',
    description: partial
      ? `${spec.file} columns to change; null clears one`
      : `A ${spec.file} record (FY2026), keyed by ${spec.key}`,
    'x-jsonld-type': spec.classes,
    properties,
    ...(partial ? { minProperties: 1 } : { required: fields.filter((f) => !f.nullable).map((f) => f.name) }),
  };
}

function parameter(param: ParamSpec): Schema {
  const where = `parameter ${param.name}`;
  const list = param.codeList ? listOf(param.codeList, where) : undefined;
  const schema: Record<string, unknown> = { type: param.type === 'integer' ? 'integer' : 'string' };
  if (param.type === 'date') schema.format = 'date';
  if (param.type === 'date-time') schema.format = 'date-time';
  if (param.maxLength !== undefined) schema.maxLength = param.maxLength;
  // The router anchors patterns (`^(?:…)$`); JSON Schema patterns are not anchored.
  if (param.pattern !== undefined) schema.pattern = `^(?:${param.pattern})$`;
  if (param.minimum !== undefined) schema.minimum = param.minimum;
  if (param.maximum !== undefined) schema.maximum = param.maximum;
  if (list) {
    schema.enum = list.codes.map((c) => Number(c.code));
    schema['x-enum-descriptions'] = list.codes.map((c) => c.label);
  }
  const lenient = param.type === 'date-time' ? ' Also YYYY-MM-DD, or without a zone (read as UTC).' : '';
  const after = param.notBefore ? ` Not before ${param.notBefore} (400).` : '';
  return {
    name: param.name,
    in: param.in,
    // OpenAPI requires path parameters to be required (HUD's 0.5 draft marks ProjectID otherwise).
    required: param.in === 'path' || param.required === true,
    description: `${param.description}${list ? ` (HUD list ${list.id}: ${labelled(list.codes)})` : ''}${lenient}${after}`,
    schema,
  };
}

/** What the router (api/router.ts) can answer on any route besides what the route lists. */
const routerErrors = (route: RouteSpec): Record<string, string> => ({
  400: 'Invalid or unknown parameter, or invalid body',
  401: 'No, a malformed or an unknown bearer token',
  403: 'The caller may not use this route',
  406: `Accept allows none of: ${route.produces.join(', ')}`,
  ...(route.body && { 413: 'The body is too large', 415: 'Unsupported Content-Type' }),
  503: 'The query index is being rebuilt, or the query took too long; retry',
});

const JSON_MEDIA = /^application\/(.+\+)?json$/;
const TEXT_MEDIA = /^(text\/|application\/(n-triples|n-quads|xml|.+\+xml)$)/;

/** A media type's schema: `json` for JSON, the graph shape for JSON-LD, a string or bytes otherwise. */
function mediaSchema(type: string, json: Schema): Schema {
  if (type === 'application/ld+json') return ref('JsonLdGraph');
  if (JSON_MEDIA.test(type)) return json;
  return TEXT_MEDIA.test(type) ? { type: 'string', contentMediaType: type } : { contentMediaType: type };
}

export function buildOpenApi(routes: readonly RouteSpec[], options: OpenApiOptions): Schema {
  const named: Record<string, Schema> = { ...options.schemas, Error: ERROR, JsonLdGraph: JSON_LD_GRAPH };
  const used = new Map<string, Schema>([['Error', ERROR]]);
  const use = (name: string, schema: Schema) => {
    used.set(name, schema);
    return ref(name);
  };
  /** A body's or response's JSON schema: a model table (a list of its records) or a named schema. */
  const shape = (spec: BodySpec | ResponseSpec, where: string): Schema | undefined => {
    if (spec.table) {
      const model = modelTable(spec.table);
      const partial = 'partial' in spec && spec.partial === true;
      const one = use(partial ? `${model.name}Patch` : model.name, tableSchema(model, partial));
      return 'list' in spec && spec.list ? { type: 'array', items: one } : one;
    }
    if (!spec.schema) return undefined;
    const schema = named[spec.schema];
    if (!schema) throw new Error(`${where}: schema ${spec.schema} is not defined`);
    return use(spec.schema, schema);
  };
  const errorContent = { 'application/json': { schema: ref('Error') } };

  const paths: Record<string, Record<string, Schema>> = {};
  const tags: string[] = [];
  const operationIds = new Set<string>();
  for (const route of routes) {
    const where = `${route.method.toUpperCase()} ${route.path}`;
    if (operationIds.has(route.operationId)) throw new Error(`${where}: duplicate ${route.operationId}`);
    operationIds.add(route.operationId);
    const item = paths[route.path] ?? {};
    paths[route.path] = item;
    if (item[route.method]) throw new Error(`${where}: two routes`);
    const tag = route.path.split('/')[1] ?? '';
    if (!tags.includes(tag)) tags.push(tag);

    const responses: Record<string, Schema> = {};
    for (const response of route.responses) {
      const json = shape(response, where);
      const content =
        response.status >= 400
          ? ((json && { 'application/json': { schema: json } }) ?? errorContent)
          : json && Object.fromEntries(route.produces.map((t) => [t, { schema: mediaSchema(t, json) }]));
      const headers = response.headers && {
        headers: Object.fromEntries(
          Object.entries(response.headers).map(([name, description]) => [
            name,
            { description, schema: { type: 'string' } },
          ]),
        ),
      };
      responses[response.status] = {
        description: response.description,
        ...(headers ?? {}),
        ...(content ? { content } : {}),
      };
    }
    for (const [status, description] of Object.entries(routerErrors(route)))
      responses[status] ??= { description, content: errorContent };
    if (route.produces.includes('application/ld+json')) used.set('JsonLdGraph', JSON_LD_GRAPH);

    const body = route.body && shape(route.body, where);
    const bodyTypes = route.body?.mediaTypes ?? ['application/json'];
    const scenario = route.scenario === undefined ? '' : `HUD baseline scenario ${route.scenario}. `;
    const access = `${route.action ? `Policy action \`${route.action}\`; roles` : 'Roles'}: ${route.roles.join(', ')}.`;
    item[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      description: `${route.description ? `${route.description}\n\n` : ''}${scenario}${access}`,
      tags: [tag],
      ...(route.scenario === undefined ? {} : { 'x-hud-scenario': route.scenario }),
      ...(route.action ? { 'x-policy-action': route.action } : {}),
      'x-roles': [...route.roles],
      parameters: route.params.map(parameter),
      ...(route.body && {
        requestBody: {
          required: true,
          description: `${route.body.description}${route.body.maxBytes ? ` (at most ${route.body.maxBytes} bytes)` : ''}`,
          content: Object.fromEntries(bodyTypes.map((t) => [t, { schema: mediaSchema(t, body ?? {}) }])),
        },
      }),
      responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => byCodeUnit(a, b))),
      // The router authenticates every request of a route table.
      security: [{ bearer: [] }],
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: options.title,
      version: options.version,
      description:
        'HUD HMIS API baseline scenarios over the FY2026 HMIS CSV model. Field names are FY2026 CSV ' +
        'column names. `application/ld+json` answers use the JSON-LD context at `/context.jsonld`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: options.serverUrl ?? '/api/v1' }],
    'x-jsonld-context': '/context.jsonld',
    tags: tags.map((name) => ({ name })),
    paths,
    components: {
      schemas: Object.fromEntries([...used].sort(([a], [b]) => byCodeUnit(a, b))),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Admin or user token' } },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// /openapi.json and /docs

/** The Swagger UI files /docs uses, from the installed swagger-ui-dist (no CDN); nothing else is served. */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** Scripts, styles and requests only to this origin (the UI fetches /openapi.json and tries routes here). */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hearth API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"><link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head><body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body></html>
`;

// A script file rather than inline, so the CSP needs no 'unsafe-inline'. validatorUrl: null keeps the
// UI from sending the document to validator.swagger.io.
const INIT_JS = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', validatorUrl: null,
  deepLinking: true, displayOperationId: true, presets: [SwaggerUIBundle.presets.apis], layout: 'BaseLayout' });
`;

const assetDir = () => dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const packageJson = () => readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
const packageVersion = () => (JSON.parse(packageJson()) as { version: string }).version;

/**
 * `GET /openapi.json`, `GET /docs` and its assets, mounted at `/`. The routes are read through
 * `getRoutes` on the first request (so the table may be assembled later) and the document is then
 * kept: routes and model do not change while the process runs.
 */
export function docsRoutes(getRoutes: () => readonly RouteSpec[], options: Partial<OpenApiOptions> = {}) {
  const app = new Hono();
  let document: string | undefined;
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  app.get('/openapi.json', (c) => {
    document ??= JSON.stringify(
      buildOpenApi(getRoutes(), { title: 'Hearth HMIS API', version: packageVersion(), ...options }),
    );
    return c.body(document, 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });
  const secured = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };
  app.get('/docs', (c) => c.html(DOCS_HTML, 200, { 'Content-Security-Policy': DOCS_CSP, ...secured }));
  app.get('/docs/init.js', (c) =>
    c.body(INIT_JS, 200, { 'Content-Type': ASSETS['swagger-ui-bundle.js'] ?? '', ...secured }),
  );
  app.get('/docs/:file', (c) => {
    const name = c.req.param('file');
    const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!type) return c.notFound();
    let data = files.get(name);
    if (!data) {
      data = new Uint8Array(readFileSync(join(assetDir(), name)));
      files.set(name, data);
    }
    return c.body(data, 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=3600', ...secured });
  });
  return app;
}
