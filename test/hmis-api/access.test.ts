/**
 * Access control on the HMIS API (demo data): the Reference Guide's example byte for byte, scoped
 * lists, 404s for hidden records identical to 404s for absent ones, a roles × routes matrix, and
 * an audit log free of PII.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HMIS_API_ROUTES } from '../../src/api/hmis-api/routes.ts';
import type { Role } from '../../src/security/principal.ts';
import { asJson, Expect } from './expect.ts';
import {
  type CsvRow,
  call,
  closeServer,
  DEMO_DIR,
  json,
  openServer,
  readCsvFolder,
  type Server,
} from './helpers.ts';

type Item = Record<string, unknown>;
let server: Server;
let x: Expect;
let tokens: Record<string, string>;
/** Project A, a client enrolled in A and in another project B, and a client never in A. */
let A: string;
let B: string;
let both: CsvRow;
let outside: CsvRow;

beforeAll(async () => {
  server = await openServer(DEMO_DIR);
  x = new Expect(readCsvFolder(DEMO_DIR));
  const projectsOf = (pid: string) =>
    new Set(x.enrollments.filter((e) => e.PersonalID === pid).map((e) => e.ProjectID));
  both = [...x.clients.values()].find((c) => projectsOf(c.PersonalID ?? '').size >= 2) as CsvRow;
  [A = '', B = ''] = [...projectsOf(both.PersonalID ?? '')] as string[];
  outside = [...x.clients.values()].find((c) => !projectsOf(c.PersonalID ?? '').has(A)) as CsvRow;
  tokens = {
    caseworker: await server.users.add('case-a', 'caseworker', { projects: [A] }),
    integrator: await server.users.add('integrator', 'integrator'),
    researcher: await server.users.add('researcher', 'researcher'),
    'health-system': await server.users.add('health', 'health-system'),
  };
}, 60_000);
afterAll(async () => {
  await closeServer(server);
});

const asCaseworker = (method: string, url: string, body?: unknown) =>
  call(server.app, method, url, { token: tokens.caseworker, body });

describe('the Reference Guide example: a client in projects A and B, a user with A', () => {
  it('GET /client/{PersonalID} shows the Project A enrollment only, byte for byte', async () => {
    const response = await asCaseworker('GET', `/client/${both.PersonalID}`);
    expect(response.status).toBe(200);
    const enrollments = x.enrollments
      .filter((e) => e.PersonalID === both.PersonalID && e.ProjectID === A)
      .sort((a, b) => `${a.EntryDate}${a.EnrollmentID}`.localeCompare(`${b.EntryDate}${b.EnrollmentID}`))
      .map((e) => ({
        EnrollmentID: e.EnrollmentID,
        ProjectID: A,
        ProjectName: x.projects.get(A)?.ProjectName,
        EntryDate: e.EntryDate,
        ExitDate: x.exits.get(e.EnrollmentID ?? '') ?? null,
      }));
    expect(await response.text()).toBe(JSON.stringify({ ...asJson('Client', both), enrollments }));
  });

  it('no other route lets project B through', async () => {
    const pid = both.PersonalID;
    const bEnrollments = x.enrollments.filter((e) => e.ProjectID === B).map((e) => e.EnrollmentID ?? '');
    for (const url of [
      `/client/${pid}/enrollments`,
      `/client/${pid}/changes?since=2000-01-01`,
      `/client/${pid}/services?limit=1000`,
      '/clients?limit=1000',
      '/changes?since=2000-01-01&limit=1000',
      '/projects',
    ]) {
      const response = await asCaseworker('GET', url);
      expect(response.status, url).toBe(200);
      const text = await response.text();
      expect(text, url).not.toContain(`"ProjectID":"${B}"`);
      for (const id of bEnrollments) expect(text, url).not.toContain(`"${id}"`);
    }
    const clients = (await json<{ clients: Item[] }>(await asCaseworker('GET', '/clients?limit=1000')))
      .clients;
    const inA = new Set(x.enrollments.filter((e) => e.ProjectID === A).map((e) => e.PersonalID));
    expect(new Set(clients.map((c) => c.PersonalID))).toEqual(inA);
    const found = await asCaseworker('POST', '/client/search?limit=1000', { LastName: outside.LastName });
    expect(
      (await json<{ matchedClients: Item[] }>(found)).matchedClients.map((c) => c.PersonalID),
    ).not.toContain(outside.PersonalID);
  });

  it('a hidden client, project or record is a 404 identical to an absent one (body and headers)', async () => {
    const pairs: [string, string, unknown?][][] = [
      [
        ['GET', `/client/${outside.PersonalID}`],
        ['GET', '/client/NO-SUCH-ID'],
      ],
      [
        ['GET', `/client/${outside.PersonalID}/enrollments`],
        ['GET', '/client/NO-SUCH-ID/enrollments'],
      ],
      [
        ['GET', `/client/${outside.PersonalID}/changes`],
        ['GET', '/client/NO-SUCH-ID/changes'],
      ],
      [
        ['GET', `/client/${outside.PersonalID}/services`],
        ['GET', '/client/NO-SUCH-ID/services'],
      ],
      [
        ['PATCH', `/client/${outside.PersonalID}`, { MiddleName: 'X' }],
        ['PATCH', '/client/NO-SUCH-ID', { MiddleName: 'X' }],
      ],
      [
        ['GET', `/project/${B}/clients`],
        ['GET', '/project/NO-SUCH-ID/clients'],
      ],
    ];
    for (const [[m1, u1, b1], [m2, u2, b2]] of pairs) {
      const [hidden, absent] = await Promise.all([asCaseworker(m1, u1, b1), asCaseworker(m2, u2, b2)]);
      expect(hidden.status, u1).toBe(404);
      expect([...hidden.headers]).toEqual([...absent.headers]);
      expect(await hidden.text()).toBe(await absent.text());
    }
  });
});

