/**
 * Scenarios 8 and 9: clients with enrollments in projects of a funding source (e.g. Funder=3, HUD:
 * CoC – Rapid Re-Housing) and/or a project type (e.g. ProjectType=13, PH – Rapid Re-Housing), each
 * with its matching enrollments; `ActiveOn=D` keeps enrollments active that day (EntryDate ≤ D and
 * no exit or ExitDate > D). One item per client, in PersonalID order of their IRIs.
 */
import { table } from '../../model/index.ts';
import { literal } from '../../query/bind.ts';
import { parseRecordIri } from '../../rdf/iris.ts';
import type { ApiServices, RouteRequest } from '../route-spec.ts';
import { graphTerm, type Scoped, scoped, select, visibleProjects } from './common.ts';
import { cut, pageBindings, pageOf } from './paging.ts';
import { part, type RecordPart, respond } from './representations.ts';
import { enrollmentSummary } from './summaries.ts';

const CLIENT = table('Client');
const SUMMARY_COLUMNS = ['PersonalID', 'FirstName', 'LastName', 'DOB'] as const;
const column = (name: string) => CLIENT.fields.findIndex((f) => f.name === name);
const COLUMNS = SUMMARY_COLUMNS.map((name) => [name, column(name)] as const);

type Params = Record<string, string | number | undefined>;
const term = (value: string | number | undefined, type: 'date' | 'integer') =>
  value === undefined ? undefined : literal(String(value), type);

/** A binding that only switches a query's `#if` block on. */
const flag = (on: boolean) => (on ? literal('1') : undefined);

/** The enrollment rows named by a space-separated list of IRIs, visible to the caller, by entry date. */
function enrollmentsOf(at: Scoped, iris: string) {
  return iris
    .split(' ')
    .map((iri) => parseRecordIri(at.base, iri))
    .map((parsed) =>
      parsed?.table.name === 'Enrollment' ? at.state.get('Enrollment', parsed.key) : undefined,
    )
    .filter((row) => row !== undefined && at.scope.canSeeRecord(at.source, 'Enrollment', row))
    .map((row) => enrollmentSummary(at.state, row ?? []))
    .sort(
      (a, b) =>
        String(a.json.EntryDate).localeCompare(String(b.json.EntryDate)) ||
        String(a.json.EnrollmentID).localeCompare(String(b.json.EnrollmentID)),
    );
}

export async function getClients(request: RouteRequest, services: ApiServices): Promise<Response> {
  const at = scoped(request, services);
  const page = pageOf(request);
  const params = request.params as Params;
  const solutions = await select(services, 'clients', {
    graph: graphTerm(at),
    visibleProjects: visibleProjects(at),
    Funder: term(params.Funder, 'integer'),
    ProjectType: term(params.ProjectType, 'integer'),
    EntryDate: term(params.EntryDate, 'date'),
    ExitDate: term(params.ExitDate, 'date'),
    ActiveOn: term(params.ActiveOn, 'date'),
    needsEntry: flag(params.EntryDate !== undefined || params.ActiveOn !== undefined),
    needsExit: flag(params.ExitDate !== undefined || params.ActiveOn !== undefined),
    ...pageBindings(page, 'string'),
  });
  const { items, next } = cut(solutions, page, (s) => [s.client?.value ?? '', '']);
  const clients: unknown[] = [];
  const records: RecordPart[] = [];
  for (const solution of items) {
    const parsed = solution.client ? parseRecordIri(at.base, solution.client.value) : undefined;
    const row = parsed ? at.state.get('Client', parsed.key) : undefined;
    const enrollments = enrollmentsOf(at, solution.enrollments?.value ?? '');
    if (!row || enrollments.length === 0) continue;
    clients.push({
      ...Object.fromEntries(COLUMNS.map(([name, i]) => [name, row[i] || null])),
      enrollments: enrollments.map((e) => e.json),
    });
    records.push(part('Client', row, SUMMARY_COLUMNS), ...enrollments.flatMap((e) => e.records));
  }
  return respond(request, at, {
    json: { clients, ...(next ? { nextCursor: next } : {}) },
    records,
    next,
  });
}
