/**
 * Consent in the one access policy (security/policy.ts + security/consent.ts), on records built in
 * the test: who a consent reaches (organizations named or owning a project in scope, CoCs of those
 * projects), which columns it opens, what has no effect (pending, denied, revoked, other sources,
 * deleted clients), and that it never widens more than the Client row.
 */
import { describe, expect, it } from 'vitest';
import { fieldIndex, table } from '../../src/model/index.ts';
import { type Consent, type ConsentGrants, isEffective, sharedColumns } from '../../src/security/consent.ts';
import { scopeFor } from '../../src/security/policy.ts';
import type { Principal } from '../../src/security/principal.ts';
import { clientRecord } from '../../src/store/client-record.ts';
import { RecordState } from '../../src/store/record-state.ts';
import { row } from './fixture.ts';

const S = 'src-1';

function records(): RecordState {
  const state = new RecordState();
  const put = (name: string, values: Record<string, string>) =>
    state.apply({ op: 'put', source: S, table: name, row: row(name, values) });
  put('Organization', { OrganizationID: 'O1' });
  put('Organization', { OrganizationID: 'O2' });
  put('Project', { ProjectID: 'P1', OrganizationID: 'O1' });
  put('Project', { ProjectID: 'P2', OrganizationID: 'O2' });
  put('ProjectCoC', { ProjectCoCID: 'PC1', ProjectID: 'P1', CoCCode: 'XX-500' });
  put('ProjectCoC', {
    ProjectCoCID: 'PC9',
    ProjectID: 'P1',
    CoCCode: 'XX-509',
    DateDeleted: '2020-01-01 00:00:00',
  });
  put('Client', {
    PersonalID: 'C2',
    FirstName: 'Pat',
    LastName: 'Two',
    SSN: '123456789',
    VeteranStatus: '1',
  });
  put('Client', { PersonalID: 'C3', FirstName: 'Gone', DateDeleted: '2020-01-01 00:00:00' });
  put('Enrollment', { EnrollmentID: 'E2', PersonalID: 'C2', ProjectID: 'P2' });
  put('Exit', { ExitID: 'X2', EnrollmentID: 'E2', PersonalID: 'C2' });
  return state;
}

function fullRecord(state: RecordState) {
  const source = state.source(S);
  const record = source && clientRecord(source, 'C2');
  if (!record) throw new Error('fixture lacks C2');
  return record;
}

function stored(state: RecordState, name: string, key: string) {
  const found = state.source(S)?.get(name, key);
  if (!found) throw new Error(`fixture lacks ${name} ${key}`);
  return found;
}

let next = 0;
function consent(values: Partial<Consent>): Consent {
  next += 1;
  return {
    consentId: `K${next}`,
    source: S,
    clientId: 'C2',
    submitterId: 'cw',
    organizationIds: [],
    cocIds: [],
    fields: { firstName: 0, ssn: 0 },
    approvalStatus: 1,
    dateCreated: '2024-01-01 00:00:00',
    dateUpdated: '2024-01-01 00:00:00',
    dateProcessed: '2024-01-01 00:00:00',
    dateDeleted: null,
    ...values,
  };
}

const grants = (...consents: Consent[]): ConsentGrants => ({
  forClient: (source, personalId) => consents.filter((c) => c.source === source && c.clientId === personalId),
  consentingClients: (source) =>
    new Set(consents.filter((c) => c.source === source && isEffective(c)).map((c) => c.clientId)),
});

const inP1: Principal = { name: 'cw', role: 'caseworker', projects: new Set(['P1']) };
const inO1: Principal = { name: 'cw', role: 'caseworker', orgs: new Set([`${S}/O1`]) };
const inP2: Principal = { name: 'cw', role: 'caseworker', projects: new Set(['P2']) };
const admin: Principal = { name: 'a', role: 'admin' };
const FIRST = fieldIndex(table('Client'), 'FirstName');
const SSN = fieldIndex(table('Client'), 'SSN');
const VETERAN = fieldIndex(table('Client'), 'VeteranStatus');

