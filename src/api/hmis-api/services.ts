/**
 * Scenario 11: all of a person's services within a time frame or all time: every dated record under
 * the enrollments the caller may see (Services.csv and the other per-enrollment files; see
 * client-services.rq for the list and which date column counts), oldest first.
 */
import { literal } from '../../query/bind.ts';
import type { ApiServices, RouteRequest } from '../route-spec.ts';
import {
  graphTerm,
  recordAt,
  recordTerm,
  scoped,
  select,
  visibleClient,
  visibleEnrollments,
} from './common.ts';
import { cut, pageBindings, pageOf } from './paging.ts';
import { rowJson } from './record-json.ts';
import { part, type RecordPart, respond } from './representations.ts';

export async function getClientServices(request: RouteRequest, services: ApiServices): Promise<Response> {
  const at = scoped(request, services);
  const personalId = request.params.PersonalID as string;
  visibleClient(at, personalId);
  const page = pageOf(request);
  const { from, to } = request.params as Record<string, string | undefined>;
  const solutions = await select(services, 'client-services', {
    graph: graphTerm(at),
    client: recordTerm(at, 'Client', personalId),
    visibleEnrollments: visibleEnrollments(at, personalId),
    from: from === undefined ? undefined : literal(from, 'date'),
    to: to === undefined ? undefined : literal(to, 'date'),
    ...pageBindings(page, 'date'),
  });
  const { items, next } = cut(solutions, page, (s) => [s.date?.value ?? '', s.record?.value ?? '']);
  const list: unknown[] = [];
  const records: RecordPart[] = [];
  for (const solution of items) {
    const found = recordAt(at, solution.record);
    if (!found || !at.scope.canSeeRecord(at.source, found.spec.name, found.row)) continue;
    list.push(
      rowJson(found.spec, found.row, undefined, {
        table: found.spec.name,
        date: solution.date?.value ?? null,
      }),
    );
    records.push(part(found.spec.name, found.row));
  }
  return respond(request, at, {
    json: { services: list, ...(next ? { nextCursor: next } : {}) },
    records,
    next,
  });
}
