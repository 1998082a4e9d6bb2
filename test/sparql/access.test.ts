/**
 * Who sees what through /sparql (demo data), decided by the policy and the parsed query: admins see
 * every source graph; researchers only the research graph, however the query asks (GRAPH ?g, FROM,
 * FROM NAMED, the protocol's dataset parameters, SERVICE, record IRIs); scoped and other roles
 * are refused. Federation (SERVICE) works for admins, against a real SPARQL endpoint on loopback.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import ox from 'oxigraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR, readCsvFolder } from '../hmis-api/helpers.ts';
import { BASE, openSparqlServer, query, type SparqlServer, solutions } from './helpers.ts';

const HMIS = 'urn:hud:hmis:owl#';
let server: SparqlServer;
let tokens: Record<string, string>;
let remote: { url: string; close(): Promise<void> };
let graph: string;
let clientIri: string;

/** A real SPARQL endpoint (Oxigraph over HTTP) holding two triples, for SERVICE. */
function remoteEndpoint(): Promise<{ url: string; close(): Promise<void> }> {
  const store = new ox.Store();
  store.load(
    '<urn:remote:a> <urn:remote:label> "remote answer" .\n<urn:remote:b> <urn:remote:label> "second" .',
    {
      format: 'application/n-triples',
    },
  );
  const httpServer = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const type = request.headers['content-type'] ?? '';
      const text = type.includes('form')
        ? new URLSearchParams(body).get('query')
        : type.includes('sparql-query')
          ? body
          : url.searchParams.get('query');
      try {
        const accept = (request.headers.accept ?? '').includes('sparql-results+xml')
          ? 'application/sparql-results+xml'
          : 'application/sparql-results+json';
        const result = store.query(text ?? '', { results_format: accept }) as string;
        response.writeHead(200, { 'Content-Type': accept }).end(result);
      } catch (error) {
        response.writeHead(400).end((error as Error).message);
      }
    });
  });
  return new Promise((resolve) =>
    httpServer.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/sparql`,
        close: () => new Promise((done) => httpServer.close(() => done())),
      }),
    ),
  );
}

beforeAll(async () => {
  server = await openSparqlServer(DEMO_DIR);
  const projects = readCsvFolder(DEMO_DIR).get('Project') ?? [];
  tokens = {
    researcher: await server.users.add('researcher', 'researcher'),
    scopedResearcher: await server.users.add('scoped-researcher', 'researcher', {
      projects: [projects[0]?.ProjectID ?? ''],
    }),
    caseworker: await server.users.add('case', 'caseworker', { projects: [projects[0]?.ProjectID ?? ''] }),
    integrator: await server.users.add('integrator', 'integrator'),
    health: await server.users.add('health', 'health-system'),
  };
  graph = `${BASE}/${server.source}`;
  const [client] = await solutions(
    await query(server.app, '/sparql', `SELECT ?c WHERE { ?c a <${HMIS}Client> } LIMIT 1`),
  );
  clientIri = client?.c?.value ?? '';
  remote = await remoteEndpoint();
}, 60_000);
afterAll(async () => {
  await remote?.close();
  await server?.close();
});

const asResearcher = (text: string, options = {}) =>
  query(server.app, '/sparql', text, { token: tokens.researcher, ...options });
const graphsIn = async (response: Response) => {
  expect(response.status).toBe(200);
  return new Set((await solutions(response)).map((b) => b.g?.value));
};
const error = async (response: Response, status: number) => {
  expect(response.status).toBe(status);
  return ((await response.json()) as { error: { message: string } }).error.message;
};

describe('admins see every graph', () => {
  it('GRAPH ?g lists the source graph; the default graph is the union of the sources', async () => {
    const graphs = await graphsIn(
      await query(server.app, '/sparql', 'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }'),
    );
    expect(graphs).toEqual(new Set([graph]));
    const [row] = await solutions(
      await query(server.app, '/sparql', `SELECT (COUNT(?c) AS ?n) WHERE { ?c a <${HMIS}Client> }`),
    );
    expect(Number(row?.n?.value)).toBe((readCsvFolder(DEMO_DIR).get('Client') ?? []).length);
  });
  it('and the research graph at /sparql/research', async () => {
    const graphs = await graphsIn(
      await query(server.app, '/sparql/research', 'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }'),
    );
    expect(graphs).toEqual(new Set([`urn:hearth:research:${server.source}`]));
  });
});

describe('a researcher reaches the research graph only', () => {
  it('GRAPH ?g finds research graphs only, at /sparql and at /sparql/research', async () => {
    for (const path of ['/sparql', '/sparql/research']) {
      const response = await query(server.app, path, 'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }', {
        token: tokens.researcher,
      });
      expect(await graphsIn(response)).toEqual(new Set([`urn:hearth:research:${server.source}`]));
    }
  });
  it('GRAPH <source graph> and a record IRI find nothing', async () => {
    const inGraph = await solutions(
      await asResearcher(`SELECT * WHERE { GRAPH <${graph}> { ?s ?p ?o } } LIMIT 1`),
    );
    expect(inGraph).toEqual([]);
    const described = await asResearcher(`DESCRIBE <${clientIri}>`, { accept: 'application/n-triples' });
    expect((await described.text()).trim()).toBe('');
    const asSubject = await solutions(await asResearcher(`SELECT * WHERE { <${clientIri}> ?p ?o }`));
    expect(asSubject).toEqual([]);
  });
  it('FROM and FROM NAMED with a source graph: 403, not an empty answer', async () => {
    expect(
      await error(await asResearcher(`SELECT * FROM <${graph}> WHERE { ?s ?p ?o } LIMIT 1`), 403),
    ).toContain('research graph');
    await error(
      await asResearcher(`SELECT * FROM NAMED <${graph}> WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1`),
      403,
    );
    await error(await asResearcher(`ASK FROM <urn:x:y> { ?s ?p ?o }`), 403);
  });
  it('default-graph-uri and named-graph-uri naming a source graph: 403, in every protocol form', async () => {
    for (const via of ['get', 'post', 'form'] as const) {
      for (const name of ['default-graph-uri', 'named-graph-uri']) {
        const response = await asResearcher('SELECT * WHERE { ?s ?p ?o } LIMIT 1', {
          via,
          params: { [name]: graph },
        });
        await error(response, 403);
      }
    }
  });
  it('FROM a research graph is fine', async () => {
    const research = `urn:hearth:research:${server.source}`;
    const response = await asResearcher(
      `SELECT (COUNT(*) AS ?n) FROM <${research}> WHERE { ?s a <${HMIS}Client> }`,
    );
    const [row] = await solutions(response);
    expect(Number(row?.n?.value)).toBeGreaterThan(0);
  });
  it('SERVICE anywhere (top level, variable, SILENT, inside FILTER EXISTS or a subquery): 403', async () => {
    for (const text of [
      `SELECT * WHERE { SERVICE <${remote.url}> { ?s ?p ?o } }`,
      'SELECT * WHERE { SERVICE SILENT ?endpoint { ?s ?p ?o } }',
      `SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <${remote.url}> { ?s ?p ?o } } }`,
      `SELECT * WHERE { { SELECT ?s WHERE { SERVICE <${remote.url}> { ?s ?p ?o } } } }`,
      `ASK { OPTIONAL { SERVICE <${BASE}/../sparql> { ?s ?p ?o } } }`,
    ]) {
      expect(await error(await asResearcher(text), 403)).toContain('SERVICE');
    }
  });
  it('a keyword hidden by comments, case or escapes is still parsed, not string-matched', async () => {
    const text = `select * where { # SERVICE is a word in a comment here
      sErViCe <${remote.url}> { ?s ?p ?o } }`;
    await error(await asResearcher(text), 403);
    const harmless = await asResearcher('SELECT ?x WHERE { BIND("SERVICE <http://x> FROM <y>" AS ?x) }');
    expect(harmless.status).toBe(200);
  });
  it('no UPDATE, not even through the query endpoint', async () => {
    await error(await asResearcher('DROP ALL'), 400);
  });
});

describe('everyone else is refused SPARQL by the policy', () => {
  for (const name of ['scopedResearcher', 'caseworker', 'integrator', 'health']) {
    it(`${name}: 403 at /sparql and /sparql/research`, async () => {
      for (const path of ['/sparql', '/sparql/research']) {
        const response = await query(server.app, path, 'ASK { ?s ?p ?o }', { token: tokens[name] });
        await error(response, 403);
      }
    });
  }
});

describe('federation for admins', () => {
  it('SERVICE joins a remote endpoint with the local records', async () => {
    const text = `PREFIX hmis: <${HMIS}>
