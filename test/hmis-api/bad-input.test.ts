/**
 * Bad input on every HMIS API route (demo data): unknown and repeated parameters, bad dates, wrong
 * types, unknown codes, cursors, SPARQL-injection strings, oversized and hostile bodies, media
 * types. Each is a 4xx in the one error shape naming the field, and the data is untouched after.
 */
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HMIS_API_ROUTES } from '../../src/api/hmis-api/routes.ts';
import type { ApiServices } from '../../src/api/route-spec.ts';
import { mountRoutes } from '../../src/api/router.ts';
import { Expect } from './expect.ts';
import {
  ADMIN_TOKEN,
  type CsvRow,
  call,
  closeServer,
  DEMO_DIR,
  json,
  openServer,
  readCsvFolder,
  type Server,
} from './helpers.ts';

type ErrorBody = {
  error: {
    status: number;
    code: string;
    message: string;
    fields?: { field: string; rule?: string; message?: string }[];
  };
};
let server: Server;
let x: Expect;
let client: CsvRow;
let project: string;

beforeAll(async () => {
  server = await openServer(DEMO_DIR);
  x = new Expect(readCsvFolder(DEMO_DIR));
  client = x.clients.values().next().value as CsvRow;
  project = x.enrollments.find((e) => e.PersonalID === client.PersonalID)?.ProjectID ?? '';
}, 60_000);
afterAll(async () => {
  await closeServer(server);
});

const fill = (path: string) =>
  path
    .replace('{PersonalID}', client.PersonalID ?? '')
    .replace('{ProjectID}', project)
    .replace('{id}', 'x');
const gets = () => HMIS_API_ROUTES.filter((r) => r.method === 'get');

/** Sends `lines` as raw HTTP/1.1 and reads the answer until the server closes (ask it to: Connection: close). */
function rawRequest(port: number, lines: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(lines.join('\r\n')));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

async function refused(
  response: Response,
  status: number,
  field?: string,
  rule?: string,
): Promise<ErrorBody> {
  expect(response.status).toBe(status);
  const body = await json<ErrorBody>(response);
  expect(body.error.status).toBe(status);
  if (field) expect(body.error.fields?.map((f) => f.field)).toContain(field);
  if (rule) expect(body.error.fields?.find((f) => f.field === field)?.rule).toBe(rule);
  return body;
}

describe('query parameters', () => {
  it('an unknown or repeated parameter is a 400 on every route, naming it', async () => {
    for (const route of gets()) {
      const url = fill(route.path);
      await refused(await call(server.app, 'GET', `${url}?bogus=1`), 400, 'bogus', 'unknown');
      const declared = route.params.find((p) => p.in === 'query')?.name;
      if (declared)
        await refused(
          await call(server.app, 'GET', `${url}?${declared}=a&${declared}=b`),
          400,
          declared,
          'repeated',
        );
    }
    const wrongCase = await refused(
      await call(server.app, 'GET', `/client/${client.PersonalID}/enrollments?projectID=X`),
      400,
      'projectID',
    );
    expect(JSON.stringify(wrongCase)).toContain('did you mean ProjectID?');
  });

  it('dates, date-times, integers, codes, patterns and limits are checked per route', async () => {
    const cases: [string, string, string][] = [
      [`/project/${project}/clients?EntryDate=2025-02-30`, 'EntryDate', 'type'],
      [`/client/${client.PersonalID}/enrollments?ExitDate=yesterday`, 'ExitDate', 'type'],
      ['/projects?Funder=999', 'Funder', 'codeList'],
      ['/projects?ProjectType=thirteen', 'ProjectType', 'type'],
      ['/projects?CocCode=xx-5011', 'CocCode', 'maxLength'],
      ['/projects?CocCode=x1-501', 'CocCode', 'pattern'],
      ['/projects?OperatingStartDate=2025-1-1', 'OperatingStartDate', 'type'],
      ['/clients?ActiveOn=2025-13-01', 'ActiveOn', 'type'],
      ['/clients?ProjectType=99', 'ProjectType', 'codeList'],
      ['/clients?limit=0', 'limit', 'range'],
      ['/clients?limit=1001', 'limit', 'range'],
      ['/changes?since=2025-01-01T25:00:00', 'since', 'type'],
      [`/client/${client.PersonalID}/changes?since=last-week`, 'since', 'type'],
      [`/client/${client.PersonalID}/services?from=2025-02-29`, 'from', 'type'],
      ['/csvexport?changedSince=2025', 'changedSince', 'type'],
      ['/projects?cursor=not%20base64!', 'cursor', 'type'],
      ['/projects?cursor=bm90IGpzb24', 'cursor', 'type'],
      [`/client/${'x'.repeat(33)}`, 'PersonalID', 'maxLength'],
      ['/projects?source=%00bad', 'source', 'type'],
      ['/projects?source=Bad%20Source', 'source', 'pattern'],
    ];
    for (const [url, field, rule] of cases)
      await refused(await call(server.app, 'GET', url), 400, field, rule);
  });

  it('a range that ends before it starts is a 400 naming its end; a one-day range is fine', async () => {
    const ranges = gets().flatMap((route) =>
      route.params.flatMap((end) => (end.notBefore ? [{ route, end: end.name, start: end.notBefore }] : [])),
    );
    expect(ranges.map((r) => `${r.route.operationId} ${r.start}–${r.end}`).sort()).toEqual([
      'getClientEnrollments EntryDate–ExitDate',
      'getClientServices from–to',
      'getClients EntryDate–ExitDate',
      'getClientsByProject EntryDate–ExitDate',
      'getCsvExport EntryDate–ExitDate',
      'getProjects OperatingStartDate–OperatingEndDate',
    ]);
    for (const { route, start, end } of ranges) {
      const url = `${fill(route.path)}?${start}=2025-03-02&${end}`;
      const body = await refused(await call(server.app, 'GET', `${url}=2025-03-01`), 400, end, 'range');
      expect(body.error.fields?.[0]?.message).toBe(`on or after ${start}`);
      expect((await call(server.app, 'GET', `${url}=2025-03-02`)).status, route.operationId).toBe(200);
    }
    // A range whose start the route lacks is refused when the routes are mounted, not ignored.
    const [first] = ranges;
    if (!first) throw new Error('no ranges');
    const misspelt = first.route.params.map((p) => (p.notBefore ? { ...p, notBefore: 'Entrydate' } : p));
    expect(() => mountRoutes(new Hono(), [{ ...first.route, params: misspelt }], {} as ApiServices)).toThrow(
      /ends a range from Entrydate, which the route lacks/,
    );
  });
});

