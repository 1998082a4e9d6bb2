/**
 * The OpenHMIS API v3 (seed 001) as a route table, served under /openhmis/api/v3 by the shared
 * router: the same authentication, policy actions, parameter checks, body limits and audit as the
 * HUD HMIS API. Nested routes are generated from the resource mappings, so every resource under an
 * enrollment gets the same five verbs and the same checks.
 */
import { type Action, rolesFor } from '../../security/policy.ts';
import type { ApiServices, ParamSpec, RouteRequest, RouteSpec } from '../route-spec.ts';
import {
  adminWrites,
  ORGANIZATIONS,
  PROJECT_PARTS,
  PROJECTS,
  topLevel,
  USERS,
  underProject,
} from './catalog.ts';
import { createClient, deleteClient, getClient, getClients, updateClient } from './clients.ts';
import { BODY_TYPES, idParam, MAX_BODY_BYTES, PAGE_PARAMS, SOURCE_PARAM } from './common.ts';
import { createConsent, deleteConsent, getConsent, getConsents, updateConsent } from './consents.ts';
import {
  CHILDREN,
  childHandlers,
  createEnrollment,
  deleteEnrollment,
  getEnrollment,
  getEnrollments,
  updateEnrollment,
} from './enrollments.ts';
import { PRODUCES } from './envelope.ts';
import type { Resource } from './records.ts';

type Handler = (request: RouteRequest, services: ApiServices) => Promise<Response>;
type Verb = 'list' | 'get' | 'create' | 'update' | 'delete';

const METHOD = { list: 'get', get: 'get', create: 'post', update: 'put', delete: 'delete' } as const;
const READ: Action = 'read-pii';
const WRITE: Action = 'write-client';

const text = (name: string, description: string, maxLength = 50): ParamSpec => ({
  name,
  in: 'query',
  type: 'string',
  maxLength,
  description,
});

const CLIENT_SEARCH: readonly ParamSpec[] = [
  text('firstName', 'First name; * matches any characters (J* finds Jane and John)'),
  text('middleName', 'Middle name; * wildcards'),
  text('lastName', 'Last name; * wildcards'),
  { ...text('ssn', 'SSN; * wildcards (*1234 finds the last four)', 11), pattern: '[0-9*-]{1,11}' },
  { name: 'dobStart', in: 'query', type: 'date', description: 'Born on or after this day' },
  { name: 'dobEnd', in: 'query', type: 'date', description: 'Born on or before this day' },
  { name: 'updatedSince', in: 'query', type: 'date-time', description: 'Changed at or after this moment' },
  { name: 'dateUpdated', in: 'query', type: 'date-time', description: 'The seed’s name for updatedSince' },
];

interface RouteOptions {
  readonly action?: Action;
  readonly params?: readonly ParamSpec[];
  readonly admin?: boolean;
}

function route(
  verb: Verb,
  path: string,
  operationId: string,
  summary: string,
  handle: Handler,
  options: RouteOptions = {},
): RouteSpec {
  const action = options.action ?? (verb === 'list' || verb === 'get' ? READ : WRITE);
  const pathParams = [...path.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) =>
    idParam(m[1] as string, `The ${m[1]}`),
  );
  const hasBody = verb === 'create' || verb === 'update';
  // The resource is the last literal segment; its schemas are in openapi.ts (`clients`, `clients.item`, …).
  const schema = path
    .split('/')
    .filter((s) => s && !s.startsWith('{'))
    .at(-1) as string;
  const answer = verb === 'delete' ? 'deleted' : verb === 'list' ? `${schema}.items` : `${schema}.item`;
  return {
    method: METHOD[verb],
    path,
    operationId,
    summary,
    ...(options.admin ? { roles: ['admin'] } : { action, roles: rolesFor(action) }),
    params: [...pathParams, SOURCE_PARAM, ...(verb === 'list' ? PAGE_PARAMS : []), ...(options.params ?? [])],
    ...(hasBody
      ? {
          body: {
            schema,
            description: 'One object, JSON or XML, bare or as data.item',
            mediaTypes: BODY_TYPES,
            maxBytes: MAX_BODY_BYTES,
          },
        }
      : {}),
    responses: [
      {
        status: verb === 'create' ? 201 : 200,
        description: verb === 'delete' ? 'true' : 'data',
        schema: answer,
      },
      { status: 404, description: 'No such record, or not visible to the caller' },
    ],
    produces: PRODUCES,
    handle,
  };
}

function enrollmentChildRoutes(resource: Resource): RouteSpec[] {
  const base = `/enrollments/{EnrollmentID}/${resource.mapping.resource}`;
  const one = `${base}/{${resource.spec.key}}`;
  const name = resource.mapping.resource;
  const h = childHandlers(resource);
  return [
    route('list', base, `list-${name}`, `The enrollment's ${name}`, h.list),
    route('get', one, `get-${name}`, `One of the enrollment's ${name}`, h.get),
    route('create', base, `create-${name}`, `Add to the enrollment's ${name}`, h.create),
    route('update', one, `update-${name}`, `Change one of the enrollment's ${name}`, h.update),
    route('delete', one, `delete-${name}`, `Soft-delete one of the enrollment's ${name}`, h.remove),
  ];
}

