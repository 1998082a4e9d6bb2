/**
 * Baseline scenarios 1 and 3–9 on HUD's LSA sample export: every expected answer is computed here
 * from the CSV files (see expect.ts), never taken from Hearth.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCAN_BUDGET } from '../../src/api/hmis-api/clients.ts';
import { boundQuery } from '../../src/api/hmis-api/common.ts';
import {
  initialsNear,
  NameQuery,
  normalizeName,
  spellingIndex,
  spellingsNear,
} from '../../src/api/hmis-api/name-match.ts';
import { iri, literal } from '../../src/query/bind.ts';
import { solutionsOf } from '../../src/query/results.ts';
import { graphIri } from '../../src/rdf/iris.ts';
import { asJson, collect, type Expect, openLsa } from './expect.ts';
import { BASE, type CsvRow, call, closeServer, json, LSA_ZIP, type Server } from './helpers.ts';
import { nameFinds } from './name-oracle.ts';

type Json = Record<string, unknown>;
type Item = Record<string, string | number | null>;

let server: Server;
let x: Expect;

describe.skipIf(!fs.existsSync(LSA_ZIP))("HUD's LSA sample: scenarios 1, 3–9", () => {
  beforeAll(async () => {
    [server, x] = await openLsa();
  }, 180_000);
  afterAll(async () => {
    await closeServer(server);
  });

  /** A client with full identifying data and at least two enrollments in different projects. */
  const sample = (): CsvRow => {
    const projects = new Map<string, Set<string>>();
    for (const e of x.enrollments)
      projects.set(
        e.PersonalID ?? '',
        (projects.get(e.PersonalID ?? '') ?? new Set()).add(e.ProjectID ?? ''),
      );
    const found = [...x.clients.values()].find(
      (c) =>
        c.FirstName &&
        c.LastName &&
        c.SSN?.length === 9 &&
        c.DOB &&
        (projects.get(c.PersonalID ?? '')?.size ?? 0) >= 2,
    );
    if (!found) throw new Error('the sample has no such client');
    return found;
  };
  const search = async (criteria: Json, limit = 1000) => {
    const response = await call(server.app, 'POST', `/client/search?limit=${limit}`, { body: criteria });
    expect(response.status).toBe(200);
    return (await json<{ matchedClients: (Item & { score: number })[] }>(response)).matchedClients;
  };

  describe('scenario 1: search', () => {
    it('finds a client by name and DOB with score 1, first', async () => {
      const c = sample();
      const found = await search({ FirstName: c.FirstName, LastName: c.LastName, DOB: c.DOB });
      expect(found[0]?.score).toBe(1);
      expect(found.filter((m) => m.score === 1).map((m) => m.PersonalID)).toContain(c.PersonalID);
      expect(found.find((m) => m.PersonalID === c.PersonalID)).toEqual({ score: 1, ...asJson('Client', c) });
    });

    it('tolerates a typo in the last name and ranks by score', async () => {
      const c = sample();
      const last = c.LastName ?? '';
      const typo = `${last.slice(0, 2)}${last[3] ?? ''}${last[2] ?? ''}${last.slice(4)}`; // two letters swapped
      const found = await search({ LastName: typo, DOB: c.DOB });
      expect(found.map((m) => m.PersonalID)).toContain(c.PersonalID);
      const scores = found.map((m) => m.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });

    it('by name: exactly the clients the name rule finds in the CSV, typos and both names included', async () => {
      const ids = (found: Item[]) => found.map((m) => m.PersonalID).sort();
      const named = (field: 'FirstName' | 'LastName', query: string) =>
        [...x.clients.values()].filter((r) => nameFinds(query, r[field] ?? '')).map((r) => r.PersonalID);
      for (const c of [...x.clients.values()].filter((r) => r.FirstName && r.LastName).slice(0, 12)) {
        const [first, last] = [c.FirstName ?? '', c.LastName ?? ''];
        const typo = `${last.slice(0, 2)}${last[3] ?? ''}${last[2] ?? ''}${last.slice(4)}x`;
        expect(ids(await search({ LastName: typo })), typo).toEqual(named('LastName', typo).sort());
        const both = { FirstName: first.slice(0, 3), LastName: last.slice(0, 4) };
        const either = new Set([...named('FirstName', both.FirstName), ...named('LastName', both.LastName)]);
        expect(ids(await search(both)), `${both.FirstName} ${both.LastName}`).toEqual([...either].sort());
      }
    });

    it('a name that many spellings match is looked up by its initials instead (the other branch)', async () => {
      const c = sample();
      const state = server.store.records.source(server.source);
      if (!state) throw new Error('no source');
      const initial = normalizeName(c.LastName ?? '').slice(0, 1);
      const [names, name] = [spellingIndex(state, 'LastName'), new NameQuery(initial)];
      const initials = initialsNear(names, name);
      expect(initials.sort()).toEqual([initial.toUpperCase()]); // the sample's names are capitalized ASCII
      const query = boundQuery('client-search', {
        graph: iri(graphIri(BASE, server.source)),
        lastInitials: initials.map((value) => literal(value)),
      });
      const result = await server.store.query(query, { accept: 'application/sparql-results+json' });
      const found = solutionsOf(result.body).map((s) =>
        decodeURIComponent(s.client?.value.split('/').pop() ?? ''),
      );
      const expected = [...x.clients.values()]
        .filter((r) => normalizeName(r.LastName ?? '').startsWith(initial))
        .map((r) => r.PersonalID);
      expect(found.sort()).toEqual(expected.sort());
      // The search takes this branch past MAX_SPELLING_CHARS; with a budget of 10 characters, any initial here.
      expect(spellingsNear(names, name)?.length).toBeGreaterThan(10);
      expect(spellingsNear(names, name, 10)).toBeUndefined();
    });

    it('by PersonalID, SSN last four, birth year and name prefix: exactly the CSV matches', async () => {
      const c = sample();
      expect((await search({ PersonalID: c.PersonalID })).map((m) => m.PersonalID)).toEqual([c.PersonalID]);
      const last4 = (c.SSN ?? '').slice(-4);
      const bySsn = [...x.clients.values()].filter((r) => r.SSN?.endsWith(last4)).map((r) => r.PersonalID);
      expect((await search({ SSN: last4 })).map((m) => m.PersonalID).sort()).toEqual(bySsn.sort());
      const year = (c.DOB ?? '').slice(0, 4);
      const byYear = [...x.clients.values()]
        .filter((r) => r.DOB?.startsWith(`${year}-`))
        .map((r) => r.PersonalID);
      expect(byYear.length).toBeLessThan(1000);
      expect((await search({ DOB: year })).map((m) => m.PersonalID).sort()).toEqual(byYear.sort());
      const prefix = (c.FirstName ?? '').slice(0, 3);
      const byPrefix = [...x.clients.values()]
        .filter((r) => r.FirstName?.toLowerCase().startsWith(prefix.toLowerCase()))
        .map((r) => r.PersonalID);
      const found = (await search({ FirstName: prefix })).map((m) => m.PersonalID);
      for (const id of byPrefix) expect(found).toContain(id);
    });
  });

  it('scenario 3: GET /client/{PersonalID} is the CSV record with its enrollments', async () => {
    const c = sample();
    const response = await call(server.app, 'GET', `/client/${c.PersonalID}`);
    expect(response.status).toBe(200);
    const body = await json<Json & { enrollments: Item[] }>(response);
    const { enrollments, ...client } = body;
    expect(client).toEqual(asJson('Client', c));
    const expected = x.enrollments
      .filter((e) => e.PersonalID === c.PersonalID)
      .sort(
        (a, b) =>
          (a.EntryDate ?? '').localeCompare(b.EntryDate ?? '') ||
          (a.EnrollmentID ?? '').localeCompare(b.EnrollmentID ?? ''),
      )
      .map((e) => ({
        EnrollmentID: e.EnrollmentID,
        ProjectID: e.ProjectID,
        ProjectName: x.projects.get(e.ProjectID ?? '')?.ProjectName,
        EntryDate: e.EntryDate,
        ExitDate: x.exits.get(e.EnrollmentID ?? '') ?? null,
      }));
    expect(enrollments).toEqual(expected);
  });

  it('scenario 4: a project’s clients, with EntryDate and ExitDate filters, paged', async () => {
    const counts = new Map<string, number>();
    for (const e of x.enrollments) counts.set(e.ProjectID ?? '', (counts.get(e.ProjectID ?? '') ?? 0) + 1);
    const [project] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [''];
    for (const filters of [{}, { EntryDate: '2024-01-01' }, { ExitDate: '2025-06-30' }] as Record<
      string,
      string
    >[]) {
      const query = new URLSearchParams(filters).toString();
      const items = await collect<Item>(server.app, `/project/${project}/clients?${query}`, 'clients', 250);
      const expected = x.enrollments
        .filter((e) => e.ProjectID === project && x.keeps(e, filters))
        .map((e) => [e.PersonalID, e.EnrollmentID, e.EntryDate, x.exits.get(e.EnrollmentID ?? '') ?? null]);
      const got = items.map((i) => [i.PersonalID, i.EnrollmentID, i.EntryDate, i.ExitDate]);
      expect(got.map((g) => g.join()).sort()).toEqual(expected.map((e) => e.join()).sort());
      for (const item of items.slice(0, 5))
        expect(item.LastName).toEqual(
          asJson('Client', x.clients.get(String(item.PersonalID)) ?? {}).LastName,
        );
    }
  });

  it('scenario 5: a client’s enrollments, filtered by ProjectID, EntryDate and ExitDate', async () => {
    const c = sample();
    const mine = x.enrollments.filter((e) => e.PersonalID === c.PersonalID);
    const project = mine[0]?.ProjectID ?? '';
    const middle =
      [...mine].sort((a, b) => (a.EntryDate ?? '').localeCompare(b.EntryDate ?? ''))[1]?.EntryDate ?? '';
    for (const filters of [
      {},
      { ProjectID: project },
      { EntryDate: middle },
      { ExitDate: '2030-01-01' },
    ] as Record<string, string>[]) {
      const query = new URLSearchParams(filters).toString();
      const items = await collect<Item>(
        server.app,
        `/client/${c.PersonalID}/enrollments?${query}`,
        'enrollments',
        1,
      );
      const expected = mine.filter((e) => x.keeps(e, filters));
      expect(items.map((i) => i.EnrollmentID).sort()).toEqual(expected.map((e) => e.EnrollmentID).sort());
      const entries = items.map((i) => String(i.EntryDate));
      expect(entries).toEqual([...entries].sort());
      for (const item of items) {
        const e = expected.find((r) => r.EnrollmentID === item.EnrollmentID) as CsvRow;
        expect(item).toMatchObject({
          ProjectID: e.ProjectID,
          HouseholdID: e.HouseholdID,
          ExitDate: x.exits.get(e.EnrollmentID ?? '') ?? null,
        });
      }
    }
  });

  it('scenarios 6–7: projects by Funder=3 (HUD: CoC – RRH), ProjectType=13, CocCode, operating dates', async () => {
    const cases: [Record<string, string>, (p: CsvRow) => boolean][] = [
      [{ Funder: '3' }, (p) => x.projectIdsWith({ Funder: '3' }).has(p.ProjectID ?? '')],
      [{ ProjectType: '13' }, (p) => p.ProjectType === '13'],
      [
        { Funder: '3', ProjectType: '13' },
        (p) => p.ProjectType === '13' && x.projectIdsWith({ Funder: '3' }).has(p.ProjectID ?? ''),
      ],
      [{ CocCode: 'XX-501' }, (p) => x.projectIdsWith({ CocCode: 'XX-501' }).has(p.ProjectID ?? '')],
      [{ OperatingStartDate: '2020-01-01' }, (p) => (p.OperatingStartDate ?? '') >= '2020-01-01'],
      [{ OperatingEndDate: '2025-12-31' }, (p) => !!p.OperatingEndDate && p.OperatingEndDate <= '2025-12-31'],
    ];
    for (const [filters, keep] of cases) {
      const items = await collect<Item>(
        server.app,
        `/projects?${new URLSearchParams(filters)}`,
        'projects',
        10,
      );
      const expected = [...x.projects.values()].filter(keep);
      expect(expected.length).toBeGreaterThan(0);
      expect(items.map((p) => p.ProjectID).sort()).toEqual(expected.map((p) => p.ProjectID).sort());
      for (const item of items)
        expect(item).toEqual(asJson('Project', x.projects.get(String(item.ProjectID)) ?? {}));
    }
  });

  it('scenarios 8–9: clients funded by HUD: CoC – RRH, and active in RRH on a day', async () => {
    const cases: [Record<string, string>, Map<string, string[]>][] = [
      [{ Funder: '3' }, x.clientsIn(x.projectIdsWith({ Funder: '3' }), {})],
      [
        { ProjectType: '13', ActiveOn: '2025-01-01' },
        x.clientsIn(x.projectIdsWith({ ProjectType: '13' }), { ActiveOn: '2025-01-01' }),
      ],
      [
        { Funder: '3', EntryDate: '2024-06-01', ExitDate: '2026-01-01' },
        x.clientsIn(x.projectIdsWith({ Funder: '3' }), { EntryDate: '2024-06-01', ExitDate: '2026-01-01' }),
      ],
      // Funder 8 funds over half of the sample's enrollments: answered in client windows.
      [
        { Funder: '8', ActiveOn: '2025-06-01' },
        x.clientsIn(x.projectIdsWith({ Funder: '8' }), { ActiveOn: '2025-06-01' }),
      ],
      // Without Funder or ProjectType: nearly every client qualifies, paged in small pages.
      [{ ActiveOn: '2025-01-01' }, x.clientsIn(new Set(x.projects.keys()), { ActiveOn: '2025-01-01' })],
      [{ ExitDate: '2024-01-01' }, x.clientsIn(new Set(x.projects.keys()), { ExitDate: '2024-01-01' })],
    ];
    for (const [filters, expected] of cases) {
      expect(expected.size).toBeGreaterThan(0);
      // Few clients exited before 2024: a page examines a bounded number of clients, so the first
      // one ends short of its limit, with a cursor (the list goes on).
      if (filters.ExitDate === '2024-01-01') {
        const first = await json<{ clients: unknown[]; nextCursor?: string }>(
          await call(server.app, 'GET', `/clients?ExitDate=2024-01-01&limit=1000`),
        );
        expect(first.clients.length).toBeLessThan(Math.min(1000, expected.size));
        expect(first.nextCursor).toBeTypeOf('string');
      }
      const broad = !('Funder' in filters || 'ProjectType' in filters);
      const items = await collect<Item & { enrollments: Item[] }>(
        server.app,
        `/clients?${new URLSearchParams(filters)}`,
        'clients',
        broad ? 97 : 1000, // many pages: no client lost or repeated between them
      );
      const got = new Map(
        items.map((i) => [String(i.PersonalID), i.enrollments.map((e) => String(e.EnrollmentID)).sort()]),
      );
      expect(got.size).toBe(items.length);
      expect(got).toEqual(expected);
      for (const item of items.slice(0, 20)) {
        const c = x.clients.get(String(item.PersonalID)) as CsvRow;
        expect([item.FirstName, item.LastName, item.DOB]).toEqual([
          c.FirstName || null,
          c.LastName || null,
          c.DOB || null,
        ]);
      }
    }
  });

  it('scenarios 8–9: on a slower store a page examines fewer clients, and the list stays whole', async () => {
    // As a remote SPARQL server would: every query answers 15 ms later than the embedded one.
    const query = server.store.query;
    server.store.query = async (sparql, options) => {
      await new Promise((resolve) => setTimeout(resolve, 15));
      return query.call(server.store, sparql, options);
    };
    try {
      const filters = { Funder: '8', ActiveOn: '2025-06-01' };
      const expected = x.clientsIn(x.projectIdsWith({ Funder: '8' }), filters);
      const pages: Item[][] = [];
      let cursor: string | undefined;
      do {
        const params = new URLSearchParams({ ...filters, limit: '1000', ...(cursor ? { cursor } : {}) });
        const body = await json<{ clients: Item[]; nextCursor?: string }>(
          await call(server.app, 'GET', `/clients?${params}`),
        );
        pages.push(body.clients);
        cursor = body.nextCursor;
      } while (cursor && pages.length < 1000);
      const ids = pages.flat().map((i) => String(i.PersonalID));
      expect(ids.length).toBe(new Set(ids).size);
      expect(new Set(ids)).toEqual(new Set(expected.keys()));
      // Windows stop once SCAN_MS (40 ms) of queries is spent: two or three 15 ms windows a page. Bounded by
      // the count alone (SCAN_BUDGET), each page would have examined 2,500 clients: 5 pages in all.
      expect(pages.length).toBeGreaterThan((2 * x.clients.size) / SCAN_BUDGET);
    } finally {
      server.store.query = query;
    }
  });
});
