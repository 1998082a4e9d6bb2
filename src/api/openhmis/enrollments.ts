/**
 * /enrollments (list, create) and /enrollments/{enrollmentId} (read with every record under it,
 * change, soft delete), and the records under an enrollment, one table-driven set of handlers for
 * all of them (/enrollments/{enrollmentId}/income-sources/{incomeSourceId}, …).
 *
 * An enrollment embeds its records read-only: a PUT of an enrollment ignores them (and says so in
 * `data.ignored`), as the seed specifies; they change through their own endpoints. Visibility is
 * the policy's: an enrollment outside the caller's scope, and everything under it, is a 404.
 */
import { ENROLLMENT, ENROLLMENT_CHILDREN } from '../../../mappings/openhmis/resources.ts';
import { table } from '../../model/index.ts';
import { isDeleted } from '../../security/policy.ts';
import type { Row } from '../../store/record-state.ts';
import { ApiError } from '../errors.ts';
import { notFound, type Scoped, scoped } from '../hmis-api/common.ts';
import type { ApiServices, RouteRequest } from '../route-spec.ts';
import { deletedResponse, itemResponse, listResponse, readBody, writeReport } from './common.ts';
import { belongs, bodyCells, compileResource, type Resource, rowObject } from './records.ts';
import { changedRow, commitRow, deletedRow, newRow, requireSource } from './writes.ts';

export const CHILDREN: readonly Resource[] = ENROLLMENT_CHILDREN.map((m) => compileResource(m));
export const ENROLLMENTS = compileResource(
  ENROLLMENT,
  ENROLLMENT_CHILDREN.map((m) => m.embed ?? m.resource),
);
const column = (resource: Resource, name: string) => resource.spec.fields.findIndex((f) => f.name === name);
const PERSONAL_ID = column(ENROLLMENTS, 'PersonalID');
const PROJECT_ID = column(ENROLLMENTS, 'ProjectID');

/** The enrollment when the caller may see it; otherwise the 404 of one that does not exist. */
function visibleEnrollment(at: Scoped, enrollmentId: string): Row {
  const row = at.state.get('Enrollment', enrollmentId);
  if (!row || !at.scope.canSeeRecord(at.source, 'Enrollment', row)) throw notFound('enrollment');
  return row;
}

function childRows(at: Scoped, resource: Resource, enrollmentId: string): Row[] {
  const rows: Row[] = [];
  for (const key of at.state.childKeys(resource.spec.name, 'EnrollmentID', enrollmentId)) {
    const row = at.state.get(resource.spec.name, key);
    if (row && belongs(resource, row) && at.scope.canSeeRecord(at.source, resource.spec.name, row))
      rows.push(row);
  }
  return rows.sort((a, b) => (a[resource.keyIndex] ?? '').localeCompare(b[resource.keyIndex] ?? ''));
}

/** The enrollment with what is under it, as the seed's example shows (`exit` one object or null). */
function enrollmentObject(at: Scoped, row: Row): Record<string, unknown> {
  const object: Record<string, unknown> = rowObject(ENROLLMENTS, row);
  const enrollmentId = row[ENROLLMENTS.keyIndex] ?? '';
  for (const child of CHILDREN) {
    const objects = childRows(at, child, enrollmentId).map((r) => rowObject(child, r));
    object[child.mapping.embed ?? child.mapping.resource] =
      child.mapping.embed === 'exit' ? (objects[0] ?? null) : objects;
  }
  return object;
}

function visibleEnrollments(at: Scoped, personalId: string | undefined): Row[] {
  const clients = personalId !== undefined ? [personalId] : at.scope.visibleClientIds(at.source);
  const rows: Row[] = [];
  for (const id of clients)
    for (const key of at.scope.visibleEnrollmentKeys(at.source, id)) {
      const row = at.state.get('Enrollment', key);
      if (row) rows.push(row);
    }
  return rows.sort((a, b) => (a[ENROLLMENTS.keyIndex] ?? '').localeCompare(b[ENROLLMENTS.keyIndex] ?? ''));
}

