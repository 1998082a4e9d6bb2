/**
 * Scenario 10: what changed in a client's data since a moment (default: 30 days ago), per client and
 * as a feed across every client the caller may see. An item names the table, the record's key, the
 * kind of change and when: `created` (DateCreated ≥ since), `deleted` (DateDeleted set), `updated`
 * otherwise; the time is the later of DateUpdated and DateDeleted. Deleted records are otherwise
 * hidden everywhere; here only their key and time appear, so that copies elsewhere can be removed.
 */
import { fieldIndex, type TableSpec, table } from '../../model/index.ts';
import { literal, type Term } from '../../query/bind.ts';
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
import { cut, pageBindings, pageOf } from './paging.ts';
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

async function changes(
  request: RouteRequest,
  services: ApiServices,
  at: Scoped,
  query: 'client-changes' | 'changes' | 'changes-scoped',
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
  const { items, next } = cut(solutions, page, (s) => [s.changed?.value ?? '', s.record?.value ?? '']);
  const list: unknown[] = [];
  const records: RecordPart[] = [];
  for (const solution of items) {
    const found = recordAt(at, solution.record);
    if (!found || !at.scope.canSeeRecord(at.source, found.spec.name, undeleted(found.spec, found.row)))
      continue;
    list.push(changeOf(found.spec, found.row, since));
    const columns = [found.spec.key, 'PersonalID', 'DateCreated', 'DateUpdated', 'DateDeleted'];
    records.push(part(found.spec.name, found.row, columns));
  }
  return respond(request, at, {
    json: { since, changes: list, ...(next ? { nextCursor: next } : {}) },
    records,
    next,
  });
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
    : changes(request, services, at, 'changes', {});
}
