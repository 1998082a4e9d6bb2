/**
 * The HUD HMIS API (Reference Guide baseline scenarios; HUD's OpenAPI draft 0.5) as a route table,
 * served under /api/v1. Paths, parameter and field names are the draft's, with its defects fixed as
 * listed in DEVIATIONS.md (next to this file). The router (api/router.ts) enforces everything stated
 * here: authentication, the policy action, parameter types and code lists, bodies and media types.
 */
import { type Action, rolesFor } from '../../security/policy.ts';
import type { ParamSpec, RouteSpec } from '../route-spec.ts';
import { getChanges, getClientChanges } from './changes.ts';
import { getClient, getClientEnrollments } from './client-read.ts';
import { createClient, updateClient } from './client-write.ts';
import { getClients, SCAN_BUDGET, SCAN_MS } from './clients.ts';
import { SOURCE_PARAM } from './common.ts';
import { getCsvExport, ZIP } from './csv-export.ts';
import { IMPORT_ROUTES } from './imports.ts';
import { PAGE_PARAMS } from './paging.ts';
import { getProjectClients, getProjects } from './projects.ts';
import { DATA_TYPES } from './representations.ts';
import { searchClients } from './search.ts';
import { getClientServices } from './services.ts';

const id = (name: string, where: 'path' | 'query', description: string): ParamSpec => ({
  name,
  in: where,
  type: 'string',
  maxLength: 32,
  ...(where === 'path' ? { required: true } : {}),
  description,
});
/** A date parameter; `notBefore` names the start of the range it ends (see ParamSpec). */
const date = (name: string, description: string, notBefore?: string): ParamSpec => ({
  name,
  in: 'query',
  type: 'date',
  description,
  ...(notBefore ? { notBefore } : {}),
});
const dateTime = (name: string, description: string): ParamSpec => ({
  name,
  in: 'query',
  type: 'date-time',
  description,
});
const code = (name: string, codeList: string, description: string): ParamSpec => ({
  name,
  in: 'query',
  type: 'integer',
  codeList,
  description,
});
const access = (action: Action) => ({ action, roles: rolesFor(action) });

const PERSONAL_ID = id('PersonalID', 'path', 'The client (HUD 5.08)');
const ENTRY_DATE = date('EntryDate', 'Keep enrollments that began on or after this date (3.10)');
const EXIT_DATE = date(
  'ExitDate',
  'Keep enrollments that ended on or before this date (3.11); open ones do not',
  'EntryDate',
);
const FUNDER = code('Funder', '2.06.1', 'Keep projects with a funder record of this funding source (2.06.1)');
const PROJECT_TYPE = code('ProjectType', '2.02.6', 'Keep projects of this type (2.02.6)');
const SINCE = dateTime('since', `Changes at or after this moment (default: 30 days ago); no zone means UTC`);
const CLIENT_ETAG = "The client record's version (its columns as the caller sees them), for If-Match";
const NOT_FOUND = { status: 404, description: 'No such record, or not visible to the caller' } as const;
const LIMIT_ONLY = PAGE_PARAMS.filter((p) => p.name === 'limit');

