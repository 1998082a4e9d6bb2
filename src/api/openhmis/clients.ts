/**
 * /clients: list and search, create; /clients/{personalId}: read, change (PUT names only the fields
 * it changes, as the seed's example does), soft delete.
 *
 * What a caller sees is the policy's: clients in their scope whole, and clients an approved consent
 * shares with their organization or CoC with only the shared fields (the rest are absent, not null).
 * Search runs over what the caller may see, so a consent that does not share the SSN cannot be
 * probed by `ssn=`. Searching takes PII in the query string, as OpenHMIS defines it; Hearth's audit
 * lines hold route templates and identifiers only, never query strings.
 */
import { CLIENT } from '../../../mappings/openhmis/resources.ts';
import { fieldIndex } from '../../model/index.ts';
import type { Row } from '../../store/record-state.ts';
import { ApiError } from '../errors.ts';
import { notFound, type Scoped, scoped } from '../hmis-api/common.ts';
import type { ApiServices, RouteRequest } from '../route-spec.ts';
import { deletedResponse, itemResponse, listResponse, readBody, writeReport } from './common.ts';
import { bodyCells, compileResource, rowObject } from './records.ts';
import { changedRow, commitRow, deletedRow, newRow, requireSource } from './writes.ts';

export const CLIENTS = compileResource(CLIENT);
const column = (name: string) => fieldIndex(CLIENTS.spec, name);
const KEY = CLIENTS.keyIndex;

interface Visible {
  readonly row: Row;
  /** Undefined: the whole record; otherwise the consent-shared columns. */
  readonly columns: ReadonlySet<string> | undefined;
}

function visible(at: Scoped, personalId: string): Visible | undefined {
  const row = at.state.get('Client', personalId);
  if (!row) return undefined;
  if (at.scope.canSeeClient(at.source, personalId)) return { row, columns: undefined };
  const columns = at.scope.consentedColumns(at.source, personalId);
  return columns ? { row, columns } : undefined;
}

/** `J*` → /^J.*$/i: `*` is the only wildcard; everything else matches itself, case-insensitively. */
function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

type Test = (client: Visible) => boolean;

function criteria(params: RouteRequest['params']): Test[] {
  const tests: Test[] = [];
  const shown = (client: Visible, name: string) => !client.columns || client.columns.has(name);
  const text = (param: string, name: string) => {
    const value = params[param] as string | undefined;
    if (value === undefined) return;
    const regex = wildcard(value);
    const index = column(name);
    // As SQL LIKE: an empty field matches no pattern, not even `*`.
    tests.push((c) => shown(c, name) && !!c.row[index] && regex.test(c.row[index] ?? ''));
  };
  text('firstName', 'FirstName');
  text('middleName', 'MiddleName');
  text('lastName', 'LastName');
  text('ssn', 'SSN');
  const dob = column('DOB');
  const { dobStart, dobEnd } = params as Record<string, string | undefined>;
  if (dobStart !== undefined)
    tests.push((c) => shown(c, 'DOB') && !!c.row[dob] && (c.row[dob] ?? '') >= dobStart);
  if (dobEnd !== undefined)
    tests.push((c) => shown(c, 'DOB') && !!c.row[dob] && (c.row[dob] ?? '') <= dobEnd);
  const since = (params.updatedSince ?? params.dateUpdated) as string | undefined;
  const updated = column('DateUpdated');
  // Stored date-times are `YYYY-MM-DD hh:mm:ss`; parameters arrive as `YYYY-MM-DDThh:mm:ss`.
  if (since !== undefined) tests.push((c) => (c.row[updated] ?? '').replace(' ', 'T') >= since);
  return tests;
}

export async function getClients(request: RouteRequest, services: ApiServices): Promise<Response> {
  const at = scoped(request, services);
  const ids = new Set([...at.scope.visibleClientIds(at.source), ...at.scope.consentedClientIds(at.source)]);
  const tests = criteria(request.params);
  const matches = [...ids]
    .sort()
    .map((id) => visible(at, id))
    .filter((c): c is Visible => c !== undefined && tests.every((test) => test(c)));
  return listResponse(request, matches, (c) => rowObject(CLIENTS, c.row, c.columns));
}

export async function getClient(request: RouteRequest, services: ApiServices): Promise<Response> {
  const at = scoped(request, services);
  const found = visible(at, request.params.PersonalID as string);
  if (!found) throw notFound('client');
  return itemResponse(request, { item: rowObject(CLIENTS, found.row, found.columns) });
}

/** The client row a write may change: in the caller's scope (consent shows, it does not let edit). */
function writable(at: Scoped, personalId: string): Row {
  const row = at.state.get('Client', personalId);
  if (!row || !at.scope.canSeeClient(at.source, personalId)) throw notFound('client');
  return row;
}

export async function createClient(request: RouteRequest, services: ApiServices): Promise<Response> {
  const { value, lexical } = readBody(request);
  const { cells, unsupported, ignored } = bodyCells(CLIENTS, value, lexical);
  const at = scoped(request, services);
  requireSource(services, at);
  const row = newRow(CLIENTS, request, cells, {}, new Date());
  await commitRow(services, request, CLIENTS, () => ({ row }));
  const response = itemResponse(
    request,
    { item: rowObject(CLIENTS, row), ...writeReport(unsupported, ignored) },
    201,
  );
  response.headers.set('Location', `/openhmis/api/v3/clients/${encodeURIComponent(row[KEY] ?? '')}`);
  return response;
}

export async function updateClient(request: RouteRequest, services: ApiServices): Promise<Response> {
  const personalId = request.params.PersonalID as string;
  const { value, lexical } = readBody(request);
  const given = (value as Record<string, unknown> | null)?.personalId;
  if (given !== undefined && given !== null && String(given) !== personalId)
    throw new ApiError(400, 'bad_request', 'personalId cannot change', [
      { field: 'personalId', rule: 'immutable', message: 'must be the one in the path' },
    ]);
  const { cells, unsupported, ignored } = bodyCells(CLIENTS, value, lexical);
  const row = await commitRow(services, request, CLIENTS, (at) => {
    const stored = writable(at, personalId);
    return { row: changedRow(CLIENTS, stored, cells, request, new Date()), stored };
  });
  return itemResponse(request, { item: rowObject(CLIENTS, row), ...writeReport(unsupported, ignored) });
}

export async function deleteClient(request: RouteRequest, services: ApiServices): Promise<Response> {
  await commitRow(services, request, CLIENTS, (at) => {
    const stored = writable(at, request.params.PersonalID as string);
    return { row: deletedRow(CLIENTS, stored, request, new Date()), stored };
  });
  return deletedResponse(request);
}
