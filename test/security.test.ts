/** Access control: tokens, the users file, authentication, the role matrix, record scope, audit. */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/api/errors.ts';
import { table } from '../src/model/index.ts';
import { AuditLog } from '../src/security/audit.ts';
import {
  ADMIN_TOKEN_PRINCIPAL,
  authenticateRequest,
  challengeHeaders,
} from '../src/security/authenticate.ts';
import { ACTIONS, allows, requireAction, roleAllows, rolesFor, scopeFor } from '../src/security/policy.ts';
import type { Principal } from '../src/security/principal.ts';
import { adminTokenProblem, generateToken, hashToken, tokensEqual } from '../src/security/tokens.ts';
import { UserDirectory } from '../src/security/users.ts';
import { clientRecord } from '../src/store/client-record.ts';
import { RecordState } from '../src/store/record-state.ts';
import { removeTempDirs, tempDir } from './helpers/exports.ts';

const BIN = new URL('../bin/hearth.mjs', import.meta.url).pathname;

afterEach(() => {
  vi.restoreAllMocks();
  removeTempDirs();
});

/** 401 thrown by `run`, as the router would see it. */
function unauthorized(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    return error as ApiError;
  }
  throw new Error('expected a 401');
}

describe('tokens', () => {
  it('are random, prefixed, and compared in constant time', () => {
    const [a, b] = [generateToken(), generateToken()];
    expect(a).toMatch(/^hth_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokensEqual(a, a)).toBe(true);
    expect(tokensEqual(a, b)).toBe(false);
    expect(tokensEqual('short', a)).toBe(false);
    expect(adminTokenProblem('secret')).toMatch(/at least 32/);
    expect(adminTokenProblem(a)).toBeUndefined();
  });
});

describe('UserDirectory', () => {
  it('persists hashed tokens, 0600, across instances', async () => {
    const dir = tempDir();
    const token = await new UserDirectory(dir).add('alice', 'caseworker', { projects: ['A', 'xx-502/A'] });
    const text = fs.readFileSync(path.join(dir, 'users.json'), 'utf8');
    expect(text).not.toContain(token);
    expect(text).toContain(hashToken(token));
    expect(fs.statSync(path.join(dir, 'users.json')).mode & 0o777).toBe(0o600);
    const principal = new UserDirectory(dir).authenticate(token);
    expect(principal).toMatchObject({ name: 'alice', role: 'caseworker' });
    expect([...(principal?.projects ?? [])]).toEqual(['A', 'xx-502/A']);
    expect(new UserDirectory(dir).authenticate(generateToken())).toBeUndefined();
    expect(JSON.stringify(new UserDirectory(dir).list())).not.toMatch(/token|[0-9a-f]{64}/i);
  });

  it('refuses duplicates, bad names, bad roles and nonsensical scopes', async () => {
    const users = new UserDirectory(tempDir());
    await users.add('bob', 'integrator');
    await expect(users.add('BOB', 'admin')).rejects.toThrow(/already exists/);
    await expect(users.add('no spaces', 'admin')).rejects.toThrow(/invalid user name/);
    await expect(users.add('carol', 'root')).rejects.toThrow(/unknown role "root": use one of admin/);
    await expect(users.add('carol', 'admin', { projects: ['A'] })).rejects.toThrow(/admin cannot/);
    await expect(users.add('carol', 'caseworker')).rejects.toThrow(/needs --projects or --orgs/);
    await expect(users.add('carol', 'caseworker', { projects: ['a b'] })).rejects.toThrow(/invalid project/);
    await expect(users.remove('nobody')).rejects.toThrow(/no user named "nobody"/);
    expect(users.list().map((u) => u.name)).toEqual(['bob']);
  });

  it('sees users added and removed by another writer without a restart', async () => {
    const dir = tempDir();
    const server = new UserDirectory(dir);
    expect(server.list()).toEqual([]);
    const token = await new UserDirectory(dir).add('dan', 'integrator');
    expect(server.authenticate(token)?.name).toBe('dan');
    await new UserDirectory(dir).remove('dan');
    expect(server.authenticate(token)).toBeUndefined();
  });

  it('waits for a held lock and breaks a stale one', async () => {
    const dir = tempDir();
    const lock = path.join(dir, 'users.json.lock');
    fs.writeFileSync(lock, '1\n');
    setTimeout(() => fs.rmSync(lock), 100);
    await new UserDirectory(dir).add('erin', 'integrator');
    fs.writeFileSync(lock, '1\n');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    await new UserDirectory(dir).add('fay', 'integrator');
    expect(new UserDirectory(dir).list().map((u) => u.name)).toEqual(['erin', 'fay']);
    expect(fs.readdirSync(dir).sort()).toEqual(['users.json']);
  });

  it('loses no user when CLI processes add concurrently', async () => {
    const dir = tempDir();
    const names = ['u1', 'u2', 'u3', 'u4'];
    const codes = await Promise.all(
      names.map(
        (name) =>
          new Promise<number | null>((resolve) => {
            const child = spawn(process.execPath, [BIN, 'users', 'add', name, '--role', 'integrator'], {
              env: { ...process.env, HEARTH_DATA_DIR: dir },
              stdio: 'ignore',
            });
            child.on('exit', resolve);
          }),
      ),
    );
    expect(codes).toEqual([0, 0, 0, 0]);
    expect(
      new UserDirectory(dir)
        .list()
        .map((u) => u.name)
        .sort(),
    ).toEqual(names);
  }, 60_000);

  it('refuses a corrupt users file instead of guessing', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'users.json'), '{"version":1,"users":[{"name":"x"}]}');
    expect(() => new UserDirectory(dir).authenticate(generateToken())).toThrow(/malformed user entry/);
  });
});

