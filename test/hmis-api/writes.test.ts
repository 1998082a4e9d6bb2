/**
 * Writes through the HMIS API (demo data): create (201, server-set columns, the hearth-api Export
 * row), partial update (null clears, PersonalID immutable, DateUpdated by the server), validation
 * by the FY2026 model (422), imports over HTTP, and the `source` parameter once two sources exist.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { storageError } from '../../src/api/errors.ts';
import { importHmisCsv } from '../../src/ingest/import.ts';
import { CapacityError } from '../../src/store/record-store.ts';
import { LogWriteError } from '../../src/store/whole-appends.ts';
import { asJson, Expect } from './expect.ts';
import {
  type CsvRow,
  call,
  closeServer,
  DEMO_DIR,
  json,
  NEW_CLIENT,
  openServer,
  readCsvFolder,
  type Server,
} from './helpers.ts';

type Item = Record<string, unknown>;
type ErrorBody = { error: { code: string; fields?: { field: string; rule?: string; message: string }[] } };
let server: Server;
let x: Expect;

beforeAll(async () => {
  server = await openServer(DEMO_DIR);
  x = new Expect(readCsvFolder(DEMO_DIR));
}, 60_000);
afterAll(async () => {
  await closeServer(server);
});

describe('POST /client (scenario 2)', () => {
  it('creates a client: 201, Location, server-set PersonalID (in the audit line too), dates, UserID and ExportID', async () => {
    const before = Date.now() - 1000;
    const response = await call(server.app, 'POST', '/client', { body: NEW_CLIENT });
    expect(response.status).toBe(201);
    const created = await json<Item>(response);
    expect(created).toMatchObject({
      ...NEW_CLIENT,
      UserID: 'env:HEARTH_ADMIN_TOKEN',
      ExportID: 'hearth-api',
      DateDeleted: null,
    });
    expect(created.PersonalID).toMatch(/^[0-9a-f]{32}$/);
    expect(created.DateCreated).toBe(created.DateUpdated);
    expect(Date.parse(`${created.DateCreated}Z`)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(response.headers.get('location')).toBe(`/api/v1/client/${created.PersonalID}`);
    await server.audit.flush();
    const lines = fs.readFileSync(server.audit.file, 'utf8').trim().split('\n');
    const logged = JSON.parse(lines.at(-1) ?? '{}');
    expect(logged).toMatchObject({
      route: 'POST /api/v1/client',
      records: { PersonalID: created.PersonalID },
    });
    expect(lines.at(-1)).not.toContain(NEW_CLIENT.LastName);
    const read = await call(server.app, 'GET', `/client/${created.PersonalID}`);
    expect(await json(read)).toEqual({ ...created, enrollments: [] });
    await call(server.app, 'POST', '/client', { body: NEW_CLIENT });
    const exports = [...(server.store.records.source(server.source)?.table('Export').rows.keys() ?? [])];
    expect(exports.filter((id) => id === 'hearth-api')).toHaveLength(1);
  });

  it('refuses server-set columns (400) and model violations (422, no PII echoed)', async () => {
    const post = (body: unknown) => call(server.app, 'POST', '/client', { body });
    for (const column of ['PersonalID', 'DateCreated', 'DateUpdated', 'UserID', 'DateDeleted', 'ExportID']) {
      const response = await post({ ...NEW_CLIENT, [column]: 'x' });
      expect(response.status).toBe(400);
      expect((await json<ErrorBody>(response)).error.fields).toEqual([
        { field: column, rule: 'readOnly', message: 'set by the server' },
      ]);
    }
    const cases: [Item, string, string][] = [
      [{ VeteranStatus: 7 }, 'VeteranStatus', 'codeList'],
      [{ NameDataQuality: null }, 'NameDataQuality', 'required'],
      [{ FirstName: 'Z'.repeat(51) }, 'FirstName', 'maxLength'],
      [{ RaceNone: 8 }, 'RaceNone', 'nullUnless'],
      [{ YearEnteredService: 1800 }, 'YearEnteredService', 'range'],
      [{ SSN: '12345' }, 'SSN', 'pattern'],
    ];
    for (const [change, field, rule] of cases) {
      const response = await post({ ...NEW_CLIENT, ...change });
      expect(response.status, field).toBe(422);
      const body = await json<ErrorBody>(response);
      expect(body.error.code).toBe('validation_failed');
      expect(body.error.fields?.find((f) => f.field === field)?.rule, field).toBe(rule);
      expect(JSON.stringify(body)).not.toContain('Z'.repeat(51));
      expect(JSON.stringify(body)).not.toContain('12345');
    }
  });
});

describe('a store that cannot take the write', () => {
  it('answers 503 saying why, and keeps nothing: the ceiling of a full store', async () => {
    const full = await openServer(DEMO_DIR, { headroomQuads: 0 });
    try {
      const clients = () => full.store.records.source(full.source)?.table('Client').rows.size;
      const before = clients();
      const response = await call(full.app, 'POST', '/client', { body: NEW_CLIENT });
      expect(response.status).toBe(503); // was a 500 "internal" error
      const body = await json<ErrorBody & { error: { message: string } }>(response);
      expect(body.error.code).toBe('unavailable');
      expect(body.error.message).toMatch(/ceiling.*HEARTH_MAX_QUADS.*Nothing was written/);
      expect(JSON.stringify(body)).not.toContain(NEW_CLIENT.LastName);
      expect(clients()).toBe(before);
    } finally {
      await full.audit.close();
      await full.store.close();
    }
  });
});

describe('storageError', () => {
  it('maps what a full disk and a full store throw to a 503, and nothing else', () => {
    const system = (code: string) => Object.assign(new Error(`${code}: write`), { code });
    for (const code of ['ENOSPC', 'EDQUOT', 'EFBIG'])
      expect(storageError(system(code))).toMatchObject({ status: 503, code: 'unavailable' });
    expect(storageError(new LogWriteError('the record log could not be written'))?.status).toBe(503);
    expect(storageError(new CapacityError('over the ceiling'))?.message).toBe('over the ceiling');
    for (const other of [system('EACCES'), system('ENOENT'), new Error('x'), undefined, 'ENOSPC'])
      expect(storageError(other)).toBeUndefined();
  });
});

describe('PATCH /client/{PersonalID} (scenario 3)', () => {
  const stored = (): CsvRow => x.clients.values().next().value as CsvRow;

  it('changes only the columns given, null clears, the server sets DateUpdated and UserID', async () => {
    const c = stored();
    const token = await server.users.add('writer', 'integrator');
    const response = await call(server.app, 'PATCH', `/client/${c.PersonalID}`, {
      token,
      body: { PersonalID: c.PersonalID, MiddleName: 'Quinn', NameSuffix: null },
    });
    expect(response.status).toBe(200);
    const updated = await json<Item>(response);
    const { DateUpdated, UserID, ...rest } = updated;
    const { DateUpdated: old, UserID: _, ...expected } = asJson('Client', c);
    expect(rest).toEqual({ ...expected, MiddleName: 'Quinn', NameSuffix: null });
    expect(UserID).toBe('writer');
    expect(String(DateUpdated) > String(old)).toBe(true);
    const { enrollments: _e, ...read } = await json<Item>(
      await call(server.app, 'GET', `/client/${c.PersonalID}`),
    );
    expect(read).toEqual(updated);
  });

  it('takes JSON or a merge patch; refuses a new PersonalID, an empty change and changes that break the model', async () => {
    const c = stored();
    const patch = (body: unknown) => call(server.app, 'PATCH', `/client/${c.PersonalID}`, { body });
    const moved = await patch({ PersonalID: 'OTHER' });
    expect(moved.status).toBe(400);
    expect((await json<ErrorBody>(moved)).error.fields?.[0]).toMatchObject({
      field: 'PersonalID',
      rule: 'immutable',
    });
    expect((await patch({})).status).toBe(400);
    const asMergePatch = (contentType: string) =>
      call(server.app, 'PATCH', `/client/${c.PersonalID}`, {
        body: { MiddleName: 'Merged' },
        headers: { 'Content-Type': contentType },
      });
    const merged = await asMergePatch('application/merge-patch+json');
    expect(merged.status).toBe(200);
    expect((await json<Item>(merged)).MiddleName).toBe('Merged');
    expect((await asMergePatch('application/json-patch+json')).status).toBe(415);
    expect((await patch({ Nickname: 'x' })).status).toBe(400);
    const broken = await patch({ DOBDataQuality: null });
    expect(broken.status).toBe(422);
    const after = await json<Item>(await call(server.app, 'GET', `/client/${c.PersonalID}`));
    expect(after.DOBDataQuality).toBe(Number(c.DOBDataQuality));
  });

  it('If-Match: a PATCH of the version read applies; of an older one, a 412 that changes nothing', async () => {
    const c = [...x.clients.values()][2] as CsvRow;
    const url = `/client/${c.PersonalID}`;
    const read = await call(server.app, 'GET', url);
    const tag = read.headers.get('etag') ?? '';
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    // The same version in every representation, and for every read until a write.
    expect((await call(server.app, 'GET', url, { accept: 'text/turtle' })).headers.get('etag')).toBe(tag);
    const patch = (body: Item, ifMatch?: string) =>
      call(server.app, 'PATCH', url, { body, headers: ifMatch === undefined ? {} : { 'If-Match': ifMatch } });
    const first = await patch({ MiddleName: 'Versioned' }, tag);
    expect(first.status).toBe(200);
    const next = first.headers.get('etag') ?? '';
    expect(next).not.toBe(tag);
    expect((await call(server.app, 'GET', url)).headers.get('etag')).toBe(next);
    for (const stale of [tag, `W/${next}`, 'garbage', `"other", ${tag}`]) {
      const refused = await patch({ MiddleName: 'Lost' }, stale);
      expect(refused.status, stale).toBe(412);
      expect((await json<ErrorBody>(refused)).error.fields?.[0]).toMatchObject({
        field: 'If-Match',
        rule: 'stale',
      });
    }
    expect((await json<Item>(await call(server.app, 'GET', url))).MiddleName).toBe('Versioned');
    expect((await patch({ MiddleName: 'Listed' }, `"other", ${next}`)).status).toBe(200);
    expect((await patch({ MiddleName: 'Any' }, '*')).status).toBe(200);
    expect((await patch({ MiddleName: 'Unconditional' })).status).toBe(200);
    // Of two PATCHes sent at once with the version both read, one applies and the other is a 412.
    const current = (await call(server.app, 'GET', url)).headers.get('etag') ?? '';
    const raced = await Promise.all([
      patch({ NameSuffix: 'A' }, current),
      patch({ NameSuffix: 'B' }, current),
    ]);
    expect(raced.map((r) => r.status).sort()).toEqual([200, 412]);
    expect(
      (
        await call(server.app, 'PATCH', '/client/NO-SUCH', {
          body: { MiddleName: 'x' },
          headers: { 'If-Match': '*' },
        })
      ).status,
    ).toBe(404);
  });

  it('concurrent PATCHes of different columns both land: each applies to the row as the one before left it', async () => {
    const c = [...x.clients.values()][1] as CsvRow;
    const patch = (body: Item) => call(server.app, 'PATCH', `/client/${c.PersonalID}`, { body });
    // Sent together, so each handler reads the row before the other's transaction is on disk.
    const answers = await Promise.all([
      patch({ MiddleName: 'Concurrent' }),
      patch({ NameSuffix: 'Jr.' }),
      patch({ YearEnteredService: null }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const after = await json<Item>(await call(server.app, 'GET', `/client/${c.PersonalID}`));
    expect([after.MiddleName, after.NameSuffix, after.YearEnteredService]).toEqual([
      'Concurrent',
      'Jr.',
      null,
    ]);
    // The last answer shows every change: it was computed after the others were applied.
    const last = await json<Item>(answers[2] as Response);
    expect([last.MiddleName, last.NameSuffix]).toEqual(['Concurrent', 'Jr.']);
  });
});

describe('search after writes', () => {
  const found = async (criteria: Item) => {
    const response = await call(server.app, 'POST', '/client/search', { body: criteria });
    expect(response.status).toBe(200);
    return (await json<{ matchedClients: Item[] }>(response)).matchedClients.map((m) => m.PersonalID);
  };

  it('finds a created client by its name, a typo of it, and by its new name after a PATCH', async () => {
    await found({ LastName: 'Xylander' }); // the name index exists before the writes
    const created = await call(server.app, 'POST', '/client', {
      body: { ...NEW_CLIENT, LastName: 'Xylander' },
    });
    const id = (await json<Item>(created)).PersonalID;
    expect(await found({ LastName: 'Xylander' })).toEqual([id]);
    expect(await found({ LastName: 'Xylnader' })).toEqual([id]);
    const renamed = await call(server.app, 'PATCH', `/client/${id}`, { body: { LastName: 'Quenby' } });
    expect(renamed.status).toBe(200);
    expect(await found({ LastName: 'Xylander' })).toEqual([]);
    expect(await found({ LastName: 'Quenby' })).toEqual([id]);
  });
});

describe('imports over HTTP and data sources', () => {
  const zipOf = async (dir: string): Promise<Buffer> => {
    const archive = new yazl.ZipFile();
    for (const file of fs.readdirSync(dir)) archive.addFile(path.join(dir, file), file);
    archive.end();
    return buffer(archive.outputStream);
  };
  const upload = (body: Uint8Array, token?: string) =>
    call(server.app, 'POST', '/imports', {
      rawBody: new Blob([new Uint8Array(body)]),
      token,
      headers: { 'Content-Type': 'application/zip' },
    });

  it('POST /imports runs an import in the background; GET /imports/{id} reports it; one at a time', async () => {
    const zip = new Uint8Array(await zipOf(DEMO_DIR));
    const [first, second] = await Promise.all([upload(zip), upload(zip)]);
    expect(first.status).toBe(202);
    expect(second.status).toBe(409);
    const job = await json<Item>(first);
    expect(first.headers.get('location')).toBe(`/api/v1/imports/${job.id}`);
    let status: Item = job;
    for (let i = 0; i < 200 && status.status === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = await json<Item>(await call(server.app, 'GET', `/imports/${job.id}`));
    }
    expect(status).toMatchObject({ status: 'succeeded', report: { applied: true, source: server.source } });
    const broken = await upload(new TextEncoder().encode('not a zip'));
    const failed = await json<Item>(broken);
    for (let i = 0; i < 200 && failed.status === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      Object.assign(failed, await json<Item>(await call(server.app, 'GET', `/imports/${failed.id}`)));
    }
    expect(failed.status).toBe('failed');
    expect(String(failed.error)).not.toContain(server.dir);
    expect((await call(server.app, 'GET', '/imports/no-such-job')).status).toBe(404);
    const caseworker = await server.users.add('case-import', 'caseworker', { projects: ['X'] });
    expect((await upload(zip, caseworker)).status).toBe(403);
  });

  it('with two sources, `source` is required and chooses', async () => {
    await importHmisCsv(server.store.log, DEMO_DIR, { source: 'second' });
    const none = await call(server.app, 'GET', '/projects');
    expect(none.status).toBe(400);
    expect((await json<ErrorBody>(none)).error.fields?.[0]?.field).toBe('source');
    expect((await call(server.app, 'GET', '/projects?source=nowhere')).status).toBe(400);
    for (const source of [server.source, 'second']) {
      const response = await call(server.app, 'GET', `/projects?source=${source}`);
      expect(response.status).toBe(200);
      const { projects } = await json<{ projects: Item[] }>(response);
      expect(projects.map((p) => p.ProjectID).sort()).toEqual([...x.projects.keys()].sort());
    }
    const ld = await call(server.app, 'GET', '/projects?source=second', { accept: 'application/ld+json' });
    expect(JSON.stringify(await ld.json())).toContain('/id/second/project/');
  });
});
