/**
 * Disabilities → Condition: per enrollment and disability type, the latest record decides (by
 * InformationDate, then collection stage); a Condition exists when it says the condition is present.
 */
import {
  DISABILITY_FIELDS as D,
  DISABILITY_TYPE_LIST,
  PRESENT_RESPONSES,
  SUBSTANCE_USE_LIST,
  SUBSTANCE_USE_TYPE,
} from '../../../mappings/fhir/conditions.ts';
import { PROFILE, SYSTEM } from '../../../mappings/fhir/systems.ts';
import type { Row } from '../../store/record-state.ts';
import { type RecordContext, reference } from '../context.ts';
import { fhirId } from '../ids.ts';
import { disabilityKind } from '../kinds.ts';
import type { Resource } from '../types.ts';
import { cell, compact, date, hudCoding, inList, instant } from '../values.ts';

/** Collection stages (5.03.1) in the order they happen: entry, update, annual, exit, post-exit. */
const STAGE_ORDER = ['1', '2', '5', '3', '6'];
const stageRank = (row: Row) => STAGE_ORDER.indexOf(cell(row, D.stage.index));

function isLater(a: Row, b: Row): boolean {
  const [dateA, dateB] = [cell(a, D.informationDate.index), cell(b, D.informationDate.index)];
  if (dateA !== dateB) return dateA > dateB;
  return stageRank(a) > stageRank(b);
}

/** The latest row of each disability type among one enrollment's Disabilities rows. */
export function latestByType(rows: readonly Row[]): Map<string, Row> {
  const latest = new Map<string, Row>();
  for (const row of rows) {
    const type = cell(row, D.type.index);
    const current = latest.get(type);
    if (!current || isLater(row, current)) latest.set(type, row);
  }
  return latest;
}

export function disabilityCondition(context: RecordContext, row: Row): Resource | undefined {
  const type = cell(row, D.type.index);
  const response = cell(row, D.response.index);
  const present = PRESENT_RESPONSES[type] ?? PRESENT_RESPONSES.default ?? [];
  if (!inList(DISABILITY_TYPE_LIST, type) || !present.includes(response)) return undefined;
  const id = fhirId(context.source, cell(row, D.enrollmentId.index), disabilityKind(type));
  const subject = reference(context, 'Patient', cell(row, D.personalId.index));
  if (!id || !subject) return undefined;
  const typeCoding = hudCoding(DISABILITY_TYPE_LIST, type);
  const detail = type === SUBSTANCE_USE_TYPE ? hudCoding(SUBSTANCE_USE_LIST, response) : undefined;
  return compact({
    resourceType: 'Condition',
    id,
    meta: compact({
      lastUpdated: instant(cell(row, D.dateUpdated.index)),
      profile: [PROFILE.conditionProblems],
    }),
    clinicalStatus: { coding: [{ system: SYSTEM.conditionClinical, code: 'active' }] },
    category: [
      {
        coding: [
          { system: SYSTEM.conditionCategory, code: 'problem-list-item', display: 'Problem List Item' },
        ],
      },
    ],
    code: {
      coding: [typeCoding, ...(detail ? [detail] : [])],
      text: detail ? `${typeCoding.display}: ${detail.display}` : typeCoding.display,
    },
    subject,
    recordedDate: date(cell(row, D.informationDate.index)),
  });
}
