/**
 * A CRUD walk over every resource under an enrollment: create (JSON, and again in XML), read one,
 * list, change, see it embedded (read-only) in the enrollment, delete (true; DateDeleted kept),
 * gone. Plus: a PUT of the enrollment does not touch what it embeds, records of one enrollment are
 * not reachable under another, and the project subresources and users read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENROLLMENT_CHILDREN } from '../../mappings/openhmis/resources.ts';
import { toXml } from '../../src/api/openhmis/xml.ts';
import { fieldIndex, table } from '../../src/model/index.ts';
import { closeSeedServer, openSeedServer, type SeedServer } from './fixture.ts';
import { type Json, jsonOf, lexical, request, xmlOf } from './helpers.ts';

let server: SeedServer;
beforeAll(async () => {
  server = await openSeedServer();
}, 60_000);
afterAll(async () => closeSeedServer(server));

const ENROLLMENT = 'E-B1';
const stage = { informationDate: '2020-01-02', dataCollectionStage: 1 };

/** Per resource: a valid new record, and a change to make to it. */
const WALK: Record<string, { create: Record<string, unknown>; change: Record<string, unknown> }> = {
  exits: {
    create: { projectExitDate: '2020-03-01', destinationTypeCode: 116 },
    change: { destinationTypeCode: 101 },
  },
  'income-sources': {
    create: {
      ...stage,
      incomeFromAnySourceCode: 1,
      earned: 1,
      earnedAmount: 350.5,
      totalMonthlyIncome: 350.5,
    },
    change: { earnedAmount: 400, totalMonthlyIncome: 400 },
  },
  'non-cash-benefits': {
    create: { ...stage, benefitsFromAnySource: 0 },
    change: { benefitsFromAnySource: 99 },
  },
  'health-insurances': {
    create: { ...stage, insuranceFromAnySource: 0 },
    change: { insuranceFromAnySource: 8 },
  },
  'medical-assistances': { create: { ...stage, hivAidsAssistance: 0, adap: 0 }, change: { adap: 99 } },
  'physical-disabilities': { create: { ...stage, response: 0 }, change: { response: 99 } },
  'developmental-disabilities': { create: { ...stage, response: 0 }, change: { response: 8 } },
  'chronic-health-conditions': { create: { ...stage, response: 0 }, change: { response: 9 } },
  'hiv-aids-statuses': { create: { ...stage, response: 0 }, change: { response: 99 } },
  'mental-health-problems': { create: { ...stage, response: 0 }, change: { response: 99 } },
  'substance-abuses': { create: { ...stage, response: 0 }, change: { response: 99 } },
  'domestic-abuses': {
    create: { ...stage, domesticViolenceVictim: 0 },
    change: { domesticViolenceVictim: 99 },
  },
  contacts: {
    create: { dateProvided: '2020-01-05', currentLivingSituation: 116 },
    change: { locationDetails: 'By the river' },
  },
  services: {
    create: { dateProvided: '2020-01-03', recordType: 200, typeProvided: 200 },
    change: { dateProvided: '2020-01-04' },
  },
  'financial-assistances': {
    create: { dateProvided: '2020-01-03', recordType: 152, typeProvided: 1, faAmount: 125 },
    change: { faAmount: 150 },
  },
  referrals: {
    create: { referralDate: '2020-01-03', pathTypeProvided: 1, referralOutcome: 1 },
    change: { referralOutcome: 2 },
  },
};

