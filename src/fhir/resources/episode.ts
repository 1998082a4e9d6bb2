/** Enrollment → EpisodeOfCare, Organization → Organization, Project → HealthcareService. */
import {
  EPISODE_FIELDS as E,
  EPISODE_STATUS,
  ORGANIZATION_FIELDS as O,
  PROJECT_FIELDS as P,
} from '../../../mappings/fhir/episode-of-care.ts';
import { PROFILE } from '../../../mappings/fhir/systems.ts';
import type { Row } from '../../store/record-state.ts';
import { identifierSystem, type RecordContext, reference } from '../context.ts';
import { fhirId } from '../ids.ts';
import type { CodeableConcept, Resource } from '../types.ts';
import { cell, compact, date, hudConcept, inList, instant } from '../values.ts';

const PROJECT_TYPE_LIST = P.projectType.codeList ?? '2.02.6';

export function projectTypeConcept(project: Row | undefined): CodeableConcept | undefined {
  const code = cell(project, P.projectType.index);
  return code && inList(PROJECT_TYPE_LIST, code) ? hudConcept(PROJECT_TYPE_LIST, code) : undefined;
}

/** The later of two HUD date-times (rows are compared as text: HUD's format sorts). */
const later = (a: string, b: string): string => (b > a ? b : a);

export interface EpisodeRows {
  readonly enrollment: Row;
  readonly exit: Row | undefined;
  readonly project: Row | undefined;
}

export function episodeResource(context: RecordContext, rows: EpisodeRows): Resource | undefined {
  const { enrollment, exit, project } = rows;
  const id = fhirId(context.source, cell(enrollment, E.enrollmentId.index));
  const patient = reference(context, 'Patient', cell(enrollment, E.personalId.index));
  if (!id || !patient) return undefined;
  const organizationId = cell(project, P.organizationId.index);
  const exitDate = date(cell(exit, E.exitDate.index));
  const type = projectTypeConcept(project);
  const updated = later(cell(enrollment, E.dateUpdated.index), cell(exit, E.exitUpdated.index));
  return compact({
    resourceType: 'EpisodeOfCare',
    id,
    meta: compact({ lastUpdated: instant(updated) }),
    identifier: [
      { system: identifierSystem(context, 'Enrollment'), value: cell(enrollment, E.enrollmentId.index) },
    ],
    status: exitDate ? EPISODE_STATUS.exited : EPISODE_STATUS.open,
    type: type ? [type] : [],
    patient,
    managingOrganization: organizationId ? reference(context, 'Organization', organizationId) : undefined,
    period: compact({ start: date(cell(enrollment, E.entryDate.index)), end: exitDate }),
  });
}

export function organizationResource(context: RecordContext, row: Row): Resource | undefined {
  const key = cell(row, O.organizationId.index);
  const id = fhirId(context.source, key);
  if (!id) return undefined;
  const alias = cell(row, O.commonName.index);
  return compact({
    resourceType: 'Organization',
    id,
    meta: compact({ lastUpdated: instant(cell(row, O.dateUpdated.index)), profile: [PROFILE.organization] }),
    identifier: [{ system: identifierSystem(context, 'Organization'), value: key }],
    active: true,
    name: cell(row, O.name.index),
    alias: alias ? [alias] : [],
  });
}

/** Active while the project operates: no OperatingEndDate, or one not yet past. */
const operating = (project: Row, today: string): boolean => {
  const end = cell(project, P.operatingEnd.index);
  return !end || end >= today;
};

export function healthcareServiceResource(
  context: RecordContext,
  row: Row,
  today: string,
): Resource | undefined {
  const key = cell(row, P.projectId.index);
  const id = fhirId(context.source, key);
  if (!id) return undefined;
  const type = projectTypeConcept(row);
  const commonName = cell(row, P.commonName.index);
  return compact({
    resourceType: 'HealthcareService',
    id,
    meta: compact({ lastUpdated: instant(cell(row, P.dateUpdated.index)) }),
    identifier: [{ system: identifierSystem(context, 'Project'), value: key }],
    active: operating(row, today),
    providedBy: reference(context, 'Organization', cell(row, P.organizationId.index)),
    type: type ? [type] : [],
    name: cell(row, P.name.index),
    comment: commonName || undefined,
  });
}
