/**
 * What every HTTP surface that writes records shares (the HUD HMIS API, OpenHMIS): the server's
 * date-time stamp, JSON values as CSV cells, and the `hearth-api` Export row that API writes point
 * to (every record needs an ExportID that names an Export.csv row; see hmis-api/DEVIATIONS.md).
 */
import { type FieldSpec, fieldIndex, table } from '../model/index.ts';
import type { Operation } from '../store/operations.ts';
import type { Row, SourceState } from '../store/record-state.ts';
import { ApiError, type FieldError } from './errors.ts';
import { isCalendarDate } from './router.ts';

export const API_EXPORT_ID = 'hearth-api';
const EXPORT = table('Export');

/** `YYYY-MM-DD hh:mm:ss` in UTC: HUD's CSV date-time form. */
export const timestamp = (now = new Date()): string => now.toISOString().slice(0, 19).replace('T', ' ');

/** One JSON value as a CSV cell, or a FieldError (named `name`, default the column) for the wrong JSON type. */
export function jsonCell(field: FieldSpec, value: unknown, name = field.name): string | FieldError {
  const wrong = (expected: string): FieldError => ({ field: name, rule: 'type', message: expected });
  if (value === null) return '';
  switch (field.type.kind) {
    case 'integer':
      return Number.isSafeInteger(value) ? String(value) : wrong('an integer or null');
    case 'money':
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : wrong('a number or null');
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? value : wrong('a date YYYY-MM-DD or null');
    default:
      return typeof value === 'string' ? value : wrong('a string or null');
  }
}

/** The put of the `hearth-api` Export row when the source lacks it, from its latest Export row. */
export function apiExportOperations(source: string, state: SourceState, now: Date): Operation[] {
  if (state.get('Export', API_EXPORT_ID)) return [];
  const latest = latestExport(state);
  if (!latest) throw new ApiError(409, 'conflict', 'the data source has no Export.csv row to write under');
  const set = (name: string, value: string) => {
    latest[fieldIndex(EXPORT, name)] = value;
  };
  const day = timestamp(now).slice(0, 10);
  set('ExportID', API_EXPORT_ID);
  set('ExportDate', timestamp(now));
  set('ExportStartDate', day);
  set('ExportEndDate', day);
  set('SoftwareName', 'Hearth HMIS API');
  set('ExportPeriodType', '4'); // Other
  set('ExportDirective', '1'); // Delta refresh
  return [{ op: 'put', source, table: 'Export', row: latest }];
}

function latestExport(state: SourceState): string[] | undefined {
  const date = fieldIndex(EXPORT, 'ExportDate');
  let latest: Row | undefined;
  for (const row of state.table('Export').rows.values())
    if (!latest || (row[date] ?? '') > (latest[date] ?? '')) latest = row;
  return latest ? [...latest] : undefined;
}