describe('consent in the access policy', () => {
  it('without consents nothing widens (the default of scopeFor)', () => {
    const state = records();
    const scope = scopeFor(inP1, state);
    expect(scope.consentedColumns(S, 'C2')).toBeUndefined();
    expect(scope.filterClientRecord(S, fullRecord(state))).toBeUndefined();
    expect([...scope.consentedClientIds(S)]).toEqual([]);
  });

  it('an approved consent naming the organization of a project in scope opens its fields, nothing more', () => {
    const state = records();
    const scope = scopeFor(inP1, state, grants(consent({ organizationIds: ['O1'] })));
    expect([...(scope.consentedColumns(S, 'C2') ?? [])].sort()).toEqual([
      'FirstName',
      'NameDataQuality',
      'PersonalID',
      'SSN',
      'SSNDataQuality',
    ]);
    const record = scope.filterClientRecord(S, fullRecord(state));
    expect(record?.enrollments).toEqual([]);
    expect(record?.client[FIRST]).toBe('Pat');
    expect(record?.client[SSN]).toBe('123456789');
    expect(record?.client[VETERAN]).toBe('');
    // Shown, not in scope: no edits, no enrollments, no records under them.
    expect(scope.canSeeClient(S, 'C2')).toBe(false);
    expect(scope.visibleEnrollmentKeys(S, 'C2')).toEqual([]);
    expect(scope.canSeeRecord(S, 'Exit', stored(state, 'Exit', 'X2'))).toBe(false);
    expect([...scope.consentedClientIds(S)]).toEqual(['C2']);
  });

  it('reaches organizations named directly (source/ID), and CoCs of projects in scope (live ProjectCoC rows)', () => {
    const state = records();
    expect(
      scopeFor(inO1, state, grants(consent({ organizationIds: ['O1'] }))).consentedColumns(S, 'C2'),
    ).toBeDefined();
    expect(
      scopeFor(inP1, state, grants(consent({ cocIds: ['XX-500'] }))).consentedColumns(S, 'C2'),
    ).toBeDefined();
    expect(
      scopeFor(inP1, state, grants(consent({ cocIds: ['XX-509'] }))).consentedColumns(S, 'C2'),
    ).toBeUndefined();
    expect(
      scopeFor(inP1, state, grants(consent({ organizationIds: ['O2'] }))).consentedColumns(S, 'C2'),
    ).toBeUndefined();
  });

  it('pending, denied, revoked, other sources and deleted clients have no effect', () => {
    const state = records();
    const none = [
      consent({ organizationIds: ['O1'], approvalStatus: 0 }),
      consent({ organizationIds: ['O1'], approvalStatus: 2 }),
      consent({ organizationIds: ['O1'], dateDeleted: '2024-02-01 00:00:00' }),
      consent({ organizationIds: ['O1'], source: 'src-2' }),
      consent({ organizationIds: ['O1'], clientId: 'C3' }),
      consent({ organizationIds: ['O1'], fields: { firstName: null } }),
    ];
    const scope = scopeFor(inP1, state, grants(...none));
    expect(scope.consentedColumns(S, 'C2')).toBeUndefined();
    expect(scope.consentedColumns(S, 'C3')).toBeUndefined();
    expect([...scope.consentedClientIds(S)]).toEqual([]);
  });

  it('a field one applicable consent withholds stays closed; the others stay open', () => {
    const columns = sharedColumns(
      [consent({ organizationIds: ['O1'] }), consent({ organizationIds: ['O1'], fields: { ssn: 1 } })],
      { orgs: new Set(['O1']), cocs: new Set() },
    );
    expect([...(columns ?? [])].sort()).toEqual(['FirstName', 'NameDataQuality', 'PersonalID']);
  });

  it('callers who see the client anyway get the whole record, as before', () => {
    const state = records();
    const consents = grants(consent({ organizationIds: ['O1', 'O2'] }));
    for (const principal of [inP2, admin]) {
      const scope = scopeFor(principal, state, consents);
      expect(scope.consentedColumns(S, 'C2')).toBeUndefined();
      const record = scope.filterClientRecord(S, fullRecord(state));
      expect(record?.client[VETERAN]).toBe('1');
      expect(record?.enrollments.map((e) => e.enrollment[0])).toEqual(['E2']);
    }
  });
});