/** A request each route accepts from an allowed caller (IDs from the demo data). */
function sample(
  method: string,
  path: string,
): { url: string; body?: unknown; rawBody?: BodyInit; headers?: Record<string, string> } {
  const url = path
    .replace('{PersonalID}', both.PersonalID ?? '')
    .replace('{ProjectID}', A)
    .replace('{id}', 'no-such-job');
  if (path === '/client/search') return { url, body: { PersonalID: both.PersonalID } };
  if (path === '/client' && method === 'post') return { url, body: { FirstName: 'Matrix' } };
  if (method === 'patch') return { url, body: { MiddleName: 'M' } };
  if (path === '/imports')
    return { url, rawBody: 'not a zip', headers: { 'Content-Type': 'application/zip' } };
  return { url };
}

describe('roles × routes', () => {
  // The rule: researcher and health-system get no HMIS API access; a project-scoped
  // caseworker cannot export or import (whole-store actions); admin and integrator can do all.
  const allowed: Record<Role | 'none', (path: string) => boolean> = {
    admin: () => true,
    integrator: () => true,
    caseworker: (path) => path !== '/csvexport' && !path.startsWith('/imports'),
    researcher: () => false,
    'health-system': () => false,
    none: () => false,
  };

  it('every route refuses what the role may not do (403), and never without a token (401)', async () => {
    for (const route of HMIS_API_ROUTES) {
      const { url, body, rawBody, headers } = sample(route.method, route.path);
      for (const role of [
        'admin',
        'integrator',
        'caseworker',
        'researcher',
        'health-system',
        'none',
      ] as const) {
        const token = role === 'admin' ? undefined : role === 'none' ? null : tokens[role];
        const response = await call(server.app, route.method.toUpperCase(), url, {
          token,
          body,
          rawBody,
          headers,
        });
        const where = `${role} ${route.method} ${route.path}`;
        if (role === 'none') {
          expect(response.status, where).toBe(401);
          expect(response.headers.get('www-authenticate'), where).toContain('Bearer');
        } else if (allowed[role](route.path)) expect([401, 403], where).not.toContain(response.status);
        else expect(response.status, where).toBe(403);
      }
    }
    const wrong = await call(server.app, 'GET', '/projects', { token: 'hth_not-a-real-token' });
    expect(wrong.status).toBe(401);
  });

  it('record IRIs dereference with content negotiation, under the same scope', async () => {
    const get = (pid: string, token: string | undefined, accept: string) =>
      server.app.request(`/id/${server.source}/client/${encodeURIComponent(pid)}`, {
        headers: {
          Authorization: `Bearer ${token ?? 'test-admin-token-0123456789abcdefghijklmnop'}`,
          Accept: accept,
        },
      });
    const turtle = await get(both.PersonalID ?? '', undefined, 'text/turtle');
    expect(turtle.status).toBe(200);
    expect(await turtle.text()).toContain(
      `<http://hearth.test/id/${server.source}/client/${both.PersonalID}> a hmis:Client`,
    );
    // The record as the API shows it (the matrix above has PATCHed it).
    const { enrollments: _, ...client } = await json(await asCaseworker('GET', `/client/${both.PersonalID}`));
    expect(await json(await get(both.PersonalID ?? '', tokens.caseworker, 'application/json'))).toEqual(
      client,
    );
    const [hidden, absent] = await Promise.all([
      get(outside.PersonalID ?? '', tokens.caseworker, 'application/json'),
      get('NO-SUCH-ID', tokens.caseworker, 'application/json'),
    ]);
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).toBe(await absent.text());
    expect((await get(both.PersonalID ?? '', tokens.researcher, 'text/turtle')).status).toBe(403);
  });

  it('/openapi.json documents every route, and every $ref in it resolves', async () => {
    const document = await json<{ paths: Record<string, Record<string, { operationId: string }>> }>(
      await server.app.request('/openapi.json'),
    );
    for (const route of HMIS_API_ROUTES)
      expect(document.paths[route.path]?.[route.method]?.operationId).toBe(route.operationId);
    const refs = JSON.stringify(document).match(/"\$ref":"#\/components\/schemas\/[^"]+"/g) ?? [];
    const schemas = (document as unknown as { components: { schemas: Record<string, unknown> } }).components
      .schemas;
    for (const ref of refs) expect(schemas).toHaveProperty(ref.slice(29, -1));
  });

  it('the audit log names routes, principals and identifiers, never the searched name', async () => {
    await asCaseworker('POST', '/client/search', {
      FirstName: both.FirstName,
      LastName: both.LastName,
      SSN: both.SSN,
    });
    await server.audit.flush();
    const log = fs.readFileSync(server.audit.file, 'utf8');
    expect(log).toContain('"route":"POST /api/v1/client/search"');
    expect(log).toContain('"principal":"case-a"');
    for (const value of [both.FirstName, both.LastName, both.SSN, both.DOB]) expect(log).not.toContain(value);
  });
});
