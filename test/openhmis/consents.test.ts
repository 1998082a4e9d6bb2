/**
 * Consent to share, end to end: a caseworker records a client's consent (pending), an admin
 * approves or denies it, and users of the named organizations or CoCs then see the shared fields of
 * that client — through OpenHMIS and through the HUD HMIS API (/api/v1), since both ask the one
 * policy — and nothing else; pending and denied consents do nothing; a withheld field stays closed;
 * revoking narrows again; consents survive a restart and a torn write.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldIndex, table } from '../../src/model/index.ts';
import { CONSENTS_FILE, type Consent, ConsentBook } from '../../src/security/consent.ts';
import { call } from '../hmis-api/helpers.ts';
import { closeSeedServer, openSeedServer, type SeedServer } from './fixture.ts';
import { type Json, jsonOf, request } from './helpers.ts';

let server: SeedServer;
/** cw-a works in project P-A (ORG-A, CoC XX-500); cw-b in ORG-B (P-B, XX-500); cw-c in P-C (ORG-C, XX-501). */
const token: Record<string, string> = {};

beforeAll(async () => {
  server = await openSeedServer();
  token.a = await server.users.add('cw-a', 'caseworker', { projects: ['P-A'] });
  token.b = await server.users.add('cw-b', 'caseworker', { orgs: ['ORG-B'] });
  token.c = await server.users.add('cw-c', 'caseworker', { projects: ['P-C'] });
}, 60_000);
afterAll(async () => closeSeedServer(server));

const CLIENT = 'C-B1'; // enrolled in P-B only
const openhmisClient = (who: string) =>
  request(server.app, 'GET', `/clients/${CLIENT}`, { token: token[who] });
const hmisClient = (who: string) => call(server.app, 'GET', `/client/${CLIENT}`, { token: token[who] });

async function consent(who: string | null, body: unknown, method = 'POST', id = ''): Promise<Json> {
  const response = await request(server.app, method, `/consents${id ? `/${id}` : ''}`, {
    body,
    ...(who ? { token: token[who] } : {}),
  });
  return { status: response.status, body: await response.json() };
}

let shareWithOrgA = '';

