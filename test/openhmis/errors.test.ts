/**
 * OpenHMIS errors, one per failure kind, in the seed's shape (`error` only, never with `data`):
 * AUTHENTICATION_FAILURE, ACCESS_DENIED, MISSING_PARAMETER, INVALID_PARAMETER (wrong types, unknown
 * codes, unknown fields, bad query values, malformed JSON and XML), RECORD_NOT_FOUND,
 * METHOD_NOT_ALLOWED, NOT_ACCEPTABLE, UNSUPPORTED_MEDIA_TYPE, PAYLOAD_TOO_LARGE; and hostile input:
 * XXE and entity bombs, undefined entities, deep nesting, bad bytes, markup in values. A refused
 * write changes nothing, and no identifying value reaches the audit log.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { toXml } from '../../src/api/openhmis/xml.ts';
import { AUDIT_FILE, AuditLog } from '../../src/security/audit.ts';
import { UserDirectory } from '../../src/security/users.ts';
import { EmbeddedStore } from '../../src/store/embedded-store.ts';
import { tempDir } from '../helpers/exports.ts';
import { ADMIN_TOKEN, BASE } from '../hmis-api/helpers.ts';
import { closeSeedServer, openSeedServer, type SeedServer } from './fixture.ts';
import { type HmisCall, type Json, jsonOf, request, xmlOf } from './helpers.ts';

let server: SeedServer;
const token: Record<string, string> = {};
beforeAll(async () => {
  server = await openSeedServer();
  token.researcher = await server.users.add('res', 'researcher');
  token.caseworker = await server.users.add('cw', 'caseworker', { projects: ['P-A'] });
}, 60_000);
afterAll(async () => closeSeedServer(server));

const VALID_CLIENT = {
  firstName: 'Robin',
  lastName: 'Example',
  nameDataQuality: 1,
  ssnDataQuality: 99,
  dobDataQuality: 99,
  amIndAKNative: 0,
  asian: 0,
  blackAfAmerican: 0,
  ethnicity: 0,
  nativeHIOtherPacific: 0,
  white: 1,
  veteranStatus: 0,
};

/** The error answer: status, code, and the fields its errors name. */
async function failure(method: string, url: string, options: HmisCall = {}) {
  // Asked for in JSON: without Accept, errors come in the request body's format (tested below).
  const response = await request(server.app, method, url, { accept: 'application/json', ...options });
  const body: Json = await jsonOf(response);
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error)).toEqual(['errors', 'message', 'code']);
  return {
    status: response.status,
    code: body.error.code as string,
    message: body.error.message as string,
    fields: (body.error.errors as Json[]).map((e) => e.field),
    headers: response.headers,
  };
}

const xml = (text: string): HmisCall => ({ raw: { type: 'application/xml', text } });
const clientCount = () => server.store.records.source(server.source)?.table('Client').rows.size;

describe('authentication and authorization', () => {
  it('AUTHENTICATION_FAILURE without a token or with a wrong one (401, with the challenge)', async () => {
    const none = await failure('GET', '/clients', { token: null });
    expect([none.status, none.code]).toEqual([401, 'AUTHENTICATION_FAILURE']);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer realm="hearth"/);
    const wrong = await failure('GET', '/clients', {
      token: 'hth_wrongwrongwrongwrongwrongwrongwrongwrongwro',
    });
    expect([wrong.status, wrong.code]).toEqual([401, 'AUTHENTICATION_FAILURE']);
  });

  it('ACCESS_DENIED for a role without the action, and for /users unless admin (403)', async () => {
    const researcher = await failure('GET', '/clients', { token: token.researcher });
    expect([researcher.status, researcher.code]).toEqual([403, 'ACCESS_DENIED']);
    const users = await failure('GET', '/users', { token: token.caseworker });
    expect([users.status, users.code]).toEqual([403, 'ACCESS_DENIED']);
    const write = await failure('POST', '/clients', { token: token.researcher, body: VALID_CLIENT });
    expect(write.code).toBe('ACCESS_DENIED');
  });

  it('RECORD_NOT_FOUND for records outside the scope, exactly as for records that do not exist', async () => {
    const outside = await failure('GET', '/clients/C-B1', { token: token.caseworker });
    const absent = await failure('GET', '/clients/NO-SUCH', { token: token.caseworker });
    expect(outside).toEqual({ ...absent, headers: outside.headers });
    expect([absent.status, absent.code]).toEqual([404, 'RECORD_NOT_FOUND']);
    const unknownPath = await failure('GET', '/no-such-resource');
    expect([unknownPath.status, unknownPath.code]).toEqual([404, 'RECORD_NOT_FOUND']);
  });
});

