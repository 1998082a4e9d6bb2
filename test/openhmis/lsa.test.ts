/**
 * OpenHMIS over HUD's LSA sample (10,600 clients), every expected value read from the CSV files with
 * csv-parse, never from Hearth: list totals, clients field by field, enrollments with what is under
 * them, last-four SSN search, a caseworker's scope, and the XML form of the same answers.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Csv,
  type CsvRow,
  closeServer,
  LSA_ZIP,
  live,
  openServer,
  readCsvZip,
  rows,
  type Server,
} from '../hmis-api/helpers.ts';
import { type Json, jsonOf, lexical, request, xmlOf } from './helpers.ts';

let server: Server;
let csv: Csv;

const number = (text: string | undefined) => (text ? Number(text) : null);
const text = (value: string | undefined) => (value ? value : null);

/** Every 500th row: a spread sample, the same each run. */
const spread = <T>(list: readonly T[]) => list.filter((_, i) => i % 500 === 0);

describe.skipIf(!fs.existsSync(LSA_ZIP))("OpenHMIS on HUD's LSA sample", () => {
  beforeAll(async () => {
    [server, csv] = await Promise.all([openServer(LSA_ZIP), readCsvZip(LSA_ZIP)]);
  }, 180_000);
  afterAll(async () => closeServer(server));

  it('lists every live client (totalItems) in pages', async () => {
    const body: Json = await jsonOf(await request(server.app, 'GET', '/clients?maxItems=5&startIndex=10'));
    expect(body.data.totalItems).toBe(rows(csv, 'Client').filter(live).length);
    expect(body.data.items).toHaveLength(5);
  });

  it('answers clients with the CSV values under their OpenHMIS names', async () => {
    for (const client of spread(rows(csv, 'Client').filter(live))) {
      const body: Json = await jsonOf(await request(server.app, 'GET', `/clients/${client.PersonalID}`));
      expect(body.data.item).toMatchObject({
        personalId: client.PersonalID,
        firstName: text(client.FirstName),
        lastName: text(client.LastName),
        ssn: text(client.SSN),
        dob: text(client.DOB),
        nameDataQuality: number(client.NameDataQuality),
        ethnicity: number(client.HispanicLatinao),
        nativeHIOtherPacific: number(client.NativeHIPacific),
        veteranStatus: number(client.VeteranStatus),
        dateUpdated: client.DateUpdated?.slice(0, 10),
      });
    }
  });

  it('answers enrollments with their exit and the records under them', async () => {
    const under = (name: string, enrollmentId: string, where: (r: CsvRow) => boolean = () => true) =>
      rows(csv, name).filter((r) => live(r) && r.EnrollmentID === enrollmentId && where(r)).length;
    for (const enrollment of spread(rows(csv, 'Enrollment').filter(live))) {
      const id = enrollment.EnrollmentID as string;
      const body: Json = await jsonOf(await request(server.app, 'GET', `/enrollments/${id}`));
      const item = body.data.item;
      expect(item).toMatchObject({
        personalId: enrollment.PersonalID,
        projectId: enrollment.ProjectID,
        entryDate: enrollment.EntryDate,
        residencePrior: number(enrollment.LivingSituation),
      });
      const exit = rows(csv, 'Exit').find((r) => live(r) && r.EnrollmentID === id);
      expect(item.exit?.projectExitDate ?? null).toBe(exit?.ExitDate ?? null);
      expect(item.incomeSources).toHaveLength(under('IncomeBenefits', id));
      expect(item.physicalDisabilities).toHaveLength(
        under('Disabilities', id, (r) => r.DisabilityType === '5'),
      );
      expect(item.services).toHaveLength(
        under('Services', id, (r) =>
          ['141', '142', '143', '144', '200', '210', '300'].includes(r.RecordType ?? ''),
        ),
      );
      const xml = await xmlOf(
        await request(server.app, 'GET', `/enrollments/${id}`, { accept: 'application/xml' }),
      );
      expect(xml.value).toEqual({ item: lexical(item) });
    }
  });

  it('finds clients by the last four of the SSN', async () => {
    const target = rows(csv, 'Client').find((c) => live(c) && /^\d{9}$/.test(c.SSN ?? '')) as CsvRow;
    const last4 = (target.SSN as string).slice(-4);
    const expected = rows(csv, 'Client')
      .filter((c) => live(c) && (c.SSN ?? '').endsWith(last4))
      .map((c) => c.PersonalID)
      .sort();
    const body: Json = await jsonOf(await request(server.app, 'GET', `/clients?ssn=*${last4}&maxItems=5000`));
    expect(body.data.items.map((c: Json) => c.personalId).sort()).toEqual(expected);
  });

  it('a caseworker sees the clients and enrollments of their project only', async () => {
    const projectId = rows(csv, 'Project').find(live)?.ProjectID as string;
    const token = await server.users.add('lsa-cw', 'caseworker', { projects: [projectId] });
    const enrollments = rows(csv, 'Enrollment').filter((e) => live(e) && e.ProjectID === projectId);
    const clients = new Set(enrollments.map((e) => e.PersonalID));
    const body: Json = await jsonOf(await request(server.app, 'GET', '/clients?maxItems=5000', { token }));
    expect(new Set(body.data.items.map((c: Json) => c.personalId))).toEqual(clients);
    const mine: Json = await jsonOf(
      await request(server.app, 'GET', '/enrollments?maxItems=5000', { token }),
    );
    expect(mine.data.items.map((e: Json) => e.enrollmentId).sort()).toEqual(
      enrollments.map((e) => e.EnrollmentID).sort(),
    );
  });
});
