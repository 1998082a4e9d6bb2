/**
 * The one access policy of every surface (HUD HMIS API, OpenHMIS, SPARQL, FHIR, exports): what a
 * role may do (roleAllows) and which records a principal may see (scopeFor). Surfaces ask here and
 * never decide on their own.
 *
 * Visibility follows the HUD HMIS API Reference Guide ("Authorization of the user to access the
 * data"): a scoped user sees a client only through enrollments in their projects, sees only those
 * enrollments and the records under them, and nothing hints at the rest: a client outside the
 * scope is indistinguishable from one that does not exist. Rows with a DateDeleted are hidden from
 * everyone, and so is everything under them.
 *
 * Consent widens this, field by field (security/consent.ts): an approved consent naming the
 * caller's organization or CoC shows them the Client columns it shares (filterClientRecord,
 * consentedColumns), and nothing under the client; pending, denied and revoked consents do nothing.
 *
 * Role matrix (admin can do everything; scope = --projects/--orgs):
 *
 *   action         admin  caseworker  integrator  researcher  health-system
 *   read-pii         ✓        ✓ ¹         ✓ ²
 *   write-client     ✓        ✓ ¹         ✓ ²
 *   read-projects    ✓        ✓           ✓
 *   import           ✓                    ✓ ³
 *   export           ✓                    ✓ ³
 *   sparql           ✓                                ✓ ³ ⁴
 *   fhir             ✓                                            ✓ ²
 *
 *   ¹ always scoped (a caseworker without projects sees nothing)
 *   ² every project unless scoped
 *   ³ whole-store actions: refused to scoped principals (see allows), since they cannot be filtered
 *   ⁴ de-identified results: the SPARQL surface's job
 */
import { ApiError } from '../api/errors.ts';
import { fieldIndex, findTable, TABLES, table } from '../model/index.ts';
import type { ClientRecord, EnrollmentRecord } from '../store/client-record.ts';
import type { RecordState, Row, SourceState } from '../store/record-state.ts';
import {
  type ConsentAudience,
  type ConsentGrants,
  consentAudience,
  NO_CONSENTS,
  sharedColumns,
} from './consent.ts';
import { type Principal, ROLES, type Role } from './principal.ts';

export const ACTIONS = [
  'read-pii',
  'write-client',
  'read-projects',
  'import',
  'export',
  'sparql',
  'fhir',
] as const;
export type Action = (typeof ACTIONS)[number];

const MATRIX: Readonly<Record<Role, ReadonlySet<Action>>> = {
  admin: new Set(ACTIONS),
  caseworker: new Set(['read-pii', 'write-client', 'read-projects']),
  integrator: new Set(['read-pii', 'write-client', 'read-projects', 'import', 'export']),
  researcher: new Set(['sparql']),
  'health-system': new Set(['fhir']),
};

/** Actions over whole data sources: no per-record filter applies, so only unscoped principals. */
const WHOLE_STORE: ReadonlySet<Action> = new Set(['import', 'export', 'sparql']);

export function roleAllows(role: Role, action: Action): boolean {
  return MATRIX[role]?.has(action) ?? false;
}

/** The roles allowed an action: what a RouteSpec's `roles` should be, so route tables follow the matrix. */
export function rolesFor(action: Action): Role[] {
  return ROLES.filter((role) => roleAllows(role, action));
}

export const isScoped = (principal: Principal): boolean =>
  (principal.projects?.size ?? 0) + (principal.orgs?.size ?? 0) > 0;

/** roleAllows plus the whole-store rule: the check routes make before touching any record. */
export function allows(principal: Principal, action: Action): boolean {
  if (!roleAllows(principal.role, action)) return false;
  return !WHOLE_STORE.has(action) || principal.role === 'admin' || !isScoped(principal);
}

/** Throws 403 unless `allows`. The message names the role and action only: no records, no scope. */
export function requireAction(principal: Principal, action: Action): void {
  if (!allows(principal, action)) {
    throw new ApiError(403, 'forbidden', `role ${principal.role} may not ${action} here`);
  }
}

/** Which records one principal may see. Every method is O(1) or O(enrollments of one client). */
export interface AccessScope {
  readonly principal: Principal;
  /** Sees every record that is not deleted (admin; integrator, researcher, health-system unscoped). */
  readonly unrestricted: boolean;
  /** The project exists in the source, is not deleted, and is in scope. */
  canSeeProject(source: string, projectId: string): boolean;
  /** The client exists, is not deleted, and is unrestricted or has a visible enrollment. */
  canSeeClient(source: string, personalId: string): boolean;
  /** Keys of the client's visible enrollments ([] when the client is hidden or absent). */
  visibleEnrollmentKeys(source: string, personalId: string): string[];
  /** Any row of any table, by its own DateDeleted and the visibility of its parents. */
  canSeeRecord(source: string, table: string, row: Row): boolean;
  /** The record with only visible enrollments and rows, or undefined when the client is hidden. */
  filterClientRecord(source: string, record: ClientRecord): ClientRecord | undefined;
  /** PersonalIDs of visible clients, each once, in no particular order; O(enrollments in scope). */
  visibleClientIds(source: string): Iterable<string>;
  /** Client columns approved consents open to a caller who cannot otherwise see the client; undefined: none. */
  consentedColumns(source: string, personalId: string): ReadonlySet<string> | undefined;
  /** PersonalIDs the caller sees only through consent (consentedColumns is defined, canSeeClient is not). */
  consentedClientIds(source: string): Iterable<string>;
}

