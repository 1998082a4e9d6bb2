/**
 * What one caller may see, as FHIR resources: every read goes through the access policy's scope
 * (security/policy.ts), so a record outside it is as absent here as on the HMIS API. Resources are
 * built from the in-memory records on demand; nothing is cached, so every answer follows the
 * latest commit.
 */
import { EPISODE_FIELDS as E } from '../../mappings/fhir/episode-of-care.ts';
import { fieldIndex, table } from '../model/index.ts';
import type { Consent } from '../security/consent.ts';
import type { AccessScope } from '../security/policy.ts';
import { clientRecord, type EnrollmentRecord } from '../store/client-record.ts';
import type { RecordState, Row, SourceState } from '../store/record-state.ts';
import type { RecordContext } from './context.ts';
import { parseFhirId } from './ids.ts';
import { consentResource } from './resources/consent.ts';
import { coverageResources } from './resources/coverage.ts';
import { disabilityCondition, latestByType } from './resources/disability.ts';
import {
  type EpisodeRows,
  episodeResource,
  healthcareServiceResource,
  organizationResource,
} from './resources/episode.ts';
import { patientResource } from './resources/patient.ts';
import {
  currentLivingSituation,
  homelessnessCondition,
  priorLivingSituation,
  programEnrollment,
} from './resources/sdoh.ts';
import type { FhirOptions, Resource } from './types.ts';
import { cell } from './values.ts';