export const HMIS_API_ROUTES: readonly RouteSpec[] = [
  {
    method: 'post',
    path: '/client/search',
    operationId: 'clientSearch',
    summary: 'Search clients by PersonalID, name (prefix, typo-tolerant), DOB or year, SSN or last four',
    description: 'Criteria go in the body so that no identifying value appears in a URL or a log.',
    scenario: 1,
    ...access('read-pii'),
    params: [SOURCE_PARAM, ...LIMIT_ONLY],
    body: {
      schema: 'ClientSearchQuery',
      description: 'PersonalID, FirstName, LastName, DOB, SSN: any of them',
    },
    responses: [{ status: 200, description: 'Matching clients, best first', schema: 'ClientSearchResult' }],
    produces: DATA_TYPES,
    handle: searchClients,
  },
  {
    method: 'post',
    path: '/client',
    operationId: 'postClient',
    summary: 'Create a client; the server assigns PersonalID, DateCreated, DateUpdated, UserID, ExportID',
    scenario: 2,
    ...access('write-client'),
    params: [SOURCE_PARAM],
    body: { table: 'Client', description: 'Client.csv columns (null or absent for empty)' },
    responses: [
      { status: 201, description: 'The created client', table: 'Client', headers: { ETag: CLIENT_ETAG } },
      { status: 422, description: 'The record breaks an FY2026 type, code list or rule' },
    ],
    produces: DATA_TYPES,
    handle: createClient,
  },
  {
    method: 'patch',
    path: '/client/{PersonalID}',
    operationId: 'updateClient',
    summary: 'Change some columns of a client (null clears one); PersonalID cannot change',
    scenario: 3,
    ...access('write-client'),
    params: [
      PERSONAL_ID,
      SOURCE_PARAM,
      {
        name: 'If-Match',
        in: 'header',
        type: 'string',
        maxLength: 512,
        description:
          'The ETag of the client as last read: the change applies only if it is still current (412 otherwise)',
      },
    ],
    body: {
      table: 'Client',
      partial: true,
      description: 'The Client.csv columns to change',
      // The body is an RFC 7396 merge patch (null clears a column), so its media type is accepted too.
      mediaTypes: ['application/json', 'application/merge-patch+json'],
    },
    responses: [
      { status: 200, description: 'The client as stored', table: 'Client', headers: { ETag: CLIENT_ETAG } },
      NOT_FOUND,
      { status: 412, description: 'If-Match names no longer the client as stored: GET it again' },
      { status: 422, description: 'The change breaks an FY2026 type, code list or rule' },
    ],
    produces: DATA_TYPES,
    handle: updateClient,
  },
  {
    method: 'get',
    path: '/client/{PersonalID}',
    operationId: 'getClient',
    summary: "A client's record with the enrollments the caller may see",
    scenario: 3,
    ...access('read-pii'),
    params: [PERSONAL_ID, SOURCE_PARAM],
    responses: [
      {
        status: 200,
        description: 'Client.csv columns and the visible enrollments',
        schema: 'ClientWithEnrollments',
        headers: { ETag: CLIENT_ETAG },
      },
      NOT_FOUND,
    ],
    produces: DATA_TYPES,
    handle: getClient,
  },
  {
    method: 'get',
    path: '/project/{ProjectID}/clients',
    operationId: 'getClientsByProject',
    summary: "A project's clients, one item per enrollment",
    scenario: 4,
    ...access('read-pii'),
    params: [
      id('ProjectID', 'path', 'The project (2.02.1)'),
      ENTRY_DATE,
      EXIT_DATE,
      SOURCE_PARAM,
      ...PAGE_PARAMS,
    ],
    responses: [
      { status: 200, description: 'One item per enrollment', schema: 'ProjectClientList' },
      NOT_FOUND,
    ],
    produces: DATA_TYPES,
    handle: getProjectClients,
  },
  {
    method: 'get',
    path: '/client/{PersonalID}/enrollments',
    operationId: 'getClientEnrollments',
    summary: "A client's enrollments, oldest first",
    scenario: 5,
    ...access('read-pii'),
    params: [
      PERSONAL_ID,
      id('ProjectID', 'query', 'Keep enrollments in this project (2.02.1)'),
      ENTRY_DATE,
      EXIT_DATE,
      SOURCE_PARAM,
      ...PAGE_PARAMS,
    ],
    responses: [{ status: 200, description: 'The enrollments', schema: 'EnrollmentList' }, NOT_FOUND],
    produces: DATA_TYPES,
    handle: getClientEnrollments,
  },
  {
    method: 'get',
    path: '/projects',
    operationId: 'getProjects',
    summary: 'Projects by funding source, project type, CoC and operating dates',
    scenario: 6,
    ...access('read-projects'),
    params: [
      FUNDER,
      PROJECT_TYPE,
      {
        name: 'CocCode',
        in: 'query',
        type: 'string',
        pattern: '[A-Z]{2}-[0-9]{3}',
        maxLength: 6,
        description: 'Keep projects with this CoC (2.03.1)',
      },
      date('OperatingStartDate', 'Keep projects that began operating on or after this date (2.02.3)'),
      date(
        'OperatingEndDate',
        'Keep projects that stopped operating on or before this date (2.02.4)',
        'OperatingStartDate',
      ),
      SOURCE_PARAM,
      ...PAGE_PARAMS,
    ],
    responses: [{ status: 200, description: 'Project.csv records', schema: 'ProjectList' }],
    produces: DATA_TYPES,
    handle: getProjects,
  },
  {
    method: 'get',
    path: '/clients',
    operationId: 'getClients',
    summary: 'Clients with enrollments in projects by funding source and project type',
    scenario: 8,
    ...access('read-pii'),
    params: [
      FUNDER,
      PROJECT_TYPE,
      ENTRY_DATE,
      EXIT_DATE,
      date(
        'ActiveOn',
        'Keep enrollments active that day: EntryDate on or before it, no exit or ExitDate after it',
      ),
      SOURCE_PARAM,
      ...PAGE_PARAMS,
    ],
    responses: [
      {
        status: 200,
        description:
          'Clients with their matching enrollments. When most clients qualify a page examines at most ' +
          `${SCAN_BUDGET.toLocaleString('en-US')} clients, for about ${SCAN_MS} ms, so with selective date filters it may hold ` +
          'fewer than `limit` items, even none, before the list ends: follow `nextCursor` until it is absent',
        schema: 'ClientList',
      },
    ],
    produces: DATA_TYPES,
    handle: getClients,
  },
  {
    method: 'get',
    path: '/client/{PersonalID}/changes',
    operationId: 'getClientChanges',
    summary: "Changes to a client's data: the client, enrollments, exits and every record under them",
    scenario: 10,
    ...access('read-pii'),
    params: [PERSONAL_ID, SINCE, SOURCE_PARAM, ...PAGE_PARAMS],
    responses: [{ status: 200, description: 'The changes, oldest first', schema: 'ChangeList' }, NOT_FOUND],
    produces: DATA_TYPES,
    handle: getClientChanges,
  },
  {
    method: 'get',
    path: '/changes',
    operationId: 'getChanges',
    summary: 'Changes to the data of every client the caller may see, oldest first, cursor-paged',
    scenario: 10,
    ...access('read-pii'),
    params: [SINCE, SOURCE_PARAM, ...PAGE_PARAMS],
    responses: [{ status: 200, description: 'The changes, oldest first', schema: 'ChangeList' }],
    produces: DATA_TYPES,
    handle: getChanges,
  },
  {
    method: 'get',
    path: '/client/{PersonalID}/services',
    operationId: 'getClientServices',
    summary: "All of a person's services (every dated record under their enrollments), oldest first",
    scenario: 11,
    ...access('read-pii'),
    params: [
      PERSONAL_ID,
      date('from', 'Keep records dated on or after this day'),
      date('to', 'Keep records dated on or before this day', 'from'),
      SOURCE_PARAM,
      ...PAGE_PARAMS,
    ],
    responses: [{ status: 200, description: 'The records, oldest first', schema: 'ServiceList' }, NOT_FOUND],
    produces: DATA_TYPES,
    handle: getClientServices,
  },
  {
    method: 'get',
    path: '/csvexport',
    operationId: 'getCsvExport',
    summary: 'The FY2026 CSV files as JSON keyed by file name, or (Accept: application/zip) a CSV zip',
    scenario: 11,
    ...access('export'),
    params: [
      id('PersonalID', 'query', 'Keep one client and the records under their enrollments'),
      ENTRY_DATE,
      EXIT_DATE,
      dateTime('changedSince', 'Keep rows whose DateUpdated is at or after this moment'),
      dateTime('changedUntil', 'Keep rows whose DateUpdated is at or before this moment'),
      SOURCE_PARAM,
    ],
    responses: [{ status: 200, description: 'Rows per FY2026 CSV file', schema: 'CsvExport' }, NOT_FOUND],
    produces: [...DATA_TYPES, ZIP],
    handle: getCsvExport,
  },
  ...IMPORT_ROUTES,
];
