/**
 * Consent to share (the OpenHMIS seed's Consent-to-Share record): a client's consent that users of
 * the named organizations and CoCs may see some of their identifying fields, field by field. Only an
 * approved, undeleted consent has effect; pending and denied ones are kept and shown, and change
 * nothing. The access policy (policy.ts) asks `sharedColumns` for the Client columns a consent opens
 * to one principal, so every surface that reads clients through the policy honours it.
 *
 * Consents are kept in `consents.jsonl` in the data directory, not in the record log: the record
 * log holds FY2026 records only (its operations name model tables, and every record is indexed
 * for SPARQL), and a consent is neither an HMIS CSV record nor something researchers' SPARQL or an
 * HMIS export may show. The file is the same kind of log: one JSON line per version of a consent,
 * appended and fsynced before the write is acknowledged, replayed on open (last version wins, so
 * the history of approvals and revocations stays on disk); a torn last line from a crash is ignored.
 * The server's store LOCK covers the data directory, so there is one writer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CONSENT_FIELDS } from '../../mappings/openhmis/consent-fields.ts';
import { fieldIndex, table } from '../model/index.ts';
import type { SourceState } from '../store/record-state.ts';
import { WholeAppends } from '../store/whole-appends.ts';
import type { Principal } from './principal.ts';

export const CONSENTS_FILE = 'consents.jsonl';
export const CONSENT_FIELD_NAMES: readonly string[] = Object.keys(CONSENT_FIELDS);

/** 0 pending, 1 approved, 2 denied (the seed's codes). */
export type ApprovalStatus = 0 | 1 | 2;
/** 0 share, 1 do not share, null: the consent says nothing about the field. */
export type ShareFlag = 0 | 1 | null;

export interface Consent {
  readonly consentId: string;
  readonly source: string;
  /** The client's PersonalID in `source`. */
  readonly clientId: string;
  /** Who submitted it (the caseworker acting for the client): a Hearth user name. */
  readonly submitterId: string;
  readonly organizationIds: readonly string[];
  readonly cocIds: readonly string[];
  readonly fields: Readonly<Record<string, ShareFlag>>;
  readonly approvalStatus: ApprovalStatus;
  readonly dateCreated: string;
  readonly dateUpdated: string;
  /** When it was last approved or denied. */
  readonly dateProcessed: string | null;
  /** Set by DELETE: the consent is revoked and has no effect. */
  readonly dateDeleted: string | null;
}

/** The consents of one client: what the policy reads. */
export interface ConsentGrants {
  forClient(source: string, personalId: string): readonly Consent[];
  /** PersonalIDs with at least one approved, undeleted consent. */
  consentingClients(source: string): Iterable<string>;
}

/** Organizations and CoCs a principal belongs to in one source: a consent naming any of them applies. */
export interface ConsentAudience {
  readonly orgs: ReadonlySet<string>;
  readonly cocs: ReadonlySet<string>;
}

export const NO_CONSENTS: ConsentGrants = { forClient: () => [], consentingClients: () => [] };

const PROJECT_ORG = fieldIndex(table('Project'), 'OrganizationID');
const COC_PROJECT = fieldIndex(table('ProjectCoC'), 'ProjectID');
const COC_CODE = fieldIndex(table('ProjectCoC'), 'CoCCode');
const COC_DELETED = fieldIndex(table('ProjectCoC'), 'DateDeleted');

/**
 * A scoped principal's organizations (named, or owning a project in scope) and CoCs (the CoC codes
 * of its projects' ProjectCoC rows) in one source.
 */
export function consentAudience(
  state: SourceState,
  source: string,
  principal: Principal,
  projectIds: Iterable<string>,
): ConsentAudience {
  const orgs = new Set<string>();
  const cocs = new Set<string>();
  for (const entry of principal.orgs ?? []) {
    if (!entry.includes('/')) orgs.add(entry);
    else if (entry.startsWith(`${source}/`)) orgs.add(entry.slice(source.length + 1));
  }
  for (const projectId of projectIds) {
    const organization = state.get('Project', projectId)?.[PROJECT_ORG];
    if (organization) orgs.add(organization);
    for (const key of state.childKeys('ProjectCoC', 'ProjectID', projectId)) {
      const row = state.get('ProjectCoC', key);
      if (row && row[COC_PROJECT] === projectId && !row[COC_DELETED] && row[COC_CODE])
        cocs.add(row[COC_CODE]);
    }
  }
  return { orgs, cocs };
}

export const isEffective = (consent: Consent): boolean =>
  consent.approvalStatus === 1 && consent.dateDeleted === null;

