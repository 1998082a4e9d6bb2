/**
 * Scenarios 10 and 11, /csvexport and the RDF representations, on HUD's LSA sample export. Expected
 * answers come from the CSV files (expect.ts); JSON-LD is expanded with jsonld.js.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Parser } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { table } from '../../src/model/index.ts';
import { tempDir } from '../helpers/exports.ts';
import { asJson, collect, type Expect, openLsa } from './expect.ts';
import {
  BASE,
  type CsvRow,
  call,
  closeServer,
  json,
  LSA_ZIP,
  live,
  readCsvZip,
  rows,
  type Server,
} from './helpers.ts';

interface JsonLd {
  toRDF(input: object, options: Record<string, unknown>): Promise<string>;
}
const jsonld = createRequire(import.meta.url)('jsonld') as JsonLd;

type Item = Record<string, string | number | null>;
const DATE_COLUMN: Readonly<Record<string, string>> = {
  Exit: 'ExitDate',
  Services: 'DateProvided',
  Event: 'EventDate',
  Assessment: 'AssessmentDate',
};

let server: Server;
let x: Expect;

describe.skipIf(!fs.existsSync(LSA_ZIP))("HUD's LSA sample: scenarios 10–11, /csvexport, RDF", () => {
  beforeAll(async () => {
    [server, x] = await openLsa();
  }, 180_000);
  afterAll(async () => {
    await closeServer(server);
  });

  /** The client with the most Services.csv rows. */
  const busiest = (): string => {
    const counts = new Map<string, number>();
    for (const s of rows(x.csv, 'Services'))
      counts.set(s.PersonalID ?? '', (counts.get(s.PersonalID ?? '') ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  };
  const changedAt = (row: CsvRow) =>
    [row.DateUpdated ?? '', row.DateDeleted ?? ''].sort()[1]?.replace(' ', 'T') ?? '';
  const keyOf = (tableName: string, row: CsvRow) => row[table(tableName).key] ?? '';

  it('scenario 10: a client’s changes since a moment, every table under the client', async () => {
    const pid = busiest();
    const records = [
      { table: 'Client', row: x.clients.get(pid) as CsvRow },
      ...x.enrollments.filter((e) => e.PersonalID === pid).map((row) => ({ table: 'Enrollment', row })),
      ...x.underClient(pid),
    ];
    const times = records.map((r) => changedAt(r.row)).sort();
    const since = times[Math.floor(times.length / 2)] ?? '';
    const items = await collect<Item>(server.app, `/client/${pid}/changes?since=${since}`, 'changes', 7);
    const expected = records.filter((r) => changedAt(r.row) >= since);
    expect(expected.length).toBeGreaterThan(1);
    expect(items.map((i) => `${i.table}/${i.id}`).sort()).toEqual(
      expected.map((r) => `${r.table}/${keyOf(r.table, r.row)}`).sort(),
    );
    const order = items.map((i) => String(i.DateUpdated));
    expect(order).toEqual([...order].sort());
    for (const item of items) {
      const { row } = expected.find((r) => r.table === item.table && keyOf(r.table, r.row) === item.id) as {
        row: CsvRow;
      };
      expect(item).toEqual({
        table: item.table,
        id: item.id,
        kind: (row.DateCreated ?? '').replace(' ', 'T') >= since ? 'created' : 'updated',
        DateUpdated: changedAt(row),
        PersonalID: pid,
      });
    }
  });

  it('scenario 10: the feed across clients, cursor-paged without gaps or repeats', async () => {
    const since = '2026-07-20T00:00:00';
    const expected: string[] = [];
    for (const [name, list] of x.csv)
      for (const row of list)
        if ('PersonalID' in row && live(row) && changedAt(row) >= since)
          expected.push(`${name}/${keyOf(name, row)}`);
    const items = await collect<Item>(server.app, `/changes?since=${since}`, 'changes', 1000);
    expect(expected.length).toBeGreaterThan(1000);
    expect(items.map((i) => `${i.table}/${i.id}`).sort()).toEqual(expected.sort());
  });

  it('scenario 11: a person’s services, all time and within a time frame', async () => {
    const pid = busiest();
    const under = x.underClient(pid);
    const assessmentDates = new Map(
      rows(x.csv, 'Assessment').map((a) => [a.AssessmentID ?? '', a.AssessmentDate ?? '']),
    );
    const dated = under.map(({ table: name, row }) => ({
      id: `${name}/${keyOf(name, row)}`,
      date: row[DATE_COLUMN[name] ?? 'InformationDate'] || assessmentDates.get(row.AssessmentID ?? '') || '',
    }));
    const dates = dated.map((d) => d.date).sort();
    const from = dates[Math.floor(dates.length / 4)] ?? '';
    const to = dates[Math.floor((dates.length * 3) / 4)] ?? '';
    for (const [query, keep] of [
      ['', () => true],
      [`from=${from}&to=${to}`, (d: string) => d >= from && d <= to],
    ] as const) {
      const items = await collect<Item>(server.app, `/client/${pid}/services?${query}`, 'services', 50);
      expect(items.map((i) => `${i.table}/${i[table(String(i.table)).key]}`).sort()).toEqual(
        dated
          .filter((d) => keep(d.date))
          .map((d) => d.id)
          .sort(),
      );
      expect(items.map((i) => i.date)).toEqual(items.map((i) => i.date).sort());
    }
    expect(under.some((u) => u.table === 'Services')).toBe(true);
  });

  it('/csvexport as JSON for one client: the CSV rows of that client, keyed by file name', async () => {
    const pid = busiest();
    const response = await call(server.app, 'GET', `/csvexport?PersonalID=${pid}`);
    expect(response.status).toBe(200);
    const body = await json<Record<string, Item[]>>(response);
    expect(Object.keys(body)).toHaveLength(24);
    expect(body['Client.csv']).toEqual([asJson('Client', x.clients.get(pid) as CsvRow)]);
    const services = rows(x.csv, 'Services').filter((s) => s.PersonalID === pid);
    const sortById = (list: Item[], key: string) =>
      [...list].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
    expect(sortById(body['Services.csv'] ?? [], 'ServicesID')).toEqual(
      sortById(
        services.map((s) => asJson('Services', s)),
        'ServicesID',
      ),
    );
    expect((body['Project.csv'] ?? []).length).toBe(x.projects.size);
  });

  it('/csvexport as a zip: every live CSV row, cell by cell', { timeout: 60_000 }, async () => {
    const response = await call(server.app, 'GET', '/csvexport', { accept: 'application/zip' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    const file = `${tempDir()}/export.zip`;
    fs.writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    const exported = await readCsvZip(file);
    const referenced = (column: string, from: string) =>
      new Set(
        [...x.csv]
          .filter(([name]) => name !== from)
          .flatMap(([, list]) => list.filter(live).map((r) => r[column])),
      );
    for (const [name, list] of x.csv) {
      const spec = table(name);
      const keep =
        name === 'Export'
          ? referenced('ExportID', 'Export')
          : name === 'User'
            ? referenced('UserID', 'User')
            : undefined;
      const expected = list.filter((r) => live(r) && (!keep || keep.has(keyOf(name, r))));
      const canonical = (r: CsvRow) => JSON.stringify(spec.fields.map((f) => r[f.name] ?? ''));
      expect(new Set((exported.get(name) ?? []).map(canonical)), name).toEqual(
        new Set(expected.map(canonical)),
      );
    }
  });

  it('JSON-LD expands (jsonld.js, safe mode) to the same HUD-ontology triples as Turtle and N-Triples', async () => {
    const pid = busiest();
    const context = await (await server.app.request('/context.jsonld')).json();
    const documentLoader = async (url: string) => ({ contextUrl: null, documentUrl: url, document: context });
    const triples = async (accept: string) => {
      const response = await call(server.app, 'GET', `/client/${pid}`, { accept });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain(accept);
      const text =
        accept === 'application/ld+json'
          ? await jsonld.toRDF(await response.json(), {
              format: 'application/n-quads',
              documentLoader,
              safe: true,
            })
          : await response.text();
      const format = accept === 'text/turtle' ? 'Turtle' : 'N-Triples';
      return new Set(
        new Parser({ format })
          .parse(text)
          .map((q) => `${q.subject.value} ${q.predicate.value} ${q.object.id}`),
      );
    };
    const [ld, ttl, nt] = await Promise.all([
      triples('application/ld+json'),
      triples('text/turtle'),
      triples('application/n-triples'),
    ]);
    expect(ld).toEqual(ttl);
    expect(ld).toEqual(nt);
    const client = `${BASE}/${server.source}/client/${pid}`;
    const c = x.clients.get(pid) as CsvRow;
    expect(ld).toContain(`${client} http://www.w3.org/1999/02/22-rdf-syntax-ns#type urn:hud:hmis:owl#Client`);
    expect(ld).toContain(`${client} urn:hud:hmis:owl#DOB "${c.DOB}"^^http://www.w3.org/2001/XMLSchema#date`);
    const enrollment = x.enrollments.find((e) => e.PersonalID === pid) as CsvRow;
    expect(ld).toContain(
      `${client} urn:hud:hmis:owl#hasClientEnrollment ${BASE}/${server.source}/enrollment/${enrollment.EnrollmentID}`,
    );
    for (const triple of ld)
      expect(triple.split(' ')[1]).toMatch(
        /^(urn:hud:hmis:owl#|http:\/\/www\.w3\.org\/1999\/02\/22-rdf-syntax-ns#type)/,
      );
  });
  // Last in this file: it writes, and the tests above compare with the CSV as imported.
  it('scenarios 2, 3 and 10 together: a create and an update show up in both change feeds', async () => {
    const pid = busiest();
    const csv = x.clients.get(pid) as CsvRow;
    const patched = await call(server.app, 'PATCH', `/client/${pid}`, { body: { MiddleName: 'Quill' } });
    expect(patched.status).toBe(200);
    const stored = await json<Item>(patched);
    const since = String(stored.DateUpdated);
    expect(since > changedAt(csv)).toBe(true);
    const read = await json<Item>(await call(server.app, 'GET', `/client/${pid}`));
    const { enrollments: _, ...columns } = read;
    expect(columns).toEqual({
      ...asJson('Client', csv),
      MiddleName: 'Quill',
      DateUpdated: since,
      UserID: stored.UserID,
    });

    const body = { ...asJson('Client', csv), FirstName: 'Zephyrine', MiddleName: null };
    for (const column of ['PersonalID', 'DateCreated', 'DateUpdated', 'UserID', 'DateDeleted', 'ExportID'])
      delete (body as Record<string, unknown>)[column];
    const created = await call(server.app, 'POST', '/client', { body });
    expect(created.status).toBe(201);
    const newId = String((await json<Item>(created)).PersonalID);

    const feed = await collect<Item>(server.app, `/changes?since=${since}`, 'changes', 1);
    // Both may fall in the same second: then the feed orders them by id.
    expect(feed.map((i) => `${i.table}/${i.id}/${i.kind}`).sort()).toEqual(
      [`Client/${pid}/updated`, `Client/${newId}/created`].sort(),
    );
    expect(feed.map((i) => String(i.DateUpdated))).toEqual(feed.map((i) => String(i.DateUpdated)).sort());
    const own = await collect<Item>(server.app, `/client/${pid}/changes?since=${since}`, 'changes', 5);
    expect(own.map((i) => [i.table, i.id, i.kind])).toEqual([['Client', pid, 'updated']]);
    const found = await json<{ matchedClients: Item[] }>(
      await call(server.app, 'POST', '/client/search', {
        body: { FirstName: 'Zephyrine', LastName: csv.LastName },
      }),
    );
    expect(found.matchedClients[0]).toMatchObject({ PersonalID: newId, score: 1 });
  });
});
