/**
 * Scenarios 8 and 9: clients with enrollments in projects of a funding source (e.g. Funder=3, HUD:
 * CoC – Rapid Re-Housing) and/or a project type (e.g. ProjectType=13, PH – Rapid Re-Housing), each
 * with its matching enrollments; `ActiveOn=D` keeps enrollments active that day (EntryDate ≤ D and
 * no exit or ExitDate > D). One item per client, in PersonalID order of their IRIs.
 *
 * Two plans, chosen by how many enrollments the projects left by Funder, ProjectType and the
 * caller's scope hold (counted in the record store, as a planner reads its statistics):
 * - few (≤ NARROW_ENROLLMENTS), or a scoped caller: one query from those projects (clients.rq);
 * - many: that query would join, group and sort thousands of enrollments for one page (150–240 ms
 *   on HUD's sample), so clients are walked in IRI order in windows (clients-window.rq), each sized
 *   by the match rate seen so far. A request examines clients for at most SCAN_MS of queries and
 *   at most SCAN_BUDGET of them: when the date filters are so selective that the page is not full
 *   by then, it ends early with a cursor to resume from, as keyset-paged APIs may (Google AIP-158:
 *   a page may hold fewer items than asked, even none, before the list ends; only a missing
 *   nextCursor ends it). The time bound is what holds p99: a client costs 25–60 µs in Oxigraph here
 *   depending on the filters, so the count alone let a page take 140 ms. Scoped callers never get
 *   such a cursor: it would name a client outside their scope.
 */

import type * as RDF from '@rdfjs/types';
import { fieldIndex, table } from '../../model/index.ts';
import { type Binding, count, iri, literal } from '../../query/bind.ts';
import { parseRecordIri, recordIriPrefix } from '../../rdf/iris.ts';
import type { ApiServices, RouteRequest } from '../route-spec.ts';
import { graphTerm, type Scoped, scoped, select, visibleProjects } from './common.ts';
import { cut, encodeCursor, type Page, pageBindings, pageOf } from './paging.ts';
import { part, type RecordPart, respond } from './representations.ts';
import { enrollmentSummary } from './summaries.ts';

const CLIENT = table('Client');
const SUMMARY_COLUMNS = ['PersonalID', 'FirstName', 'LastName', 'DOB'] as const;
const COLUMNS = SUMMARY_COLUMNS.map((name) => [name, fieldIndex(CLIENT, name)] as const);

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

type Solution = Record<string, RDF.Term>;

/** Clients in the first window, and at most in one (also bounded by WINDOW_BYTES of IRIs). */
const FIRST_WINDOW = 128;
const MAX_WINDOW = 1000;
const WINDOW_BYTES = 60_000;
/** Clients one request examines at most. */
export const SCAN_BUDGET = 2500;
/**
 * Milliseconds one request spends walking windows at most (the last window is sized to fit). Time
 * waiting behind other requests' queries counts too: under load pages get shorter, not slower.
 */
export const SCAN_MS = 40;
/** A window smaller than this is not worth its query: the request ends with a cursor instead. */
const MIN_WINDOW = 32;
/** Up to this many candidate enrollments, the one query from the projects costs ≤ ~30 ms. */
const NARROW_ENROLLMENTS = 2000;
const FUNDER_CODE = fieldIndex(table('Funder'), 'Funder');
const PROJECT_TYPE = fieldIndex(table('Project'), 'ProjectType');

/** Enrollments in the projects of this funder and type (either may be absent), deleted ones included. */
function enrollmentsInProjects(at: Scoped, funder: Params[string], projectType: Params[string]): number {
  const fundedBy = (projectId: string, code: string) =>
    [...at.state.childKeys('Funder', 'ProjectID', projectId)].some(
      (key) => at.state.get('Funder', key)?.[FUNDER_CODE] === code,
    );
  let total = 0;
  for (const [id, row] of at.state.table('Project').rows) {
    if (projectType !== undefined && row[PROJECT_TYPE] !== String(projectType)) continue;
    if (funder !== undefined && !fundedBy(id, String(funder))) continue;
    total += at.state.childKeys('Enrollment', 'ProjectID', id).size;
  }
  return total;
}