const DATE_DELETED = new Map(
  TABLES.map((spec) => [spec.name, spec.fields.findIndex((field) => field.name === 'DateDeleted')]),
);
const column = (tableName: string, field: string) => fieldIndex(table(tableName), field);
/** Each table's key column, and the column of its first link (to the parent it hangs under). */
const KEY_COLUMN = new Map(TABLES.map((spec) => [spec.name, fieldIndex(spec, spec.key)]));
const PARENT_COLUMN = new Map(
  TABLES.flatMap((spec) =>
    spec.links[0] ? [[spec.name, fieldIndex(spec, spec.links[0].field)] as const] : [],
  ),
);
const PROJECT_ORG = column('Project', 'OrganizationID');
const ENROLLMENT = {
  client: column('Enrollment', 'PersonalID'),
  project: column('Enrollment', 'ProjectID'),
};
const CLIENT_KEY = column('Client', 'PersonalID');
const ASSESSMENT_KEY = column('Assessment', 'AssessmentID');
/** Tables under Assessment → their AssessmentID column. */
const ASSESSMENT_LINK = new Map(
  ['AssessmentQuestions', 'AssessmentResults'].map((name) => [name, column(name, 'AssessmentID')]),
);

export function isDeleted(tableName: string, row: Row): boolean {
  const index = DATE_DELETED.get(tableName) ?? -1;
  return index >= 0 && (row[index] ?? '') !== '';
}

/** `id` or `source/id` in a scope set. */
const hasScoped = (set: ReadonlySet<string> | undefined, source: string, id: string) =>
  !!set && (set.has(id) || set.has(`${source}/${id}`));

class PolicyScope implements AccessScope {
  readonly unrestricted: boolean;

  private readonly audiences = new Map<string, ConsentAudience>();

  constructor(
    readonly principal: Principal,
    private readonly records: RecordState,
    private readonly consents: ConsentGrants,
  ) {
    // A caseworker is never unrestricted: without a scope it sees nothing (fail closed).
    this.unrestricted =
      principal.role === 'admin' || (principal.role !== 'caseworker' && !isScoped(principal));
  }

  /** Scope membership by id: direct, or through the project's organization. */
  private inScope(source: string, state: SourceState, projectId: string): boolean {
    if (this.unrestricted) return true;
    if (hasScoped(this.principal.projects, source, projectId)) return true;
    if (!this.principal.orgs) return false;
    const organization = state.get('Project', projectId)?.[PROJECT_ORG];
    return !!organization && hasScoped(this.principal.orgs, source, organization);
  }

  canSeeProject(source: string, projectId: string): boolean {
    const state = this.records.source(source);
    const row = state?.get('Project', projectId);
    return !!state && !!row && !isDeleted('Project', row) && this.inScope(source, state, projectId);
  }

  private enrollmentVisible(source: string, state: SourceState, enrollment: Row): boolean {
    if (isDeleted('Enrollment', enrollment)) return false;
    const client = state.get('Client', enrollment[ENROLLMENT.client] ?? '');
    if (client ? isDeleted('Client', client) : !this.unrestricted) return false;
    const projectId = enrollment[ENROLLMENT.project] ?? '';
    const project = state.get('Project', projectId);
    if (project && isDeleted('Project', project)) return false;
    return this.inScope(source, state, projectId);
  }

  visibleEnrollmentKeys(source: string, personalId: string): string[] {
    const state = this.records.source(source);
    const client = state?.get('Client', personalId);
    if (!state || !client || isDeleted('Client', client)) return [];
    const keys: string[] = [];
    for (const key of state.childKeys('Enrollment', 'PersonalID', personalId)) {
      const enrollment = state.get('Enrollment', key);
      if (enrollment && this.enrollmentVisible(source, state, enrollment)) keys.push(key);
    }
    return keys;
  }

  canSeeClient(source: string, personalId: string): boolean {
    const client = this.records.source(source)?.get('Client', personalId);
    if (!client || isDeleted('Client', client)) return false;
    return this.unrestricted || this.visibleEnrollmentKeys(source, personalId).length > 0;
  }

  private canSeeOrganization(source: string, state: SourceState, organizationId: string): boolean {
    if (this.unrestricted || hasScoped(this.principal.orgs, source, organizationId)) return true;
    for (const projectId of state.childKeys('Project', 'OrganizationID', organizationId)) {
      if (this.canSeeProject(source, projectId)) return true;
    }
    return false;
  }

