/**
 * IncomeBenefits health insurance (element 4.04, not 4.03 as HUD's draft has it) → US Core
 * Coverage, with Source of Payment Typology codes. HMIS records yes/no per source only, so a
 * Coverage carries type, status, beneficiary and relationship; the payer is named by display only,
 * and the member ID comes from the stored Medicaid member ID (identifier type MB) when known.
 */
import { type FieldRef, field } from './fields.ts';

export interface InsuranceSource {
  readonly field: FieldRef;
  /** Source of Payment Typology code (https://nahdo.org/sopt). */
  readonly sopt: string;
  /** The payer as Coverage.payor's display. */
  readonly payer: string;
  /** The member ID identifier applies (Medicaid only). */
  readonly medicaid?: boolean;
}

const source = (name: string, sopt: string, payer: string, medicaid = false): InsuranceSource => ({
  field: field('IncomeBenefits', name),
  sopt,
  payer,
  ...(medicaid ? { medicaid } : {}),
});

export const INSURANCE_SOURCES: readonly InsuranceSource[] = [
  source('Medicaid', '2', 'Medicaid', true),
  source('Medicare', '1', 'Medicare'),
  source('SCHIP', '23', "State Children's Health Insurance Program"),
  source('VHAServices', '32', 'Veterans Health Administration'),
  source('EmployerProvided', '5', 'Employer-provided health insurance'),
  source('COBRA', '5', 'Health insurance through COBRA'),
  source('PrivatePay', '5', 'Private pay health insurance'),
  source('StateHealthIns', '36', 'State health insurance for adults'),
  source('IndianHealthServices', '33', 'Indian Health Services program'),
];

/** InsuranceFromAnySource = 0 (no insurance) → a self-pay Coverage (SOPT 81), payer the patient. */
export const NO_INSURANCE = { field: field('IncomeBenefits', 'InsuranceFromAnySource'), sopt: '81' } as const;

export const COVERAGE_FIELDS = {
  incomeBenefitsId: field('IncomeBenefits', 'IncomeBenefitsID'),
  enrollmentId: field('IncomeBenefits', 'EnrollmentID'),
  informationDate: field('IncomeBenefits', 'InformationDate'),
  stage: field('IncomeBenefits', 'DataCollectionStage'),
  dateUpdated: field('IncomeBenefits', 'DateUpdated'),
} as const;

export const YES = '1';
export const NO = '0';
