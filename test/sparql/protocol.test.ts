/**
 * The SPARQL 1.1 Protocol at /sparql (demo data): the three ways to send a query, every result
 * format parsed by an independent parser, content negotiation, limits with clear errors, bad
 * input, SPARQL UPDATE for admins only, and the browser query page under its CSP.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { Parser as N3Parser } from 'n3';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../hmis-api/helpers.ts';
import { openSparqlServer, query, type SparqlServer, solutions } from './helpers.ts';

const HMIS = 'urn:hud:hmis:owl#';
const PROJECT_TYPES = `PREFIX hmis: <${HMIS}>
SELECT ?type (COUNT(?project) AS ?projects) WHERE { ?project a hmis:Project ; hmis:ProjectType ?type }
GROUP BY ?type ORDER BY ?type`;
const CONSTRUCT = `PREFIX hmis: <${HMIS}>
CONSTRUCT { ?project hmis:ProjectType ?type } WHERE { ?project a hmis:Project ; hmis:ProjectType ?type }`;

let server: SparqlServer;
let researcher: string;
let expected: Map<string, number>;

beforeAll(async () => {
  server = await openSparqlServer(DEMO_DIR);
  researcher = await server.users.add('researcher', 'researcher');
  const response = await query(server.app, '/sparql', PROJECT_TYPES);
  expected = new Map(
    (await solutions(response)).map((b) => [b.type?.value ?? '', Number(b.projects?.value)]),
  );
}, 60_000);
afterAll(async () => {
  await server?.close();
});

/** SPARQL XML results as rows of variable → value, read with saxes. */
function parseXmlResults(xml: string): { rows: Record<string, string>[]; boolean?: boolean } {
  const parser = new SaxesParser({ xmlns: true });
  const rows: Record<string, string>[] = [];
  let row: Record<string, string> | undefined;
  let binding: string | undefined;
  let text = '';
  let boolean: boolean | undefined;
  parser.on('opentag', (tag) => {
    text = '';
    if (tag.local === 'result') row = {};
    if (tag.local === 'binding') binding = tag.attributes.name?.value;
  });
  parser.on('text', (t) => {
    text += t;
  });
  parser.on('closetag', (tag) => {
    if (tag.local === 'result' && row) rows.push(row);
    if (['literal', 'uri', 'bnode'].includes(tag.local) && row && binding) row[binding] = text;
    if (tag.local === 'boolean') boolean = text === 'true';
  });
  parser.write(xml).close();
  return boolean === undefined ? { rows } : { rows, boolean };
}

describe('queries in the three protocol forms', () => {
  for (const via of ['get', 'post', 'form'] as const) {
    it(`${via}: the same answer`, async () => {
      const response = await query(server.app, '/sparql', PROJECT_TYPES, { via });
      expect(response.status).toBe(200);
      const rows = await solutions(response);
      expect(new Map(rows.map((b) => [b.type?.value, Number(b.projects?.value)]))).toEqual(expected);
    });
  }

  it('the demo data has projects of several types (the comparison means something)', () => {
    expect(expected.size).toBeGreaterThan(3);
  });
});

describe('SELECT results in every format, each read by its own parser', () => {
  const fetchAs = async (accept: string) => {
    const response = await query(server.app, '/sparql', PROJECT_TYPES, { accept });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(accept);
    return response.text();
  };
  const asMap = (rows: Record<string, string>[], t: string, n: string) =>
    new Map(rows.map((r) => [r[t] ?? '', Number(r[n])]));

  it('SPARQL XML', async () => {
    expect(
      asMap(parseXmlResults(await fetchAs('application/sparql-results+xml')).rows, 'type', 'projects'),
    ).toEqual(expected);
  });
  it('CSV', async () => {
    const rows = parseCsv(await fetchAs('text/csv'), { columns: true }) as Record<string, string>[];
    expect(asMap(rows, 'type', 'projects')).toEqual(expected);
  });
  it('TSV', async () => {
    const rows = parseCsv(await fetchAs('text/tab-separated-values'), {
      columns: true,
      delimiter: '\t',
    }) as Record<string, string>[];
    expect(asMap(rows, '?type', '?projects')).toEqual(expected);
  });
  it('aliases and wildcards: application/json, */*, q-values', async () => {
    const json = await query(server.app, '/sparql', PROJECT_TYPES, { accept: 'application/json' });
    expect(json.headers.get('content-type')).toContain('application/sparql-results+json');
    const any = await query(server.app, '/sparql', PROJECT_TYPES, { accept: '*/*' });
    expect(any.headers.get('content-type')).toContain('application/sparql-results+json');
    const preferred = await query(server.app, '/sparql', PROJECT_TYPES, {
      accept: 'application/sparql-results+json;q=0.5, text/csv',
    });
    expect(preferred.headers.get('content-type')).toContain('text/csv');
  });
  it('406 for a format SELECT has not', async () => {
    const response = await query(server.app, '/sparql', PROJECT_TYPES, { accept: 'text/turtle' });
    expect(response.status).toBe(406);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('text/csv');
  });
});

