/**
 * The HMIS's own structure, read-only through OpenHMIS: /organizations, /projects with their
 * project-cocs, funders, inventories and sites, and (admins only) /users, the User.csv rows of
 * the people who entered data. Changes to these come with HMIS CSV imports. A scoped caller sees
 * its own projects and their organizations only, as on every surface.
 */
import { ORGANIZATION, PROJECT, PROJECT_CHILDREN, USER } from '../../../mappings/openhmis/resources.ts';
import type { Row } from '../../store/record-state.ts';
import { notFound, type Scoped, scoped } from '../hmis-api/common.ts';
import type { ApiServices, RouteRequest } from '../route-spec.ts';
import { itemResponse, listResponse } from './common.ts';
import { compileResource, type Resource, rowObject } from './records.ts';

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
