/**
 * Scenarios 4, 6 and 7: a project's clients (one item per enrollment), and projects by funding
 * source, project type, CoC and operating dates.
 */
import { fieldIndex, table } from '../../model/index.ts';
import { literal } from '../../query/bind.ts';
import type { ApiServices, RouteRequest } from '../route-spec.ts';
import {
  graphTerm,
  notFound,
  recordAt,
  recordTerm,
  rowReader,
  scoped,
  select,
  visibleProjects,
} from './common.ts';
import { cut, pageBindings, pageOf } from './paging.ts';
import { jsonText, type RawJson, rowJson, rowJsonText } from './record-json.ts';
import { part, type RecordPart, respond } from './representations.ts';
import { exitOf } from './summaries.ts';

const CLIENT = table('Client');
const PROJECT = table('Project');
const ENROLLMENT = table('Enrollment');
const ENROLLMENT_ID = fieldIndex(ENROLLMENT, 'EnrollmentID');
const ENTRY_DATE = fieldIndex(ENROLLMENT, 'EntryDate');
const EXIT_DATE = fieldIndex(table('Exit'), 'ExitDate');

type Params = Record<string, string | number | undefined>;
const dateTerm = (value: string | number | undefined) =>
  value === undefined ? undefined : literal(String(value), 'date');
const codeTerm = (value: string | number | undefined) =>
  value === undefined ? undefined : literal(String(value), 'integer');

export async function getProjectClients(request: RouteRequest, services: ApiServices): Promise<Response> {
  const at = scoped(request, services);
  const projectId = request.params.ProjectID as string;
  if (!at.scope.canSeeProject(at.source, projectId)) throw notFound('project');
  const page = pageOf(request);
  const params = request.params as Params;
  const solutions = await select(services, 'project-clients', {
    graph: graphTerm(at),
    project: recordTerm(at, 'Project', projectId),
    EntryDate: dateTerm(params.EntryDate),
    ExitDate: dateTerm(params.ExitDate),
    ...pageBindings(page, 'string'),
  });
  const { items, next } = cut(solutions, page, (s) => [s.client?.value ?? '', s.enrollment?.value ?? '']);
  const clients: RawJson[] = [];
  const records: RecordPart[] = [];
  const [clientAt, enrollmentAt] = [rowReader(at, 'Client'), rowReader(at, 'Enrollment')];
  for (const solution of items) {
    const client = clientAt(solution.client);
    const enrollment = enrollmentAt(solution.enrollment);
    if (!client || !enrollment || !at.scope.canSeeRecord(at.source, 'Enrollment', enrollment)) continue;
    const exit = exitOf(at.state, enrollment[ENROLLMENT_ID] ?? '');
    // PersonalID first, then the enrollment's dates, then the client's other columns.
    const item = {
      PersonalID: null,
      EnrollmentID: enrollment[ENROLLMENT_ID] ?? null,
      EntryDate: enrollment[ENTRY_DATE] || null,
      ExitDate: exit?.[EXIT_DATE] || null,
    };
    clients.push(rowJsonText(CLIENT, client, undefined, item));
    records.push(
      part('Client', client),
      part('Enrollment', enrollment, ['EnrollmentID', 'PersonalID', 'ProjectID', 'EntryDate']),
    );
    if (exit) records.push(part('Exit', exit, ['ExitID', 'EnrollmentID', 'ExitDate']));
  }
  return respond(request, at, {
    json: jsonText({ clients, ...(next ? { nextCursor: next } : {}) }),
    records,
    next,
  });
}

export async function getProjects(request: RouteRequest, services: ApiServices): Promise<Response> {
  const at = scoped(request, services);
  const page = pageOf(request);
  const params = request.params as Params;
  const solutions = await select(services, 'projects', {
    graph: graphTerm(at),
    visibleProjects: visibleProjects(at),
    Funder: codeTerm(params.Funder),
    ProjectType: codeTerm(params.ProjectType),
    CocCode: params.CocCode === undefined ? undefined : literal(String(params.CocCode)),
    OperatingStartDate: dateTerm(params.OperatingStartDate),
    OperatingEndDate: dateTerm(params.OperatingEndDate),
    ...pageBindings(page, 'string'),
  });
  const { items, next } = cut(solutions, page, (s) => [s.project?.value ?? '', '']);
  const projects = items
    .map((s) => recordAt(at, s.project)?.row)
    .filter((row) => row !== undefined && at.scope.canSeeRecord(at.source, 'Project', row))
    .map((row) => row ?? []);
  return respond(request, at, {
    json: { projects: projects.map((row) => rowJson(PROJECT, row)), ...(next ? { nextCursor: next } : {}) },
    records: projects.map((row) => part('Project', row)),
    next,
  });
}