describe('ASK in every results format', () => {
  for (const [accept, read] of [
    ['application/sparql-results+json', (t: string) => (JSON.parse(t) as { boolean: boolean }).boolean],
    ['application/sparql-results+xml', (t: string) => parseXmlResults(t).boolean],
    ['text/csv', (t: string) => t.trim() === 'true'],
    ['text/tab-separated-values', (t: string) => t.trim() === 'true'],
  ] as const) {
    it(accept, async () => {
      const yes = await query(server.app, '/sparql', `ASK { ?p a <${HMIS}Project> }`, { accept, via: 'get' });
      const no = await query(server.app, '/sparql', `ASK { ?p a <${HMIS}NoSuchClass> }`, {
        accept,
        via: 'get',
      });
      expect(read(await yes.text())).toBe(true);
      expect(read(await no.text())).toBe(false);
    });
  }
});

describe('CONSTRUCT and DESCRIBE as Turtle, N-Triples and JSON-LD', () => {
  const total = () => [...expected.values()].reduce((a, b) => a + b, 0);
  it('Turtle and N-Triples parse with n3, one triple per project', async () => {
    for (const accept of ['text/turtle', 'application/n-triples']) {
      const response = await query(server.app, '/sparql', CONSTRUCT, { accept });
      expect(response.headers.get('content-type')).toContain(accept);
      const quads = new N3Parser({ format: accept }).parse(await response.text());
      expect(quads).toHaveLength(total());
    }
  });
  it('JSON-LD expands to the same triples (jsonld.toRDF)', async () => {
    const response = await query(server.app, '/sparql', CONSTRUCT, { accept: 'application/ld+json' });
    // @ts-expect-error jsonld ships no type declarations
    const { default: jsonld } = await import('jsonld');
    const quads = (await jsonld.toRDF(await response.json())) as unknown[];
    expect(quads).toHaveLength(total());
  });
  it('DESCRIBE a project names its properties', async () => {
    const list = await solutions(
      await query(server.app, '/sparql', `SELECT ?p WHERE { ?p a <${HMIS}Project> } LIMIT 1`),
    );
    const iri = list[0]?.p?.value ?? '';
    const response = await query(server.app, '/sparql', `DESCRIBE <${iri}>`, {
      accept: 'application/n-triples',
    });
    const quads = new N3Parser({ format: 'application/n-triples' }).parse(await response.text());
    expect(quads.some((q) => q.predicate.value === `${HMIS}ProjectType`)).toBe(true);
  });
  it('406 for a results format on CONSTRUCT', async () => {
    const response = await query(server.app, '/sparql', CONSTRUCT, { accept: 'text/csv' });
    expect(response.status).toBe(406);
  });
});

