/**
 * Writes through OpenHMIS: a new row from a body, a changed row from a PUT (fields the body does not
 * name stay as they are), and DELETE as a soft delete (DateDeleted, so exports and audit keep the
 * history). Validation is the model's, strictly, as for the HMIS API: a create must satisfy every
 * FY2026 rule; a change is refused only for findings it introduces (imports keep data-quality
 * findings). Findings name OpenHMIS fields; values are never echoed.
 */
import crypto from 'node:crypto';
import { fieldIndex } from '../../model/index.ts';
import type { Operation } from '../../store/operations.ts';
import type { Row } from '../../store/record-state.ts';
import { introducedProblems, type OperationProblem } from '../../validate/operations.ts';
import { ApiError } from '../errors.ts';
import { type Scoped, scoped } from '../hmis-api/common.ts';
import { API_EXPORT_ID, apiExportOperations, timestamp } from '../record-writes.ts';
import type { ApiServices, RouteRequest } from '../route-spec.ts';
import { fieldName, type Resource } from './records.ts';

export const newId = (): string => crypto.randomUUID().replace(/-/g, '');

function setter(resource: Resource, row: string[]) {
  return (column: string, value: string) => {
    row[fieldIndex(resource.spec, column)] = value;
  };
}

/** A new row: the body's cells, `links` (parent keys), a fresh key, the server's stamps. */
export function newRow(
  resource: Resource,
  request: RouteRequest,
  cells: ReadonlyMap<string, string>,
  links: Readonly<Record<string, string>>,
  now: Date,
): string[] {
  const row: string[] = new Array(resource.spec.fields.length).fill('');
  const set = setter(resource, row);
  const where = resource.mapping.where;
  if (where) set(where.column, where.codes[0] ?? '');
  for (const [column, value] of Object.entries(resource.mapping.defaults ?? {})) set(column, value);
  for (const [column, value] of cells) set(column, value);
  for (const [column, value] of Object.entries(links)) set(column, value);
  const key = newId();
  set(resource.spec.key, key);
  // The audit line names the record the request creates; its outcome says whether it was stored.
  request.auditRecord(resource.spec.key, key);
  set('DateCreated', timestamp(now));
  set('ExportID', API_EXPORT_ID);
  return stamp(resource, row, request, now);
}

export function changedRow(
  resource: Resource,
  stored: Row,
  cells: ReadonlyMap<string, string>,
  request: RouteRequest,
  now: Date,
): string[] {
  const row = [...stored];
  const set = setter(resource, row);
  for (const [column, value] of cells) set(column, value);
  return stamp(resource, row, request, now);
}

export function deletedRow(resource: Resource, stored: Row, request: RouteRequest, now: Date): string[] {
  const row = stamp(resource, [...stored], request, now);
  setter(resource, row)('DateDeleted', timestamp(now));
  return row;
}

function stamp(resource: Resource, row: string[], request: RouteRequest, now: Date): string[] {
  const set = setter(resource, row);
  set('DateUpdated', timestamp(now));
  // UserID is S32; principal names are at most 64 characters.
  set('UserID', request.principal.name.slice(0, 32));
  return row;
}

/** A row to commit and, for a PUT or DELETE, the row it replaces. */
export interface RowChange {
  readonly row: string[];
  readonly stored?: Row;
}

/**
 * Validates and commits one row of the resource, which `change` computes in the commit queue from a
 * fresh view of the records (see Change in store/operations.ts): a PUT or DELETE reads the row it
 * replaces after every earlier write, so it cannot undo a concurrent one. `change` may throw (a
 * 404, a 400) and nothing is written. A replaced row's own findings do not refuse the change; only
 * those it introduces do. Resolves with the committed row.
 */
export async function commitRow(
  services: ApiServices,
  request: RouteRequest,
  resource: Resource,
  change: (at: Scoped) => RowChange,
): Promise<string[]> {
  let committed: string[] = [];
  await services.store.commit((records) => {
    const at = scoped(request, services);
    const { row, stored } = change(at);
    const operations: Operation[] = [
      ...apiExportOperations(at.source, at.state, new Date()),
      { op: 'put', source: at.source, table: resource.spec.name, row },
    ];
    const problems = introducedProblems(records, operations, resource.spec, stored);
    if (problems.length > 0) throw validationFailed(resource, problems);
    committed = row;
    return operations;
  });
  return committed;
}

function validationFailed(resource: Resource, problems: readonly OperationProblem[]): ApiError {
  const fields = problems.map((p) => ({
    field: p.table === resource.spec.name ? fieldName(resource, p.column) : `${p.table}.${p.column}`,
    rule: p.rule,
    message: p.message,
  }));
  return new ApiError(
    400,
    'validation_failed',
    `the ${resource.mapping.resource} record does not satisfy the FY2026 model`,
    fields,
  );
}

/** The source must exist before anything can be written into it. */
export function requireSource(services: ApiServices, at: Scoped): void {
  if (!services.store.records.source(at.source))
    throw new ApiError(409, 'conflict', 'the server holds no data source yet: import an export first');
}
