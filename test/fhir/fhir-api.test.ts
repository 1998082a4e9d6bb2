/**
 * The /fhir surface over HTTP on the demo data: CapabilityStatement, read, search with paging and
 * includes, $everything, access (404 outside the caller's scope, 401, 403), the member ID and the
 * Medicaid eligibility bundle, and bad input (unknown parameters, malformed ids, `_count` abuse,
 * bodies). Every resource in every answer passes both validators.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Csv, type CsvRow, readCsvFolder } from '../hmis-api/helpers.ts';
import { client, DEMO_DIR, type FhirServer, get, openFhirServer } from './helpers.ts';
import { problems } from './validate.ts';

let server: FhirServer;
let csv: Csv;
let health: string;
let scoped: string;
let caseworker: string;
let scopedProject: string;

type Bundle = {
  entry?: { resource: Record<string, unknown>; search?: { mode: string } }[];
  link?: { relation: string; url: string }[];
};

const entries = (bundle: unknown) => ((bundle as Bundle).entry ?? []).map((e) => e.resource);
const ofType = (bundle: unknown, type: string) => entries(bundle).filter((r) => r.resourceType === type);
const patientId = (row: CsvRow) => `${server.source}.${row.PersonalID}`;

beforeAll(async () => {
  server = await openFhirServer(DEMO_DIR);
  csv = readCsvFolder(DEMO_DIR);
  health = await server.users.add('clinic', 'health-system', { projects: [], orgs: [] });
  scopedProject = csv.get('Project')?.[0]?.ProjectID ?? '';
  scoped = await server.users.add('clinic-scoped', 'health-system', { projects: [scopedProject], orgs: [] });
  caseworker = await server.users.add('worker', 'caseworker', { projects: [scopedProject], orgs: [] });
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe('metadata', () => {
  it('is a valid CapabilityStatement listing what is served, without authentication', async () => {
    const statement = (await client(server, health).capabilityStatement()) as Record<string, unknown>;
    expect(problems(statement)).toEqual([]);
    expect(statement.fhirVersion).toBe('4.0.1');
    const resources =
      (statement.rest as { resource: { type: string; searchParam: { name: string }[] }[] }[])[0]?.resource ??
      [];
    expect(resources.map((r) => r.type).sort()).toEqual([
      'Condition',
      'Consent',
      'Coverage',
      'EpisodeOfCare',
      'HealthcareService',
      'Observation',
      'OperationDefinition',
      'Organization',
      'Patient',
    ]);
    const patient = resources.find((r) => r.type === 'Patient');
    expect(patient?.searchParam.map((p) => p.name)).toEqual(
      expect.arrayContaining(['identifier', 'name', 'family', 'given', 'birthdate', '_lastUpdated']),
    );
  });
  it("serves valid OperationDefinitions for Hearth's own operations", async () => {
    const statement = (await get(server, '/metadata')).body as {
      rest: { operation: { definition: string }[]; resource: { operation?: { definition: string }[] }[] }[];
    };
    const rest = statement.rest[0];
    const definitions = [
      ...(rest?.operation ?? []),
      ...(rest?.resource ?? []).flatMap((r) => r.operation ?? []),
    ]
      .map((o) => o.definition)
      .filter((url) => url.startsWith('https://w3id.org/hearth/'));
    expect(definitions).toHaveLength(2);
    for (const url of definitions) {
      const answer = await get(server, `/OperationDefinition/${url.split('/').at(-1)}`);
      expect(answer.status).toBe(200);
      expect(answer.body.url).toBe(url);
      expect(problems(answer.body)).toEqual([]);
    }
    expect((await get(server, '/OperationDefinition/nope')).status).toBe(404);
  });
});

describe('read and search', () => {
  it('reads every client as a valid Patient, and EpisodeOfCare counts match Enrollment.csv', async () => {
    const fhir = client(server, health);
    const enrollments = csv.get('Enrollment') ?? [];
    for (const row of (csv.get('Client') ?? []).filter((r) => !r.DateDeleted)) {
      const patient = (await fhir.read({ resourceType: 'Patient', id: patientId(row) })) as Record<
        string,
        unknown
      >;
      expect(problems(patient)).toEqual([]);
      const episodes = await fhir.search({
        resourceType: 'EpisodeOfCare',
        searchParams: { patient: patientId(row), _count: 1000 },
      });
      const expected = enrollments.filter((e) => e.PersonalID === row.PersonalID && !e.DateDeleted).length;
      expect(ofType(episodes, 'EpisodeOfCare')).toHaveLength(expected);
    }
  });

  it('pages with _count and next links, each client once, no total', async () => {
    const fhir = client(server, health);
    const seen: string[] = [];
    let page = (await fhir.search({ resourceType: 'Patient', searchParams: { _count: 7 } })) as Bundle & {
      total?: number;
    };
    expect(page.total).toBeUndefined();
    for (let i = 0; i < 100 && page; i++) {
      seen.push(...entries(page).map((r) => r.id as string));
      if (!page.link?.some((l) => l.relation === 'next')) break;
      page = (await fhir.nextPage({ bundle: page as never })) as Bundle;
    }
    const live = (csv.get('Client') ?? []).filter((r) => !r.DateDeleted);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(live.map(patientId).sort());
  });

  it('searches by name, family, given, birthdate, identifier and _lastUpdated', async () => {
    const fhir = client(server, health);
    const row = (csv.get('Client') ?? []).find((r) => r.FirstName && r.LastName && r.DOB) as CsvRow;
    const ids = async (params: Record<string, string>) =>
      entries(await fhir.search({ resourceType: 'Patient', searchParams: params })).map((r) => r.id);
    expect(await ids({ family: row.LastName as string })).toContain(patientId(row));
    expect(await ids({ given: (row.FirstName as string).toLowerCase().slice(0, 2) })).toContain(
      patientId(row),
    );
    expect(await ids({ 'name:exact': row.FirstName as string })).toContain(patientId(row));
    expect(await ids({ birthdate: row.DOB as string })).toContain(patientId(row));
    expect(await ids({ birthdate: `gt${row.DOB}` })).not.toContain(patientId(row));
    expect(await ids({ identifier: row.PersonalID as string })).toEqual([patientId(row)]);
    expect(await ids({ _lastUpdated: 'ge2099-01-01' })).toEqual([]);
  });

  it('searches EpisodeOfCare by status, date and type, with _include of the Patient', async () => {
    const fhir = client(server, health);
    const open = new Set((csv.get('Exit') ?? []).map((e) => e.EnrollmentID));
    const active = (csv.get('Enrollment') ?? []).filter((e) => !open.has(e.EnrollmentID) && !e.DateDeleted);
    const bundle = await fhir.search({
      resourceType: 'EpisodeOfCare',
      searchParams: { status: 'active', _count: 1000, _include: 'EpisodeOfCare:patient' },
    });
    expect(ofType(bundle, 'EpisodeOfCare')).toHaveLength(active.length);
    const patients = new Set(active.map((e) => `${server.source}.${e.PersonalID}`));
    expect(new Set(ofType(bundle, 'Patient').map((p) => p.id))).toEqual(patients);
    for (const resource of entries(bundle)) expect(problems(resource)).toEqual([]);
    const typed = await fhir.search({
      resourceType: 'EpisodeOfCare',
      searchParams: { type: '13', date: 'ge2000', _count: 1000 },
    });
    for (const episode of ofType(typed, 'EpisodeOfCare'))
      expect(JSON.stringify(episode.type)).toContain('"code":"13"');
  });

  it('_revinclude=EpisodeOfCare:patient adds each patient’s episodes', async () => {
    const row = (csv.get('Enrollment') ?? [])[0] as CsvRow;
    const bundle = await client(server, health).search({
      resourceType: 'Patient',
      searchParams: { _id: `${server.source}.${row.PersonalID}`, _revinclude: 'EpisodeOfCare:patient' },
    });
    const expected = (csv.get('Enrollment') ?? []).filter(
      (e) => e.PersonalID === row.PersonalID && !e.DateDeleted,
    );
    expect(ofType(bundle, 'EpisodeOfCare')).toHaveLength(expected.length);
  });

  it('$everything returns valid resources of the client and the projects and organizations they name', async () => {
    const row = (csv.get('Enrollment') ?? [])[0] as CsvRow;
    const bundle = await client(server, health).operation({
      name: '$everything',
      resourceType: 'Patient',
      id: `${server.source}.${row.PersonalID}`,
      method: 'GET',
    });
    const types = new Set(entries(bundle).map((r) => r.resourceType));
    expect(types).toContain('Patient');
    expect(types).toContain('EpisodeOfCare');
    expect(types).toContain('HealthcareService');
    expect(types).toContain('Organization');
    for (const resource of entries(bundle)) expect(problems(resource)).toEqual([]);
    expect(problems(bundle)).toEqual([]);
  });
});

describe('every resource of the demo data', () => {
  it.each([
    'Patient',
    'EpisodeOfCare',
    'Condition',
    'Observation',
    'Coverage',
    'Organization',
    'HealthcareService',
  ])('%s: every one passes both validators', async (resourceType) => {
    const found = entries(
      await client(server, health).search({ resourceType, searchParams: { _count: 1000 } }),
    );
    expect(found.length).toBeGreaterThan(0);
    expect(found.flatMap(problems)).toEqual([]);
  });

  it('Coverage follows the latest insurance answer of each client (IncomeBenefits.csv)', async () => {
    const latest = new Map<string, CsvRow>();
    for (const row of (csv.get('IncomeBenefits') ?? []).filter(
      (r) => !r.DateDeleted && r.InsuranceFromAnySource,
    )) {
      const key = row.PersonalID as string;
      const current = latest.get(key);
      const order = (r: CsvRow) => `${r.InformationDate} ${r.DateUpdated}`;
      if (!current || order(row) > order(current)) latest.set(key, row);
    }
    const medicaid = [...latest.values()].filter(
      (r) => r.InsuranceFromAnySource === '1' && r.Medicaid === '1',
    );
    const coverages = entries(
      await client(server, health).search({
        resourceType: 'Coverage',
        searchParams: { type: 'https://nahdo.org/sopt|2', _count: 1000 },
      }),
    );
    expect(new Set(coverages.map((c) => (c.beneficiary as { reference: string }).reference))).toEqual(
      new Set(medicaid.map((r) => `Patient/${patientId(r)}`)),
    );
  });
});

describe('POST _search', () => {
  it('takes the criteria in a form body (fhir-kit-client postSearch), with the same answer as GET', async () => {
    const row = (csv.get('Client') ?? []).find((r) => r.LastName) as CsvRow;
    const fhir = client(server, health);
    const params = { family: row.LastName as string, _count: 1000 };
    const posted = await fhir.search({
      resourceType: 'Patient',
      searchParams: params,
      options: { postSearch: true },
    });
    const got = await fhir.search({ resourceType: 'Patient', searchParams: params });
    expect(entries(posted).map((r) => r.id)).toEqual(entries(got).map((r) => r.id));
    expect(entries(posted).map((r) => r.id)).toContain(patientId(row));
  });

  it('refuses other media types, oversized bodies and unknown parameters in the body', async () => {
    const send = (body: string, type: string) =>
      fetch(`${server.baseUrl}/Patient/_search`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${health}`, 'Content-Type': type },
        body,
      });
    expect((await send('{"family":"x"}', 'application/json')).status).toBe(415);
    expect((await send(`family=${'x'.repeat(20_000)}`, 'application/x-www-form-urlencoded')).status).toBe(
      413,
    );
    const unknown = await send('colour=blue', 'application/x-www-form-urlencoded');
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(await unknown.json())).toContain('colour');
  });
});

describe('access', () => {
  it('needs a token (401 OperationOutcome) and the fhir action (403)', async () => {
    const anonymous = await get(server, '/Patient');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.resourceType).toBe('OperationOutcome');
    const denied = await get(server, '/Patient', caseworker);
    expect(denied.status).toBe(403);
    expect(denied.body.resourceType).toBe('OperationOutcome');
  });

  it('a scoped health system sees only clients of its projects; others are 404s', async () => {
    const inScope = new Set(
      (csv.get('Enrollment') ?? [])
        .filter((e) => e.ProjectID === scopedProject && !e.DateDeleted)
        .map((e) => e.PersonalID),
    );
    const outside = (csv.get('Client') ?? []).find((r) => !inScope.has(r.PersonalID)) as CsvRow;
    const bundle = await client(server, scoped).search({
      resourceType: 'Patient',
      searchParams: { _count: 1000 },
    });
    expect(new Set(entries(bundle).map((r) => r.id))).toEqual(
      new Set([...inScope].map((p) => `${server.source}.${p}`)),
    );
    expect((await get(server, `/Patient/${patientId(outside)}`, scoped)).status).toBe(404);
    expect((await get(server, `/Patient/${patientId(outside)}/$everything`, scoped)).status).toBe(404);
    const episodes = await get(server, `/EpisodeOfCare?patient=${patientId(outside)}`, scoped);
    expect(entries(episodes.body)).toEqual([]);
  });
});

describe('audit', () => {
  it('writes one line per FHIR request with route templates and ids, never names or birth dates', async () => {
    const row = (csv.get('Client') ?? []).find((r) => r.FirstName && r.DOB) as CsvRow;
    await get(server, `/Patient?given=${row.FirstName}&birthdate=${row.DOB}`, health);
    await get(server, `/Patient/${patientId(row)}`, health);
    await server.audit.flush();
    const lines = fs.readFileSync(server.audit.file, 'utf8').trim().split('\n');
    const fhirLines = lines.filter((l) => l.includes('/fhir/'));
    expect(
      fhirLines.some((l) => l.includes('"route":"GET /fhir/{type}/{id}"') && l.includes(patientId(row))),
    ).toBe(true);
    for (const line of fhirLines) {
      expect(line).not.toContain(row.FirstName);
      expect(line).not.toContain(row.DOB);
    }
  });
});

describe('bad input', () => {
  it.each([
    ['/Patient?colour=blue', 400],
    ['/Patient?name:sounds=x', 400],
    ['/Patient?birthdate=2020-02-30', 400],
    ['/Patient?birthdate=yesterday', 400],
    ['/Patient?_count=0', 400],
    ['/Patient?_count=-1', 400],
    ['/Patient?_count=1000000', 400],
    ['/Patient?_count=abc', 400],
    ['/Patient?_count=5&_count=6', 400],
    ['/Patient?_cursor=%24%24%24', 400],
    ['/Patient?_include=Patient:organization', 400],
    ['/Patient?_revinclude=AuditEvent:patient', 400],
    ['/EpisodeOfCare?patient=Organization/x', 400],
    ['/Patient?_format=xml', 406],
    ['/Patient/bad%20id', 400],
    ['/Patient/a_b', 400],
    [`/Patient/${'x'.repeat(65)}`, 400],
    ['/Patient/no-such-source.C1', 404],
    ['/AuditEvent', 404],
    ['/Patient/x/$everything?foo=1', 400],
  ])('%s → %i OperationOutcome', async (path, status) => {
    const answer = await get(server, path, health);
    expect(answer.status).toBe(status);
    expect(answer.type).toContain('application/fhir+json');
    expect(answer.body.resourceType).toBe('OperationOutcome');
    expect(problems(answer.body)).toEqual([]);
  });

  it('hostile search strings are plain text, not code', async () => {
    const answer = await get(
      server,
      `/Patient?name=${encodeURIComponent("x' OR 1=1 } UNION { ?s ?p ?o")}`,
      health,
    );
    expect(answer.status).toBe(200);
    expect(entries(answer.body)).toEqual([]);
  });

  it('refuses XML Accept with 406', async () => {
    const answer = await get(server, '/Patient', health, { Accept: 'application/fhir+xml' });
    expect(answer.status).toBe(406);
  });
});