describe('before and while pending', () => {
  it('a client outside the scope is a 404 on both surfaces', async () => {
    expect((await openhmisClient('a')).status).toBe(404);
    expect((await hmisClient('a')).status).toBe(404);
    expect((await openhmisClient('b')).status).toBe(200);
  });

  it('a caseworker records the consent: pending, and no effect', async () => {
    const created = await consent('b', {
      clientId: CLIENT,
      organizationIds: ['ORG-A'],
      fields: { firstName: 0, lastName: 0, dob: 0, ssn: 1 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.data.item).toMatchObject({
      approvalStatus: 0,
      submitterId: 'cw-b',
      dateProcessed: null,
    });
    shareWithOrgA = created.body.data.item.id;
    expect((await openhmisClient('a')).status).toBe(404);
    expect((await hmisClient('a')).status).toBe(404);
  });

  it('only an administrator approves or denies (ACCESS_DENIED otherwise)', async () => {
    const approve = await consent('b', { approvalStatus: 1 }, 'PUT', shareWithOrgA);
    expect(approve.status).toBe(403);
    expect(approve.body.error.code).toBe('ACCESS_DENIED');
    const direct = await consent('b', { clientId: CLIENT, organizationIds: ['ORG-A'], approvalStatus: 1 });
    expect(direct.status).toBe(403);
    expect(direct.body.error.code).toBe('ACCESS_DENIED');
    // …and a caller outside the client's scope cannot record a consent for it at all.
    const stranger = await consent('a', { clientId: CLIENT, organizationIds: ['ORG-A'], fields: { ssn: 0 } });
    expect(stranger.status).toBe(404);
    expect(stranger.body.error.code).toBe('RECORD_NOT_FOUND');
  });

  it('a denied consent has no effect', async () => {
    const denied = await consent(null, { approvalStatus: 2 }, 'PUT', shareWithOrgA);
    expect(denied.body.data.item).toMatchObject({ approvalStatus: 2, dateProcessed: expect.any(String) });
    expect((await openhmisClient('a')).status).toBe(404);
  });
});

describe('approved', () => {
  it('shows users of the named organization the shared fields only, on OpenHMIS', async () => {
    const approved = await consent(null, { approvalStatus: 1 }, 'PUT', shareWithOrgA);
    expect(approved.status).toBe(200);
    const response = await openhmisClient('a');
    expect(response.status).toBe(200);
    const item = (await jsonOf(response)).data.item;
    expect(item).toEqual({
      personalId: CLIENT,
      firstName: 'Jamie',
      lastName: 'Elsewhere',
      nameDataQuality: 1,
      dob: '1985-07-09',
      dobDataQuality: 1,
    });
  });

  it('…and on the HUD HMIS API, with nothing under the client', async () => {
    const response = await hmisClient('a');
    expect(response.status).toBe(200);
    const body: Json = await response.json();
    expect(body).toMatchObject({
      PersonalID: CLIENT,
      FirstName: 'Jamie',
      LastName: 'Elsewhere',
      DOB: '1985-07-09',
    });
    // Withheld and unshared columns are absent, not null (no placeholder hints at hidden data).
    expect(body).not.toHaveProperty('SSN');
    expect(body).not.toHaveProperty('VeteranStatus');
    expect(body.enrollments).toEqual([]);
  });

  it('…where search finds the client by shared fields only, and shows only those', async () => {
    const search = (criteria: Record<string, string>) =>
      call(server.app, 'POST', '/client/search', { token: token.a, body: criteria }).then(
        (r) => r.json() as Promise<{ matchedClients: Json[] }>,
      );
    const byName = await search({ LastName: 'Elsewhere', FirstName: 'Jamie' });
    expect(byName.matchedClients.map((c) => c.PersonalID)).toEqual([CLIENT]);
    expect(byName.matchedClients[0]).toMatchObject({ score: 1, DOB: '1985-07-09' });
    expect(byName.matchedClients[0]).not.toHaveProperty('SSN');
    const stored = server.store.records.source(server.source)?.get('Client', CLIENT) ?? [];
    const ssn = stored[fieldIndex(table('Client'), 'SSN')] ?? '';
    expect(ssn).toMatch(/^\d{9}$/);
    expect((await search({ SSN: ssn.slice(-4) })).matchedClients).toEqual([]);
    // cw-c's organization is not named by the consent.
    const other = await call(server.app, 'POST', '/client/search', {
      token: token.c,
      body: { LastName: 'Elsewhere' },
    });
    expect(((await other.json()) as { matchedClients: Json[] }).matchedClients).toEqual([]);
  });

  it('search finds the client by shared fields, never by withheld ones', async () => {
    const byName: Json = await jsonOf(
      await request(server.app, 'GET', '/clients?lastName=Else*', { token: token.a }),
    );
    expect(byName.data.items.map((c: Json) => c.personalId)).toEqual([CLIENT]);
    const bySsn: Json = await jsonOf(
      await request(server.app, 'GET', '/clients?ssn=*0000', { token: token.a }),
    );
    expect(bySsn.data.items).toEqual([]);
  });

  it('shows, it does not let edit, and it does not open the enrollments', async () => {
    const put = await request(server.app, 'PUT', `/clients/${CLIENT}`, {
      token: token.a,
      body: { firstName: 'X' },
    });
    expect(put.status).toBe(404);
    expect((await request(server.app, 'GET', '/enrollments/E-B1', { token: token.a })).status).toBe(404);
    const list: Json = await jsonOf(await request(server.app, 'GET', '/enrollments', { token: token.a }));
    expect(list.data.items.map((e: Json) => e.enrollmentId)).not.toContain('E-B1');
    // The consents list is for clients one may write: cw-a does not see C-B1's.
    const consents: Json = await jsonOf(await request(server.app, 'GET', '/consents', { token: token.a }));
    expect(consents.data.items).toEqual([]);
    const own: Json = await jsonOf(
      await request(server.app, 'GET', `/consents?clientId=${CLIENT}`, { token: token.b }),
    );
    expect(own.data.items.map((c: Json) => c.id)).toEqual([shareWithOrgA]);
  });

  it('does not reach other organizations, until a consent names their CoC', async () => {
    expect((await openhmisClient('c')).status).toBe(404);
    const byCoc = await consent('b', { clientId: CLIENT, cocIds: ['XX-501'], fields: { veteranStatus: 0 } });
    expect(byCoc.status).toBe(201);
    expect((await openhmisClient('c')).status).toBe(404); // pending
    await consent(null, { approvalStatus: 1 }, 'PUT', byCoc.body.data.item.id);
    const item = (await jsonOf(await openhmisClient('c'))).data.item;
    expect(item).toEqual({ personalId: CLIENT, veteranStatus: 1 });
  });

  it('a field one applicable consent withholds stays closed', async () => {
    const narrower = await consent(null, {
      clientId: CLIENT,
      organizationIds: ['ORG-A'],
      fields: { firstName: 1 },
      approvalStatus: 1,
    });
    expect(narrower.status).toBe(201);
    const item = (await jsonOf(await openhmisClient('a'))).data.item;
    expect(item).not.toHaveProperty('firstName');
    expect(item.lastName).toBe('Elsewhere');
    expect((await request(server.app, 'DELETE', `/consents/${narrower.body.data.item.id}`)).status).toBe(200);
    expect((await jsonOf(await openhmisClient('a'))).data.item.firstName).toBe('Jamie');
  });
});

describe('revoked', () => {
  it('DELETE answers true and narrows again on every surface; the record is kept on disk', async () => {
    const response = await request(server.app, 'DELETE', `/consents/${shareWithOrgA}`, { token: token.b });
    expect(response.status).toBe(200);
    expect(await response.json()).toBe(true);
    expect((await openhmisClient('a')).status).toBe(404);
    expect((await hmisClient('a')).status).toBe(404);
    expect((await request(server.app, 'GET', `/consents/${shareWithOrgA}`)).status).toBe(404);
    const lines = fs.readFileSync(path.join(server.dir, CONSENTS_FILE), 'utf8').trim().split('\n');
    const versions = lines.map((l) => JSON.parse(l)).filter((c) => c.consentId === shareWithOrgA);
    expect(versions.map((c) => c.approvalStatus)).toEqual([0, 2, 1, 1]);
    expect(versions.at(-1).dateDeleted).toEqual(expect.any(String));
  });

  it('an admin revokes by denying, too', async () => {
    const again = await consent(null, {
      clientId: CLIENT,
      organizationIds: ['ORG-A'],
      fields: { dob: 0 },
      approvalStatus: 1,
    });
    expect((await openhmisClient('a')).status).toBe(200);
    await consent(null, { approvalStatus: 2 }, 'PUT', again.body.data.item.id);
    expect((await openhmisClient('a')).status).toBe(404);
  });
});

describe('concurrent changes', () => {
  it('an approval racing a revocation cannot bring the revoked consent back', async () => {
    const created = await consent('b', { clientId: CLIENT, organizationIds: ['ORG-A'], fields: { dob: 0 } });
    const id = created.body.data.item.id;
    const [approved, revoked] = await Promise.all([
      request(server.app, 'PUT', `/consents/${id}`, { body: { approvalStatus: 1 } }),
      request(server.app, 'DELETE', `/consents/${id}`, { token: token.b }),
    ]);
    // Whichever ran first, the consent ends revoked: an approval after the revocation is a 404,
    // one before it is revoked with the rest.
    expect(revoked.status).toBe(200);
    expect([200, 404]).toContain(approved.status);
    expect((await request(server.app, 'GET', `/consents/${id}`)).status).toBe(404);
    expect((await openhmisClient('a')).status).toBe(404);
  });
});

describe('durability', () => {
  it('a restart reads every consent back; a torn last line is dropped; a damaged file is refused', async () => {
    const reopened = new ConsentBook(server.dir);
    const ids = [...server.consents.all()].map((c) => c.consentId).sort();
    expect([...reopened.all()].map((c) => c.consentId).sort()).toEqual(ids);
    expect(reopened.forClient(server.source, CLIENT)).toEqual(
      server.consents.forClient(server.source, CLIENT),
    );

    const file = path.join(server.dir, CONSENTS_FILE);
    const copy = path.join(server.dir, 'copy');
    fs.mkdirSync(copy);
    fs.writeFileSync(path.join(copy, CONSENTS_FILE), `${fs.readFileSync(file, 'utf8')}{"consentId":"torn`);
    const afterCrash = new ConsentBook(copy);
    expect([...afterCrash.all()].length).toBe(ids.length);
    // The torn tail is cut off, so what is written next reads back after another restart.
    const [first] = afterCrash.all();
    await afterCrash.save({ ...(first as Consent), consentId: 'after-crash' });
    expect(new ConsentBook(copy).get('after-crash')).toBeDefined();
    fs.writeFileSync(path.join(copy, CONSENTS_FILE), `not json\n${fs.readFileSync(file, 'utf8')}`);
    expect(() => new ConsentBook(copy)).toThrow(/line 1 is damaged/);
  });
});
