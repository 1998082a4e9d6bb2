/**
 * Enrollment and client summaries several scenarios share: an enrollment with its project's name and
 * its exit date (the Reference Guide's example shape), and a client's identifying summary.
 */
import { fieldIndex, table } from '../../model/index.ts';
import { isDeleted } from '../../security/policy.ts';
import type { Row, SourceState } from '../../store/record-state.ts';
import { type JsonRecord, rowJson } from './record-json.ts';
import { part, type RecordPart } from './representations.ts';

const ENROLLMENT = table('Enrollment');
const EXIT = table('Exit');
const PROJECT = table('Project');
const col = {
  enrollmentId: fieldIndex(ENROLLMENT, 'EnrollmentID'),
  projectId: fieldIndex(ENROLLMENT, 'ProjectID'),
  entryDate: fieldIndex(ENROLLMENT, 'EntryDate'),
  exitDate: fieldIndex(EXIT, 'ExitDate'),
  projectName: fieldIndex(PROJECT, 'ProjectName'),
};

/** The enrollment's exit, unless deleted (HUD allows one exit per enrollment; the first one counts). */
export function exitOf(state: SourceState, enrollmentId: string): Row | undefined {
  for (const key of state.childKeys('Exit', 'EnrollmentID', enrollmentId)) {
    const row = state.get('Exit', key);
    if (row && !isDeleted('Exit', row)) return row;
  }
  return undefined;
}

export interface Summary {
  readonly json: JsonRecord;
  readonly records: RecordPart[];
}

/** The columns of an enrollment the 0.5 draft lists for scenario 5 (the rest stays in /csvexport). */
export const ENROLLMENT_COLUMNS = [
  'EnrollmentID',
  'PersonalID',
  'ProjectID',
  'EntryDate',
  'HouseholdID',
  'RelationshipToHoH',
  'EnrollmentCoC',
  'DateCreated',
  'DateUpdated',
] as const;

/**
 * An enrollment as `{EnrollmentID, ProjectID, ProjectName, EntryDate, ExitDate}` (plus `columns` of
 * the Enrollment row when asked), and the records that say the same: the enrollment, its project's
 * name and its exit's date. ExitDate is null while the enrollment is open.
 */
export function enrollmentSummary(
  state: SourceState,
  enrollment: Row,
  columns: readonly string[] = [],
): Summary {
  const enrollmentId = enrollment[col.enrollmentId] ?? '';
  const projectId = enrollment[col.projectId] ?? '';
  const project = state.get('Project', projectId);
  const exit = exitOf(state, enrollmentId);
  const shown = ['EnrollmentID', 'ProjectID', 'EntryDate', ...columns];
  const json: JsonRecord = {
    ...rowJson(ENROLLMENT, enrollment, columns),
    EnrollmentID: enrollmentId,
    ProjectID: projectId,
    ProjectName: project?.[col.projectName] || null,
    EntryDate: enrollment[col.entryDate] || null,
    ExitDate: exit ? exit[col.exitDate] || null : null,
  };
  const records: RecordPart[] = [part('Enrollment', enrollment, shown)];
  if (project) records.push(part('Project', project, ['ProjectID', 'ProjectName']));
  if (exit) records.push(part('Exit', exit, ['ExitID', 'EnrollmentID', 'ExitDate']));
  return { json, records };
}

/** The visible rows among `keys` of `tableName`, via the caller's check. */
export function rowsOf(
  state: SourceState,
  tableName: string,
  keys: Iterable<string>,
  visible: (row: Row) => boolean,
): Row[] {
  const rows: Row[] = [];
  for (const key of keys) {
    const row = state.get(tableName, key);
    if (row && visible(row)) rows.push(row);
  }
  return rows;
}
