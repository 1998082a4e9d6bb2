/**
 * A client's full record, read straight from the in-memory indexes: the Client row, and per
 * enrollment the Enrollment row and every row under it (Exit, IncomeBenefits, …, and the
 * questions and results of its assessments). This is the REST surfaces' point lookup.
 */
import { fieldIndex, TABLES, type TableSpec, table } from '../model/index.ts';
import type { Row, SourceState } from './record-state.ts';

export interface EnrollmentRecord {
  readonly enrollment: Row;
  /** Table name → rows of that table under this enrollment. */
  readonly records: ReadonlyMap<string, readonly Row[]>;
}

export interface ClientRecord {
  readonly client: Row;
  readonly enrollments: readonly EnrollmentRecord[];
}

const UNDER_ENROLLMENT: readonly TableSpec[] = TABLES.filter((spec) =>
  spec.links.some((link) => link.table === 'Enrollment'),
);
const ENROLLMENT_KEY = fieldIndex(table('Enrollment'), 'EnrollmentID');
const ASSESSMENT_KEY = fieldIndex(table('Assessment'), 'AssessmentID');
const UNDER_ASSESSMENT: readonly TableSpec[] = TABLES.filter((spec) =>
  spec.links.some((link) => link.table === 'Assessment'),
);

function rows(source: SourceState, tableName: string, keys: Iterable<string>): Row[] {
  const found: Row[] = [];
  for (const key of keys) {
    const row = source.get(tableName, key);
    if (row) found.push(row);
  }
  return found;
}

export function clientRecord(source: SourceState, personalId: string): ClientRecord | undefined {
  const client = source.get('Client', personalId);
  if (!client) return undefined;
  const enrollmentKeys = source.childKeys('Enrollment', 'PersonalID', personalId);
  const enrollments = rows(source, 'Enrollment', enrollmentKeys).map((enrollment) => {
    const enrollmentId = enrollment[ENROLLMENT_KEY] ?? '';
    const records = new Map<string, Row[]>();
    for (const spec of UNDER_ENROLLMENT) {
      const under = rows(source, spec.name, source.childKeys(spec.name, 'EnrollmentID', enrollmentId));
      if (under.length > 0) records.set(spec.name, under);
      if (spec.name !== 'Assessment') continue;
      for (const assessment of under) {
        for (const child of UNDER_ASSESSMENT) {
          const keys = source.childKeys(child.name, 'AssessmentID', assessment[ASSESSMENT_KEY] ?? '');
          const found = rows(source, child.name, keys);
          if (found.length > 0) records.set(child.name, [...(records.get(child.name) ?? []), ...found]);
        }
      }
    }
    return { enrollment, records };
  });
  return { client, enrollments };
}
