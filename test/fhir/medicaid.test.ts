/**
 * HMIS API scenario 13 over FHIR: the Medicaid member ID (stored durably, shown as Patient
 * identifier type MA and Coverage identifier type MB), the eligibility transaction Bundle, the SSN
 * switch, and `hearth fhir push` against a minimal FHIR receiver started here.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { MemberIdStore } from '../../src/api/fhir/member-ids.ts';
import { type Csv, type CsvRow, readCsvFolder } from '../hmis-api/helpers.ts';
import { ADMIN_TOKEN, DEMO_DIR, type FhirServer, get, openFhirServer, post } from './helpers.ts';
import { type Receiver, startReceiver, transactionProblems } from './receiver.ts';
import { problems } from './validate.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/hearth.mjs');

let server: FhirServer;
let receiver: Receiver;
let csv: Csv;
let health: string;
let scoped: string;
/** A client with billable homelessness evidence, and one without any. */
let homeless: string;
let housed: string;

type Resource = Record<string, unknown> & { resourceType: string; id?: string };
const resources = (bundle: unknown) =>
  ((bundle as { entry?: { resource: Resource }[] }).entry ?? []).map((e) => e.resource);
const params = (patient: string, memberId?: string) => ({
  resourceType: 'Parameters',
  parameter: [
    { name: 'patient', valueReference: { reference: `Patient/${patient}` } },
    ...(memberId ? [{ name: 'memberId', valueString: memberId }] : []),
  ],
});

async function patientsWith(code: string): Promise<Set<string>> {
  const answer = await get(
    server,
    `/Condition?code=http://hl7.org/fhir/sid/icd-10-cm|${code}&_count=1000`,
    health,
  );
  return new Set(
    resources(answer.body).map((c) =>
      ((c.subject as { reference: string }).reference ?? '').slice('Patient/'.length),
    ),
  );
}

function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, HEARTH_DATA_DIR: server.dir, HEARTH_BASE_IRI: 'http://hearth.test/id', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

beforeAll(async () => {
  server = await openFhirServer(DEMO_DIR);
  receiver = await startReceiver();
  csv = readCsvFolder(DEMO_DIR);
  health = await server.users.add('payer-link', 'health-system', { projects: [], orgs: [] });
  scoped = await server.users.add('scoped', 'health-system', { projects: ['no-such-project'], orgs: [] });
  const billable = new Set([
    ...(await patientsWith('Z59.00')),
    ...(await patientsWith('Z59.01')),
    ...(await patientsWith('Z59.02')),
  ]);
  homeless = [...billable][0] as string;
  const clients = (csv.get('Client') ?? []).filter((r: CsvRow) => !r.DateDeleted);
  housed = clients.map((r) => `${server.source}.${r.PersonalID}`).find((id) => !billable.has(id)) as string;
}, 120_000);

afterAll(async () => {
  await receiver?.close();
  await server?.close();
});

describe('Medicaid member ID', () => {
  it('is stored durably and shown as Patient.identifier type MA', async () => {
    const stored = await post(server, `/Patient/${homeless}/$medicaid-member-id`, health, {
      resourceType: 'Parameters',
      parameter: [{ name: 'memberId', valueString: 'MCD123456' }],
    });
    expect(stored.status).toBe(200);
    const patient = (await get(server, `/Patient/${homeless}`, health)).body;
    const ids = patient.identifier as { type?: { coding: { code: string }[] }; value: string }[];
    expect(ids.find((i) => i.type?.coding[0]?.code === 'MA')?.value).toBe('MCD123456');
    expect(problems(patient)).toEqual([]);
    const search = await get(server, '/Patient?identifier=MCD123456', health);
    expect(resources(search.body).map((r) => r.id)).toEqual([homeless]);
    const reopened = await MemberIdStore.open(server.dir, true);
    expect(reopened.get(server.source, homeless.slice(server.source.length + 1))).toBe('MCD123456');
  });

  it.each([
    [{ resourceType: 'Parameters', parameter: [{ name: 'memberId', valueString: 'has space' }] }, 400],
    [{ resourceType: 'Parameters', parameter: [{ name: 'memberId', valueInteger: 5 }] }, 400],
    [{ resourceType: 'Parameters', parameter: [{ name: 'colour', valueString: 'x' }] }, 400],
    [{ resourceType: 'Patient' }, 400],
  ])('refuses %j', async (body, status) => {
    const answer = await post(server, `/Patient/${homeless}/$medicaid-member-id`, health, body);
    expect(answer.status).toBe(status);
    expect(answer.body.resourceType).toBe('OperationOutcome');
  });

  it('is a 404 for a patient outside the caller’s scope', async () => {
    const answer = await post(server, `/Patient/${homeless}/$medicaid-member-id`, scoped, {
      resourceType: 'Parameters',
      parameter: [{ name: 'memberId', valueString: 'MCD999' }],
    });
    expect(answer.status).toBe(404);
  });
});