  canSeeRecord(source: string, tableName: string, row: Row): boolean {
    const spec = findTable(tableName);
    const state = this.records.source(source);
    if (!spec || !state || isDeleted(tableName, row)) return false;
    const key = row[KEY_COLUMN.get(tableName) ?? -1] ?? '';
    switch (tableName) {
      case 'Client':
        return this.unrestricted || this.visibleEnrollmentKeys(source, key).length > 0;
      case 'Enrollment':
        return this.enrollmentVisible(source, state, row);
      case 'Project':
        return this.inScope(source, state, key);
      case 'Organization':
        return this.canSeeOrganization(source, state, key);
    }
    // Every other table hangs under one parent (Enrollment, Assessment or Project); Export and
    // User hang under none and describe the whole source, so only unrestricted scopes see them.
    const link = spec.links[0];
    if (!link) return this.unrestricted;
    const parent = state.get(link.table, row[PARENT_COLUMN.get(tableName) ?? -1] ?? '');
    if (!parent) return this.unrestricted; // an orphan: no scope can place it
    return this.canSeeRecord(source, link.table, parent);
  }

  filterClientRecord(source: string, record: ClientRecord): ClientRecord | undefined {
    const state = this.records.source(source);
    if (!state || isDeleted('Client', record.client)) return undefined;
    const personalId = record.client[CLIENT_KEY] ?? '';
    const enrollments = record.enrollments
      .filter(
        ({ enrollment }) =>
          enrollment[ENROLLMENT.client] === personalId && this.enrollmentVisible(source, state, enrollment),
      )
      .map(visibleRows);
    if (this.unrestricted || enrollments.length > 0) return { client: record.client, enrollments };
    const columns = this.consentedColumns(source, personalId);
    if (!columns) return undefined;
    const masked = table('Client').fields.map((f, i) =>
      columns.has(f.name) ? (record.client[i] ?? '') : '',
    );
    return { client: masked, enrollments: [] };
  }

  consentedColumns(source: string, personalId: string): ReadonlySet<string> | undefined {
    const state = this.records.source(source);
    const client = state?.get('Client', personalId);
    if (this.unrestricted || !state || !client || isDeleted('Client', client)) return undefined;
    if (this.visibleEnrollmentKeys(source, personalId).length > 0) return undefined;
    let audience = this.audiences.get(source);
    if (!audience) {
      audience = consentAudience(state, source, this.principal, this.scopedProjectIds(source, state));
      this.audiences.set(source, audience);
    }
    return sharedColumns(this.consents.forClient(source, personalId), audience);
  }

  *consentedClientIds(source: string): Iterable<string> {
    for (const personalId of this.consents.consentingClients(source))
      if (this.consentedColumns(source, personalId)) yield personalId;
  }

  *visibleClientIds(source: string): Iterable<string> {
    const state = this.records.source(source);
    if (!state) return;
    if (this.unrestricted) {
      for (const [key, row] of state.table('Client').rows) if (!isDeleted('Client', row)) yield key;
      return;
    }
    const seen = new Set<string>();
    for (const projectId of this.scopedProjectIds(source, state)) {
      for (const key of state.childKeys('Enrollment', 'ProjectID', projectId)) {
        const enrollment = state.get('Enrollment', key);
        const personalId = enrollment?.[ENROLLMENT.client] ?? '';
        if (!enrollment || seen.has(personalId) || !this.enrollmentVisible(source, state, enrollment))
          continue;
        seen.add(personalId);
        yield personalId;
      }
    }
  }

  /** Project ids a scoped principal names in this source, directly or through organizations. */
  private scopedProjectIds(source: string, state: SourceState): Set<string> {
    const ids = new Set<string>();
    const prefix = `${source}/`;
    for (const entry of this.principal.projects ?? []) {
      if (!entry.includes('/')) ids.add(entry);
      else if (entry.startsWith(prefix)) ids.add(entry.slice(prefix.length));
    }
    for (const entry of this.principal.orgs ?? []) {
      const organization = !entry.includes('/')
        ? entry
        : entry.startsWith(prefix)
          ? entry.slice(prefix.length)
          : '';
      if (organization)
        for (const id of state.childKeys('Project', 'OrganizationID', organization)) ids.add(id);
    }
    return ids;
  }
}

/** Drops deleted rows, and assessment questions and results of deleted assessments. */
function visibleRows({ enrollment, records }: EnrollmentRecord): EnrollmentRecord {
  const assessments = new Set(
    (records.get('Assessment') ?? [])
      .filter((row) => !isDeleted('Assessment', row))
      .map((row) => row[ASSESSMENT_KEY] ?? ''),
  );
  const kept = new Map<string, readonly Row[]>();
  for (const [tableName, rows] of records) {
    const link = ASSESSMENT_LINK.get(tableName);
    const visible = rows.filter(
      (row) => !isDeleted(tableName, row) && (link === undefined || assessments.has(row[link] ?? '')),
    );
    // No empty entries: an empty list would hint that hidden rows exist.
    if (visible.length > 0) kept.set(tableName, visible);
  }
  return { enrollment, records: kept };
}

/** `consents`: the server's consent records (security/consent.ts); without them consent widens nothing. */
export function scopeFor(
  principal: Principal,
  records: RecordState,
  consents: ConsentGrants = NO_CONSENTS,
): AccessScope {
  return new PolicyScope(principal, records, consents);
}
