/**
 * HUD's LSA sample (10,600 clients) through the running /fhir server with fhir-kit-client: every
 * resource Hearth emits, paged out of type searches, passes FHIR.js and Medplum with 0 errors, and
 * the counts match the CSV files read independently (Patients = live clients, EpisodeOfCare per
 * Patient = that client's live enrollments, one housing-status and one program-enrollment
 * Observation per enrollment with a stated living situation / project type).
 */
import type { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Csv, type CsvRow, readCsvZip } from '../hmis-api/helpers.ts';
import { client, type FhirServer, LSA_ZIP, openFhirServer, post } from './helpers.ts';
import { transactionProblems } from './receiver.ts';
import { problems } from './validate.ts';

let server: FhirServer;
let csv: Csv;
let fhir: Client;
let token: string;

type Resource = Record<string, unknown> & { resourceType: string; id: string };
type Bundle = { entry?: { resource: Resource }[]; link?: { relation: string; url: string }[] };

const live = (rows: CsvRow[] | undefined) => (rows ?? []).filter((r) => !r.DateDeleted);

/** Every match of a type search, page by page along the next links. */
async function all(
  resourceType: string,
  searchParams: Record<string, string | number> = {},
): Promise<Resource[]> {
  const found: Resource[] = [];
  let page = (await fhir.search({ resourceType, searchParams: { _count: 1000, ...searchParams } })) as Bundle;
  for (let pages = 0; pages < 200; pages++) {
    found.push(...(page.entry ?? []).map((e) => e.resource));
    if (!page.link?.some((l) => l.relation === 'next')) return found;
    page = (await fhir.nextPage({ bundle: page as never })) as Bundle;
  }
  throw new Error('more than 200 pages');
}

function expectValid(resources: readonly Resource[]): void {
  const found = resources.flatMap(problems);
  expect(found.slice(0, 10)).toEqual([]);
  expect(found).toHaveLength(0);
}

const countBy = <T>(items: readonly T[], key: (item: T) => string) => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
};

let clients: CsvRow[];
let enrollments: CsvRow[];
const pid = (personalId: string | undefined) => `${server.source}.${personalId}`;

beforeAll(async () => {
  server = await openFhirServer(LSA_ZIP);
  csv = await readCsvZip(LSA_ZIP);
  token = await server.users.add('hospital', 'health-system', { projects: [], orgs: [] });
  fhir = client(server, token);
  const liveClients = new Set(live(csv.get('Client')).map((r) => r.PersonalID));
  const liveProjects = new Set(live(csv.get('Project')).map((r) => r.ProjectID));
  clients = live(csv.get('Client'));
  enrollments = live(csv.get('Enrollment')).filter(
    (e) => liveClients.has(e.PersonalID) && liveProjects.has(e.ProjectID),
  );
}, 300_000);

afterAll(async () => {
  await server?.close();
});