describe('authenticateRequest', () => {
  const admin = `hth_${'a'.repeat(40)}`;
  const alice: Principal = { name: 'alice', role: 'caseworker', projects: new Set(['A']) };
  const directory = { authenticate: (token: string) => (token === 'hth_alice' ? alice : undefined) };

  it('answers 401 with a Bearer challenge for missing, malformed and unknown tokens', () => {
    const missing = unauthorized(() => authenticateRequest(undefined, directory, admin));
    expect(missing.code).toBe('unauthorized');
    expect(challengeHeaders(missing)).toEqual({ 'WWW-Authenticate': 'Bearer realm="hearth"' });
    for (const header of ['Basic YWxpY2U6eA==', 'Bearer', 'Bearer a b', `Bearer ${'x'.repeat(600)}`]) {
      const error = unauthorized(() => authenticateRequest(header, directory, admin));
      expect(challengeHeaders(error)['WWW-Authenticate']).toMatch(/^Bearer realm="hearth", error=/);
    }
    const unknown = unauthorized(() => authenticateRequest('Bearer hth_nobody', directory, admin));
    expect(unknown.message).not.toContain('hth_nobody');
    expect(challengeHeaders(unknown)['WWW-Authenticate']).toContain('invalid_token');
    expect(challengeHeaders(new ApiError(404, 'not_found', 'x'))).toEqual({});
  });

  it('accepts user tokens and the admin token (compared in constant time)', () => {
    expect(authenticateRequest('Bearer hth_alice', directory, admin)).toBe(alice);
    expect(authenticateRequest('bearer hth_alice', directory)).toBe(alice);
    const compare = vi.spyOn(crypto, 'timingSafeEqual');
    expect(authenticateRequest(`Bearer ${admin}`, directory, admin)).toBe(ADMIN_TOKEN_PRINCIPAL);
    expect(compare).toHaveBeenCalled();
    const [a, b] = compare.mock.calls[0] as [Buffer, Buffer];
    expect(a.length).toBe(b.length);
    unauthorized(() => authenticateRequest(`Bearer ${admin}x`, directory, admin));
    unauthorized(() => authenticateRequest(`Bearer ${admin}`, directory, ''));
  });
});