describe('$medicaid-eligibility-bundle', () => {
  it('answers a valid transaction Bundle with billable Z59.0x evidence and the MB member ID', async () => {
    const answer = await post(server, '/$medicaid-eligibility-bundle', health, params(homeless));
    expect(answer.status).toBe(200);
    expect(transactionProblems(answer.body)).toEqual([]);
    const found = resources(answer.body);
    for (const resource of found) expect(problems(resource)).toEqual([]);
    const types = found.map((r) => r.resourceType);
    for (const type of ['Patient', 'EpisodeOfCare', 'Coverage', 'Condition', 'Observation'])
      expect(types).toContain(type);
    const condition = found.find((r) => r.resourceType === 'Condition') as Resource;
    const codes = (condition.code as { coding: { system: string; code: string }[] }).coding;
    expect(
      codes.some((c) => c.system === 'http://hl7.org/fhir/sid/icd-10-cm' && /^Z59\.0[012]$/.test(c.code)),
    ).toBe(true);
    const coverage = found.find((r) => r.resourceType === 'Coverage') as Resource;
    const member = (coverage.identifier as { type: { coding: { code: string }[] }; value: string }[])[0];
    expect(member?.type.coding[0]?.code).toBe('MB');
    expect(member?.value).toBe('MCD123456');
  });

  it('takes a member ID for this bundle only', async () => {
    const answer = await post(server, '/$medicaid-eligibility-bundle', health, params(homeless, 'OTHER-1'));
    const coverage = resources(answer.body).find((r) => r.resourceType === 'Coverage') as Resource;
    expect(JSON.stringify(coverage.identifier)).toContain('OTHER-1');
    const patient = (await get(server, `/Patient/${homeless}`, health)).body;
    expect(JSON.stringify(patient.identifier)).toContain('MCD123456');
  });

  it('is a 422 without billable homelessness evidence and a 404 outside the scope', async () => {
    expect((await post(server, '/$medicaid-eligibility-bundle', health, params(housed))).status).toBe(422);
    expect((await post(server, '/$medicaid-eligibility-bundle', scoped, params(homeless))).status).toBe(404);
  });

  it.each([
    ['not JSON', '{"resourceType":', 'application/fhir+json', 400],
    ['no patient', { resourceType: 'Parameters', parameter: [] }, 'application/fhir+json', 400],
    ['a malformed reference', params('bad id!'), 'application/fhir+json', 400],
    ['text/plain', JSON.stringify(params('x')), 'text/plain', 415],
    [
      'an oversized body',
      JSON.stringify({ ...params('x'), pad: 'x'.repeat(20_000) }),
      'application/json',
      413,
    ],
  ])('refuses %s', async (_name, body, type, status) => {
    const answer = await post(server, '/$medicaid-eligibility-bundle', health, body, type);
    expect(answer.status).toBe(status);
    expect(answer.body.resourceType).toBe('OperationOutcome');
  });
});

describe('SSN switch', () => {
  it('keeps SSNs out of Patient.identifier by default, and puts them in when enabled', async () => {
    const row = (csv.get('Client') ?? []).find((r: CsvRow) => /^\d{9}$/.test(r.SSN ?? '')) as CsvRow;
    const id = `${server.source}.${row.PersonalID}`;
    const plain = await get(server, `/Patient/${id}/$everything`, health);
    expect(JSON.stringify(plain.body)).not.toContain(row.SSN);
    const config = { dataDir: server.dir, baseIri: 'http://hearth.test/id', port: 0, maxQuads: undefined };
    const app = createApp({
      store: server.store,
      config: { ...config, fhir: { ssnIdentifier: true } },
      adminToken: ADMIN_TOKEN,
      users: server.users,
      audit: server.audit,
    });
    const response = await app.request(`/fhir/Patient/${id}`, {
      headers: { Authorization: `Bearer ${health}` },
    });
    const patient = (await response.json()) as Record<string, unknown>;
    expect(problems(patient)).toEqual([]);
    const ssn = (patient.identifier as { system: string; value: string }[]).find(
      (i) => i.system === 'http://hl7.org/fhir/sid/us-ssn',
    );
    expect(ssn?.value).toBe(row.SSN);
  });
});

describe('hearth fhir push', () => {
  it('sends the eligibility bundle to a FHIR server with fhir-kit-client', async () => {
    const before = receiver.received.length;
    const result = await runCli(['fhir', 'push', '--to', receiver.url, '--patient', homeless], {
      HEARTH_FHIR_PUSH_TOKEN: 'payer-token-123',
    });
    expect(result.stderr).toBe('');
    expect(receiver.authorizations.at(-1)).toBe('Bearer payer-token-123');
    expect(result.status).toBe(0);
    expect(receiver.received).toHaveLength(before + 1);
    const sent = receiver.received.at(-1) as Record<string, unknown>;
    expect(transactionProblems(sent)).toEqual([]);
    expect(JSON.stringify(sent)).toContain('MCD123456');
    expect(result.stdout).toMatch(/^Patient: 201 Created Patient\/1\/_history\/1$/m);
  }, 60_000);

  it('--dry-run prints the bundle instead of sending it', async () => {
    const before = receiver.received.length;
    const result = await runCli(['fhir', 'push', '--dry-run', '--patient', homeless, '--member-id', 'DRY-1']);
    expect(result.status).toBe(0);
    const bundle = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(transactionProblems(bundle)).toEqual([]);
    expect(result.stdout).toContain('DRY-1');
    expect(receiver.received).toHaveLength(before);
  }, 60_000);

  it('fails clearly: usage (2), no evidence (1), a refusing server (3)', async () => {
    expect((await runCli(['fhir', 'push', '--patient', homeless])).status).toBe(2);
    expect((await runCli(['fhir', 'push', '--to', 'ftp://x', '--patient', homeless])).status).toBe(2);
    expect((await runCli(['fhir', 'push', '--to', receiver.url, '--patient', 'nobody.x'])).status).toBe(2);
    expect((await runCli(['fhir', 'push', '--to', receiver.url, '--patient', housed])).status).toBe(1);
    const refused = await runCli(['fhir', 'push', '--to', `${server.baseUrl}`, '--patient', homeless]);
    expect(refused.status).toBe(3);
    expect(refused.stderr).toContain('refused the bundle');
  }, 60_000);
});
