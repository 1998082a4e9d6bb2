/**
 * The SPARQL server backend against a real Virtuoso (started on loopback for this file): the same
 * import gives the same records as the embedded store; queries, result formats, SPARQL UPDATE, the
 * research graph and the SPARQL endpoint's access rules behave the same on both backends; several
 * Hearth processes (here: several stores) share the server, see each other's writes and never
 * lose one when they commit at the same time.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { importHmisCsv } from '../../src/ingest/import.ts';
import { fieldIndex, table } from '../../src/model/index.ts';
import { RESEARCH_QUERIES } from '../../src/research/queries.ts';
import { ResearchIndex } from '../../src/research/research-index.ts';
import { AuditLog } from '../../src/security/audit.ts';
import { UserDirectory } from '../../src/security/users.ts';
import type { EmbeddedStore } from '../../src/store/embedded-store.ts';
import type { Operation } from '../../src/store/operations.ts';
import type { RecordState } from '../../src/store/record-state.ts';
import { SparqlHttpStore } from '../../src/store/sparql-http-store.ts';
import { removeTempDirs, tempDir } from '../helpers/exports.ts';
import { shared } from '../helpers/shared.ts';
import { call, DEMO_DIR } from '../hmis-api/helpers.ts';
import { plainRows } from './expected.ts';
import { ADMIN_TOKEN, BASE, openSparqlServer, query, type SparqlServer, solutions } from './helpers.ts';
import { startVirtuoso, type Virtuoso } from './virtuoso.ts';

const HMIS = 'urn:hud:hmis:owl#';
let virtuoso: Virtuoso;
let embedded: SparqlServer;
let remote: SparqlHttpStore;
let source: string;

const open = (pollMs = 0) => SparqlHttpStore.open({ store: virtuoso.store, baseIri: BASE, pollMs });
const rowsOf = (state: RecordState) =>
  new Set([...state.operations()].map((operation) => JSON.stringify(operation)));

beforeAll(async () => {
  [virtuoso, embedded] = await Promise.all([startVirtuoso(), openSparqlServer(DEMO_DIR)]);
  remote = await open();
  const report = await importHmisCsv(remote.log, DEMO_DIR);
  expect(report.applied).toBe(true);
  source = report.source;
}, 120_000);
afterAll(async () => {
  await remote?.close();
  await embedded?.close();
  await virtuoso?.stop();
  removeTempDirs();
});

const both = async (sparql: string, accept = 'application/sparql-results+json', union = true) => {
  const [a, b] = await Promise.all([
    embedded.store.query(sparql, { accept, defaultGraphAsUnion: union }),
    remote.query(sparql, { accept, defaultGraphAsUnion: union }),
  ]);
  return [a, b] as const;
};

describe('the same import, the same records', () => {
  it('every row as the embedded store holds it, and again in a second process reading the server', async () => {
    const expected = rowsOf(embedded.store.records);
    expect(rowsOf(remote.records)).toEqual(expected);
    const second = await open();
    try {
      expect(rowsOf(second.records)).toEqual(expected);
      expect(second.lastCommittedTxId).toBe(remote.lastCommittedTxId);
    } finally {
      await second.close();
    }
  });
});

describe('what the server backend cannot keep', () => {
  it('refuses an HMIS XML import, before reading it, rather than drop what FY2026 has no column for', async () => {
    const { importHmisXml } = await import('../../src/xml/xml-import.ts');
    const before = remote.lastCommittedTxId;
    await expect(
      importHmisXml(remote.log, shared('reference/xml/FY2022/HUD_HMIS_Instance.xml')),
    ).rejects.toThrow(/use the embedded store/);
    expect(remote.lastCommittedTxId).toBe(before);
  });
});

describe('queries answer as on the embedded backend', () => {
  it('the example research queries over the records give equal rows', async () => {
    // Averages are decimals: Virtuoso writes 15 digits where Oxigraph writes 18.
    const rounded = (rows: Record<string, string>[]) =>
      rows.map((r) => ({
        ...r,
        ...(r.averageDays ? { averageDays: Number(r.averageDays).toFixed(9) } : {}),
      }));
    for (const q of RESEARCH_QUERIES) {
      const [a, b] = await both(q.query);
      expect(rounded(plainRows(b.body)), q.name).toEqual(rounded(plainRows(a.body)));
    }
  });
  it('SELECT in JSON, XML, CSV and TSV: byte-equal answers for an ordered query', async () => {
    const sparql = `SELECT ?type (COUNT(?p) AS ?n) WHERE { ?p <${HMIS}ProjectType> ?type } GROUP BY ?type ORDER BY ?type`;
    for (const accept of ['application/sparql-results+json', 'text/csv', 'text/tab-separated-values']) {
      const [a, b] = await both(sparql, accept);
      expect(b.contentType).toBe(a.contentType);
      expect(b.body.trim().split(/\r?\n/), accept).toEqual(a.body.trim().split(/\r?\n/));
    }
    const [, xml] = await both(sparql, 'application/sparql-results+xml');
    expect(xml.body.split('<result>').length - 1).toBe(plainRows((await both(sparql))[1].body).length);
  });
  it('ASK is a boolean (Virtuoso answers an integer binding)', async () => {
    for (const [sparql, answer] of [
      [`ASK { ?p a <${HMIS}Project> }`, true],
      [`ASK { ?p a <${HMIS}Nothing> }`, false],
    ] as const) {
      const [a, b] = await both(sparql);
      expect(JSON.parse(b.body)).toEqual({ head: {}, boolean: answer });
      expect(JSON.parse(a.body).boolean).toBe(answer);
    }
  });
  it('CONSTRUCT: the same triples as N-Triples, Turtle and JSON-LD', async () => {
    const sparql = `CONSTRUCT { ?p <${HMIS}ProjectType> ?t } WHERE { ?p <${HMIS}ProjectType> ?t }`;
    const [a, b] = await both(sparql, 'application/n-triples');
    const lines = (text: string) => text.trim().split('\n').sort();
    expect(lines(b.body)).toEqual(lines(a.body));
    const [, turtle] = await both(sparql, 'text/turtle');
    expect(turtle.body).toContain('ProjectType');
    const [ja, jb] = await both(sparql, 'application/ld+json');
    // @ts-expect-error jsonld ships no type declarations
    const { default: jsonld } = await import('jsonld');
    const count = async (text: string) => ((await jsonld.toRDF(JSON.parse(text))) as unknown[]).length;
    expect(await count(jb.body)).toBe(await count(ja.body));
  });
  it('the journal and row graphs stay out of every answer', async () => {
    const [a, b] = await both('SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }');
    expect(plainRows(b.body)).toEqual(plainRows(a.body));
    const [inEmbedded, inRemote] = await both('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }');
    expect(plainRows(inRemote.body)).toEqual(plainRows(inEmbedded.body));
  });
  it('a malformed query is a syntax error', async () => {
    await expect(remote.query('SELECT ?x WHERE {', { accept: 'application/json' })).rejects.toThrow(
      /refused/,
    );
  });
});

describe('the SPARQL endpoint over the remote backend', () => {
  let app: ReturnType<typeof createApp>;
  let researcher: string;
  let research: ResearchIndex;
  beforeAll(async () => {
    const dir = tempDir('hearth-remote-app-');
    const users = new UserDirectory(dir);
    researcher = await users.add('researcher', 'researcher');
    research = await ResearchIndex.open(remote);
    const config = { dataDir: dir, baseIri: BASE, port: 0, maxQuads: undefined };
    // createApp is typed with the embedded store; the remote one has every member the surfaces use.
    const store = remote as unknown as EmbeddedStore;
    app = createApp({ store, config, adminToken: ADMIN_TOKEN, users, audit: new AuditLog(dir), research });
  });
  afterAll(async () => {
    await research?.close();
  });
  it('admins query the server; researchers the research graph, and the access rules hold', async () => {
    const admin = await solutions(
      await query(app, '/sparql', 'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }'),
    );
    expect(admin.map((b) => b.g?.value)).toEqual([`${BASE}/${source}`]);
    const mine = await solutions(
      await query(app, '/sparql', 'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }', {
        token: researcher,
      }),
    );
    expect(mine.map((b) => b.g?.value)).toEqual([`urn:hearth:research:${source}`]);
    const from = await query(app, '/sparql', `SELECT * FROM <${BASE}/${source}> WHERE { ?s ?p ?o }`, {
      token: researcher,
    });
    expect(from.status).toBe(403);
    const service = await query(
      app,
      '/sparql',
      `SELECT * WHERE { SERVICE <${virtuoso.sparql}> { ?s ?p ?o } }`,
      {
        token: researcher,
      },
    );
    expect(service.status).toBe(403);
  });
  it('the HUD HMIS API answers the same on both backends (projects, a client, its enrollments)', async () => {
    const client = [...(remote.records.source(source)?.table('Client').rows.keys() ?? [])][3] ?? '';
    for (const url of ['/projects', `/client/${client}`, `/client/${client}/enrollments`]) {
      const [a, b] = await Promise.all([call(embedded.app, 'GET', url), call(app, 'GET', url)]);
      expect(b.status, url).toBe(200);
      expect(await b.json(), url).toEqual(await a.json());
    }
  });
  it('a server that stops answering is a 503 for admins, not a 500; researchers are unaffected', async () => {
    const down = await SparqlHttpStore.open({ store: virtuoso.store, baseIri: BASE, pollMs: 0 });
    (down.client.endpoints as { query: string }).query = 'http://127.0.0.1:9/sparql';
    const dir = tempDir('hearth-remote-down-');
    const config = { dataDir: dir, baseIri: BASE, port: 0, maxQuads: undefined };
    const store = down as unknown as EmbeddedStore;
    const broken = createApp({
      store,
      config,
      adminToken: ADMIN_TOKEN,
      users: new UserDirectory(dir),
      audit: new AuditLog(dir),
      research,
    });
    const response = await query(broken, '/sparql', 'ASK { ?s ?p ?o }');
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('SPARQL server');
    expect((await query(broken, '/sparql/research', 'ASK { ?s ?p ?o }')).status).toBe(200);
    await down.close();
  });
  it('the research queries answer the same as on the embedded backend', async () => {
    for (const q of RESEARCH_QUERIES) {
      const [a, b] = await Promise.all([
        query(embedded.app, '/sparql/research', q.query),
        query(app, '/sparql/research', q.query),
      ]);
      expect(await solutions(b), q.name).toEqual(await solutions(a));
    }
  });
});

describe('a server behind HTTP Basic authentication (Fuseki and GraphDB are usually set up so)', () => {
  /** A reverse proxy that demands Basic credentials and forwards to Virtuoso, like nginx would. */
  async function basicAuthProxy(expected: string): Promise<{ port: number; close(): Promise<void> }> {
    const target = new URL(virtuoso.sparql);
    const server = http.createServer((request, response) => {
      if (request.headers.authorization !== `Basic ${Buffer.from(expected).toString('base64')}`) {
        response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="sparql"' }).end();
        return;
      }
      const forward = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: request.url,
          method: request.method,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      request.pipe(forward);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      port: (server.address() as AddressInfo).port,
      close: () => new Promise((done) => server.close(() => done())),
    };
  }
  it('sends the user info of HEARTH_STORE as Basic credentials; wrong ones are a clear error', async () => {
    const proxy = await basicAuthProxy('hearth:s3cret');
    try {
      const behind = await SparqlHttpStore.open({
        store: `sparql+http://hearth:s3cret@127.0.0.1:${proxy.port}/sparql`,
        baseIri: BASE,
        pollMs: 0,
      });
      await remote.sync();
      expect(rowsOf(behind.records)).toEqual(rowsOf(remote.records));
      await behind.close();
      await expect(
        SparqlHttpStore.open({
          store: `sparql+http://hearth:wrong@127.0.0.1:${proxy.port}/sparql`,
          baseIri: BASE,
        }),
      ).rejects.toThrow(/refused Hearth's credentials \(401\)/);
    } finally {
      await proxy.close();
    }
  });
});

