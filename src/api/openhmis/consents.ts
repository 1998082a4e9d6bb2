/**
 * /consents and /consents/{consentId}: the seed's Consent-to-Share records (security/consent.ts).
 *
 * Who may do what: a caller who may write the client (it is in their scope) records the client's
 * consent, which starts pending; only an administrator approves (1) or denies (2) it — a caseworker
 * asking for either gets ACCESS_DENIED, as the seed describes — and approval takes effect at once.
 * The caseworker may edit a consent while it is pending and revoke (DELETE) it at any time; a
 * revoked consent is kept on disk with its dateDeleted and is a 404 here. Consents are listed for the
 * clients a caller may write (admins: all), never for clients a consent merely shows them.
 */

import {
  type ApprovalStatus,
  CONSENT_FIELD_NAMES,
  type Consent,
  type ShareFlag,
} from '../../security/consent.ts';
import { ApiError, type FieldError } from '../errors.ts';
import { notFound, type Scoped, scoped } from '../hmis-api/common.ts';
import { timestamp } from '../record-writes.ts';
import type { ApiServices, RouteRequest } from '../route-spec.ts';
import { deletedResponse, itemResponse, listResponse, readBody } from './common.ts';
import { newId } from './writes.ts';

const MAX_IDS = 100;
/** Ids as HUD writes them: S32, printable ASCII, no spaces. */
const ORG_ID = /^[!-~]{1,32}$/;
const COC_CODE = /^[A-Za-z]{2}-[0-9]{3}$/;
const READ_ONLY = new Set(['id', 'consentId', 'submitterId', 'dateCreated', 'dateUpdated', 'dateProcessed']);
const WRITABLE = new Set(['clientId', 'organizationIds', 'cocIds', 'fields', 'approvalStatus']);

export function consentObject(consent: Consent): Record<string, unknown> {
  const { consentId, clientId, submitterId, organizationIds, cocIds, fields, approvalStatus } = consent;
  return {
    id: consentId,
    consentId,
    clientId,
    submitterId,
    organizationIds,
    cocIds,
    fields: Object.fromEntries(CONSENT_FIELD_NAMES.map((name) => [name, fields[name] ?? null])),
    approvalStatus,
    dateCreated: consent.dateCreated,
    dateUpdated: consent.dateUpdated,
    dateProcessed: consent.dateProcessed,
  };
}

interface ConsentChange {
  clientId?: string;
  organizationIds?: string[];
  cocIds?: string[];
  fields?: Record<string, ShareFlag>;
  approvalStatus?: ApprovalStatus;
}

/** XML gives text; JSON may give numbers for ids. */
const asText = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

function idList(name: string, value: unknown, pattern: RegExp, errors: FieldError[]): string[] | undefined {
  const list = value === '' || value === null ? [] : value;
  if (!Array.isArray(list) || list.length > MAX_IDS) {
    errors.push({ field: name, rule: 'type', message: `a list of at most ${MAX_IDS} ids` });
    return undefined;
  }
  const ids = list.map(asText);
  if (ids.some((id) => id === undefined || !pattern.test(id))) {
    errors.push({ field: name, rule: 'pattern', message: `ids matching ${pattern.source}` });
    return undefined;
  }
  return [...new Set(ids as string[])];
}

function flag(value: unknown): ShareFlag | 'invalid' {
  if (value === null || value === '') return null;
  const number = typeof value === 'string' && /^[01]$/.test(value) ? Number(value) : value;
  return number === 0 || number === 1 ? number : 'invalid';
}

function parseFields(value: unknown, errors: FieldError[]): Record<string, ShareFlag> | undefined {
  const object = value === '' ? {} : value;
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    errors.push({ field: 'fields', rule: 'type', message: 'an object of share flags' });
    return undefined;
  }
  const fields: Record<string, ShareFlag> = {};
  for (const [name, raw] of Object.entries(object)) {
    const parsed = flag(raw);
    if (!CONSENT_FIELD_NAMES.includes(name))
      errors.push({ field: `fields.${name.slice(0, 40)}`, rule: 'unknown', message: 'not a consent field' });
    else if (parsed === 'invalid')
      errors.push({ field: `fields.${name}`, rule: 'codeList', message: '0 (share), 1 (do not) or null' });
    else fields[name] = parsed;
  }
  return fields;
}

function parseChange(body: unknown): ConsentChange {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ApiError(400, 'bad_request', 'the body must be one consent object');
  const change: ConsentChange = {};
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (READ_ONLY.has(name)) continue;
    if (!WRITABLE.has(name)) {
      errors.push({ field: name.slice(0, 64), rule: 'unknown', message: 'not a field of consents' });
    } else if (name === 'clientId') {
      const id = asText(value);
      if (id && ORG_ID.test(id)) change.clientId = id;
      else errors.push({ field: name, rule: 'type', message: 'a PersonalID' });
    } else if (name === 'organizationIds') {
      change.organizationIds = idList(name, value, ORG_ID, errors);
    } else if (name === 'cocIds') {
      change.cocIds = idList(name, value, COC_CODE, errors);
    } else if (name === 'fields') {
      change.fields = parseFields(value, errors);
    } else {
      const status = typeof value === 'string' && /^[012]$/.test(value) ? Number(value) : value;
      if (status === 0 || status === 1 || status === 2) change.approvalStatus = status;
      else errors.push({ field: name, rule: 'codeList', message: '0 (pending), 1 (approved) or 2 (denied)' });
    }
  }
  if (errors.length > 0) throw new ApiError(400, 'bad_request', 'the body does not fit a consent', errors);
  return change;
}

const isAdmin = (request: RouteRequest) => request.principal.role === 'admin';

