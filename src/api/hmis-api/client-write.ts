/**
 * Scenarios 2 and 3 (write): POST /client creates a client, PATCH /client/{PersonalID} changes one.
 *
 * Bodies carry Client.csv columns with JSON types (integers as numbers, dates as YYYY-MM-DD strings,
 * null for an empty value). The server sets PersonalID (on create), DateCreated, DateUpdated, UserID
 * (the caller) and ExportID; a body naming them is refused, except PersonalID equal to the path's
 * on PATCH. Validation is the model's, strict: every FY2026 type, code list and rule finding refuses
 * the write (422, fields named, PII values never echoed). A PATCH is judged by what it changes:
 * findings the stored record already had (imports keep data-quality findings) do not block it.
 *
 * Every record needs an ExportID that names an Export.csv row, so API writes point to one Export
 * row per source, `hearth-api`, created with the first write from the source's latest Export row
 * (same source, marked as a delta from Hearth; shared with OpenHMIS in api/record-writes.ts).
 * DEVIATIONS.md says so.
 */
import crypto from 'node:crypto';
import { fieldIndex, table } from '../../model/index.ts';
import type { Operation } from '../../store/operations.ts';
import type { Row } from '../../store/record-state.ts';
import { InvalidWriteError, introducedProblems } from '../../validate/operations.ts';
import { entityTag, ifMatchHolds } from '../conditional.ts';
import { ApiError, type FieldError } from '../errors.ts';
import { API_EXPORT_ID, apiExportOperations, jsonCell, timestamp } from '../record-writes.ts';
import type { ApiServices, RouteRequest } from '../route-spec.ts';
import { clientView, type Scoped, scoped, visibleClient } from './common.ts';
import { rowJson } from './record-json.ts';
import { part, respond } from './representations.ts';

const CLIENT = table('Client');
/** Columns only the server writes. */
const SERVER_COLUMNS = new Set([
  'PersonalID',
  'DateCreated',
  'DateUpdated',
  'UserID',
  'DateDeleted',
  'ExportID',
]);

/** The body's columns as cells; 400 for a non-object, unknown or server-set columns, wrong JSON types. */
function bodyCells(body: unknown, path?: string): Map<string, string> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ApiError(400, 'bad_request', 'the body must be a JSON object of Client.csv columns');
  const cells = new Map<string, string>();
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(body)) {
    const field = CLIENT.fields.find((f) => f.name === name);
    if (!field) {
      errors.push({ field: name.slice(0, 64), rule: 'unknown', message: 'not a Client.csv column' });
    } else if (name === 'PersonalID' && path !== undefined) {
      if (value !== path)
        errors.push({ field: name, rule: 'immutable', message: 'PersonalID cannot change' });
    } else if (SERVER_COLUMNS.has(name)) {
      errors.push({ field: name, rule: 'readOnly', message: 'set by the server' });
    } else {
      const result = jsonCell(field, value);
      if (typeof result === 'string') cells.set(name, result);
      else errors.push(result);
    }
  }
  if (errors.length > 0) throw new ApiError(400, 'bad_request', 'the body does not fit Client.csv', errors);
  return cells;
}

function withCells(row: readonly string[], cells: ReadonlyMap<string, string>): string[] {
  const next = [...row];
  for (const [name, value] of cells) next[fieldIndex(CLIENT, name)] = value;
  return next;
}

function stamp(row: string[], request: RouteRequest, now: Date, created: boolean): string[] {
  const set = (name: string, value: string) => {
    row[fieldIndex(CLIENT, name)] = value;
  };
  if (created) set('DateCreated', timestamp(now));
  set('DateUpdated', timestamp(now));
  // UserID is S32; principal names are at most 64 characters.
  set('UserID', request.principal.name.slice(0, 32));
  return row;
}

export async function createClient(request: RouteRequest, services: ApiServices): Promise<Response> {
  const cells = bodyCells(request.body);
  const at = scoped(request, services);
  if (!services.store.records.source(at.source))
    throw new ApiError(409, 'conflict', 'the server holds no data source yet: import an export first');
  const now = new Date();
  const personalId = crypto.randomUUID().replace(/-/g, '');
  const row = stamp(withCells(new Array(CLIENT.fields.length).fill(''), cells), request, now, true);
  row[fieldIndex(CLIENT, 'PersonalID')] = personalId;
  row[fieldIndex(CLIENT, 'ExportID')] = API_EXPORT_ID;
  // In the commit queue: whether the source has its hearth-api Export row yet is read there.
  await services.store.commitValidated(() => [
    ...apiExportOperations(at.source, at.state, now),
    { op: 'put', source: at.source, table: 'Client', row },
  ]);
  request.auditRecord('PersonalID', personalId);
  const response = await respond(request, at, {
    json: rowJson(CLIENT, row),
    records: [part('Client', row)],
    status: 201,
  });
  response.headers.set('Location', `${new URL(request.raw.url).pathname}/${encodeURIComponent(personalId)}`);
  response.headers.set('ETag', entityTag(row));
  return response;
}

export async function updateClient(request: RouteRequest, services: ApiServices): Promise<Response> {
  const personalId = request.params.PersonalID as string;
  const cells = bodyCells(request.body, personalId);
  if (cells.size === 0) throw new ApiError(400, 'bad_request', 'the body names no column to change');
  const at = scoped(request, services);
  const ifMatch = request.params['If-Match'] as string | undefined;
  let row: string[] = [];
  // The row is read and changed in the commit queue, so a concurrent PATCH's change is kept, and
  // If-Match is judged against the row the change applies to.
  await services.store.commit((records) => {
    const current = scoped(request, services);
    const stored = visibleClient(current, personalId);
    if (ifMatch !== undefined && !ifMatchHolds(ifMatch, clientTag(current, stored))) throw staleVersion();
    row = stamp(withCells(stored, cells), request, new Date(), false);
    const operations: Operation[] = [{ op: 'put', source: current.source, table: 'Client', row }];
    const problems = introducedProblems(records, operations, CLIENT, stored);
    if (problems.length > 0) throw new InvalidWriteError(problems);
    return operations;
  });
  const response = await respond(request, at, { json: rowJson(CLIENT, row), records: [part('Client', row)] });
  response.headers.set('ETag', clientTag(at, row));
  return response;
}

/** The client's entity tag as the caller sees it (the columns a consent shares, or all). */
function clientTag(at: Scoped, row: Row): string {
  return entityTag(clientView(at, row)?.row ?? row);
}

const staleVersion = () =>
  new ApiError(
    412,
    'precondition_failed',
    'the client changed since that version: GET it again, then retry',
    [{ field: 'If-Match', rule: 'stale', message: 'not the ETag of the client as stored' }],
  );
