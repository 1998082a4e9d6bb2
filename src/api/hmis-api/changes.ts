/**
 * Scenario 10: what changed in a client's data since a moment (default: 30 days ago), per client and
 * as a feed across every client the caller may see. An item names the table, the record's key, the
 * kind of change and when: `created` (DateCreated ≥ since), `deleted` (DateDeleted set), `updated`
 * otherwise; the time is the later of DateUpdated and DateDeleted. Deleted records are otherwise
 * hidden everywhere; here only their key and time appear, so that copies elsewhere can be removed.
 */
import { fieldIndex, type TableSpec, table } from '../../model/index.ts';
import { literal, type Term } from '../../query/bind.ts';
import { changeId } from '../../store/change-feed.ts';
import type { Row } from '../../store/record-state.ts';
import type { ApiServices, RouteRequest } from '../route-spec.ts';
import {
  graphTerm,
  recordAt,
  recordTerm,
  type Scoped,
  scoped,
  select,
  visibleClient,
  visibleProjects,
} from './common.ts';
import { cut, type Page, pageBindings, pageOf } from './paging.ts';
import { part, type RecordPart, respond } from './representations.ts';

const ENROLLMENT = table('Enrollment');
const ENROLLMENT_ID = fieldIndex(ENROLLMENT, 'EnrollmentID');
const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_WINDOW_DAYS = 30;

const defaultSince = (now = Date.now()) =>
  new Date(now - DEFAULT_WINDOW_DAYS * DAY_MS).toISOString().slice(0, 19);
const sinceOf = (request: RouteRequest) => (request.params.since as string | undefined) ?? defaultSince();

/** The row as it would be without its deletion: deleted records are judged by where they were. */
function undeleted(spec: TableSpec, row: Row): Row {
  const index = spec.fields.findIndex((f) => f.name === 'DateDeleted');
  if (index < 0 || !row[index]) return row;
  const copy = [...row];
  copy[index] = '';
  return copy;
}

const value = (spec: TableSpec, row: Row, name: string) => {
  const index = spec.fields.findIndex((f) => f.name === name);
  return index < 0 ? '' : (row[index] ?? '');
};
const lexical = (datetime: string) => datetime.replace(' ', 'T');

function changeOf(spec: TableSpec, row: Row, since: string) {
  const kind = value(spec, row, 'DateDeleted')
    ? 'deleted'
    : lexical(value(spec, row, 'DateCreated')) >= since
      ? 'created'
      : 'updated';
  // The later of the two: xsd:dateTime lexical forms without a zone compare as strings.
  const times = [lexical(value(spec, row, 'DateUpdated')), lexical(value(spec, row, 'DateDeleted'))].sort();
  return {
    table: spec.name,
    id: row[fieldIndex(spec, spec.key)] ?? '',
    kind,
    DateUpdated: times[1],
    PersonalID: value(spec, row, 'PersonalID'),
  };
}

/** A change found by a query or in the feed index: its record, and the cursor position after it. */
interface Found {
  readonly spec: TableSpec;
  readonly row: Row;
  readonly position: readonly [string, string];
}

function respondWith(
  request: RouteRequest,
  at: Scoped,
  since: string,
  found: readonly Found[],
  page: Page,
): Promise<Response> {
  const { items, next } = cut(found, page, (f) => [f.position[0], f.position[1]]);
  const list = items.map((f) => changeOf(f.spec, f.row, since));
  const records: RecordPart[] = items.map((f) =>
    part(f.spec.name, f.row, [f.spec.key, 'PersonalID', 'DateCreated', 'DateUpdated', 'DateDeleted']),
  );
  return respond(request, at, {
    json: { since, changes: list, ...(next ? { nextCursor: next } : {}) },
    records,
    next,
  });
}

/** Deleted records are judged by where they were: visible if they would be without the deletion. */
const visibleChange = (at: Scoped, spec: TableSpec, row: Row) =>
  at.scope.canSeeRecord(at.source, spec.name, undeleted(spec, row));

async function changes(
  request: RouteRequest,
  services: ApiServices,
  at: Scoped,
  query: 'client-changes' | 'changes-scoped',
  bindings: Record<string, Term | Term[] | undefined>,
): Promise<Response> {
  const page = pageOf(request);
  const since = sinceOf(request);
  const solutions = await select(services, query, {
    graph: graphTerm(at),
    since: literal(since, 'dateTime'),
    ...bindings,
    ...pageBindings(page, 'dateTime'),
  });
  const found: Found[] = [];
  for (const solution of solutions) {
    const record = recordAt(at, solution.record);
    if (!record || !visibleChange(at, record.spec, record.row)) continue;
    found.push({ ...record, position: [solution.changed?.value ?? '', solution.record?.value ?? ''] });
  }
  return respondWith(request, at, since, found, page);
}

/**
 * The feed for callers who see every client: from the store's change index (see
 * store/change-feed.ts for why not SPARQL), oldest first, keyset-paged like the queries.
 */
function feed(request: RouteRequest, at: Scoped): Promise<Response> {
  const page = pageOf(request, 'dateTime');
  const since = sinceOf(request);
  const found: Found[] = [];
  for (const entry of at.state.changes().since(since, page.after)) {
    const spec = table(entry.table);
    const row = at.state.get(entry.table, entry.key);
    if (row && visibleChange(at, spec, row))
      found.push({ spec, row, position: [entry.time, changeId(entry)] });
    if (found.length > page.limit) break;
  }
  return respondWith(request, at, since, found, page);
}

export async function getClientChanges(request: RouteRequest, services: ApiServices): Promise<Response> {
  const at = scoped(request, services);
  const personalId = request.params.PersonalID as string;
  visibleClient(at, personalId);
  // Deleted enrollments in the caller's projects count too: their deletion is a change to report.
  const enrollments = at.scope.unrestricted
    ? undefined
    : [...at.state.childKeys('Enrollment', 'PersonalID', personalId)]
        .map((key) => at.state.get('Enrollment', key))
        .filter((row): row is Row => !!row)
        .filter((row) => at.scope.canSeeRecord(at.source, 'Enrollment', undeleted(ENROLLMENT, row)))
        .map((row) => recordTerm(at, 'Enrollment', row[ENROLLMENT_ID] ?? ''));
  return changes(request, services, at, 'client-changes', {
    client: recordTerm(at, 'Client', personalId),
    visibleEnrollments: enrollments,
  });
}

export async function getChanges(request: RouteRequest, services: ApiServices): Promise<Response> {
  const at = scoped(request, services);
  const projects = visibleProjects(at);
  return projects
    ? changes(request, services, at, 'changes-scoped', { visibleProjects: projects })
    : feed(request, at);
}
