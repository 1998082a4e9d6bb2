/**
 * The HUD HMIS API and its access control on both backends (demo data): every read route, for
 * every role (a caseworker scoped to one project among them), for a client inside and one outside
 * the scope, answers the same status and the same body over Virtuoso as over the embedded store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { boundQuery } from '../../src/api/hmis-api/common.ts';
import { initialsNear, NameQuery, spellingIndex } from '../../src/api/hmis-api/name-match.ts';
import { importHmisCsv } from '../../src/ingest/import.ts';
import { table } from '../../src/model/index.ts';
import { iri, literal } from '../../src/query/bind.ts';
import { solutionsOf } from '../../src/query/results.ts';
import { graphIri } from '../../src/rdf/iris.ts';
import { ResearchIndex } from '../../src/research/research-index.ts';
import { AuditLog } from '../../src/security/audit.ts';
import type { EmbeddedStore } from '../../src/store/embedded-store.ts';
import { SparqlHttpStore } from '../../src/store/sparql-http-store.ts';
import { tempDir } from '../helpers/exports.ts';
import { ClientPlans, PLAN_CASES } from '../hmis-api/client-plans.ts';
import { type CsvRow, call, DEMO_DIR, json, NEW_CLIENT, readCsvFolder } from '../hmis-api/helpers.ts';
import { ADMIN_TOKEN, BASE, openSparqlServer, type SparqlServer } from './helpers.ts';
import { startVirtuoso, type Virtuoso } from './virtuoso.ts';

let virtuoso: Virtuoso;
let embedded: SparqlServer;
let remote: SparqlHttpStore;
let research: ResearchIndex;
let remoteApp: ReturnType<typeof createApp>;
const tokens: Record<string, string> = {};
let inside: CsvRow;
let outside: CsvRow;
let projectA: string;
let projectB: string;
let cocCode: string;

beforeAll(async () => {
  [virtuoso, embedded] = await Promise.all([startVirtuoso(), openSparqlServer(DEMO_DIR)]);
  remote = await SparqlHttpStore.open({ store: virtuoso.store, baseIri: BASE, pollMs: 0 });
  await importHmisCsv(remote.log, DEMO_DIR);
  research = await ResearchIndex.open(remote);
  const dir = tempDir('hearth-remote-api-');
  const config = { dataDir: dir, baseIri: BASE, port: 0, maxQuads: undefined };
  // One users file for both apps, so each token means the same principal on both backends.
  const store = remote as unknown as EmbeddedStore;
  remoteApp = createApp({
    store,
    config,
    adminToken: ADMIN_TOKEN,
    users: embedded.users,
    audit: new AuditLog(dir),
    research,
  });
  const csv = readCsvFolder(DEMO_DIR);
  const enrollments = csv.get('Enrollment') ?? [];
  projectA = enrollments[0]?.ProjectID ?? '';
  projectB = enrollments.find((e) => e.ProjectID !== projectA)?.ProjectID ?? '';
  const inA = new Set(enrollments.filter((e) => e.ProjectID === projectA).map((e) => e.PersonalID));
  cocCode = csv.get('ProjectCoC')?.[0]?.CoCCode ?? '';
  const clients = csv.get('Client') ?? [];
  inside = clients.find((c) => inA.has(c.PersonalID)) as CsvRow;
  outside = clients.find((c) => !inA.has(c.PersonalID)) as CsvRow;
  tokens.admin = ADMIN_TOKEN;
  tokens.caseworker = await embedded.users.add('case-a', 'caseworker', { projects: [projectA] });
  tokens.integrator = await embedded.users.add('integrator', 'integrator');
  tokens.scopedIntegrator = await embedded.users.add('integrator-a', 'integrator', { projects: [projectA] });
  tokens.researcher = await embedded.users.add('researcher', 'researcher');
  tokens.health = await embedded.users.add('health', 'health-system');
}, 120_000);
afterAll(async () => {
  await research?.close();
  await remote?.close();
  await embedded?.close();
  await virtuoso?.stop();
});

const urls = () => [
  '/projects',
  `/projects?CocCode=${cocCode}`, // a string constant in the query (see the test below)
  '/clients',
  `/clients?ProjectID=${projectA}`, // an unknown parameter: the same 400 on both
  `/project/${projectA}/clients`,
  `/project/${projectB}/clients`,
  ...[inside, outside].flatMap((c) => [
    `/client/${c.PersonalID}`,
    `/client/${c.PersonalID}/enrollments`,
    `/client/${c.PersonalID}/services`,
    `/client/${c.PersonalID}/changes?since=2000-01-01`,
  ]),
  '/changes?since=2000-01-01',
  '/client/no-such-client',
];

describe('every read route, every role: the same answer on both backends', () => {
  for (const role of ['admin', 'caseworker', 'integrator', 'scopedIntegrator', 'researcher', 'health']) {
    it(role, async () => {
      const statuses = new Set<number>();
      for (const url of urls()) {
        const token = tokens[role] as string;
        const [a, b] = await Promise.all([
          call(embedded.app, 'GET', url, { token }),
          call(remoteApp, 'GET', url, { token }),
        ]);
        expect(b.status, `${role} ${url}`).toBe(a.status);
        statuses.add(a.status);
        const [ta, tb] = await Promise.all([a.text(), b.text()]);
        expect(tb, `${role} ${url}`).toBe(ta);
      }
      // The comparison covers both sides of the policy: answers, hidden records and refusals.
      const expected: Record<string, number[]> = {
        admin: [200, 400, 404],
        caseworker: [200, 400, 404],
        integrator: [200, 400, 404],
        scopedIntegrator: [200, 400, 404],
        researcher: [403],
        health: [403],
      };
      expect([...statuses].sort()).toEqual(expected[role]);
    }, 60_000);
  }
  it('the scoped caseworker sees the inside client and not the outside one, on both', async () => {
    for (const app of [embedded.app, remoteApp]) {
      expect(
        (await call(app, 'GET', `/client/${inside.PersonalID}`, { token: tokens.caseworker })).status,
      ).toBe(200);
      expect(
        (await call(app, 'GET', `/client/${outside.PersonalID}`, { token: tokens.caseworker })).status,
      ).toBe(404);
    }
  });
  it('a string constant finds its records on Virtuoso too (strings are stored as simple literals)', async () => {
    const response = await call(remoteApp, 'GET', `/projects?CocCode=${cocCode}`);
    expect(response.status).toBe(200);
    expect((await json<{ projects: unknown[] }>(response)).projects.length).toBeGreaterThan(0);
  });
  it('client search (criteria in the body) answers the same, on every criterion', async () => {
    const last = inside.LastName ?? '';
    const bodies = [
      { LastName: last.slice(0, 3) },
      { LastName: `${last.slice(0, -1)}x`, FirstName: inside.FirstName },
      { PersonalID: inside.PersonalID },
      { SSN: inside.SSN?.slice(-4), DOB: inside.DOB?.slice(0, 4) },
      { DOB: inside.DOB, LastName: last },
    ];
    for (const body of bodies)
      for (const role of ['admin', 'caseworker']) {
        const token = tokens[role] as string;
        const [a, b] = await Promise.all([
          call(embedded.app, 'POST', '/client/search', { token, body }),
          call(remoteApp, 'POST', '/client/search', { token, body }),
        ]);
        expect(a.status).toBe(200);
        expect(b.status).toBe(a.status);
        const [embeddedText, remoteText] = [await a.text(), await b.text()];
        if (role === 'admin') expect(embeddedText, JSON.stringify(body)).toContain(`"${inside.PersonalID}"`);
        expect(remoteText, JSON.stringify(body)).toBe(embeddedText);
      }
  });
  it('the initials scan (a search past its budget of spellings) finds the same clients on Virtuoso', async () => {
    const state = embedded.store.records.source(embedded.source);
    if (!state) throw new Error('no source');
    const name = new NameQuery((inside.LastName ?? '').slice(0, 1));
    const query = boundQuery('client-search', {
      graph: iri(graphIri(BASE, embedded.source)),
      lastInitials: initialsNear(spellingIndex(state, 'LastName'), name).map((value) => literal(value)),
    });
    const clients = async (store: { query: EmbeddedStore['query'] }) =>
      solutionsOf((await store.query(query, { accept: 'application/sparql-results+json' })).body)
        .map((solution) => solution.client?.value)
        .sort();
    const onEmbedded = await clients(embedded.store);
    expect(onEmbedded.length).toBeGreaterThan(0);
    expect(await clients(remote)).toEqual(onEmbedded);
  });
});

// The demo data is too small for GET /clients to walk client windows; their query runs here on
// Virtuoso directly, against the one query from the projects and against the embedded store.
describe('GET /clients: the client-window query on Virtuoso', () => {
  it.each(PLAN_CASES)('%o', async (filters) => {
    const source = embedded.source;
    const [onVirtuoso, embeddedAnswer] = [
      new ClientPlans(remote, BASE, source),
      new ClientPlans(embedded.store, BASE, source),
    ];
    const whole = await onVirtuoso.whole(filters);
    expect(await onVirtuoso.inWindows(filters, 7)).toEqual(whole);
    expect(whole).toEqual(await embeddedAnswer.whole(filters));
  });
});

describe('writes through the HMIS API on the remote backend', () => {
  const client = { ...NEW_CLIENT, FirstName: 'Remote', DOB: '1991-05-02' };
  it('POST /client lands on the server: another process reads it after a catch-up; a bad one is a 422', async () => {
    const created = await call(remoteApp, 'POST', '/client', { body: client });
    expect(created.status).toBe(201);
    const { PersonalID } = (await created.json()) as { PersonalID: string };
    const other = await SparqlHttpStore.open({ store: virtuoso.store, baseIri: BASE, pollMs: 0 });
    try {
      const [source] = [...other.records.sources.keys()];
      expect(other.records.source(source ?? '')?.get('Client', PersonalID)).toBeDefined();
    } finally {
      await other.close();
    }
    const refused = await call(remoteApp, 'POST', '/client', { body: { ...client, VeteranStatus: 7 } });
    expect(refused.status).toBe(422);
  });

  it('PATCHes of one client from two servers at once both land: a commit that loses the race is computed again', async () => {
    const created = await call(remoteApp, 'POST', '/client', { body: { ...client, FirstName: 'Racer' } });
    const { PersonalID } = (await created.json()) as { PersonalID: string };
    const other = await SparqlHttpStore.open({ store: virtuoso.store, baseIri: BASE, pollMs: 0 });
    const dir = tempDir('hearth-remote-api-other-');
    const config = { dataDir: dir, baseIri: BASE, port: 0, maxQuads: undefined };
    const audit = new AuditLog(dir);
    const otherApp = createApp({
      store: other as unknown as EmbeddedStore,
      config,
      adminToken: ADMIN_TOKEN,
      users: embedded.users,
      audit,
    });
    try {
      const answers = await Promise.all([
        call(remoteApp, 'PATCH', `/client/${PersonalID}`, { body: { MiddleName: 'FromOne' } }),
        call(otherApp, 'PATCH', `/client/${PersonalID}`, { body: { NameSuffix: 'FromTwo' } }),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      const reader = await SparqlHttpStore.open({ store: virtuoso.store, baseIri: BASE, pollMs: 0 });
      try {
        const [source] = [...reader.records.sources.keys()];
        const row = reader.records.source(source ?? '')?.get('Client', PersonalID) ?? [];
        const column = (name: string) => row[table('Client').fields.findIndex((f) => f.name === name)];
        expect([column('MiddleName'), column('NameSuffix')]).toEqual(['FromOne', 'FromTwo']);
      } finally {
        await reader.close();
      }
    } finally {
      await audit.close();
      await other.close();
    }
  });
});
