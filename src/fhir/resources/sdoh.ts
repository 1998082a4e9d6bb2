/**
 * Homelessness evidence of an enrollment → SDOHCC Condition, the LOINC 71802-3 housing-status
 * Observation and the program-enrollment Observation; current living situations (4.12) → more
 * housing-status Observations. The rules are the table in mappings/fhir/sdoh.ts.
 */

import { EPISODE_FIELDS } from '../../../mappings/fhir/episode-of-care.ts';
import { hudLabel } from '../../../mappings/fhir/fields.ts';
import {
  CURRENT_LIVING_SITUATION_FIELDS as CLS,
  HOMELESSNESS_RULES,
  HOUSING_STATUS,
  type HomelessnessRule,
  LIVING_SITUATION_LIST,
  PROGRAM_ENROLLMENT,
  SDOH_FIELDS as S,
  SDOH_CATEGORY_DISPLAY,
} from '../../../mappings/fhir/sdoh.ts';
import { PROFILE, SYSTEM } from '../../../mappings/fhir/systems.ts';
import type { Row } from '../../store/record-state.ts';
import { type RecordContext, reference } from '../context.ts';
import { fhirId } from '../ids.ts';
import { KIND } from '../kinds.ts';
import type { CodeableConcept, Resource } from '../types.ts';
import { cell, compact, date, hudCoding, inList, instant } from '../values.ts';
import { type EpisodeRows, projectTypeConcept } from './episode.ts';

export function homelessnessRule(rows: EpisodeRows): HomelessnessRule | undefined {
  const livingSituation = cell(rows.enrollment, S.livingSituation.index);
  const projectType = cell(rows.project, S.projectType.index);
  const movedIn = cell(rows.enrollment, S.moveInDate.index) !== '';
  return HOMELESSNESS_RULES.find((rule) => {
    if (rule.evidence === 'living-situation') return rule.codes.includes(livingSituation);
    if (rule.evidence === 'moved-in') return movedIn && rule.codes.includes(projectType);
    return rule.codes.includes(projectType);
  });
}

const SDOH_CATEGORY: CodeableConcept = {
  coding: [{ system: SYSTEM.usCoreCategory, code: 'sdoh', display: 'SDOH' }],
};

export function homelessnessCondition(context: RecordContext, rows: EpisodeRows): Resource | undefined {
  const rule = homelessnessRule(rows);
  const enrollmentId = cell(rows.enrollment, S.enrollmentId.index);
  const id = fhirId(context.source, enrollmentId, KIND.homelessness);
  const subject = reference(context, 'Patient', cell(rows.enrollment, S.personalId.index));
  if (!rule || !id || !subject) return undefined;
  const exitDate = date(cell(rows.exit, S.exitDate.index));
  const onset =
    rule.evidence === 'moved-in'
      ? date(cell(rows.enrollment, S.moveInDate.index))
      : date(cell(rows.enrollment, S.entryDate.index));
  const codings = [
    { system: SYSTEM.icd10cm, ...rule.icd10cm },
    ...(rule.snomed ? [{ system: SYSTEM.snomed, ...rule.snomed }] : []),
  ];
  return compact({
    resourceType: 'Condition',
    id,
    meta: compact({
      lastUpdated: instant(cell(rows.enrollment, S.dateUpdated.index)),
      profile: [PROFILE.sdohCondition],
    }),
    // An exit closes the episode the evidence came from; it does not say the person is housed.
    clinicalStatus: {
      coding: [{ system: SYSTEM.conditionClinical, code: exitDate ? 'inactive' : 'active' }],
    },
    category: [
      {
        coding: [
          { system: SYSTEM.usCoreConditionCategory, code: 'health-concern', display: 'Health Concern' },
        ],
      },
      SDOH_CATEGORY,
      {
        coding: [
          { system: SYSTEM.sdohcc, code: rule.category, display: SDOH_CATEGORY_DISPLAY[rule.category] },
        ],
      },
    ],
    code: { coding: codings, text: rule.icd10cm.display },
    subject,
    onsetDateTime: onset,
    abatementDateTime: exitDate,
    recordedDate: date(cell(rows.enrollment, S.entryDate.index)),
  });
}