describe('bad input gets a clear error', () => {
  const error = async (response: Response, status: number) => {
    expect(response.status).toBe(status);
    return ((await response.json()) as { error: { message: string; fields?: { field: string }[] } }).error;
  };
  it('malformed SPARQL: 400 naming the problem', async () => {
    const e = await error(await query(server.app, '/sparql', 'SELECT ?x WHERE { ?x ?y '), 400);
    expect(e.message).toMatch(/malformed SPARQL/);
  });
  it('an update sent to the query endpoint', async () => {
    const e = await error(await query(server.app, '/sparql', 'INSERT DATA { <urn:a> <urn:b> <urn:c> }'), 400);
    expect(e.message).toContain('/sparql/update');
  });
  it('no query, an empty query, a repeated query, an unknown parameter', async () => {
    await error(
      await server.app.request('/sparql', { headers: { Authorization: `Bearer ${researcher}` } }),
      400,
    );
    await error(await query(server.app, '/sparql', '   '), 400);
    const twice = await server.app.request(`/sparql?query=ASK{}&query=ASK{}`, {
      headers: { Authorization: `Bearer ${researcher}` },
    });
    await error(twice, 400);
    const e = await error(
      await query(server.app, '/sparql', 'ASK {}', { via: 'get', params: { qurey: 'x' } }),
      400,
    );
    expect(e.fields?.[0]?.field).toBe('qurey');
  });
  it('a dataset parameter that is not an IRI', async () => {
    await error(
      await query(server.app, '/sparql', 'ASK {}', { via: 'get', params: { 'default-graph-uri': '<x> }' } }),
      400,
    );
  });
  it('a wrong Content-Type: 415', async () => {
    const response = await server.app.request('/sparql', {
      method: 'POST',
      headers: { Authorization: `Bearer ${researcher}`, 'Content-Type': 'text/plain' },
      body: 'ASK {}',
    });
    await error(response, 415);
  });
  it('an oversized query: 413 before parsing', async () => {
    const big = `ASK { FILTER("${'x'.repeat(server.limits.maxQueryBytes)}" != "") }`;
    await error(await query(server.app, '/sparql', big), 413);
    await error(await query(server.app, '/sparql', big, { via: 'form' }), 413);
  });
  it('no token: 401 with a challenge; a bad token: 401', async () => {
    const none = await query(server.app, '/sparql', 'ASK {}', { token: null });
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    await error(none, 401);
    await error(await query(server.app, '/sparql', 'ASK {}', { token: 'not-a-token' }), 401);
  });
  it('a hostile string stays data: a query injection attempt is one literal', async () => {
    const hostile = '"} . ?s ?p ?o . FILTER("';
    const sparqlText = `SELECT ?x WHERE { BIND(${JSON.stringify(hostile)} AS ?x) }`;
    const rows = await solutions(await query(server.app, '/sparql', sparqlText, { token: researcher }));
    expect(rows).toEqual([{ x: { type: 'literal', value: hostile } }]);
  });
  it('PUT and DELETE: 405 with Allow', async () => {
    const response = await server.app.request('/sparql', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toContain('POST');
  });
});

describe('limits', () => {
  it('more solutions than HEARTH_SPARQL_MAX_ROWS: 400 saying so, in every format; a LIMIT under it passes', async () => {
    const saved = server.limits.maxRows;
    (server.limits as { maxRows: number }).maxRows = 3;
    try {
      const many = `SELECT ?p WHERE { ?p a <${HMIS}Project> }`;
      for (const accept of [
        'application/sparql-results+json',
        'application/sparql-results+xml',
        'text/csv',
        'text/tab-separated-values',
      ]) {
        const response = await query(server.app, '/sparql', many, { accept });
        expect(response.status).toBe(400);
        expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
          'more than 3',
        );
      }
      const limited = await query(server.app, '/sparql', `${many} LIMIT 3`);
      expect(await solutions(limited)).toHaveLength(3);
    } finally {
      (server.limits as { maxRows: number }).maxRows = saved;
    }
  });
  it('a result over HEARTH_SPARQL_MAX_RESULT_BYTES: 400', async () => {
    const saved = server.limits.maxResultBytes;
    (server.limits as { maxResultBytes: number }).maxResultBytes = 200;
    try {
      const response = await query(server.app, '/sparql', CONSTRUCT, { accept: 'application/n-triples' });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('HEARTH_SPARQL_MAX_RESULT_BYTES');
    } finally {
      (server.limits as { maxResultBytes: number }).maxResultBytes = saved;
    }
  });
  it('a query past HEARTH_SPARQL_TIMEOUT_MS: 503 saying so, and the endpoint answers again after', async () => {
    const saved = server.limits.timeoutMs;
    (server.limits as { timeoutMs: number }).timeoutMs = 300;
    const slow = 'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }';
    try {
      for (const [path, token] of [
        ['/sparql', undefined],
        ['/sparql', researcher],
      ] as const) {
        const response = await query(server.app, path, slow, token ? { token } : {});
        expect(response.status).toBe(503);
        expect(await response.text()).toContain('time limit of 300 ms');
      }
    } finally {
      (server.limits as { timeoutMs: number }).timeoutMs = saved;
    }
    await Promise.all([server.store.indexReady, server.research.ready]);
    expect((await query(server.app, '/sparql', PROJECT_TYPES)).status).toBe(200);
    expect((await query(server.app, '/sparql', PROJECT_TYPES, { token: researcher })).status).toBe(200);
  });
});