/** The resource types Hearth serves, in the order $everything lists them. */
export const RESOURCE_TYPES = [
  'Patient',
  'EpisodeOfCare',
  'Condition',
  'Observation',
  'Coverage',
  'Consent',
  'Organization',
  'HealthcareService',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** Types whose every resource belongs to one client (the Patient compartment). */
export const PATIENT_TYPES: ReadonlySet<string> = new Set([
  'Patient',
  'EpisodeOfCare',
  'Condition',
  'Observation',
  'Coverage',
  'Consent',
]);

export interface MemberIdLookup {
  get(source: string, personalId: string): string | undefined;
}

const ENROLLMENT_CLIENT = fieldIndex(table('Enrollment'), 'PersonalID');
const CLS_CLIENT = fieldIndex(table('CurrentLivingSituation'), 'PersonalID');
const CLIENT_KEY = fieldIndex(table('Client'), 'PersonalID');

/** The latest of an enrollment's Exit rows (HUD allows one; a second would be a data error). */
const latestExit = (exits: readonly Row[] | undefined): Row | undefined =>
  exits?.reduce((a, b) => (cell(b, E.exitDate.index) > cell(a, E.exitDate.index) ? b : a));

/**
 * Patients already built, by the Client row they were built from. Stored rows are never changed in
 * place (a write puts a new row), so an entry lives exactly as long as its row; the member ID is
 * compared on every hit. One cache per options value: the options shape the resource too.
 */
export type PatientCache = WeakMap<
  Row,
  { readonly memberId: string | undefined; readonly resource: Resource }
>;

/** The consents a view shows as Consent resources (security/consent.ts's ConsentBook). */
export interface ConsentLookup {
  get(consentId: string): Consent | undefined;
  forClient(source: string, personalId: string): readonly Consent[];
}

export interface ViewExtras {
  /** The date HealthcareService.active is judged on (default: today, UTC). */
  readonly today?: string;
  /** Shared across requests by the server (services.ts). */
  readonly patients?: PatientCache;
  readonly consents?: ConsentLookup;
}

export class FhirView {
  constructor(
    private readonly records: RecordState,
    readonly scope: AccessScope,
    private readonly base: string,
    private readonly options: FhirOptions,
    private readonly memberIds: MemberIdLookup | undefined,
    extras: ViewExtras = {},
  ) {
    this.today = extras.today ?? new Date().toISOString().slice(0, 10);
    this.patients = extras.patients ?? new WeakMap();
    this.consents = extras.consents;
  }

  private readonly today: string;
  private readonly patients: PatientCache;
  private readonly consents: ConsentLookup | undefined;

  private patientOf(context: RecordContext, row: Row): Resource | undefined {
    const memberId = context.memberId(cell(row, CLIENT_KEY));
    const cached = this.patients.get(row);
    if (cached && cached.memberId === memberId) return cached.resource;
    const resource = patientResource(context, row);
    if (resource) this.patients.set(row, { memberId, resource });
    return resource;
  }

  sources(): string[] {
    return [...this.records.sources.keys()];
  }

  private readonly contexts = new Map<string, RecordContext>();

  context(source: string): RecordContext | undefined {
    const known = this.contexts.get(source);
    if (known) return known;
    const state = this.records.source(source);
    if (!state) return undefined;
    const context: RecordContext = {
      base: this.base,
      source,
      state,
      options: this.options,
      memberId: (personalId) => this.memberIds?.get(source, personalId),
    };
    this.contexts.set(source, context);
    return context;
  }

  /** Visible clients as (source, PersonalID), source by source. */
  *clients(): Iterable<readonly [string, string]> {
    for (const source of this.sources()) {
      for (const personalId of this.scope.visibleClientIds(source)) yield [source, personalId];
    }
  }

  /** Every visible client's Patient (clients() and patient() in one pass, without re-checking scope). */
  *allPatients(): Iterable<Resource> {
    for (const source of this.sources()) {
      const context = this.context(source);
      if (!context) continue;
      for (const personalId of this.scope.visibleClientIds(source)) {
        const row = context.state.get('Client', personalId);
        const patient = row && this.patientOf(context, row);
        if (patient) yield patient;
      }
      for (const personalId of this.scope.consentedClientIds(source)) {
        const patient = this.consentedPatient(source, personalId);
        if (patient) yield patient;
      }
    }
  }

  patient(source: string, personalId: string): Resource | undefined {
    const context = this.context(source);
    const row = context?.state.get('Client', personalId);
    if (!context || !row) return undefined;
    if (this.scope.canSeeClient(source, personalId)) return this.patientOf(context, row);
    return this.consentedPatient(source, personalId);
  }

  /**
   * A client the caller sees only through an approved consent (security/consent.ts): the Patient
   * carries the Client columns the consent shares and nothing else, and no resource hangs under it.
   */
  private consentedPatient(source: string, personalId: string): Resource | undefined {
    const context = this.context(source);
    const found = context && clientRecord(context.state, personalId);
    if (!context || !found || !this.scope.consentedColumns(source, personalId)) return undefined;
    const masked = this.scope.filterClientRecord(source, found);
    return masked ? patientResource(context, masked.client) : undefined;
  }

  /** The client's resources of the given patient-compartment types, as far as the caller may see them. */
  compartment(source: string, personalId: string, types: ReadonlySet<string>): Resource[] {
    const context = this.context(source);
    if (!context) return [];
    if (!this.scope.canSeeClient(source, personalId)) {
      const patient = types.has('Patient') ? this.consentedPatient(source, personalId) : undefined;
      return patient ? [patient] : [];
    }
    const found = clientRecord(context.state, personalId);
    const record = found && this.scope.filterClientRecord(source, found);
    if (!record) return [];
    const resources: Resource[] = [];
    if (types.has('Patient')) {
      const patient = this.patientOf(context, record.client);
      if (patient) resources.push(patient);
    }
    for (const enrollment of record.enrollments)
      resources.push(...this.episodeResources(context, enrollment, types));
    if (types.has('Coverage')) {
      const incomes = record.enrollments.flatMap((e) => e.records.get('IncomeBenefits') ?? []);
      resources.push(...coverageResources(context, personalId, incomes));
    }
    if (types.has('Consent'))
      for (const consent of this.consents?.forClient(source, personalId) ?? []) {
        const resource = consentResource(context, consent);
        if (resource) resources.push(resource);
      }
    return resources;
  }

  private episodeResources(context: RecordContext, record: EnrollmentRecord, types: ReadonlySet<string>) {
    const rows: EpisodeRows = {
      enrollment: record.enrollment,
      exit: latestExit(record.records.get('Exit')),
      project: context.state.get('Project', cell(record.enrollment, E.projectId.index)),
    };
    const made: (Resource | undefined)[] = [];
    if (types.has('EpisodeOfCare')) made.push(episodeResource(context, rows));
    if (types.has('Condition')) {
      made.push(homelessnessCondition(context, rows));
      const latest = latestByType(record.records.get('Disabilities') ?? []);
      for (const row of latest.values()) made.push(disabilityCondition(context, row));
    }
    if (types.has('Observation')) {
      made.push(priorLivingSituation(context, rows), programEnrollment(context, rows));
      for (const row of record.records.get('CurrentLivingSituation') ?? [])
        made.push(currentLivingSituation(context, row));
    }
    return made.filter((r): r is Resource => r !== undefined);
  }

  organization(source: string, key: string): Resource | undefined {
    const context = this.context(source);
    const row = context?.state.get('Organization', key);
    if (!context || !row || !this.scope.canSeeRecord(source, 'Organization', row)) return undefined;
    return organizationResource(context, row);
  }

  healthcareService(source: string, key: string): Resource | undefined {
    const context = this.context(source);
    const row = context?.state.get('Project', key);
    if (!context || !row || !this.scope.canSeeProject(source, key)) return undefined;
    return healthcareServiceResource(context, row, this.today);
  }

  /** Every visible Organization or HealthcareService, source by source. */
  *directory(type: 'Organization' | 'HealthcareService'): Iterable<Resource> {
    const tableName = type === 'Organization' ? 'Organization' : 'Project';
    for (const source of this.sources()) {
      const state = this.records.source(source) as SourceState;
      for (const key of state.table(tableName).rows.keys()) {
        const resource =
          type === 'Organization' ? this.organization(source, key) : this.healthcareService(source, key);
        if (resource) yield resource;
      }
    }
  }

  /** The client a patient-compartment resource id belongs to, or undefined. */
  ownerOf(type: string, id: string): readonly [string, string] | undefined {
    const parsed = parseFhirId(type, id, this.sources());
    if (!parsed) return undefined;
    const state = this.records.source(parsed.source);
    if (!state) return undefined;
    if (type === 'Patient' || type === 'Coverage') return [parsed.source, parsed.key];
    if (type === 'Consent') {
      const consent = this.consents?.get(parsed.key);
      return consent && consent.source === parsed.source ? [parsed.source, consent.clientId] : undefined;
    }
    if (parsed.kind === 'cls') {
      const row = state.get('CurrentLivingSituation', parsed.key);
      return row ? [parsed.source, cell(row, CLS_CLIENT)] : undefined;
    }
    const enrollment = state.get('Enrollment', parsed.key);
    return enrollment ? [parsed.source, cell(enrollment, ENROLLMENT_CLIENT)] : undefined;
  }

  read(type: string, id: string): Resource | undefined {
    if (type === 'Organization' || type === 'HealthcareService') {
      const parsed = parseFhirId(type, id, this.sources());
      if (!parsed) return undefined;
      return type === 'Organization'
        ? this.organization(parsed.source, parsed.key)
        : this.healthcareService(parsed.source, parsed.key);
    }
    if (!PATIENT_TYPES.has(type)) return undefined;
    const owner = this.ownerOf(type, id);
    if (!owner) return undefined;
    if (type === 'Patient') return this.patient(owner[0], owner[1]);
    return this.compartment(owner[0], owner[1], new Set([type])).find((r) => r.id === id);
  }

  /** The Organization and HealthcareService a set of resources refers to, when visible. */
  referenced(resources: readonly Resource[]): Resource[] {
    const seen = new Set<string>();
    const found: Resource[] = [];
    for (const resource of resources) {
      for (const ref of directoryReferences(resource)) {
        if (seen.has(ref)) continue;
        seen.add(ref);
        const [type, id] = ref.split('/') as [string, string];
        const target = this.read(type, id);
        if (target) found.push(target);
      }
    }
    return found;
  }
}

function directoryReferences(resource: Resource): string[] {
  const refs: string[] = [];
  const add = (value: unknown) => {
    const ref = (value as { reference?: string } | undefined)?.reference;
    if (ref && /^(Organization|HealthcareService)\//.test(ref)) refs.push(ref);
  };
  add(resource.managingOrganization);
  add(resource.providedBy);
  for (const focus of (resource.focus as unknown[] | undefined) ?? []) add(focus);
  return refs;
}