describe('writes', () => {
  it('SPARQL UPDATE through the model: the same change on both backends', async () => {
    const project = [...(remote.records.source(source)?.table('Project').rows.values() ?? [])][0] ?? [];
    const iri = `${BASE}/${source}/project/${project[0]}`;
    const update = `PREFIX hmis: <${HMIS}>
DELETE { GRAPH <${BASE}/${source}> { <${iri}> hmis:ProjectName ?n } }
INSERT { GRAPH <${BASE}/${source}> { <${iri}> hmis:ProjectName "Renamed on both" } }
WHERE { GRAPH <${BASE}/${source}> { <${iri}> hmis:ProjectName ?n } }`;
    const [a, b] = await Promise.all([embedded.store.update(update), remote.update(update)]);
    expect(b.records).toBe(a.records);
    expect(rowsOf(remote.records)).toEqual(rowsOf(embedded.store.records));
    const [, named] = await both(`SELECT ?n WHERE { <${iri}> <${HMIS}ProjectName> ?n }`);
    expect(plainRows(named.body)).toEqual([{ n: 'Renamed on both' }]);
  });
  it('another process sees a write at its next catch-up; its research graph follows', async () => {
    const other = await open();
    const research = await ResearchIndex.open(other);
    try {
      const client = [...(remote.records.source(source)?.table('Client').rows.values() ?? [])][0] ?? [];
      const row = [...client];
      row[fieldIndex(table('Client'), 'VeteranStatus')] =
        client[fieldIndex(table('Client'), 'VeteranStatus')] === '1' ? '0' : '1';
      await remote.commitValidated([{ op: 'put', source, table: 'Client', row }]);
      expect(other.records.source(source)?.get('Client', row[0] ?? '')).toEqual(client);
      await other.sync();
      expect(other.records.source(source)?.get('Client', row[0] ?? '')).toEqual(row);
      const iri = research.deidentifier.recordIri(source, table('Client'), row[0] ?? '');
      const answer = await research.query(`SELECT ?v WHERE { <${iri}> <${HMIS}VeteranStatus> ?v }`, {
        accept: 'application/json',
      });
      expect(plainRows(answer.body)).toEqual([{ v: row[fieldIndex(table('Client'), 'VeteranStatus')] }]);
      // A changed link (an enrollment moved to another project) leaves no stale link behind.
      const projects = [...(remote.records.source(source)?.table('Project').rows.keys() ?? [])];
      const enrollment =
        [...(remote.records.source(source)?.table('Enrollment').rows.values() ?? [])][0] ?? [];
      const moved = [...enrollment];
      const projectColumn = fieldIndex(table('Enrollment'), 'ProjectID');
      moved[projectColumn] = projects.find((p) => p !== enrollment[projectColumn]) ?? '';
      await remote.commit([{ op: 'put', source, table: 'Enrollment', row: moved }]);
      await other.sync();
      const fresh = await ResearchIndex.open(other);
      try {
        const all = 'SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }';
        const dump = async (index: ResearchIndex) =>
          new Set((await index.query(all, { accept: 'text/tab-separated-values' })).body.split('\n'));
        const [kept, rebuilt] = await Promise.all([dump(research), dump(fresh)]);
        expect([...kept].filter((q) => !rebuilt.has(q))).toEqual([]);
        expect(kept.size).toBe(rebuilt.size);
      } finally {
        await fresh.close();
      }
    } finally {
      await research.close();
      await other.close();
    }
  });
  it('processes committing at the same time: every commit lands once, in one order, nothing lost', async () => {
    const [a, b] = [await open(), await open()];
    try {
      const clients = [...(remote.records.source(source)?.table('Client').rows.values() ?? [])].slice(0, 6);
      const yearColumn = fieldIndex(table('Client'), 'YearEnteredService');
      const write = (client: readonly string[], year: number): Operation[] => {
        const row = [...client];
        row[yearColumn] = String(year);
        return [{ op: 'put', source, table: 'Client', row }];
      };
      const start = remote.lastCommittedTxId;
      const ids = await Promise.all(
        clients.flatMap((client, i) => [
          a.commit(write(client, 1990 + i)),
          b.commit(write(client, 2000 + i)),
        ]),
      );
      expect(new Set(ids).size).toBe(ids.length);
      expect(Math.max(...ids)).toBe(start + ids.length);
      await Promise.all([a.sync(), b.sync(), remote.sync()]);
      expect(rowsOf(a.records)).toEqual(rowsOf(b.records));
      expect(rowsOf(remote.records)).toEqual(rowsOf(a.records));
      // Each client holds the value of whichever commit came last, the same everywhere.
      const fresh = await open();
      expect(rowsOf(fresh.records)).toEqual(rowsOf(a.records));
      await fresh.close();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 120_000);
  it('an invalid write is refused whole and nothing reaches the server', async () => {
    await remote.sync();
    const before = remote.lastCommittedTxId;
    const client = [...(remote.records.source(source)?.table('Client').rows.values() ?? [])][0] ?? [];
    const row = [...client];
    row[fieldIndex(table('Client'), 'VeteranStatus')] = '7777';
    await expect(remote.commitValidated([{ op: 'put', source, table: 'Client', row }])).rejects.toThrow();
    const fresh = await open();
    expect(fresh.lastCommittedTxId).toBe(before);
    await fresh.close();
  });
});