describe('SPARQL injection', () => {
  // At most 32 characters, so that they pass as PersonalID / ProjectID and reach the query.
  const HOSTILE = [
    '> } } DELETE WHERE { ?s ?p ?o }',
    '" } UNION { ?s ?p ?o } #',
    '\\u0022 } } SELECT * {?s ?p ?o}',
    '$graph',
    'A001\nLIMIT 1',
  ];

  it('is impossible through path, query, cursor and body values', async () => {
    const before = server.store.records.size;
    for (const value of HOSTILE) {
      const id = encodeURIComponent(value);
      // A newline is a control character: refused as a parameter before any query.
      const status = value.includes('\n') ? 400 : 404;
      expect((await call(server.app, 'GET', `/client/${id}`)).status).toBe(status);
      expect((await call(server.app, 'GET', `/client/${id}/services`)).status).toBe(status);
      expect((await call(server.app, 'GET', `/project/${id}/clients`)).status).toBe(status);
      const enrollments = await call(
        server.app,
        'GET',
        `/client/${client.PersonalID}/enrollments?ProjectID=${id}`,
      );
      expect(enrollments.status).toBe(status === 404 ? 200 : 400);
      if (status === 404)
        expect((await json<{ enrollments: unknown[] }>(enrollments)).enrollments).toEqual([]);
      const search = await call(server.app, 'POST', '/client/search', {
        body: { PersonalID: value.slice(0, 32), LastName: value },
      });
      expect(search.status).toBe(200);
      expect((await json<{ matchedClients: unknown[] }>(search)).matchedClients).toEqual([]);
      const cursor = Buffer.from(JSON.stringify([value, value])).toString('base64url');
      expect((await call(server.app, 'GET', `/projects?cursor=${cursor}`)).status).toBe(200);
      await refused(
        await call(server.app, 'GET', `/client/${client.PersonalID}/enrollments?cursor=${cursor}`),
        400,
      );
      await refused(await call(server.app, 'GET', `/changes?cursor=${cursor}`), 400);
    }
    expect(server.store.records.size).toBe(before);
    const projects = await json<{ projects: unknown[] }>(await call(server.app, 'GET', '/projects'));
    expect(projects.projects).toHaveLength(x.projects.size);
  });
});