/** The client must be one the caller may write; else the 404 of a client that does not exist. */
function checkClient(at: Scoped, personalId: string): void {
  if (!at.scope.canSeeClient(at.source, personalId)) throw notFound('client');
}

function checkOrganizations(at: Scoped, ids: readonly string[]): void {
  const unknown = ids.filter((id) => !at.state.get('Organization', id));
  if (unknown.length > 0)
    throw new ApiError(
      400,
      'bad_request',
      'unknown organization(s)',
      unknown.map(() => ({ field: 'organizationIds', rule: 'unknown', message: 'no such organization' })),
    );
}

function checkStatus(request: RouteRequest, status: ApprovalStatus | undefined, stored?: Consent): void {
  if (isAdmin(request)) return;
  if (status !== undefined && status !== 0)
    throw new ApiError(403, 'forbidden', 'only an administrator may approve or deny a consent');
  if (stored && stored.approvalStatus !== 0)
    throw new ApiError(
      403,
      'forbidden',
      'a processed consent changes only through an administrator; DELETE revokes it',
    );
}

function visibleConsent(at: Scoped, services: ApiServices, consentId: string): Consent {
  const consent = services.consents.get(consentId);
  if (!consent || consent.dateDeleted !== null || consent.source !== at.source) throw notFound('consent');
  if (!at.scope.unrestricted) checkClient(at, consent.clientId);
  return consent;
}

export async function getConsents(request: RouteRequest, services: ApiServices): Promise<Response> {
  const at = scoped(request, services);
  const clientId = request.params.clientId as string | undefined;
  const items = [...services.consents.all()]
    .filter(
      (c) =>
        c.source === at.source &&
        c.dateDeleted === null &&
        (clientId === undefined || c.clientId === clientId) &&
        (at.scope.unrestricted || at.scope.canSeeClient(at.source, c.clientId)),
    )
    .sort((a, b) => a.dateCreated.localeCompare(b.dateCreated) || a.consentId.localeCompare(b.consentId))
    .map(consentObject);
  return listResponse(request, items);
}

export async function getConsent(request: RouteRequest, services: ApiServices): Promise<Response> {
  const at = scoped(request, services);
  return itemResponse(request, {
    item: consentObject(visibleConsent(at, services, request.params.consentId as string)),
  });
}

export async function createConsent(request: RouteRequest, services: ApiServices): Promise<Response> {
  const change = parseChange(readBody(request).value);
  const at = scoped(request, services);
  const missing: FieldError[] = [];
  if (!change.clientId) missing.push({ field: 'clientId', rule: 'required', message: 'required' });
  if ((change.organizationIds?.length ?? 0) + (change.cocIds?.length ?? 0) === 0)
    missing.push({ field: 'organizationIds', rule: 'required', message: 'name an organization or a CoC' });
  if (missing.length > 0)
    throw new ApiError(400, 'bad_request', 'a consent names a client and whom it shares with', missing);
  checkStatus(request, change.approvalStatus);
  checkClient(at, change.clientId as string);
  checkOrganizations(at, change.organizationIds ?? []);
  const now = timestamp();
  const status = change.approvalStatus ?? 0;
  const consent: Consent = {
    consentId: newId(),
    source: at.source,
    clientId: change.clientId as string,
    submitterId: request.principal.name,
    organizationIds: change.organizationIds ?? [],
    cocIds: change.cocIds ?? [],
    fields: change.fields ?? {},
    approvalStatus: status,
    dateCreated: now,
    dateUpdated: now,
    dateProcessed: status === 0 ? null : now,
    dateDeleted: null,
  };
  await services.consents.save(consent);
  request.auditRecord('consentId', consent.consentId);
  const response = itemResponse(request, { item: consentObject(consent) }, 201);
  response.headers.set('Location', `/openhmis/api/v3/consents/${consent.consentId}`);
  return response;
}

export async function updateConsent(request: RouteRequest, services: ApiServices): Promise<Response> {
  const change = parseChange(readBody(request).value);
  const at = scoped(request, services);
  const consentId = request.params.consentId as string;
  // Derived in the consents' save queue from the version stored then (see ConsentBook.change).
  const consent = await services.consents.change(consentId, () => {
    const stored = visibleConsent(at, services, consentId);
    if (change.clientId !== undefined && change.clientId !== stored.clientId)
      throw new ApiError(400, 'bad_request', 'a consent stays with its client', [
        { field: 'clientId', rule: 'immutable', message: 'cannot change' },
      ]);
    checkStatus(request, change.approvalStatus, stored);
    checkOrganizations(at, change.organizationIds ?? []);
    const now = timestamp();
    const status = change.approvalStatus ?? stored.approvalStatus;
    const changed: Consent = {
      ...stored,
      organizationIds: change.organizationIds ?? stored.organizationIds,
      cocIds: change.cocIds ?? stored.cocIds,
      fields: { ...stored.fields, ...change.fields },
      approvalStatus: status,
      dateUpdated: now,
      dateProcessed: status !== stored.approvalStatus && status !== 0 ? now : stored.dateProcessed,
    };
    if (changed.organizationIds.length + changed.cocIds.length === 0)
      throw new ApiError(400, 'bad_request', 'a consent names whom it shares with', [
        { field: 'organizationIds', rule: 'required', message: 'name an organization or a CoC' },
      ]);
    return changed;
  });
  return itemResponse(request, { item: consentObject(consent) });
}

export async function deleteConsent(request: RouteRequest, services: ApiServices): Promise<Response> {
  const at = scoped(request, services);
  const consentId = request.params.consentId as string;
  await services.consents.change(consentId, () => {
    const now = timestamp();
    return { ...visibleConsent(at, services, consentId), dateUpdated: now, dateDeleted: now };
  });
  return deletedResponse(request);
}