describe.each(ENROLLMENT_CHILDREN.map((m) => [m.resource, m] as const))('%s', (resource, mapping) => {
  const walk = WALK[resource] as (typeof WALK)[string];
  const base = `/enrollments/${ENROLLMENT}/${resource}`;

  it('walks create → read → list → change → embedded → delete → gone', async () => {
    const created = await request(server.app, 'POST', base, { body: walk.create });
    const body: Json = await jsonOf(created);
    expect(created.status, JSON.stringify(body)).toBe(201);
    const item = body.data.item;
    const id = item[mapping.id];
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(item).toMatchObject({ ...walk.create, enrollmentId: ENROLLMENT });
    expect(created.headers.get('location')).toBe(`/openhmis/api/v3${base}/${id}`);

    const one: Json = await jsonOf(await request(server.app, 'GET', `${base}/${id}`));
    expect(one.data.item).toEqual(item);
    const list: Json = await jsonOf(await request(server.app, 'GET', base));
    expect(list.data.items).toContainEqual(item);

    const changed = await request(server.app, 'PUT', `${base}/${id}`, { body: walk.change });
    const after: Json = await jsonOf(changed);
    expect(changed.status, JSON.stringify(after)).toBe(200);
    expect(after.data.item).toMatchObject({ ...walk.create, ...walk.change, [mapping.id]: id });

    const enrollment: Json = await jsonOf(await request(server.app, 'GET', `/enrollments/${ENROLLMENT}`));
    const embedded = enrollment.data.item[mapping.embed as string];
    if (mapping.embed === 'exit') expect(embedded).toEqual(after.data.item);
    else expect(embedded).toContainEqual(after.data.item);

    const deleted = await request(server.app, 'DELETE', `${base}/${id}`);
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toBe(true);
    expect((await request(server.app, 'GET', `${base}/${id}`)).status).toBe(404);
    const gone: Json = await jsonOf(await request(server.app, 'GET', base));
    expect(gone.data.items.map((i: Json) => i[mapping.id])).not.toContain(id);
    const spec = table(mapping.table);
    const stored = server.store.records.source(server.source)?.get(mapping.table, id);
    expect(stored?.[fieldIndex(spec, 'DateDeleted')]).not.toBe('');
  });

  it('creates from XML with the same content, and answers in XML', async () => {
    const created = await request(server.app, 'POST', base, {
      raw: { type: 'application/xml', text: toXml(mapping.id.replace(/Id$/, ''), walk.create) },
      accept: 'application/xml',
    });
    const xml = await xmlOf(created);
    expect(created.status, JSON.stringify(xml)).toBe(201);
    const item = (xml.value as Json).item;
    expect(item).toMatchObject(lexical({ ...walk.create, enrollmentId: ENROLLMENT }) as object);
    const json: Json = await jsonOf(await request(server.app, 'GET', `${base}/${item[mapping.id]}`));
    expect(lexical(json.data.item)).toEqual(item);
    await request(server.app, 'DELETE', `${base}/${item[mapping.id]}`);
  });
});

describe('nested records are read-only through their parent', () => {
  it('a PUT of the enrollment leaves its income sources as they are, and says it ignored them', async () => {
    const base = `/enrollments/${ENROLLMENT}/income-sources`;
    const created: Json = await jsonOf(
      await request(server.app, 'POST', base, { body: { ...stage, incomeFromAnySourceCode: 0 } }),
    );
    const income = created.data.item;
    const enrollment: Json = await jsonOf(await request(server.app, 'GET', `/enrollments/${ENROLLMENT}`));
    const sent = {
      ...enrollment.data.item,
      disablingCondition: 1,
      incomeSources: [{ ...income, incomeFromAnySourceCode: 1 }],
    };
    const response = await request(server.app, 'PUT', `/enrollments/${ENROLLMENT}`, { body: sent });
    const body: Json = await jsonOf(response);
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.data.item.disablingCondition).toBe(1);
    expect(body.data.item.incomeSources).toEqual([income]);
    expect(body.data.ignored).toContain('incomeSources');
    const again: Json = await jsonOf(await request(server.app, 'GET', `${base}/${income.incomeSourceId}`));
    expect(again.data.item.incomeFromAnySourceCode).toBe(0);
  });

  it('a record of one enrollment is a 404 under another', async () => {
    const created: Json = await jsonOf(
      await request(server.app, 'POST', `/enrollments/${ENROLLMENT}/contacts`, {
        body: { dateProvided: '2020-01-05', currentLivingSituation: 116 },
      }),
    );
    const id = created.data.item.contactId;
    expect((await request(server.app, 'GET', `/enrollments/46521/contacts/${id}`)).status).toBe(404);
    expect((await request(server.app, 'DELETE', `/enrollments/46521/contacts/${id}`)).status).toBe(404);
    // A disability of one type is not another type's record either.
    const chronic: Json = await jsonOf(
      await request(server.app, 'POST', `/enrollments/${ENROLLMENT}/chronic-health-conditions`, {
        body: { ...stage, response: 1, indefiniteAndImpairs: 1 },
      }),
    );
    const key = chronic.data.item.chronicHealthConditionId;
    expect(
      (await request(server.app, 'GET', `/enrollments/${ENROLLMENT}/physical-disabilities/${key}`)).status,
    ).toBe(404);
  });

  it('concurrent PUTs of different fields both land (each changes the row the one before left)', async () => {
    const put = (body: Json) => request(server.app, 'PUT', '/clients/336788', { body });
    const answers = await Promise.all([put({ middleName: 'Concurrent' }), put({ nameSuffix: 'III' })]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const { item }: Json = (await jsonOf(await request(server.app, 'GET', '/clients/336788'))).data;
    expect([item.middleName, item.nameSuffix]).toEqual(['Concurrent', 'III']);
    const base = `/enrollments/${ENROLLMENT}/contacts`;
    const contact: Json = await jsonOf(
      await request(server.app, 'POST', base, {
        body: { dateProvided: '2020-01-06', currentLivingSituation: 116 },
      }),
    );
    const id = contact.data.item.contactId;
    const [changed, deleted] = await Promise.all([
      request(server.app, 'PUT', `${base}/${id}`, { body: { dateProvided: '2020-01-07' } }),
      request(server.app, 'DELETE', `${base}/${id}`),
    ]);
    // Whichever ran first, the PUT cannot bring the deleted record back: after the DELETE it is a
    // 404 (computed from the row as it left it), before it the DELETE deletes the changed row.
    expect(deleted.status).toBe(200);
    expect([200, 404]).toContain(changed.status);
    expect((await request(server.app, 'GET', `${base}/${id}`)).status).toBe(404);
  });
});