export async function getEnrollments(request: RouteRequest, services: ApiServices): Promise<Response> {
  const at = scoped(request, services);
  const rows = visibleEnrollments(at, request.params.personalId as string | undefined);
  return listResponse(request, rows, (row) => enrollmentObject(at, row));
}

export async function getEnrollment(request: RouteRequest, services: ApiServices): Promise<Response> {
  const at = scoped(request, services);
  const row = visibleEnrollment(at, request.params.EnrollmentID as string);
  return itemResponse(request, { item: enrollmentObject(at, row) });
}

const required = (name: string) => ({ field: name, rule: 'required', message: 'required' });

const CLIENT_USER = table('Client').fields.findIndex((f) => f.name === 'UserID');

/**
 * The client and project an enrollment links must be visible to the caller (same 404 otherwise).
 * A scoped caller also may enroll a client it created that has no enrollment yet: until then no
 * scope reaches a new client, and the caller's own write is how it enters their projects.
 */
function checkLinks(at: Scoped, principalName: string, personalId: string, projectId: string): void {
  const client = at.state.get('Client', personalId);
  const ownNew =
    !!client &&
    !isDeleted('Client', client) &&
    client[CLIENT_USER] === principalName.slice(0, 32) &&
    at.state.childKeys('Enrollment', 'PersonalID', personalId).size === 0;
  if (!at.scope.canSeeClient(at.source, personalId) && !ownNew) throw notFound('client');
  if (!at.scope.canSeeProject(at.source, projectId)) throw notFound('project');
}

export async function createEnrollment(request: RouteRequest, services: ApiServices): Promise<Response> {
  const { value, lexical } = readBody(request);
  const { cells, unsupported, ignored } = bodyCells(ENROLLMENTS, value, lexical);
  const personalId = cells.get('PersonalID');
  const projectId = cells.get('ProjectID');
  const missing = [!personalId && required('personalId'), !projectId && required('projectId')].filter(
    (e) => e !== false,
  );
  if (missing.length > 0)
    throw new ApiError(400, 'bad_request', 'an enrollment names its client and project', missing);
  const at = scoped(request, services);
  requireSource(services, at);
  checkLinks(at, request.principal.name, personalId as string, projectId as string);
  const row = newRow(ENROLLMENTS, request, cells, {}, new Date());
  await commitRow(services, request, ENROLLMENTS, () => ({ row }));
  const response = itemResponse(
    request,
    { item: enrollmentObject(at, row), ...writeReport(unsupported, ignored) },
    201,
  );
  response.headers.set('Location', `/openhmis/api/v3/enrollments/${row[ENROLLMENTS.keyIndex]}`);
  return response;
}

export async function updateEnrollment(request: RouteRequest, services: ApiServices): Promise<Response> {
  const { value, lexical } = readBody(request);
  const { cells, unsupported, ignored } = bodyCells(ENROLLMENTS, value, lexical);
  const row = await commitRow(services, request, ENROLLMENTS, (at) => {
    const stored = visibleEnrollment(at, request.params.EnrollmentID as string);
    const personalId = cells.get('PersonalID');
    if (personalId !== undefined && personalId !== stored[PERSONAL_ID])
      throw new ApiError(400, 'bad_request', 'an enrollment stays with its client', [
        { field: 'personalId', rule: 'immutable', message: 'cannot change' },
      ]);
    const projectId = cells.get('ProjectID');
    if (projectId !== undefined && projectId !== stored[PROJECT_ID])
      checkLinks(at, request.principal.name, stored[PERSONAL_ID] ?? '', projectId);
    return { row: changedRow(ENROLLMENTS, stored, cells, request, new Date()), stored };
  });
  const at = scoped(request, services);
  return itemResponse(request, { item: enrollmentObject(at, row), ...writeReport(unsupported, ignored) });
}

export async function deleteEnrollment(request: RouteRequest, services: ApiServices): Promise<Response> {
  await commitRow(services, request, ENROLLMENTS, (at) => {
    const stored = visibleEnrollment(at, request.params.EnrollmentID as string);
    return { row: deletedRow(ENROLLMENTS, stored, request, new Date()), stored };
  });
  return deletedResponse(request);
}

