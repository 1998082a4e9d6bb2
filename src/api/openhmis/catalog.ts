/**
 * The HMIS's own structure: /organizations, /projects with their project-cocs, funders, inventories
 * and sites, and /users, the User.csv rows of the people who entered data. Everyone with
 * read-projects reads them (a scoped caller its own projects and their organizations only, as on
 * every surface); admins also create, change and soft-delete them, validated like every write.
 */
import { ORGANIZATION, PROJECT, PROJECT_CHILDREN, USER } from '../../../mappings/openhmis/resources.ts';
import type { Row } from '../../store/record-state.ts';
import { notFound, type Scoped, scoped } from '../hmis-api/common.ts';
import type { ApiServices, RouteRequest } from '../route-spec.ts';
import { deletedResponse, itemResponse, listResponse, readBody, writeReport } from './common.ts';
import { bodyCells, compileResource, type Resource, rowObject } from './records.ts';
import { changedRow, commitRow, deletedRow, newRow, requireSource } from './writes.ts';

export const ORGANIZATIONS = compileResource(ORGANIZATION);
export const PROJECTS = compileResource(PROJECT);
export const PROJECT_PARTS: readonly Resource[] = PROJECT_CHILDREN.map((m) => compileResource(m));
export const USERS = compileResource(USER);

function visibleRows(at: Scoped, resource: Resource, keys?: Iterable<string>): Row[] {
  const rows = at.state.table(resource.spec.name).rows;
  const found: Row[] = [];
  for (const key of keys ?? rows.keys()) {
    const row = rows.get(key);
    if (row && at.scope.canSeeRecord(at.source, resource.spec.name, row)) found.push(row);
  }
  return found.sort((a, b) => (a[resource.keyIndex] ?? '').localeCompare(b[resource.keyIndex] ?? ''));
}

function visibleRow(at: Scoped, resource: Resource, key: string, what: string): Row {
  const row = at.state.get(resource.spec.name, key);
  if (!row || !at.scope.canSeeRecord(at.source, resource.spec.name, row)) throw notFound(what);
  return row;
}

/** GET list and GET one of a top-level resource (organizations, projects, users). */
export function topLevel(resource: Resource, what: string) {
  return {
    async list(request: RouteRequest, services: ApiServices): Promise<Response> {
      const at = scoped(request, services);
      return listResponse(
        request,
        visibleRows(at, resource).map((row) => rowObject(resource, row)),
      );
    },
    async get(request: RouteRequest, services: ApiServices): Promise<Response> {
      const at = scoped(request, services);
      const row = visibleRow(at, resource, request.params[resource.spec.key] as string, what);
      return itemResponse(request, { item: rowObject(resource, row) });
    },
  };
}

/** GET list and GET one of the records under a project. */
export function underProject(resource: Resource) {
  const what = resource.mapping.resource.replace(/-/g, ' ');
  return {
    async list(request: RouteRequest, services: ApiServices): Promise<Response> {
      const at = scoped(request, services);
      const projectId = request.params.ProjectID as string;
      visibleRow(at, PROJECTS, projectId, 'project');
      const keys = at.state.childKeys(resource.spec.name, 'ProjectID', projectId);
      return listResponse(
        request,
        visibleRows(at, resource, keys).map((row) => rowObject(resource, row)),
      );
    },
    async get(request: RouteRequest, services: ApiServices): Promise<Response> {
      const at = scoped(request, services);
      const projectId = request.params.ProjectID as string;
      visibleRow(at, PROJECTS, projectId, 'project');
      const row = visibleRow(at, resource, request.params[resource.spec.key] as string, what);
      const link = resource.spec.fields.findIndex((f) => f.name === 'ProjectID');
      if (row[link] !== projectId) throw notFound(what);
      return itemResponse(request, { item: rowObject(resource, row) });
    },
  };
}

/** POST, PUT and DELETE of a top-level resource or (with `underProjectId`) a record under a project. */
export function adminWrites(resource: Resource, what: string, underProject = false) {
  const path = (request: RouteRequest, key: string) =>
    underProject
      ? `/openhmis/api/v3/projects/${request.params.ProjectID}/${resource.mapping.resource}/${key}`
      : `/openhmis/api/v3/${resource.mapping.resource}/${key}`;
  /** The stored row, in the path's project when the resource lives under one. */
  const stored = (at: Scoped, request: RouteRequest): Row => {
    if (underProject) visibleRow(at, PROJECTS, request.params.ProjectID as string, 'project');
    const row = visibleRow(at, resource, request.params[resource.spec.key] as string, what);
    const link = resource.spec.fields.findIndex((f) => f.name === 'ProjectID');
    if (underProject && row[link] !== request.params.ProjectID) throw notFound(what);
    return row;
  };
  return {
    async create(request: RouteRequest, services: ApiServices): Promise<Response> {
      const { value, lexical } = readBody(request);
      const { cells, unsupported, ignored } = bodyCells(resource, value, lexical);
      const at = scoped(request, services);
      requireSource(services, at);
      const links: Record<string, string> = {};
      if (underProject) {
        visibleRow(at, PROJECTS, request.params.ProjectID as string, 'project');
        links.ProjectID = request.params.ProjectID as string;
      }
      const row = newRow(resource, request, cells, links, new Date());
      await commitRow(services, request, resource, () => ({ row }));
      const response = itemResponse(
        request,
        { item: rowObject(resource, row), ...writeReport(unsupported, ignored) },
        201,
      );
      response.headers.set('Location', path(request, row[resource.keyIndex] ?? ''));
      return response;
    },
    async update(request: RouteRequest, services: ApiServices): Promise<Response> {
      const { value, lexical } = readBody(request);
      const { cells, unsupported, ignored } = bodyCells(resource, value, lexical);
      const row = await commitRow(services, request, resource, (at) => {
        const before = stored(at, request);
        return { row: changedRow(resource, before, cells, request, new Date()), stored: before };
      });
      return itemResponse(request, { item: rowObject(resource, row), ...writeReport(unsupported, ignored) });
    },
    async remove(request: RouteRequest, services: ApiServices): Promise<Response> {
      await commitRow(services, request, resource, (at) => {
        const before = stored(at, request);
        return { row: deletedRow(resource, before, request, new Date()), stored: before };
      });
      return deletedResponse(request);
    },
  };
}
