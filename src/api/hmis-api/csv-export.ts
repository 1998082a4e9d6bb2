/**
 * GET /csvexport (HUD draft 0.5): the records of the caller's scope as the FY2026 CSV files, either
 * as JSON keyed by file name (`"Client.csv": [{…}]`) or, with `Accept: application/zip`, as a real
 * FY2026 CSV export that Hearth (and other HMIS) can import.
 *
 * Selection: PersonalID keeps one client; EntryDate / ExitDate keep enrollments that began on or
 * after / ended on or before the date (as in scenarios 4, 5, 8), with their clients and the records
 * under them. Project-level files are whole (scope permitting), so the export stays importable.
 * changedSince / changedUntil then keep rows whose DateUpdated falls in the window (a delta, as HUD's
 * delta exports: parents unchanged in the window are not repeated). Export.csv and User.csv hold the
 * rows the selected records point to. Deleted records are left out.
 */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import yazl from 'yazl';
import { csvLines } from '../../export/csv-writer.ts';
import { fieldIndex, TABLES, type TableSpec, table } from '../../model/index.ts';
import type { Row } from '../../store/record-state.ts';
import type { ApiServices, RouteRequest } from '../route-spec.ts';
import { type Scoped, scoped, visibleClient } from './common.ts';
import { rowJson } from './record-json.ts';
import { part, respond } from './representations.ts';

export const ZIP = 'application/zip';

const underEnrollment = (spec: TableSpec) => spec.links.some((l) => l.table === 'Enrollment');
const underAssessment = (spec: TableSpec) => spec.links.some((l) => l.table === 'Assessment');
const col = (tableName: string, name: string) => fieldIndex(table(tableName), name);
const ENROLLMENT = {
  id: col('Enrollment', 'EnrollmentID'),
  client: col('Enrollment', 'PersonalID'),
  entry: col('Enrollment', 'EntryDate'),
};
const EXIT_DATE = col('Exit', 'ExitDate');

interface Filters {
  readonly PersonalID?: string;
  readonly EntryDate?: string;
  readonly ExitDate?: string;
  readonly changedSince?: string;
  readonly changedUntil?: string;
}

/** The enrollments the filters keep, visible to the caller. */
function enrollments(at: Scoped, filters: Filters): Map<string, Row> {
  const keys = filters.PersonalID
    ? at.state.childKeys('Enrollment', 'PersonalID', filters.PersonalID)
    : at.state.table('Enrollment').rows.keys();
  const kept = new Map<string, Row>();
  for (const key of keys) {
    const row = at.state.get('Enrollment', key);
    if (!row || !at.scope.canSeeRecord(at.source, 'Enrollment', row)) continue;
    if (filters.EntryDate && (row[ENROLLMENT.entry] ?? '') < filters.EntryDate) continue;
    if (filters.ExitDate && !exitedBy(at, key, filters.ExitDate)) continue;
    kept.set(key, row);
  }
  return kept;
}

function exitedBy(at: Scoped, enrollmentId: string, date: string): boolean {
  for (const key of at.state.childKeys('Exit', 'EnrollmentID', enrollmentId)) {
    const exit = at.state.get('Exit', key);
    if (exit && at.scope.canSeeRecord(at.source, 'Exit', exit) && (exit[EXIT_DATE] ?? '') <= date)
      return true;
  }
  return false;
}

function children(at: Scoped, spec: TableSpec, field: string, parents: Iterable<string>): Row[] {
  return [...parents].flatMap((parent) =>
    lookup(at, spec.name, at.state.childKeys(spec.name, field, parent)),
  );
}