// ---------------------------------------------------------------------------------------------
// Records under an enrollment

/** The record of `resource` under the enrollment, visible to the caller; 404 otherwise. */
function visibleChild(at: Scoped, resource: Resource, enrollmentId: string, key: string): Row {
  const row = at.state.get(resource.spec.name, key);
  const link = resource.spec.fields.findIndex((f) => f.name === 'EnrollmentID');
  if (
    !row ||
    row[link] !== enrollmentId ||
    !belongs(resource, row) ||
    !at.scope.canSeeRecord(at.source, resource.spec.name, row)
  )
    throw notFound(resource.mapping.id.replace(/Id$/, ''));
  return row;
}

export function childHandlers(resource: Resource) {
  const params = (request: RouteRequest) => ({
    enrollmentId: request.params.EnrollmentID as string,
    key: request.params[resource.spec.key] as string,
  });
  return {
    async list(request: RouteRequest, services: ApiServices): Promise<Response> {
      const at = scoped(request, services);
      const { enrollmentId } = params(request);
      visibleEnrollment(at, enrollmentId);
      return listResponse(
        request,
        childRows(at, resource, enrollmentId).map((row) => rowObject(resource, row)),
      );
    },
    async get(request: RouteRequest, services: ApiServices): Promise<Response> {
      const at = scoped(request, services);
      const { enrollmentId, key } = params(request);
      visibleEnrollment(at, enrollmentId);
      return itemResponse(request, {
        item: rowObject(resource, visibleChild(at, resource, enrollmentId, key)),
      });
    },
    async create(request: RouteRequest, services: ApiServices): Promise<Response> {
      const { value, lexical } = readBody(request);
      const { cells, unsupported, ignored } = bodyCells(resource, value, lexical);
      const at = scoped(request, services);
      const { enrollmentId } = params(request);
      const enrollment = visibleEnrollment(at, enrollmentId);
      const links = { EnrollmentID: enrollmentId, PersonalID: enrollment[PERSONAL_ID] ?? '' };
      const row = newRow(resource, request, cells, links, new Date());
      if (!belongs(resource, row))
        throw new ApiError(400, 'bad_request', `not a ${resource.mapping.resource} record`, [
          {
            field: 'recordType',
            rule: 'codeList',
            message: `one of ${resource.mapping.where?.codes.join(', ')}`,
          },
        ]);
      await commitRow(services, request, resource, () => ({ row }));
      const response = itemResponse(
        request,
        { item: rowObject(resource, row), ...writeReport(unsupported, ignored) },
        201,
      );
      response.headers.set(
        'Location',
        `/openhmis/api/v3/enrollments/${enrollmentId}/${resource.mapping.resource}/${row[resource.keyIndex]}`,
      );
      return response;
    },
    async update(request: RouteRequest, services: ApiServices): Promise<Response> {
      const { value, lexical } = readBody(request);
      const { cells, unsupported, ignored } = bodyCells(resource, value, lexical);
      const { enrollmentId, key } = params(request);
      const row = await commitRow(services, request, resource, (at) => {
        visibleEnrollment(at, enrollmentId);
        const stored = visibleChild(at, resource, enrollmentId, key);
        const row = changedRow(resource, stored, cells, request, new Date());
        if (!belongs(resource, row))
          throw new ApiError(400, 'bad_request', `the record would leave ${resource.mapping.resource}`, [
            {
              field: 'recordType',
              rule: 'codeList',
              message: `one of ${resource.mapping.where?.codes.join(', ')}`,
            },
          ]);
        return { row, stored };
      });
      return itemResponse(request, { item: rowObject(resource, row), ...writeReport(unsupported, ignored) });
    },
    async remove(request: RouteRequest, services: ApiServices): Promise<Response> {
      const { enrollmentId, key } = params(request);
      await commitRow(services, request, resource, (at) => {
        visibleEnrollment(at, enrollmentId);
        const stored = visibleChild(at, resource, enrollmentId, key);
        return { row: deletedRow(resource, stored, request, new Date()), stored };
      });
      return deletedResponse(request);
    },
  };
}