describe('enrollments: create, change, unsupported fields', () => {
  it('creates an enrollment, reports 2014 fields without a home, and changes it', async () => {
    const response = await request(server.app, 'POST', '/enrollments', {
      body: {
        personalId: 'C-B1',
        projectId: 'P-C',
        entryDate: '2021-05-01',
        householdId: 'H-NEW',
        relationshipToHoH: 1,
        cocCode: 'XX-501',
        disablingCondition: 0,
        residencePrior: 116,
        residencePriorLengthOfStay: 10,
        timesHomelessInPastThreeYears: 1,
        monthsHomelessPastThreeYears: 101,
        housingStatus: 1,
        pregnancyDueDate: 1438812702284,
        incomeSources: [],
      },
    });
    const body: Json = await jsonOf(response);
    expect(response.status, JSON.stringify(body)).toBe(201);
    expect(body.data.unsupported.sort()).toEqual(['housingStatus', 'pregnancyDueDate']);
    expect(body.data.ignored).toEqual(['incomeSources']);
    const id = body.data.item.enrollmentId;
    const changed: Json = await jsonOf(
      await request(server.app, 'PUT', `/enrollments/${id}`, { body: { dateOfEngagement: 1622505600000 } }),
    );
    expect(changed.data.item.dateOfEngagement).toBe('2021-06-01');
    const mine: Json = await jsonOf(await request(server.app, 'GET', '/enrollments?personalId=C-B1'));
    expect(mine.data.items.map((e: Json) => e.enrollmentId).sort()).toEqual(['E-B1', id].sort());
  });
});

describe('a scoped caseworker', () => {
  it('creates a client, enrolls it in their own project (only), and then sees it', async () => {
    const token = await server.users.add('cw-enroll', 'caseworker', { projects: ['P-C'] });
    const client: Json = await jsonOf(
      await request(server.app, 'POST', '/clients', {
        token,
        body: {
          firstName: 'New',
          lastName: 'Person',
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
        },
      }),
    );
    const personalId = client.data.item.personalId;
    // Until it is enrolled in their project, no scope reaches it.
    expect((await request(server.app, 'GET', `/clients/${personalId}`, { token })).status).toBe(404);
    const enrollment = {
      personalId,
      entryDate: '2024-02-01',
      householdId: 'H-NEW-1',
      relationshipToHoH: 1,
      cocCode: 'XX-501',
      disablingCondition: 0,
    };
    const elsewhere = await request(server.app, 'POST', '/enrollments', {
      token,
      body: { ...enrollment, projectId: 'P-A' },
    });
    expect(elsewhere.status).toBe(404);
    const enrolled = await request(server.app, 'POST', '/enrollments', {
      token,
      body: { ...enrollment, projectId: 'P-C' },
    });
    expect(enrolled.status, await enrolled.clone().text()).toBe(201);
    expect((await request(server.app, 'GET', `/clients/${personalId}`, { token })).status).toBe(200);
    // Someone else's client stays out of reach, enrolled or not.
    const theirs = await request(server.app, 'POST', '/enrollments', {
      token,
      body: { ...enrollment, personalId: '336825', projectId: 'P-C' },
    });
    expect(theirs.status).toBe(404);
  });
});