/** Rows per table, Export.csv and User.csv still empty (they follow what the others point to). */
function select(at: Scoped, filters: Filters): Map<string, Row[]> {
  const filtered =
    filters.PersonalID !== undefined || filters.EntryDate !== undefined || filters.ExitDate !== undefined;
  const kept = enrollments(at, filters);
  const selected = new Map<string, Row[]>();
  const assessments: string[] = [];
  for (const spec of TABLES) {
    let rows: Row[];
    if (spec.name === 'Export' || spec.name === 'User') rows = [];
    else if (spec.name === 'Enrollment') rows = [...kept.values()];
    else if (spec.name === 'Client')
      rows = filtered ? clientsOf(at, kept, filters.PersonalID) : visibleRows(at, spec);
    else if (underEnrollment(spec)) rows = children(at, spec, 'EnrollmentID', kept.keys());
    else if (underAssessment(spec)) rows = children(at, spec, 'AssessmentID', assessments);
    else rows = visibleRows(at, spec);
    if (spec.name === 'Assessment') assessments.push(...rows.map((r) => r[fieldIndex(spec, spec.key)] ?? ''));
    selected.set(spec.name, rows);
  }
  return selected;
}

/** The clients of the kept enrollments (and the one asked for, even without any). */
function clientsOf(at: Scoped, kept: ReadonlyMap<string, Row>, personalId: string | undefined): Row[] {
  const ids = new Set([...kept.values()].map((row) => row[ENROLLMENT.client] ?? ''));
  if (personalId) ids.add(personalId);
  return lookup(at, 'Client', ids);
}

/** The visible rows of `name` with these keys. */
function lookup(at: Scoped, name: string, keys: Iterable<string>): Row[] {
  const rows: Row[] = [];
  for (const key of keys) {
    const row = at.state.get(name, key);
    if (row && at.scope.canSeeRecord(at.source, name, row)) rows.push(row);
  }
  return rows;
}

const visibleRows = (at: Scoped, spec: TableSpec): Row[] =>
  [...at.state.table(spec.name).rows.values()].filter((row) =>
    at.scope.canSeeRecord(at.source, spec.name, row),
  );

/** The window filter, then the Export and User rows the remaining rows point to. */
function finish(at: Scoped, selected: Map<string, Row[]>, filters: Filters): Map<string, Row[]> {
  const { changedSince, changedUntil } = filters;
  const windowed = changedSince !== undefined || changedUntil !== undefined;
  const exports = new Set<string>();
  const users = new Set<string>();
  for (const [name, all] of selected) {
    const column = (field: string) => table(name).fields.findIndex((f) => f.name === field);
    const [updated, exportId, userId] = [column('DateUpdated'), column('ExportID'), column('UserID')];
    const rows = !windowed
      ? all
      : all.filter((row) => {
          const when = (row[updated] ?? '').replace(' ', 'T');
          return (!changedSince || when >= changedSince) && (!changedUntil || when <= changedUntil);
        });
    selected.set(name, rows);
    for (const row of rows) {
      if (row[exportId]) exports.add(row[exportId]);
      if (row[userId]) users.add(row[userId]);
    }
  }
  selected.set('User', lookup(at, 'User', users));
  selected.set('Export', lookup(at, 'Export', exports));
  return selected;
}

/** Lines joined into chunks of about 64 KiB: one stream chunk per line makes a big zip 20× slower. */
function* chunks(lines: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

async function zip(selected: ReadonlyMap<string, Row[]>): Promise<Buffer> {
  const archive = new yazl.ZipFile();
  for (const spec of TABLES)
    archive.addReadStream(Readable.from(chunks(csvLines(spec, selected.get(spec.name) ?? []))), spec.file);
  archive.end();
  return buffer(archive.outputStream);
}

export async function getCsvExport(request: RouteRequest, services: ApiServices): Promise<Response> {
  const at = scoped(request, services);
  const filters = request.params as Filters;
  if (filters.PersonalID !== undefined) visibleClient(at, filters.PersonalID);
  const selected = finish(at, select(at, filters), filters);
  if (request.mediaType === ZIP) {
    const body = await zip(selected);
    return new Response(new Uint8Array(body), {
      headers: {
        'Content-Type': ZIP,
        'Content-Disposition': `attachment; filename="hmis-csv-${at.source}.zip"`,
        Vary: 'Accept',
      },
    });
  }
  const json = Object.fromEntries(
    TABLES.map((spec) => [spec.file, (selected.get(spec.name) ?? []).map((row) => rowJson(spec, row))]),
  );
  const records = TABLES.flatMap((spec) =>
    (selected.get(spec.name) ?? []).map((row) => part(spec.name, row)),
  );
  return respond(request, at, { json, records });
}