describe('parameters and bodies', () => {
  it('MISSING_PARAMETER names what is missing', async () => {
    const enrollment = await failure('POST', '/enrollments', { body: { entryDate: '2024-01-01' } });
    expect([enrollment.status, enrollment.code, enrollment.fields]).toEqual([
      400,
      'MISSING_PARAMETER',
      ['personalId', 'projectId'],
    ]);
    const consent = await failure('POST', '/consents', { body: { fields: { ssn: 0 } } });
    expect([consent.code, consent.fields]).toEqual(['MISSING_PARAMETER', ['clientId', 'organizationIds']]);
  });

  it('INVALID_PARAMETER for wrong JSON types, naming each field', async () => {
    const before = clientCount();
    const wrong = await failure('POST', '/clients', {
      body: { ...VALID_CLIENT, firstName: 5, veteranStatus: 'yes', dob: '2020-13-45', ssn: ['1'] },
    });
    expect([wrong.status, wrong.code]).toEqual([400, 'INVALID_PARAMETER']);
    expect(wrong.fields.sort()).toEqual(['dob', 'firstName', 'ssn', 'veteranStatus']);
    expect(clientCount()).toBe(before);
  });

  it('INVALID_PARAMETER for unknown codes and FY2026 rules (400, as the seed says for validation)', async () => {
    const before = clientCount();
    const codes = await failure('POST', '/clients', {
      body: { ...VALID_CLIENT, veteranStatus: 42, white: 7 },
    });
    expect([codes.status, codes.code]).toEqual([400, 'INVALID_PARAMETER']);
    expect(codes.fields.sort()).toEqual(['veteranStatus', 'white']);
    const sub = await failure('POST', '/enrollments/E-B1/services', {
      body: { dateProvided: '2020-01-03', recordType: 161, typeProvided: 1 },
    });
    expect([sub.code, sub.fields]).toEqual(['INVALID_PARAMETER', ['recordType']]);
    expect(clientCount()).toBe(before);
  });

  it('INVALID_PARAMETER for unknown fields and immutable ids', async () => {
    const unknown = await failure('POST', '/clients', { body: { ...VALID_CLIENT, favouriteColour: 'blue' } });
    expect([unknown.code, unknown.fields]).toEqual(['INVALID_PARAMETER', ['favouriteColour']]);
    const moved = await failure('PUT', '/clients/336825', { body: { personalId: '518207' } });
    expect([moved.code, moved.fields]).toEqual(['INVALID_PARAMETER', ['personalId']]);
    const consent = await failure('POST', '/consents', {
      body: {
        clientId: 'C-B1',
        organizationIds: ['ORG-A'],
        cocIds: ['nope'],
        fields: { shoeSize: 0, ssn: 5 },
      },
    });
    expect(consent.fields.sort()).toEqual(['cocIds', 'fields.shoeSize', 'fields.ssn']);
    const org = await failure('POST', '/consents', {
      body: { clientId: 'C-B1', organizationIds: ['ORG-Z'] },
    });
    expect([org.code, org.fields]).toEqual(['INVALID_PARAMETER', ['organizationIds']]);
  });

  it('INVALID_PARAMETER for bad query values and unknown query parameters', async () => {
    const date = await failure('GET', '/clients?dobStart=yesterday');
    expect([date.code, date.fields]).toEqual(['INVALID_PARAMETER', ['dobStart']]);
    const ssn = await failure('GET', `/clients?ssn=${encodeURIComponent("1' OR '1'='1")}`);
    expect([ssn.code, ssn.fields]).toEqual(['INVALID_PARAMETER', ['ssn']]);
    const page = await failure('GET', '/clients?maxItems=0');
    expect(page.fields).toEqual(['maxItems']);
    const unknown = await failure('GET', '/clients?firstname=J*');
    expect([unknown.code, unknown.fields]).toEqual(['INVALID_PARAMETER', ['firstname']]);
  });

  it('INVALID_PARAMETER for malformed JSON and bodies that are not one object', async () => {
    const broken = await failure('POST', '/clients', {
      raw: { type: 'application/json', text: '{"firstName": ' },
    });
    expect([broken.status, broken.code, broken.message]).toEqual([
      400,
      'INVALID_PARAMETER',
      'the body is not valid JSON',
    ]);
    const list = await failure('POST', '/clients', { body: [VALID_CLIENT] });
    expect(list.code).toBe('INVALID_PARAMETER');
    const empty = await failure('POST', '/clients', { raw: { type: 'application/json', text: '' } });
    expect(empty.status).toBe(400);
  });

  it('METHOD_NOT_ALLOWED, NOT_ACCEPTABLE, UNSUPPORTED_MEDIA_TYPE, PAYLOAD_TOO_LARGE', async () => {
    const method = await failure('PATCH', '/clients/336825', { body: {} });
    expect([method.status, method.code]).toEqual([405, 'METHOD_NOT_ALLOWED']);
    expect(method.headers.get('allow')).toBe('GET, PUT, DELETE');
    const accept = await failure('GET', '/clients', { accept: 'text/csv' });
    expect([accept.status, accept.code]).toEqual([406, 'NOT_ACCEPTABLE']);
    const media = await failure('POST', '/clients', { raw: { type: 'text/plain', text: 'firstName=Robin' } });
    expect([media.status, media.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const big = await failure('POST', '/clients', {
      body: { ...VALID_CLIENT, firstName: 'x'.repeat(300 * 1024) },
    });
    expect([big.status, big.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('answers errors in XML when Accept asks for XML', async () => {
    const response = await request(server.app, 'GET', '/clients/NO-SUCH', { accept: 'application/xml' });
    expect(response.status).toBe(404);
    expect(await xmlOf(response)).toEqual({
      root: 'error',
      value: { errors: [], message: 'no such client', code: 'RECORD_NOT_FOUND' },
    });
  });
});

describe('an empty server', () => {
  it('CONFLICT for a write before any data source exists; empty lists and 404s for reads', async () => {
    const dir = tempDir('hearth-openhmis-empty-');
    const store = await EmbeddedStore.open({ dir, baseIri: BASE });
    const config = { dataDir: dir, baseIri: BASE, port: 0, maxQuads: undefined };
    const audit = new AuditLog(dir);
    const app = createApp({ store, config, adminToken: ADMIN_TOKEN, users: new UserDirectory(dir), audit });
    try {
      const response = await request(app, 'POST', '/clients', {
        body: VALID_CLIENT,
        accept: 'application/json',
      });
      expect(response.status).toBe(409);
      expect((await jsonOf(response)).error.code).toBe('CONFLICT');
      const list: Json = await jsonOf(await request(app, 'GET', '/clients'));
      expect(list.data).toEqual({ items: [], startIndex: 0, itemsPerPage: 0, totalItems: 0 });
      expect((await request(app, 'GET', '/clients/X')).status).toBe(404);
    } finally {
      await audit.flush();
      await store.close();
    }
  });
});

describe('hostile XML', () => {
  const passwd = fs.existsSync('/etc/passwd') ? fs.readFileSync('/etc/passwd', 'utf8').split(':')[0] : 'root';

  it('refuses a DOCTYPE: no external entity is read (XXE), no entity expands (billion laughs)', async () => {
    const before = clientCount();
    const xxe = await failure(
      'POST',
      '/clients',
      xml(
        `<?xml version="1.0"?><!DOCTYPE client [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><client><firstName>&xxe;</firstName></client>`,
      ),
    );
    expect([xxe.status, xxe.code]).toEqual([400, 'INVALID_PARAMETER']);
    expect(xxe.message).toMatch(/DOCTYPE/);
    expect(xxe.message).not.toContain(`${passwd}:`);
    const lol = '<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>';
    const bomb = await failure('POST', '/clients', xml(`${lol}<client><firstName>&b;</firstName></client>`));
    expect(bomb.message).toMatch(/DOCTYPE/);
    expect(clientCount()).toBe(before);
  });

  it('refuses undefined entities, unclosed tags, mixed content, repeated fields, deep nesting, bad bytes', async () => {
    const cases = [
      '<client><firstName>&nbsp;</firstName></client>',
      '<client><firstName>Robin</client>',
      '<client>text<firstName>Robin</firstName></client>',
      '<client><firstName>A</firstName><firstName>B</firstName></client>',
      `${'<a>'.repeat(40)}x${'</a>'.repeat(40)}`,
      '<client/><client/>',
    ];
    for (const text of cases) {
      const refused = await failure('POST', '/clients', xml(text));
      expect([refused.status, refused.code], text).toEqual([400, 'INVALID_PARAMETER']);
    }
    const bytes = await failure('POST', '/clients', {
      raw: {
        type: 'application/xml',
        text: new Uint8Array([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e]),
      },
    });
    expect(bytes.message).toBe('the body is not UTF-8');
  });

  it('answers an XML request without Accept in XML, errors too', async () => {
    const response = await request(server.app, 'POST', '/clients', {
      raw: { type: 'application/xml', text: '<client><firstName>Robin</client>' },
    });
    expect(response.status).toBe(400);
    const body = await xmlOf(response);
    expect(body.root).toBe('error');
    expect(body.value).toMatchObject({
      code: 'INVALID_PARAMETER',
      message: expect.stringMatching(/not well-formed/),
    });
    const created = await request(server.app, 'POST', '/clients', {
      raw: { type: 'text/xml', text: toXml('client', VALID_CLIENT) },
      accept: '*/*',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(((await xmlOf(created)).value as Json).item.firstName).toBe('Robin');
  });

  it('refuses wrong types in XML leaves the same way as in JSON', async () => {
    const refused = await failure(
      'POST',
      '/clients',
      xml('<client><veteranStatus>yes</veteranStatus></client>'),
    );
    expect([refused.code, refused.fields]).toEqual(['INVALID_PARAMETER', ['veteranStatus']]);
  });

  it('keeps markup in values as text, both ways (no XML injection)', async () => {
    const hostile = 'Ann</firstName><ssn>123456789</ssn><x>&amp;';
    const created: Json = await jsonOf(
      await request(server.app, 'POST', '/clients', { body: { ...VALID_CLIENT, lastName: hostile } }),
    );
    const id = created.data.item.personalId;
    const back = await xmlOf(
      await request(server.app, 'GET', `/clients/${id}`, { accept: 'application/xml' }),
    );
    expect((back.value as Json).item.lastName).toBe(hostile);
    expect((back.value as Json).item.ssn).toBeNull();
  });
});

describe('privacy', () => {
  it('the audit line of a create names the new record by its key, not by its values', async () => {
    const created = await jsonOf(await request(server.app, 'POST', '/clients', { body: VALID_CLIENT }));
    const id = created.data.item.personalId;
    await server.audit.flush();
    const lines = fs.readFileSync(path.join(server.dir, AUDIT_FILE), 'utf8').trim().split('\n');
    const line = lines.find((l) => l.includes('"POST /openhmis/api/v3/clients"') && l.includes(id));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ outcome: 'allowed', records: { PersonalID: id } });
    expect(line).not.toContain(VALID_CLIENT.lastName);
  });

  it('search values (names, SSNs) never reach the audit log', async () => {
    await request(server.app, 'GET', '/clients?ssn=*4818&lastName=Mov*');
    await server.audit.flush();
    const audit = fs.readFileSync(path.join(server.dir, AUDIT_FILE), 'utf8');
    expect(audit).toContain('GET /openhmis/api/v3/clients');
    expect(audit).not.toContain('4818');
    expect(audit).not.toContain('Mov');
  });
});
