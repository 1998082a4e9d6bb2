/**
 * Scenario 3 (read) and 5: a client's record, and a client's enrollments.
 *
 * GET /client/{PersonalID} reads the in-memory indexes (clientRecord), not SPARQL: it is the point
 * lookup integrations call most, and the policy filters the record to the caller's scope. The
 * Reference Guide's access example is this route: a user with Project A sees only the Project A
 * enrollment, and no field, null or count hints at the others.
 */
import { table } from '../../model/index.ts';
import { literal } from '../../query/bind.ts';
import { clientRecord } from '../../store/client-record.ts';
import { entityTag } from '../conditional.ts';
import type { ApiServices, RouteRequest } from '../route-spec.ts';
import {
  clientView,
  graphTerm,
  notFound,
  recordAt,
  recordTerm,
  scoped,
  select,
  visibleClient,
  visibleEnrollments,
} from './common.ts';
import { cut, pageBindings, pageOf } from './paging.ts';
import { rowJson } from './record-json.ts';
import { part, respond } from './representations.ts';
import { ENROLLMENT_COLUMNS, enrollmentSummary } from './summaries.ts';

const CLIENT = table('Client');
const ENTRY = table('Enrollment').fields.findIndex((f) => f.name === 'EntryDate');
const ENROLLMENT_ID = table('Enrollment').fields.findIndex((f) => f.name === 'EnrollmentID');

export async function getClient(request: RouteRequest, services: ApiServices): Promise<Response> {
  const at = scoped(request, services);
  const full = clientRecord(at.state, request.params.PersonalID as string);
  const record = full && at.scope.filterClientRecord(at.source, full);
  const view = full && clientView(at, full.client);
  if (!record || !view) throw notFound('client');
  const byEntry = [...record.enrollments].sort(
    (a, b) =>
      (a.enrollment[ENTRY] ?? '').localeCompare(b.enrollment[ENTRY] ?? '') ||
      (a.enrollment[ENROLLMENT_ID] ?? '').localeCompare(b.enrollment[ENROLLMENT_ID] ?? ''),
  );
  const summaries = byEntry.map(({ enrollment }) => enrollmentSummary(at.state, enrollment));
  const response = await respond(request, at, {
    json: { ...rowJson(CLIENT, view.row, view.columns), enrollments: summaries.map((s) => s.json) },
    records: [part('Client', view.row, view.columns), ...summaries.flatMap((s) => s.records)],
  });
  // The client record's version (its columns, not its enrollments), for If-Match on PATCH.
  response.headers.set('ETag', entityTag(view.row));
  return response;
}

export async function getClientEnrollments(request: RouteRequest, services: ApiServices): Promise<Response> {
  const at = scoped(request, services);
  const personalId = request.params.PersonalID as string;
  visibleClient(at, personalId);
  const page = pageOf(request);
  const { ProjectID, EntryDate, ExitDate } = request.params as Record<string, string | undefined>;
  const solutions = await select(services, 'client-enrollments', {
    graph: graphTerm(at),
    client: recordTerm(at, 'Client', personalId),
    visibleEnrollments: visibleEnrollments(at, personalId),
    ProjectID: ProjectID === undefined ? undefined : recordTerm(at, 'Project', ProjectID),
    EntryDate: EntryDate === undefined ? undefined : literal(EntryDate, 'date'),
    ExitDate: ExitDate === undefined ? undefined : literal(ExitDate, 'date'),
    ...pageBindings(page, 'date'),
  });
  const { items, next } = cut(solutions, page, (s) => [s.entry?.value ?? '', s.enrollment?.value ?? '']);
  const summaries = items
    .map((s) => recordAt(at, s.enrollment))
    .filter((found) => found !== undefined && at.scope.canSeeRecord(at.source, 'Enrollment', found.row))
    .map((found) => enrollmentSummary(at.state, found?.row ?? [], ENROLLMENT_COLUMNS));
  return respond(request, at, {
    json: { enrollments: summaries.map((s) => s.json), ...(next ? { nextCursor: next } : {}) },
    records: summaries.flatMap((s) => s.records),
    next,
  });
}
