/** POST /api/v1/imports with an HMIS XML body goes through the XML import (issue 3's XML half). */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shared } from '../helpers/shared.ts';
import { call, closeServer, DEMO_DIR, json, openServer, type Server } from '../hmis-api/helpers.ts';

const MINIMAL = fs.readFileSync(shared('reference/xml/FY2022/HUD_HMIS_Instance_minimal_for_testing.xml'));
type Job = Record<string, unknown> & { id: string; status: string };
let server: Server;

beforeAll(async () => {
  server = await openServer(DEMO_DIR);
}, 60_000);
afterAll(async () => closeServer(server));

const upload = (body: Uint8Array, type = 'application/xml', query = '') =>
  call(server.app, 'POST', `/imports${query}`, {
    rawBody: new Blob([new Uint8Array(body)]),
    headers: { 'Content-Type': type },
  });

async function finished(response: Response): Promise<Job> {
  expect(response.status).toBe(202);
  let job = await json<Job>(response);
  for (let i = 0; i < 400 && job.status === 'running'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    job = await json<Job>(await call(server.app, 'GET', `/imports/${job.id}`));
  }
  return job;
}

describe('POST /imports with HMIS XML', () => {
  it('imports an FY2022 document sent as application/xml, as its own source', async () => {
    const job = await finished(await upload(MINIMAL));
    expect(job).toMatchObject({ status: 'succeeded', report: { applied: true, xml: { version: 'FY2022' } } });
    const source = (job.report as { source: string }).source;
    expect(server.store.records.source(source)?.get('Client', 'A1a1')).toBeDefined();
    // The HMIS API serves what came in through XML, like anything else.
    const client = await call(server.app, 'GET', `/client/A1a1?source=${source}`);
    expect(client.status).toBe(200);
    expect(fs.readdirSync(`${server.dir}/uploads`)).toEqual([]);
  }, 60_000);

  it('runs primary validation only on ?validation=primary', async () => {
    // Valid but for HUD's assertion that TCellCountAvailable belongs to HIV/AIDS (type 8).
    const disability = `<hmis:Disabilities hmis:dataCollectionStage="1" hmis:informationDate="2016-04-12" hmis:dateCreated="2016-04-12T10:00:00" hmis:dateUpdated="2016-04-12T10:00:00" hmis:userID="u1"><hmis:DisabilitiesID>d1</hmis:DisabilitiesID><hmis:EnrollmentID>w5641</hmis:EnrollmentID><hmis:DisabilityType>5</hmis:DisabilityType><hmis:DisabilityResponse xsi:type="hmis:disabilityResponsePhysicalDisability">0</hmis:DisabilityResponse><hmis:TCellCountAvailable>1</hmis:TCellCountAvailable></hmis:Disabilities></hmis:Export>`;
    const body = new TextEncoder().encode(MINIMAL.toString('utf8').replace('</hmis:Export>', disability));
    const full = await finished(await upload(body));
    expect(full.status).toBe('failed');
    expect(JSON.stringify(full.report)).toContain('xsd:assert');
    const primary = await finished(await upload(body, 'application/xml', '?validation=primary'));
    expect(primary.status).toBe('succeeded');
    expect((await upload(body, 'application/xml', '?validation=lax')).status).toBe(400);
  }, 60_000);

  it('fails an XXE upload with the reason, applies nothing, and still refuses other types (415)', async () => {
    const before = server.store.records.size;
    const xxe = new TextEncoder().encode(
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    );
    const job = await finished(await upload(xxe, 'text/xml'));
    expect(job.status).toBe('failed');
    expect(String(job.error)).toMatch(/DOCTYPE \(DTD\) is not allowed/);
    expect(String(job.error)).not.toContain(server.dir);
    expect(server.store.records.size).toBe(before);
    expect((await upload(MINIMAL, 'text/plain')).status).toBe(415);
  }, 60_000);
});