describe('projects, organizations, users', () => {
  it('reads projects with their project-cocs, sites, funders and inventories', async () => {
    const projects: Json = await jsonOf(await request(server.app, 'GET', '/projects'));
    expect(projects.data.items.map((p: Json) => p.projectId)).toEqual(['P-A', 'P-B', 'P-C']);
    const cocs: Json = await jsonOf(await request(server.app, 'GET', '/projects/P-C/project-cocs'));
    expect(cocs.data.items).toEqual([expect.objectContaining({ projectCocId: 'PC-P-C', cocCode: 'XX-501' })]);
    const site: Json = await jsonOf(await request(server.app, 'GET', '/projects/P-C/sites/PC-P-C'));
    expect(site.data.item).toMatchObject({ siteId: 'PC-P-C', geocode: '000510' });
    expect((await request(server.app, 'GET', '/projects/P-A/sites/PC-P-C')).status).toBe(404);
    for (const part of ['funders', 'inventories']) {
      const list: Json = await jsonOf(await request(server.app, 'GET', `/projects/P-A/${part}`));
      expect(list.data).toEqual({ items: [], startIndex: 0, itemsPerPage: 0, totalItems: 0 });
    }
    const org: Json = await jsonOf(await request(server.app, 'GET', '/organizations/ORG-B'));
    expect(org.data.item).toMatchObject({ organizationId: 'ORG-B', organizationName: 'Organization ORG-B' });
    const users: Json = await jsonOf(await request(server.app, 'GET', '/users'));
    expect(users.data.items.map((u: Json) => u.userId)).toEqual(['seed']);
  });

  it('admins create, change and soft-delete organizations, projects and their records', async () => {
    const org: Json = await jsonOf(
      await request(server.app, 'POST', '/organizations', {
        body: { organizationName: 'New Org', victimServiceProvider: 0 },
      }),
    );
    const organizationId = org.data.item.organizationId;
    const created = await request(server.app, 'POST', '/projects', {
      body: {
        organizationId,
        projectName: 'New Shelter',
        operatingStartDate: '2024-01-01',
        continuumProject: 1,
        projectType: 1,
        housingType: 1,
        trackingMethod: 0,
      },
    });
    const project: Json = await jsonOf(created);
    expect(created.status, JSON.stringify(project)).toBe(201);
    expect(project.data.unsupported).toEqual(['trackingMethod']);
    const projectId = project.data.item.projectId;
    const coc = await request(server.app, 'POST', `/projects/${projectId}/project-cocs`, {
      body: { cocCode: 'XX-502', geocode: '000520' },
    });
    expect(coc.status, await coc.clone().text()).toBe(201);
    const funder = await request(server.app, 'POST', `/projects/${projectId}/funders`, {
      body: { funderCode: 2, grantId: 'G-1', startDate: '2024-01-01' },
    });
    const funderId = (await jsonOf(funder)).data.item.funderId;
    expect(funder.status).toBe(201);
    const renamed: Json = await jsonOf(
      await request(server.app, 'PUT', `/projects/${projectId}`, {
        body: { projectName: 'Renamed Shelter' },
      }),
    );
    expect(renamed.data.item).toMatchObject({ projectName: 'Renamed Shelter', organizationId });
    const funders: Json = await jsonOf(await request(server.app, 'GET', `/projects/${projectId}/funders`));
    expect(funders.data.items.map((f: Json) => f.funderId)).toEqual([funderId]);
    // Under another project, the funder is not there.
    expect((await request(server.app, 'DELETE', `/projects/P-A/funders/${funderId}`)).status).toBe(404);
    expect(
      await (await request(server.app, 'DELETE', `/projects/${projectId}/funders/${funderId}`)).json(),
    ).toBe(true);
    const orphan = await request(server.app, 'POST', '/projects', {
      body: {
        organizationId: 'NO-ORG',
        projectName: 'X',
        operatingStartDate: '2024-01-01',
        continuumProject: 1,
      },
    });
    expect(orphan.status).toBe(400);
    expect((await jsonOf(orphan)).error.errors.map((e: Json) => e.field)).toContain('organizationId');
    expect(await (await request(server.app, 'DELETE', `/projects/${projectId}`)).json()).toBe(true);
    expect((await request(server.app, 'GET', `/projects/${projectId}`)).status).toBe(404);
  });

  it('only admins write them (ACCESS_DENIED otherwise)', async () => {
    const token = await server.users.add('cw-structure', 'integrator');
    const response = await request(server.app, 'POST', '/organizations', {
      token,
      body: { organizationName: 'Mine', victimServiceProvider: 0 },
    });
    expect(response.status).toBe(403);
    expect((await jsonOf(response)).error.code).toBe('ACCESS_DENIED');
    expect((await request(server.app, 'GET', '/organizations', { token })).status).toBe(200);
  });

  it('pages lists with startIndex and maxItems', async () => {
    const all: Json = await jsonOf(await request(server.app, 'GET', '/projects'));
    const page: Json = await jsonOf(await request(server.app, 'GET', '/projects?startIndex=1&maxItems=1'));
    expect(page.data).toMatchObject({ startIndex: 1, itemsPerPage: 1, totalItems: all.data.items.length });
    expect(page.data.items).toEqual([all.data.items[1]]);
  });
});