/** Admin-only writes of the HMIS's structure (organizations, projects and their records, users). */
function adminRoutes(resource: Resource, what: string, base: string, inProject = false): RouteSpec[] {
  const w = adminWrites(resource, what, inProject);
  const one = `${base}/{${resource.spec.key}}`;
  const name = resource.mapping.resource;
  const admin = { admin: true };
  return [
    route('create', base, `create-${name}`, `Create a ${what} (admins)`, w.create, admin),
    route('update', one, `update-${name}`, `Change a ${what} (admins)`, w.update, admin),
    route('delete', one, `delete-${name}`, `Soft-delete a ${what} (admins)`, w.remove, admin),
  ];
}

function projectPartRoutes(resource: Resource): RouteSpec[] {
  const base = `/projects/{ProjectID}/${resource.mapping.resource}`;
  const h = underProject(resource);
  const name = resource.mapping.resource;
  return [
    route('list', base, `list-${name}`, `The project's ${name}`, h.list, { action: 'read-projects' }),
    route('get', `${base}/{${resource.spec.key}}`, `get-${name}`, `One of the project's ${name}`, h.get, {
      action: 'read-projects',
    }),
    ...adminRoutes(resource, name.replace(/-/g, ' ').replace(/s$/, '').replace(/ie$/, 'y'), base, true),
  ];
}

const organizations = topLevel(ORGANIZATIONS, 'organization');
const projects = topLevel(PROJECTS, 'project');
const users = topLevel(USERS, 'user');
const PROJECT_READ = { action: 'read-projects' } as const;

export const OPENHMIS_ROUTES: readonly RouteSpec[] = [
  route('list', '/clients', 'getClients', 'All visible clients, or those matching a search', getClients, {
    params: CLIENT_SEARCH,
  }),
  route('create', '/clients', 'createClient', 'Create a client', createClient),
  route('get', '/clients/{PersonalID}', 'getClient', 'One client', getClient),
  route('update', '/clients/{PersonalID}', 'updateClient', 'Change the fields the body names', updateClient),
  route('delete', '/clients/{PersonalID}', 'deleteClient', 'Soft-delete a client', deleteClient),
  route('list', '/enrollments', 'getEnrollments', 'All visible enrollments', getEnrollments, {
    params: [{ ...idParam('personalId', 'Only this client’s'), in: 'query', required: false }],
  }),
  route('create', '/enrollments', 'createEnrollment', 'Create an enrollment', createEnrollment),
  route(
    'get',
    '/enrollments/{EnrollmentID}',
    'getEnrollment',
    'An enrollment with its records',
    getEnrollment,
  ),
  route(
    'update',
    '/enrollments/{EnrollmentID}',
    'updateEnrollment',
    'Change an enrollment',
    updateEnrollment,
  ),
  route(
    'delete',
    '/enrollments/{EnrollmentID}',
    'deleteEnrollment',
    'Soft-delete an enrollment',
    deleteEnrollment,
  ),
  ...CHILDREN.flatMap(enrollmentChildRoutes),
  route(
    'list',
    '/organizations',
    'getOrganizations',
    'Visible organizations',
    organizations.list,
    PROJECT_READ,
  ),
  route(
    'get',
    '/organizations/{OrganizationID}',
    'getOrganization',
    'One organization',
    organizations.get,
    PROJECT_READ,
  ),
  route('list', '/projects', 'getProjects', 'Visible projects', projects.list, PROJECT_READ),
  route('get', '/projects/{ProjectID}', 'getProject', 'One project', projects.get, PROJECT_READ),
  ...adminRoutes(ORGANIZATIONS, 'organization', '/organizations'),
  ...adminRoutes(PROJECTS, 'project', '/projects'),
  ...PROJECT_PARTS.flatMap(projectPartRoutes),
  ...adminRoutes(USERS, 'user', '/users'),
  route('list', '/users', 'getUsers', 'The HMIS users of the data source (admins)', users.list, {
    admin: true,
  }),
  route('get', '/users/{UserID}', 'getUser', 'One HMIS user (admins)', users.get, { admin: true }),
  route('list', '/consents', 'getConsents', 'Consents of the clients the caller may write', getConsents, {
    params: [{ ...idParam('clientId', 'Only this client’s'), in: 'query', required: false }],
  }),
  route(
    'create',
    '/consents',
    'createConsent',
    'Record a consent to share (pending until approved)',
    createConsent,
  ),
  route('get', '/consents/{consentId}', 'getConsent', 'One consent', getConsent),
  route(
    'update',
    '/consents/{consentId}',
    'updateConsent',
    'Change, approve or deny a consent',
    updateConsent,
  ),
  route('delete', '/consents/{consentId}', 'deleteConsent', 'Revoke a consent', deleteConsent),
];