describe('bodies and media types', () => {
  const search = (init: { rawBody?: BodyInit; headers?: Record<string, string> }) =>
    call(server.app, 'POST', '/client/search', init);

  it('refuses wrong content types (415), oversized bodies (413) and non-JSON (400)', async () => {
    await refused(
      await search({ rawBody: '{"PersonalID":"x"}', headers: { 'Content-Type': 'text/plain' } }),
      415,
    );
    await refused(await search({ rawBody: '{"PersonalID":"x"}' }), 415);
    const big = JSON.stringify({ LastName: 'x'.repeat(70_000) });
    await refused(await search({ rawBody: big, headers: { 'Content-Type': 'application/json' } }), 413);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(10_000)));
        controller.close();
      },
    });
    const streamed = await server.app.request('/api/v1/client/search', {
      method: 'POST',
      body: stream,
      headers: {
        Authorization: 'Bearer test-admin-token-0123456789abcdefghijklmnop',
        'Content-Type': 'application/json',
      },
      duplex: 'half',
    } as RequestInit);
    await refused(streamed, 413);
    for (const rawBody of ['{"PersonalID":', 'null', '[]', '"x"', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])])
      await refused(await search({ rawBody, headers: { 'Content-Type': 'application/json' } }), 400);
    await refused(await search({ rawBody: '', headers: { 'Content-Type': 'application/json' } }), 400);
    // The decoder is shared between requests: malformed UTF-8 before must not spoil the next body.
    const accented = new TextEncoder().encode('{"LastName":"Núñez"}');
    expect(
      (await search({ rawBody: accented, headers: { 'Content-Type': 'application/json' } })).status,
    ).toBe(200);
  });

  it('survives hostile JSON: deep nesting, __proto__, wrong types, PII never echoed', async () => {
    const deep = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    await refused(await search({ rawBody: deep, headers: { 'Content-Type': 'application/json' } }), 400);
    const proto = '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}';
    await refused(
      await search({ rawBody: proto, headers: { 'Content-Type': 'application/json' } }),
      400,
      '__proto__',
      'unknown',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await refused(
      await call(server.app, 'POST', '/client/search', { body: { PersonalID: 12 } }),
      400,
      'PersonalID',
      'type',
    );
    await refused(await call(server.app, 'POST', '/client/search', { body: {} }), 400);
    const ssn = await refused(
      await call(server.app, 'POST', '/client/search', { body: { SSN: '12345x789' } }),
      400,
      'SSN',
    );
    expect(JSON.stringify(ssn)).not.toContain('12345x789');
    await refused(
      await call(server.app, 'POST', '/client/search', { body: { DOB: '1990-02-31' } }),
      400,
      'DOB',
    );
    await refused(
      await call(server.app, 'POST', '/client', { body: { FirstName: 7 } }),
      400,
      'FirstName',
      'type',
    );
    await refused(
      await call(server.app, 'POST', '/client', { body: { DOB: '1990-02-31' } }),
      400,
      'DOB',
      'type',
    );
  });

  it('over real HTTP: reads a body by its Content-Length and no further, and limits a chunked one', async () => {
    const http = serve({ fetch: server.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => http.once('listening', () => resolve()));
    const { port } = http.address() as AddressInfo;
    const headers = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
    try {
      const url = `http://127.0.0.1:${port}/api/v1/client/search`;
      const fine = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ PersonalID: 'x' }) });
      expect(fine.status).toBe(200);
      const chunks = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(10_000)));
          controller.close();
        },
      });
      const chunked = { method: 'POST', headers, body: chunks, duplex: 'half' } as RequestInit;
      await refused(await fetch(url, chunked), 413);
      // What follows the declared length is the next request, never more of this body.
      const body = '{"PersonalID":"x"}';
      const raw = await rawRequest(port, [
        'POST /api/v1/client/search HTTP/1.1',
        'Host: 127.0.0.1',
        `Authorization: Bearer ${ADMIN_TOKEN}`,
        'Content-Type: application/json',
        `Content-Length: ${body.length}`,
        '',
        `${body}GET /healthz HTTP/1.1`,
        'Host: 127.0.0.1',
        'Connection: close',
        '',
        '',
      ]);
      expect(raw.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200']);
      expect(raw).toContain('{"matchedClients":[]}');
      expect(raw).toContain('"status":"ok"');
    } finally {
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it('answers 405 with Allow for a known path, 406 for an unproducible Accept, and negotiates q-values', async () => {
    const wrongMethod = await call(server.app, 'DELETE', `/client/${client.PersonalID}`);
    await refused(wrongMethod, 405);
    expect(wrongMethod.headers.get('allow')).toBe('PATCH, GET');
    await refused(await call(server.app, 'GET', '/projects', { accept: 'text/html' }), 406);
    const turtle = await call(server.app, 'GET', '/projects', {
      accept: 'application/json;q=0.5, text/turtle',
    });
    expect(turtle.headers.get('content-type')).toContain('text/turtle');
    const star = await call(server.app, 'GET', '/projects', { accept: 'text/html, */*;q=0.1' });
    expect(star.headers.get('content-type')).toContain('application/json');
    await refused(await call(server.app, 'GET', '/projects', { accept: 'application/json;q=0' }), 406);
  });
});