const appliesTo = (consent: Consent, audience: ConsentAudience) =>
  consent.organizationIds.some((id) => audience.orgs.has(id)) ||
  consent.cocIds.some((id) => audience.cocs.has(id));

/**
 * Client columns the effective consents open to the audience, or undefined for none. A field one
 * applicable consent withholds (1) stays closed even if another shares it: the narrower wins.
 */
export function sharedColumns(
  consents: readonly Consent[],
  audience: ConsentAudience,
): ReadonlySet<string> | undefined {
  const shared = new Set<string>();
  const withheld = new Set<string>();
  for (const consent of consents) {
    if (!isEffective(consent) || !appliesTo(consent, audience)) continue;
    for (const [field, flag] of Object.entries(consent.fields)) {
      if (flag === 0) shared.add(field);
      else if (flag === 1) withheld.add(field);
    }
  }
  const columns = new Set<string>();
  for (const field of shared) {
    if (withheld.has(field)) continue;
    for (const column of CONSENT_FIELDS[field] ?? []) columns.add(column);
  }
  if (columns.size === 0) return undefined;
  columns.add('PersonalID');
  return columns;
}

/** The durable set of consents (see the module comment). */
export class ConsentBook implements ConsentGrants {
  private readonly byId = new Map<string, Consent>();
  private readonly byClient = new Map<string, Set<string>>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly appends = new WholeAppends(CONSENTS_FILE);
  readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, CONSENTS_FILE);
    for (const consent of readConsents(this.file)) this.index(consent);
  }

  get(consentId: string): Consent | undefined {
    return this.byId.get(consentId);
  }

  all(): Iterable<Consent> {
    return this.byId.values();
  }

  forClient(source: string, personalId: string): readonly Consent[] {
    const ids = this.byClient.get(`${source}\u0000${personalId}`) ?? [];
    return [...ids].map((id) => this.byId.get(id) as Consent);
  }

  *consentingClients(source: string): Iterable<string> {
    const prefix = `${source}\u0000`;
    for (const [key, ids] of this.byClient) {
      if (!key.startsWith(prefix)) continue;
      if ([...ids].some((id) => isEffective(this.byId.get(id) as Consent))) yield key.slice(prefix.length);
    }
  }

  /** Appends a new consent (or a version that depends on no stored one) and fsyncs. */
  async save(consent: Consent): Promise<void> {
    await this.change(consent.consentId, () => consent);
  }

  /**
   * Appends a version of one consent that `compute` derives from the version stored when its turn
   * in the save queue comes, and fsyncs; in effect once the promise resolves. So two changes (an
   * approval and a revocation, say) cannot undo each other: each sees the other's result. `compute`
   * may throw (a 404, a 403), and nothing is written.
   */
  change(consentId: string, compute: (stored: Consent | undefined) => Consent): Promise<Consent> {
    const run = this.queue.then(async () => {
      const consent = compute(this.byId.get(consentId));
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const handle = await fs.promises.open(this.file, 'a', 0o600);
      try {
        // A line the disk refused part-way is cut off again: the next one would have joined it
        // into one damaged line, and the book would not open.
        const { size } = await handle.stat();
        await this.appends.run(handle, size, async () => {
          await handle.appendFile(`${JSON.stringify(consent)}\n`);
          await handle.datasync();
        });
      } finally {
        await handle.close();
      }
      this.index(consent);
      return consent;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private index(consent: Consent): void {
    const previous = this.byId.get(consent.consentId);
    if (previous)
      this.byClient.get(`${previous.source}\u0000${previous.clientId}`)?.delete(consent.consentId);
    this.byId.set(consent.consentId, consent);
    const key = `${consent.source}\u0000${consent.clientId}`;
    const ids = this.byClient.get(key) ?? new Set<string>();
    ids.add(consent.consentId);
    this.byClient.set(key, ids);
  }
}

const isConsent = (value: unknown): value is Consent => {
  const c = value as Consent;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.consentId === 'string' &&
    typeof c.source === 'string' &&
    typeof c.clientId === 'string' &&
    Array.isArray(c.organizationIds) &&
    Array.isArray(c.cocIds) &&
    typeof c.fields === 'object' &&
    [0, 1, 2].includes(c.approvalStatus)
  );
};

function readConsents(file: string): Consent[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  if (text && !text.endsWith('\n')) {
    // A torn tail (never acknowledged): cut it off, so the next append starts on a line of its own.
    fs.truncateSync(file, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
  }
  // Every complete line ends with \n: the last piece is empty, or a torn line a crash left (dropped).
  return text
    .split('\n')
    .slice(0, -1)
    .map((line, i) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        value = undefined;
      }
      if (!isConsent(value)) throw new Error(`${file} line ${i + 1} is damaged; restore it from a backup`);
      return value;
    });
}