export async function getClients(request: RouteRequest, services: ApiServices): Promise<Response> {
  const at = scoped(request, services);
  const page = pageOf(request);
  const { solutions, resumeAfter } = await findClients(at, services, page, request.params as Params);
  const cutPage = cut(solutions, page, (s) => [s.client?.value ?? '', '']);
  const items = cutPage.items;
  const next = cutPage.next ?? (resumeAfter === undefined ? undefined : encodeCursor(resumeAfter));
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

/** Up to `page.limit + 1` solutions, by the plan the module comment describes. */
async function findClients(
  at: Scoped,
  services: ApiServices,
  page: Page,
  params: Params,
): Promise<{ solutions: Solution[]; resumeAfter?: string }> {
  const filters = {
    graph: graphTerm(at),
    Funder: term(params.Funder, 'integer'),
    ProjectType: term(params.ProjectType, 'integer'),
    EntryDate: term(params.EntryDate, 'date'),
    ExitDate: term(params.ExitDate, 'date'),
    ActiveOn: term(params.ActiveOn, 'date'),
    needsEntry: flag(params.EntryDate !== undefined || params.ActiveOn !== undefined),
    needsExit: flag(params.ExitDate !== undefined || params.ActiveOn !== undefined),
  };
  const fromProjects =
    !at.scope.unrestricted ||
    enrollmentsInProjects(at, params.Funder, params.ProjectType) <= NARROW_ENROLLMENTS;
  if (fromProjects) {
    const query = { ...filters, visibleProjects: visibleProjects(at), ...pageBindings(page, 'string') };
    return { solutions: await select(services, 'clients', query) };
  }
  return inClientWindows(at, services, page, filters);
}

/**
 * Up to `page.limit + 1` solutions of clients-window.rq, window after window of clients in IRI
 * order from the page's cursor; `resumeAfter` (the last client examined) when SCAN_BUDGET ran out
 * first and clients remain.
 */
async function inClientWindows(
  at: Scoped,
  services: ApiServices,
  page: Page,
  filters: Record<string, Binding>,
): Promise<{ solutions: Solution[]; resumeAfter?: string }> {
  const prefix = recordIriPrefix(at.base, at.source, CLIENT);
  const keys = at.state.keysInIriOrder('Client');
  const wanted = page.limit + 1;
  const largest = Math.max(1, Math.min(MAX_WINDOW, Math.floor(WINDOW_BYTES / (prefix.length + 16))));
  const solutions: Solution[] = [];
  let start = page.after ? firstAfter(keys, prefix, page.after[0]) : 0;
  let size = Math.min(FIRST_WINDOW, largest);
  let examined = 0;
  const began = performance.now();
  while (start < keys.length && solutions.length < wanted) {
    const affordable = examined === 0 ? size : clientsWithin(performance.now() - began, examined);
    if (examined >= SCAN_BUDGET || affordable < MIN_WINDOW)
      return { solutions, resumeAfter: prefix + keys[start - 1] };
    const window = keys.slice(start, start + Math.min(size, SCAN_BUDGET - examined, affordable));
    const found = await select(services, 'clients-window', {
      ...filters,
      window: window.map((key) => iri(prefix + key)),
      limit: count(wanted - solutions.length),
    });
    solutions.push(...found);
    start += window.length;
    examined += window.length;
    // The next window: what is still missing at the match rate seen so far, with a margin.
    const rate = Math.max(solutions.length / examined, 1 / largest);
    size = Math.min(largest, Math.max(FIRST_WINDOW, Math.ceil(((wanted - solutions.length) / rate) * 1.25)));
  }
  return { solutions };
}

/** How many more clients fit in what is left of SCAN_MS, at the cost per client seen so far. */
function clientsWithin(spentMs: number, examined: number): number {
  const left = SCAN_MS - spentMs;
  return left <= 0 ? 0 : Math.floor(left / (spentMs / examined));
}

/** The index of the first key whose IRI (prefix + key) sorts after `afterIri`. */
function firstAfter(keys: readonly string[], prefix: string, afterIri: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (prefix + keys[middle] > afterIri) high = middle;
    else low = middle + 1;
  }
  return low;
}