describe('SPARQL UPDATE at /sparql/update', () => {
  const update = (text: string, token: string, type = 'application/sparql-update') =>
    server.app.request('/sparql/update', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': type },
      body:
        type === 'application/x-www-form-urlencoded'
          ? new URLSearchParams({ update: text }).toString()
          : text,
    });
  const projectName = async (iri: string) =>
    (
      await solutions(
        await query(server.app, '/sparql', `SELECT ?n WHERE { <${iri}> <${HMIS}ProjectName> ?n }`),
      )
    )[0]?.n?.value;

  it('admins change a record through the model; the change is durable and visible', async () => {
    const [first] = await solutions(
      await query(server.app, '/sparql', `SELECT ?p ?g WHERE { GRAPH ?g { ?p a <${HMIS}Project> } } LIMIT 1`),
    );
    const iri = first?.p?.value ?? '';
    const graph = first?.g?.value ?? '';
    const before = await projectName(iri);
    const text = `PREFIX hmis: <${HMIS}>
DELETE { GRAPH <${graph}> { <${iri}> hmis:ProjectName ?old } }
INSERT { GRAPH <${graph}> { <${iri}> hmis:ProjectName "Renamed by SPARQL" } }
WHERE { GRAPH <${graph}> { <${iri}> hmis:ProjectName ?old } }`;
    const response = await update(text, 'test-admin-token-0123456789abcdefghijklmnop');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { records: number }).records).toBe(1);
    expect(await projectName(iri)).toBe('Renamed by SPARQL');
    expect(before).not.toBe('Renamed by SPARQL');
  });
  it('a form-encoded update works too; an invalid one is refused whole (422)', async () => {
    const [first] = await solutions(
      await query(server.app, '/sparql', `SELECT ?p ?g WHERE { GRAPH ?g { ?p a <${HMIS}Project> } } LIMIT 1`),
    );
    const text = `PREFIX hmis: <${HMIS}>
INSERT DATA { GRAPH <${first?.g?.value}> { <${first?.p?.value}> hmis:ProjectType "not a code" } }`;
    const response = await update(
      text,
      'test-admin-token-0123456789abcdefghijklmnop',
      'application/x-www-form-urlencoded',
    );
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { fields: { field: string }[] } };
    expect(body.error.fields.map((f) => f.field).join(' ')).toContain('ProjectType');
  });
  it('researchers may not update: 403', async () => {
    const response = await update('INSERT DATA { <urn:a> <urn:b> <urn:c> }', researcher);
    expect(response.status).toBe(403);
  });
  it('a query sent to the update endpoint, and GET: refused', async () => {
    const asQuery = await update(
      'SELECT * WHERE { ?s ?p ?o }',
      'test-admin-token-0123456789abcdefghijklmnop',
    );
    expect(asQuery.status).toBe(400);
    expect((await server.app.request('/sparql/update')).status).toBe(405);
  });
});

describe('the SPARQL 1.1 service description', () => {
  it('GET /sparql without a query, asking for Turtle or N-Triples, describes the endpoint', async () => {
    const SD = 'http://www.w3.org/ns/sparql-service-description#';
    for (const accept of ['text/turtle', 'application/n-triples']) {
      const response = await server.app.request('http://hearth.test/sparql', { headers: { Accept: accept } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain(accept);
      const quads = new N3Parser({ format: accept }).parse(await response.text());
      const endpoints = quads.filter((q) => q.predicate.value === `${SD}endpoint`).map((q) => q.object.value);
      expect(endpoints).toEqual(['http://hearth.test/sparql', 'http://hearth.test/sparql/update']);
      expect(quads.filter((q) => q.predicate.value === `${SD}resultFormat`)).toHaveLength(7);
    }
    // With a query, Turtle is a CONSTRUCT format again, not a description.
    const asked = await query(server.app, '/sparql', CONSTRUCT, { accept: 'text/turtle', via: 'get' });
    expect((await asked.text()).includes('sparql-service-description')).toBe(false);
  });
});

describe('the browser query page', () => {
  it('GET /sparql with Accept: text/html gives the page under a strict CSP, without authentication', async () => {
    const response = await server.app.request('/sparql', { headers: { Accept: 'text/html,*/*;q=0.8' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await response.text();
    expect(html).toContain('<textarea');
    // Local assets only: no absolute URL loads anything.
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).not.toMatch(/<script>(?!<)/);
  });
  it('serves its script, style and the example research queries', async () => {
    for (const name of ['query.js', 'query.css']) {
      const response = await server.app.request(`/sparql/assets/${name}`);
      expect(response.status).toBe(200);
      expect(await response.text()).not.toMatch(/https?:\/\//);
    }
    const examples = (await (await server.app.request('/sparql/assets/examples.json')).json()) as {
      name: string;
    }[];
    expect(examples.map((e) => e.name)).toEqual([
      'active-rrh-clients',
      'counts-by-project-type',
      'exits-by-destination',
      'lengths-of-stay',
    ]);
    expect((await server.app.request('/sparql/assets/../../package.json')).status).toBe(404);
  });
});