SELECT ?label ?projects WHERE {
  SERVICE <${remote.url}> { <urn:remote:a> <urn:remote:label> ?label }
  { SELECT (COUNT(?p) AS ?projects) WHERE { ?p hmis:ProjectType ?t } }
}`;
    const response = await query(server.app, '/sparql', text);
    expect(response.status).toBe(200);
    const [row] = await solutions(response);
    const local = (readCsvFolder(DEMO_DIR).get('Project') ?? []).filter((p) => p.ProjectType !== '').length;
    expect(row?.label?.value).toBe('remote answer');
    expect(Number(row?.projects?.value)).toBe(local);
  });
  it('an unreachable endpoint: 400 saying the federated query failed; SERVICE SILENT: no rows', async () => {
    const dead = 'http://127.0.0.1:9/sparql';
    const response = await query(server.app, '/sparql', `SELECT * WHERE { SERVICE <${dead}> { ?s ?p ?o } }`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('federated query failed');
    const silent = await query(
      server.app,
      '/sparql',
      `SELECT * WHERE { SERVICE SILENT <${dead}> { ?s ?p ?o } }`,
    );
    expect(silent.status).toBe(200);
    expect(await solutions(silent)).toHaveLength(1);
  });
  it('in CSV as well', async () => {
    const response = await query(
      server.app,
      '/sparql',
      `SELECT ?l WHERE { SERVICE <${remote.url}> { ?s <urn:remote:label> ?l } } ORDER BY ?l`,
      {
        accept: 'text/csv',
      },
    );
    expect((await response.text()).trim().split(/\r?\n/)).toEqual(['l', 'remote answer', 'second']);
  });
});

describe('the audit log records SPARQL without the query text', () => {
  it('names principal, route and outcome; never the query', async () => {
    await asResearcher('SELECT ?x WHERE { BIND("audit-probe-Zebulon" AS ?x) }');
    await server.audit.flush();
    const fs = await import('node:fs');
    const lines = fs.readFileSync(`${server.dir}/audit.jsonl`, 'utf8');
    expect(lines).toContain('"route":"POST /sparql"');
    expect(lines).toContain('"denied"');
    expect(lines).not.toContain('Zebulon');
  });
});