describe('role matrix', () => {
  const expected = {
    admin: [...ACTIONS],
    caseworker: ['read-pii', 'write-client', 'read-projects'],
    integrator: ['read-pii', 'write-client', 'read-projects', 'import', 'export'],
    researcher: ['sparql'],
    'health-system': ['fhir'],
  } as const;

  it('grants each role exactly its actions', () => {
    for (const [role, actions] of Object.entries(expected)) {
      const granted = ACTIONS.filter((action) => roleAllows(role as keyof typeof expected, action));
      expect(granted, role).toEqual(actions);
    }
    expect(rolesFor('read-pii')).toEqual(['admin', 'caseworker', 'integrator']);
    expect(rolesFor('fhir')).toEqual(['admin', 'health-system']);
  });

  it('keeps whole-store actions from scoped principals', () => {
    expect(allows({ name: 'i', role: 'integrator' }, 'export')).toBe(true);
    const scoped: Principal = { name: 'i', role: 'integrator', projects: new Set(['A']) };
    expect(allows(scoped, 'export')).toBe(false);
    expect(allows(scoped, 'read-pii')).toBe(true);
    expect(() => requireAction({ name: 'r', role: 'researcher' }, 'read-pii')).toThrow(
      expect.objectContaining({ status: 403, code: 'forbidden' }),
    );
  });
});

/** Builds a row in the table's field order from named values. */
function put(state: RecordState, source: string, tableName: string, values: Record<string, string>): void {
  const row = table(tableName).fields.map((field) => values[field.name] ?? '');
  state.apply({ op: 'put', source, table: tableName, row });
}

/**
 * The Reference Guide's example and more: C1 is enrolled in A (E1) and B (E2), C2 only in B,
 * C3 is deleted; A belongs to O1, B and C to O2; xx-502 has another project A.
 */
function fixture(): RecordState {
  const s = new RecordState();
  const src = 'xx-501';
  for (const [id, org] of [
    ['A', 'O1'],
    ['B', 'O2'],
    ['C', 'O2'],
  ] as const) {
    put(s, src, 'Project', { ProjectID: id, OrganizationID: org, ProjectName: `Project ${id}` });
  }
  for (const id of ['C1', 'C2'])
    put(s, src, 'Client', { PersonalID: id, FirstName: 'Zelda', SSN: '123456789' });
  put(s, src, 'Client', { PersonalID: 'C3', DateDeleted: '2024-01-01 00:00:00' });
  const enrollments = [
    ['E1', 'C1', 'A'],
    ['E2', 'C1', 'B'],
    ['E3', 'C2', 'B'],
    ['E4', 'C3', 'A'],
  ];
  for (const [id, client, project] of enrollments) {
    put(s, src, 'Enrollment', { EnrollmentID: id, PersonalID: client, ProjectID: project });
  }
  put(s, src, 'Enrollment', {
    EnrollmentID: 'E5',
    PersonalID: 'C1',
    ProjectID: 'A',
    DateDeleted: '2024-01-01',
  });
  put(s, src, 'Exit', { ExitID: 'X1', EnrollmentID: 'E1', PersonalID: 'C1' });
  put(s, src, 'Exit', { ExitID: 'X2', EnrollmentID: 'E2', PersonalID: 'C1' });
  put(s, src, 'Services', {
    ServicesID: 'S1',
    EnrollmentID: 'E1',
    PersonalID: 'C1',
    DateDeleted: '2024-02-02',
  });
  put(s, src, 'Assessment', { AssessmentID: 'AS1', EnrollmentID: 'E1', PersonalID: 'C1' });
  put(s, src, 'Assessment', {
    AssessmentID: 'AS2',
    EnrollmentID: 'E1',
    PersonalID: 'C1',
    DateDeleted: '2024-01-01',
  });
  put(s, src, 'AssessmentQuestions', { AssessmentQuestionID: 'Q1', AssessmentID: 'AS1', EnrollmentID: 'E1' });
  put(s, src, 'AssessmentQuestions', { AssessmentQuestionID: 'Q2', AssessmentID: 'AS2', EnrollmentID: 'E1' });
  put(s, src, 'Funder', { FunderID: 'F1', ProjectID: 'B' });
  put(s, 'xx-502', 'Project', { ProjectID: 'A', OrganizationID: 'O9' });
  put(s, 'xx-502', 'Client', { PersonalID: 'C9' });
  put(s, 'xx-502', 'Enrollment', { EnrollmentID: 'E9', PersonalID: 'C9', ProjectID: 'A' });
  return s;
}