function housingStatusValue(situation: string): CodeableConcept | undefined {
  if (!situation || !inList(LIVING_SITUATION_LIST, situation)) return undefined;
  if ((HOUSING_STATUS.silent as readonly string[]).includes(situation)) return undefined;
  const homeless = (HOUSING_STATUS.homelessSituations as readonly string[]).includes(situation);
  return {
    coding: [
      ...(homeless ? [{ system: SYSTEM.loinc, ...HOUSING_STATUS.homelessAnswer }] : []),
      hudCoding(LIVING_SITUATION_LIST, situation),
    ],
    text: hudLabel(LIVING_SITUATION_LIST, situation),
  };
}

function housingStatus(
  id: string | undefined,
  context: RecordContext,
  personalId: string,
  situation: string,
  effective: string,
  updated: string,
): Resource | undefined {
  const value = housingStatusValue(situation);
  const subject = reference(context, 'Patient', personalId);
  if (!id || !value || !subject) return undefined;
  return compact({
    resourceType: 'Observation',
    id,
    meta: compact({ lastUpdated: instant(updated), profile: [PROFILE.sdohObservation] }),
    status: 'final',
    category: [
      { coding: [{ system: SYSTEM.observationCategory, code: 'social-history', display: 'Social History' }] },
      SDOH_CATEGORY,
    ],
    code: { coding: [{ system: SYSTEM.loinc, ...HOUSING_STATUS.code }], text: HOUSING_STATUS.code.display },
    subject,
    effectiveDateTime: date(effective),
    valueCodeableConcept: value,
  });
}

/** The prior living situation (3.917.1) of an enrollment, as of its entry date. */
export function priorLivingSituation(context: RecordContext, rows: EpisodeRows): Resource | undefined {
  const enrollment = rows.enrollment;
  return housingStatus(
    fhirId(context.source, cell(enrollment, S.enrollmentId.index), KIND.housingStatus),
    context,
    cell(enrollment, S.personalId.index),
    cell(enrollment, S.livingSituation.index),
    cell(enrollment, S.entryDate.index),
    cell(enrollment, S.dateUpdated.index),
  );
}

export function currentLivingSituation(context: RecordContext, row: Row): Resource | undefined {
  return housingStatus(
    fhirId(context.source, cell(row, CLS.id.index), KIND.currentLivingSituation),
    context,
    cell(row, CLS.personalId.index),
    cell(row, CLS.situation.index),
    cell(row, CLS.informationDate.index),
    cell(row, CLS.dateUpdated.index),
  );
}

/** SDOHCC program-enrollment status: enrolled in the project over the episode's period. */
export function programEnrollment(context: RecordContext, rows: EpisodeRows): Resource | undefined {
  const enrollmentId = cell(rows.enrollment, S.enrollmentId.index);
  const id = fhirId(context.source, enrollmentId, KIND.programEnrollment);
  const subject = reference(context, 'Patient', cell(rows.enrollment, S.personalId.index));
  const projectId = cell(rows.enrollment, EPISODE_FIELDS.projectId.index);
  const focus = reference(context, 'HealthcareService', projectId);
  const code = projectTypeConcept(rows.project);
  if (!id || !subject || !code) return undefined;
  return compact({
    resourceType: 'Observation',
    id,
    // The SDOHCC program-enrollment profile's shape, without claiming it: its value sets are still in ballot.
    meta: compact({ lastUpdated: instant(cell(rows.enrollment, S.dateUpdated.index)) }),
    status: 'final',
    category: [SDOH_CATEGORY, { coding: [{ system: SYSTEM.sdohcc, ...PROGRAM_ENROLLMENT.category }] }],
    code,
    subject,
    focus: focus ? [focus] : [],
    effectivePeriod: compact({
      start: date(cell(rows.enrollment, S.entryDate.index)),
      end: date(cell(rows.exit, S.exitDate.index)),
    }),
    valueCodeableConcept: { coding: [{ system: SYSTEM.sdohcc, ...PROGRAM_ENROLLMENT.value }] },
  });
}
