/**
 * HMIS Enrollment (3.10, 3.11, 5.06) → EpisodeOfCare; Organization (2.01) → Organization;
 * Project (2.02) → HealthcareService. Status: no exit → `active`, an exit → `finished`;
 * period = EntryDate..ExitDate; type = the project's ProjectType as a coding of HUD list 2.02.6
 * (all fifteen codes, 0–14: the model's list, not a copy).
 */
import { field } from './fields.ts';

export const EPISODE_FIELDS = {
  enrollmentId: field('Enrollment', 'EnrollmentID'),
  personalId: field('Enrollment', 'PersonalID'),
  projectId: field('Enrollment', 'ProjectID'),
  entryDate: field('Enrollment', 'EntryDate'),
  dateUpdated: field('Enrollment', 'DateUpdated'),
  exitDate: field('Exit', 'ExitDate'),
  exitUpdated: field('Exit', 'DateUpdated'),
} as const;

export const EPISODE_STATUS = { open: 'active', exited: 'finished' } as const;

export const PROJECT_FIELDS = {
  projectId: field('Project', 'ProjectID'),
  organizationId: field('Project', 'OrganizationID'),
  name: field('Project', 'ProjectName'),
  commonName: field('Project', 'ProjectCommonName'),
  operatingStart: field('Project', 'OperatingStartDate'),
  operatingEnd: field('Project', 'OperatingEndDate'),
  projectType: field('Project', 'ProjectType'),
  dateUpdated: field('Project', 'DateUpdated'),
} as const;

export const ORGANIZATION_FIELDS = {
  organizationId: field('Organization', 'OrganizationID'),
  name: field('Organization', 'OrganizationName'),
  commonName: field('Organization', 'OrganizationCommonName'),
  dateUpdated: field('Organization', 'DateUpdated'),
} as const;