const caseworker = (scope: Partial<Principal>): Principal => ({ name: 'cw', role: 'caseworker', ...scope });
const keys = (rows: readonly (readonly string[])[] | undefined, column: number) =>
  (rows ?? []).map((r) => r[column]);

describe('scopeFor', () => {
  const records = fixture();
  const src = 'xx-501';
  const source = records.source(src);
  if (!source) throw new Error('fixture has no source');
  const c1 = clientRecord(source, 'C1');
  if (!c1) throw new Error('fixture has no C1');

  it('shows a user scoped to A the client, only enrollment A and the records under it', () => {
    const scope = scopeFor(caseworker({ projects: new Set(['A']) }), records);
    expect(scope.unrestricted).toBe(false);
    expect(scope.canSeeClient(src, 'C1')).toBe(true);
    expect(scope.visibleEnrollmentKeys(src, 'C1')).toEqual(['E1']);
    const filtered = scope.filterClientRecord(src, c1);
    expect(filtered?.enrollments.map((e) => e.enrollment[0])).toEqual(['E1']);
    const records1 = filtered?.enrollments[0]?.records;
    expect([...(records1?.keys() ?? [])].sort()).toEqual(['Assessment', 'AssessmentQuestions', 'Exit']);
    expect(keys(records1?.get('Assessment'), 0)).toEqual(['AS1']);
    expect(keys(records1?.get('AssessmentQuestions'), 0)).toEqual(['Q1']);
    expect(scope.canSeeRecord(src, 'Exit', source.get('Exit', 'X1') ?? [])).toBe(true);
    expect(scope.canSeeRecord(src, 'Exit', source.get('Exit', 'X2') ?? [])).toBe(false);
    expect(
      scope.canSeeRecord(src, 'AssessmentQuestions', source.get('AssessmentQuestions', 'Q2') ?? []),
    ).toBe(false);
    expect(scope.canSeeProject(src, 'A')).toBe(true);
    expect(scope.canSeeProject(src, 'B')).toBe(false);
    expect([...scope.visibleClientIds(src)]).toEqual(['C1']);
    // `A` means A in any source; the other source's client is visible too.
    expect(scope.canSeeClient('xx-502', 'C9')).toBe(true);
  });

  it('treats a client outside the scope exactly like one that does not exist', () => {
    const scope = scopeFor(caseworker({ projects: new Set(['C']) }), records);
    for (const id of ['C1', 'NOPE']) {
      expect(scope.canSeeClient(src, id)).toBe(false);
      expect(scope.visibleEnrollmentKeys(src, id)).toEqual([]);
    }
    expect(scope.filterClientRecord(src, c1)).toBeUndefined();
    expect([...scope.visibleClientIds(src)]).toEqual([]);
    expect(scope.canSeeClient('no-such-source', 'C1')).toBe(false);
  });

  it('resolves organizations to their projects and honours source/ prefixes', () => {
    const byOrg = scopeFor(caseworker({ orgs: new Set(['O2']) }), records);
    expect(byOrg.visibleEnrollmentKeys(src, 'C1')).toEqual(['E2']);
    expect(new Set(byOrg.visibleClientIds(src))).toEqual(new Set(['C1', 'C2']));
    expect(byOrg.canSeeRecord(src, 'Funder', source.get('Funder', 'F1') ?? [])).toBe(true);
    expect(byOrg.canSeeProject(src, 'A')).toBe(false);
    const prefixed = scopeFor(caseworker({ projects: new Set(['xx-502/A']) }), records);
    expect(prefixed.canSeeClient('xx-502', 'C9')).toBe(true);
    expect(prefixed.canSeeClient(src, 'C1')).toBe(false);
  });

  it('hides deleted rows from everyone, unrestricted included', () => {
    const admin = scopeFor({ name: 'root', role: 'admin' }, records);
    expect(admin.unrestricted).toBe(true);
    expect(admin.canSeeClient(src, 'C2')).toBe(true);
    expect(admin.canSeeClient(src, 'C3')).toBe(false);
    expect(admin.visibleEnrollmentKeys(src, 'C1')).toEqual(['E1', 'E2']);
    expect(admin.canSeeRecord(src, 'Services', source.get('Services', 'S1') ?? [])).toBe(false);
    expect(admin.canSeeRecord(src, 'Enrollment', source.get('Enrollment', 'E4') ?? [])).toBe(false);
    expect(admin.filterClientRecord(src, c1)?.enrollments).toHaveLength(2);
    expect([...admin.visibleClientIds(src)]).toEqual(['C1', 'C2']);
  });

  it('gives a caseworker without a scope nothing, an unscoped integrator everything', () => {
    const none = scopeFor(caseworker({}), records);
    expect(none.unrestricted).toBe(false);
    expect(none.canSeeClient(src, 'C1')).toBe(false);
    expect(scopeFor({ name: 'i', role: 'integrator' }, records).canSeeClient(src, 'C2')).toBe(true);
  });
});