describe('HUD LSA sample over /fhir', () => {
  it('serves one valid Patient per live client', async () => {
    const patients = await all('Patient');
    expect(patients.map((p) => p.id).sort()).toEqual(clients.map((c) => pid(c.PersonalID)).sort());
    expectValid(patients);
  }, 120_000);

  it("serves valid EpisodeOfCare resources, as many per Patient as the client's enrollments", async () => {
    const episodes = await all('EpisodeOfCare');
    expectValid(episodes);
    const perPatient = countBy(episodes, (e) => (e.patient as { reference: string }).reference);
    const expected = countBy(enrollments, (e) => `Patient/${pid(e.PersonalID)}`);
    expect(perPatient).toEqual(expected);
    const exits = new Set(live(csv.get('Exit')).map((x) => x.EnrollmentID));
    const active = episodes.filter((e) => e.status === 'active').length;
    expect(active).toBe(enrollments.filter((e) => !exits.has(e.EnrollmentID)).length);
  }, 120_000);

  it('serves valid Conditions (disabilities and SDOH homelessness) for known patients', async () => {
    const conditions = await all('Condition');
    expectValid(conditions);
    const patients = new Set(clients.map((c) => `Patient/${pid(c.PersonalID)}`));
    for (const condition of conditions)
      expect(patients.has((condition.subject as { reference: string }).reference)).toBe(true);
    const sdoh = conditions.filter((c) => JSON.stringify(c.category).includes('"sdoh"'));
    expect(sdoh.length).toBeGreaterThan(0);
    expect(sdoh.length).toBeLessThanOrEqual(enrollments.length);
    const unsheltered = enrollments.filter((e) => e.LivingSituation === '116' && !e.MoveInDate).length;
    expect(sdoh.filter((c) => JSON.stringify(c.code).includes('Z59.02')).length).toBeGreaterThanOrEqual(
      unsheltered,
    );
  }, 180_000);

  it('serves valid Observations: housing status per stated living situation, enrollment status per episode', async () => {
    const observations = await all('Observation');
    expectValid(observations);
    const housing = observations.filter((o) => JSON.stringify(o.code).includes('71802-3'));
    const stated = enrollments.filter(
      (e) => e.LivingSituation && !['8', '9', '99', '30', '37'].includes(e.LivingSituation),
    );
    expect(housing).toHaveLength(stated.length);
    const projects = new Map(live(csv.get('Project')).map((p) => [p.ProjectID, p]));
    const typed = enrollments.filter((e) => projects.get(e.ProjectID)?.ProjectType);
    expect(observations.length - housing.length).toBe(typed.length);
  }, 180_000);

  it('serves the directory: one Organization and HealthcareService per live row', async () => {
    const organizations = await all('Organization');
    const services = await all('HealthcareService');
    expectValid([...organizations, ...services]);
    expect(organizations).toHaveLength(live(csv.get('Organization')).length);
    expect(services).toHaveLength(live(csv.get('Project')).length);
    expect(await all('Coverage')).toEqual([]); // HUD's sample has no IncomeBenefits rows
  }, 60_000);

  it('answers valid Medicaid eligibility transaction Bundles (or 422 without evidence) for a sample of 300 clients', async () => {
    const step = Math.floor(clients.length / 300);
    let bundles = 0;
    for (let i = 0; i < clients.length; i += step) {
      const patient = pid((clients[i] as CsvRow).PersonalID);
      const parameters = {
        resourceType: 'Parameters',
        parameter: [{ name: 'patient', valueReference: { reference: `Patient/${patient}` } }],
      };
      const answer = await post(server, '/$medicaid-eligibility-bundle', token, parameters);
      if (answer.status === 422) continue;
      expect(answer.status).toBe(200);
      expect(transactionProblems(answer.body)).toEqual([]);
      bundles++;
    }
    expect(bundles).toBeGreaterThan(100);
  }, 120_000);

  it("$everything holds the client's episodes, valid, for a sample of 300 clients", async () => {
    const enrollmentsOf = countBy(enrollments, (e) => e.PersonalID ?? '');
    const step = Math.floor(clients.length / 300);
    for (let i = 0; i < clients.length; i += step) {
      const row = clients[i] as CsvRow;
      const bundle = (await fhir.operation({
        name: '$everything',
        resourceType: 'Patient',
        id: pid(row.PersonalID),
        method: 'GET',
      })) as Bundle;
      const resources = (bundle.entry ?? []).map((e) => e.resource);
      expect(resources.filter((r) => r.resourceType === 'Patient').map((r) => r.id)).toEqual([
        pid(row.PersonalID),
      ]);
      expect(resources.filter((r) => r.resourceType === 'EpisodeOfCare')).toHaveLength(
        enrollmentsOf.get(row.PersonalID ?? '') ?? 0,
      );
      expectValid([bundle as unknown as Resource]);
    }
  }, 120_000);
});
