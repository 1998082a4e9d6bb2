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
import { validateOperations } from '../../validate/operations.ts';
import { validateRow } from '../../validate/row.ts';
import { ApiError } from '../errors.ts';
import type { Scoped } from '../hmis-api/common.ts';
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

/**
 * Validates and commits one row of the resource. `stored` is the row it replaces (a PUT or DELETE):
 * then only findings the change introduces refuse it.
 */
export async function commitRow(
  services: ApiServices,
  at: Scoped,
  resource: Resource,
  row: string[],
  stored?: Row,
): Promise<void> {
  const now = new Date();
  const operations: Operation[] = [
    ...apiExportOperations(at.source, at.state, now),
    { op: 'put', source: at.source, table: resource.spec.name, row },
  ];
  const before = new Set(
    stored ? validateRow(resource.spec, stored).map((v) => `${v.column}\u0000${v.rule}`) : [],
  );
  const problems = validateOperations(services.store.records, operations).filter(
    (p) => p.table !== resource.spec.name || !before.has(`${p.column}\u0000${p.rule}`),
  );
  if (problems.length > 0) {
    const fields = problems.map((p) => ({
      field: p.table === resource.spec.name ? fieldName(resource, p.column) : `${p.table}.${p.column}`,
      rule: p.rule,
      message: p.message,
    }));
    throw new ApiError(
      400,
      'validation_failed',
      `the ${resource.mapping.resource} record does not satisfy the FY2026 model`,
      fields,
    );
  }
  await services.store.commit(operations);
}

/** The source must exist before anything can be written into it. */
export function requireSource(services: ApiServices, at: Scoped): void {
  if (!services.store.records.source(at.source))
    throw new ApiError(409, 'conflict', 'the server holds no data source yet: import an export first');
}
