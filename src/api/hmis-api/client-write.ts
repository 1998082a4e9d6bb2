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
 * (same source, marked as a delta from Hearth). DEVIATIONS.md says so.
 */
import crypto from 'node:crypto';
import { type FieldSpec, fieldIndex, table } from '../../model/index.ts';
import type { Operation } from '../../store/operations.ts';
import type { Row, SourceState } from '../../store/record-state.ts';
import { InvalidWriteError, validateOperations } from '../../validate/operations.ts';
import { validateRow } from '../../validate/row.ts';
import { ApiError, type FieldError } from '../errors.ts';
import type { ApiServices, RouteRequest } from '../route-spec.ts';
import { isCalendarDate } from '../router.ts';
import { type Scoped, scoped, visibleClient } from './common.ts';
import { part, respond, rowJson } from './representations.ts';

export const API_EXPORT_ID = 'hearth-api';
const CLIENT = table('Client');
const EXPORT = table('Export');
/** Columns only the server writes. */
const SERVER_COLUMNS = new Set([
  'PersonalID',
  'DateCreated',
  'DateUpdated',
  'UserID',
  'DateDeleted',
  'ExportID',
]);

/** `YYYY-MM-DD hh:mm:ss` in UTC: HUD's CSV date-time form. */
export const timestamp = (now = new Date()): string => now.toISOString().slice(0, 19).replace('T', ' ');

/** One JSON value as a CSV cell, or a FieldError for the wrong JSON type. */
function cell(field: FieldSpec, value: unknown): string | FieldError {
  const wrong = (expected: string): FieldError => ({ field: field.name, rule: 'type', message: expected });
  if (value === null) return '';
  switch (field.type.kind) {
    case 'integer':
      return Number.isSafeInteger(value) ? String(value) : wrong('an integer or null');
    case 'money':
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : wrong('a number or null');
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? value : wrong('a date YYYY-MM-DD or null');
    default:
      return typeof value === 'string' ? value : wrong('a string or null');
  }
}

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
      const result = cell(field, value);
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

/** The put of the `hearth-api` Export row when the source lacks it, from its latest Export row. */
function apiExport(at: Scoped, now: Date): Operation[] {
  if (at.state.get('Export', API_EXPORT_ID)) return [];
  const latest = latestExport(at.state);
  if (!latest) throw new ApiError(409, 'conflict', 'the data source has no Export.csv row to write under');
  const set = (name: string, value: string) => {
    latest[fieldIndex(EXPORT, name)] = value;
  };
  const day = timestamp(now).slice(0, 10);
  set('ExportID', API_EXPORT_ID);
  set('ExportDate', timestamp(now));
  set('ExportStartDate', day);
  set('ExportEndDate', day);
  set('SoftwareName', 'Hearth HMIS API');
  set('ExportPeriodType', '4'); // Other
  set('ExportDirective', '1'); // Delta refresh
  return [{ op: 'put', source: at.source, table: 'Export', row: latest }];
}

function latestExport(state: SourceState): string[] | undefined {
  const date = fieldIndex(EXPORT, 'ExportDate');
  let latest: Row | undefined;
  for (const row of state.table('Export').rows.values())
    if (!latest || (row[date] ?? '') > (latest[date] ?? '')) latest = row;
  return latest ? [...latest] : undefined;
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
  await services.store.commitValidated([
    ...apiExport(at, now),
    { op: 'put', source: at.source, table: 'Client', row },
  ]);
  const response = await respond(request, at, {
    json: rowJson(CLIENT, row),
    records: [part('Client', row)],
    status: 201,
  });
  response.headers.set('Location', `${new URL(request.raw.url).pathname}/${encodeURIComponent(personalId)}`);
  return response;
}

export async function updateClient(request: RouteRequest, services: ApiServices): Promise<Response> {
  const personalId = request.params.PersonalID as string;
  const cells = bodyCells(request.body, personalId);
  if (cells.size === 0) throw new ApiError(400, 'bad_request', 'the body names no column to change');
  const at = scoped(request, services);
  const stored = visibleClient(at, personalId);
  const row = stamp(withCells(stored, cells), request, new Date(), false);
  const operations: Operation[] = [{ op: 'put', source: at.source, table: 'Client', row }];
  // Imports keep data-quality findings; a PATCH is refused only for the findings it introduces.
  const before = new Set(validateRow(CLIENT, stored).map((v) => `${v.column}\u0000${v.rule}`));
  const problems = validateOperations(services.store.records, operations).filter(
    (p) => !before.has(`${p.column}\u0000${p.rule}`),
  );
  if (problems.length > 0) throw new InvalidWriteError(problems);
  await services.store.commit(operations);
  return respond(request, at, { json: rowJson(CLIENT, row), records: [part('Client', row)] });
}
