/**
 * Record IRIs dereference: `GET {base}/{source}/{segment}/{key}` (e.g. /id/xx-501/client/C1) answers
 * with that one record in the negotiated media type, under the same access rules as every route:
 * a record the caller may not see is the same 404 as one that does not exist. Mounted at the path of
 * HEARTH_BASE_IRI (see api/app.ts), so the IRIs in JSON-LD and Turtle answers resolve.
 */
import { findTableBySegment } from '../../model/index.ts';
import { rolesFor } from '../../security/policy.ts';
import type { ApiServices, RouteRequest, RouteSpec } from '../route-spec.ts';
import { notFound, scoped } from './common.ts';
import { rowJson } from './record-json.ts';
import { DATA_TYPES, part, respond } from './representations.ts';

export async function getRecord(request: RouteRequest, services: ApiServices): Promise<Response> {
  const { source, segment, key } = request.params as Record<string, string>;
  const at = scoped({ ...request, params: { source } }, services);
  const spec = findTableBySegment(segment ?? '');
  const row = spec && at.state.get(spec.name, key ?? '');
  if (!spec || !row || !at.scope.canSeeRecord(at.source, spec.name, row)) throw notFound('record');
  return respond(request, at, { json: rowJson(spec, row), records: [part(spec.name, row)] });
}

export const RECORD_ROUTE: RouteSpec = {
  method: 'get',
  path: '/{source}/{segment}/{key}',
  operationId: 'getRecord',
  summary: 'One record by its IRI',
  action: 'read-pii',
  roles: rolesFor('read-pii'),
  params: [
    {
      name: 'source',
      in: 'path',
      type: 'string',
      required: true,
      maxLength: 64,
      description: 'The data source',
    },
    {
      name: 'segment',
      in: 'path',
      type: 'string',
      required: true,
      maxLength: 40,
      description: 'The table, e.g. client',
    },
    {
      name: 'key',
      in: 'path',
      type: 'string',
      required: true,
      maxLength: 100,
      description: "The record's key",
    },
  ],
  responses: [
    { status: 200, description: 'The record' },
    { status: 404, description: 'No such visible record' },
  ],
  produces: DATA_TYPES,
  handle: getRecord,
};
