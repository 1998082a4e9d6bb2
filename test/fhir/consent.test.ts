/**
 * Consent over FHIR: a health system sees a client outside its scope only through an approved
 * consent naming its organization, as a Patient of the shared columns and nothing under it, the
 * same policy the HMIS API and OpenHMIS apply (security/consent.ts); a revocation shows at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { type Consent, ConsentBook } from '../../src/security/consent.ts';
import { type Csv, type CsvRow, readCsvFolder } from '../hmis-api/helpers.ts';
import { ADMIN_TOKEN, DEMO_DIR, type FhirServer, openFhirServer } from './helpers.ts';
import { problems } from './validate.ts';

let server: FhirServer;
let csv: Csv;
let book: ConsentBook;
let app: ReturnType<typeof createApp>;
let token: string;
let client: CsvRow;
let id: string;

const ORG = 'ORG-3';

async function fhir(path: string) {
  const response = await app.request(`/fhir${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
const ids = (bundle: Record<string, unknown>) =>
  ((bundle.entry as { resource: { id: string } }[] | undefined) ?? []).map((e) => e.resource.id);

function consent(overrides: Partial<Consent> = {}): Consent {
  return {
    consentId: 'consent-1',
    source: server.source,
    clientId: client.PersonalID as string,
    submitterId: 'worker',
    organizationIds: [ORG],
    cocIds: [],
    fields: { firstName: 0, dob: 0, lastName: 1 },
    approvalStatus: 1,
    dateCreated: '2026-11-01T10:00:00Z',
    dateUpdated: '2026-11-01T10:00:00Z',
    dateProcessed: '2026-11-01T10:00:00Z',
    dateDeleted: null,
    ...overrides,
  };
}

beforeAll(async () => {
  server = await openFhirServer(DEMO_DIR);
  csv = readCsvFolder(DEMO_DIR);
  const orgOf = new Map((csv.get('Project') ?? []).map((p) => [p.ProjectID, p.OrganizationID]));
  const inOrg = new Set(
    (csv.get('Enrollment') ?? []).filter((e) => orgOf.get(e.ProjectID) === ORG).map((e) => e.PersonalID),
  );
  client = (csv.get('Client') ?? []).find(
    (c) => !inOrg.has(c.PersonalID) && !c.DateDeleted && c.FirstName && c.LastName && c.DOB,
  ) as CsvRow;
  id = `${server.source}.${client.PersonalID}`;
  token = await server.users.add('hospital-org3', 'health-system', { projects: [], orgs: [ORG] });
  book = new ConsentBook(server.dir);
  const config = { dataDir: server.dir, baseIri: 'http://hearth.test/id', port: 0, maxQuads: undefined };
  app = createApp({
    store: server.store,
    config,
    adminToken: ADMIN_TOKEN,
    users: server.users,
    audit: server.audit,
    consents: book,
  });
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe('consent-widened visibility', () => {
  it('without a consent the client is a 404', async () => {
    expect((await fhir(`/Patient/${id}`)).status).toBe(404);
    expect(ids((await fhir(`/Patient?given=${client.FirstName}&_count=1000`)).body)).not.toContain(id);
  });

  it('a pending consent changes nothing', async () => {
    await book.save(consent({ approvalStatus: 0, dateProcessed: null }));
    expect((await fhir(`/Patient/${id}`)).status).toBe(404);
  });

  it('an approved consent shows the shared columns only, and nothing under the client', async () => {
    await book.save(consent());
    const read = await fhir(`/Patient/${id}`);
    expect(read.status).toBe(200);
    expect(problems(read.body)).toEqual([]);
    expect(read.body.birthDate).toBe(client.DOB);
    const name = (read.body.name as { given?: string[]; family?: string }[])[0];
    expect(name?.given).toEqual([client.FirstName]);
    expect(name?.family).toBeUndefined();
    expect(JSON.stringify(read.body)).not.toContain(client.LastName as string);
    const everything = await fhir(`/Patient/${id}/$everything`);
    expect(ids(everything.body)).toEqual([id]);
    expect(ids((await fhir(`/EpisodeOfCare?patient=${id}`)).body)).toEqual([]);
    // Searches match on shared fields only.
    expect(ids((await fhir(`/Patient?given=${client.FirstName}&_count=1000`)).body)).toContain(id);
    expect(ids((await fhir(`/Patient?family=${client.LastName}&_count=1000`)).body)).not.toContain(id);
  });

  it('a revocation shows at once', async () => {
    await book.save(consent({ dateDeleted: '2026-11-02T10:00:00Z', dateUpdated: '2026-11-02T10:00:00Z' }));
    expect((await fhir(`/Patient/${id}`)).status).toBe(404);
    expect(ids((await fhir(`/Patient?given=${client.FirstName}&_count=1000`)).body)).not.toContain(id);
  });
});

describe('Consent resources', () => {
  it('an unscoped health system sees the client’s consents as valid SDOHCC Consents (IDSCL)', async () => {
    const unscoped = await server.users.add('hospital-all', 'health-system', { projects: [], orgs: [] });
    const response = await app.request(`/fhir/Consent?patient=${id}`, {
      headers: { Authorization: `Bearer ${unscoped}` },
    });
    const bundle = (await response.json()) as { entry?: { resource: Record<string, unknown> }[] };
    const consents = (bundle.entry ?? []).map((e) => e.resource);
    expect(consents).toHaveLength(1);
    const [resource] = consents as [Record<string, unknown>];
    expect(problems(resource)).toEqual([]);
    expect(resource.status).toBe('inactive'); // revoked above
    expect((resource.category as { coding: { code: string }[] }[]).map((c) => c.coding[0]?.code)).toEqual([
      'IDSCL',
    ]);
    const read = await app.request(`/fhir/Consent/${resource.id}`, {
      headers: { Authorization: `Bearer ${unscoped}` },
    });
    expect(read.status).toBe(200);
    const everything = await app.request(`/fhir/Patient/${id}/$everything`, {
      headers: { Authorization: `Bearer ${unscoped}` },
    });
    expect(JSON.stringify(await everything.json())).toContain('"resourceType":"Consent"');
  });

  it('a client seen only through consent shows no Consent resources', async () => {
    await book.save(consent({ consentId: 'consent-2', dateDeleted: null }));
    expect(ids((await fhir(`/Consent?patient=${id}`)).body)).toEqual([]);
    expect((await fhir(`/Consent/${server.source}.consent.consent-2`)).status).toBe(404);
  });
});