describe('AuditLog', () => {
  it('appends one JSON line per event with identifiers only', async () => {
    const dir = tempDir();
    const audit = new AuditLog(dir);
    audit.record({
      principal: { name: 'alice', role: 'caseworker' },
      action: 'read-pii',
      route: 'GET /client/{PersonalID}?FirstName=Zelda',
      outcome: 'allowed',
      status: 200,
      source: 'xx-501',
      records: { PersonalID: 'C1', EnrollmentID: ['E1'], FirstName: 'Zelda', DOB: '1990-01-01' },
    });
    audit.record({ action: 'authenticate', route: 'GET /client/{PersonalID}', outcome: 'unauthorized' });
    await audit.flush();
    const text = fs.readFileSync(path.join(dir, 'audit.jsonl'), 'utf8');
    expect(text).not.toMatch(/Zelda|1990|FirstName|DOB/);
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      principal: 'alice',
      role: 'caseworker',
      action: 'read-pii',
      route: 'GET /client/{PersonalID}',
      outcome: 'allowed',
      records: { PersonalID: 'C1', EnrollmentID: ['E1'] },
    });
    expect(lines[1]).toMatchObject({ principal: null, role: null, outcome: 'unauthorized' });
    expect(fs.statSync(path.join(dir, 'audit.jsonl')).mode & 0o777).toBe(0o600);
    await audit.close();
  });

  it('writes without being flushed, keeps order across batches, and reopens after close', async () => {
    const dir = tempDir();
    const audit = new AuditLog(dir);
    const event = (n: number) => ({
      action: 'read-pii',
      route: `GET /client/C${n}`,
      outcome: 'allowed' as const,
    });
    audit.record(event(1));
    audit.record(event(2));
    await new Promise((resolve) => setTimeout(resolve, 200)); // past the batching delay
    const file = path.join(dir, 'audit.jsonl');
    const routes = () =>
      fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).route);
    expect(routes()).toEqual(['GET /client/C1', 'GET /client/C2']);
    // A burst past the buffer limit is written in several batches, in order.
    for (let n = 3; n < 1500; n++) audit.record(event(n));
    await audit.close();
    expect(routes()).toHaveLength(1499);
    expect(routes().at(-1)).toBe('GET /client/C1499');
    audit.record(event(1500));
    await audit.close();
    expect(routes().at(-1)).toBe('GET /client/C1500');
  });

  it('starts a new file when audit.jsonl is rotated away or removed, losing no line', async () => {
    const dir = tempDir();
    const audit = new AuditLog(dir);
    const file = path.join(dir, 'audit.jsonl');
    const routesIn = (name: string) =>
      fs
        .readFileSync(path.join(dir, name), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).route);
    const record = async (...ids: string[]) => {
      for (const id of ids)
        audit.record({ action: 'read-pii', route: `GET /client/${id}`, outcome: 'allowed' });
      await audit.flush();
    };
    await record('C1', 'C2');
    fs.renameSync(file, path.join(dir, 'audit.jsonl.1')); // as logrotate does by default
    await record('C3');
    expect(routesIn('audit.jsonl.1')).toEqual(['GET /client/C1', 'GET /client/C2']);
    expect(routesIn('audit.jsonl')).toEqual(['GET /client/C3']);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    fs.rmSync(file);
    await record('C4', 'C5');
    expect(routesIn('audit.jsonl')).toEqual(['GET /client/C4', 'GET /client/C5']);
    await audit.close();
  });
});
