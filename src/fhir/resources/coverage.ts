/**
 * IncomeBenefits health insurance (4.04) → US Core Coverage, per client and insurance source. "No
 * insurance from any source" becomes a self-pay Coverage. A stored Medicaid member ID becomes the
 * Medicaid Coverage's identifier (type MB) and subscriberId.
 */
import {
  COVERAGE_FIELDS as C,
  INSURANCE_SOURCES,
  type InsuranceSource,
  NO,
  NO_INSURANCE,
  YES,
} from '../../../mappings/fhir/coverage.ts';
import { PROFILE, SYSTEM } from '../../../mappings/fhir/systems.ts';
import type { Row } from '../../store/record-state.ts';
import { type RecordContext, reference } from '../context.ts';
import { fhirId } from '../ids.ts';
import { coverageKind, KIND } from '../kinds.ts';
import type { Reference, Resource } from '../types.ts';
import { cell, compact, instant } from '../values.ts';

const isLater = (a: Row, b: Row) =>
  `${cell(a, C.informationDate.index)} ${cell(a, C.dateUpdated.index)}` >
  `${cell(b, C.informationDate.index)} ${cell(b, C.dateUpdated.index)}`;

/** The latest row with a value in column `index`, among a client's IncomeBenefits rows. */
function latestAnswer(rows: readonly Row[], index: number): Row | undefined {
  let latest: Row | undefined;
  for (const row of rows) if (cell(row, index) !== '' && (!latest || isLater(row, latest))) latest = row;
  return latest;
}

interface CoverageSpec {
  readonly kind: string;
  readonly sopt: string;
  readonly text: string;
  readonly payor: Reference;
  readonly medicaid: boolean;
}

/** `row`: the IncomeBenefits record it comes from (none for a draft); `status` draft asks the payer to check. */
function coverage(
  context: RecordContext,
  personalId: string,
  row: Row | undefined,
  spec: CoverageSpec,
  status: 'active' | 'draft' = 'active',
) {
  const id = fhirId(context.source, personalId, spec.kind);
  const beneficiary = reference(context, 'Patient', personalId);
  if (!id || !beneficiary) return undefined;
  const memberId = spec.medicaid ? context.memberId(personalId) : undefined;
  return compact({
    resourceType: 'Coverage',
    id,
    // US Core Coverage needs a member ID (us-core-15): without one Hearth claims no profile.
    meta: compact({
      lastUpdated: instant(cell(row, C.dateUpdated.index)),
      profile: memberId ? [PROFILE.coverage] : [],
    }),
    identifier: memberId
      ? [
          {
            type: { coding: [{ system: SYSTEM.identifierType, code: 'MB', display: 'Member Number' }] },
            system: context.options.medicaidSystem,
            value: memberId,
          },
        ]
      : [],
    status,
    type: { coding: [{ system: SYSTEM.sopt, code: spec.sopt }], text: spec.text },
    subscriberId: memberId,
    beneficiary,
    relationship: { coding: [{ system: SYSTEM.subscriberRelationship, code: 'self', display: 'Self' }] },
    payor: [spec.payor],
  });
}

const sourceSpec = (source: InsuranceSource): CoverageSpec => ({
  kind: coverageKind(source.field.field),
  sopt: source.sopt,
  text: source.payer,
  payor: { display: source.payer },
  medicaid: source.medicaid === true,
});

/**
 * A client's Coverages from its (visible) IncomeBenefits rows. The latest record that answers
 * "insurance from any source" decides: 1 → one Coverage per source marked yes in it; 0 → self-pay;
 * 8, 9, 99 → nothing (an older yes is not carried past a newer answer).
 */
export function coverageResources(
  context: RecordContext,
  personalId: string,
  rows: readonly Row[],
): Resource[] {
  const latest = latestAnswer(rows, NO_INSURANCE.field.index);
  const answer = cell(latest, NO_INSURANCE.field.index);
  if (!latest) return [];
  if (answer === NO) {
    const patient = reference(context, 'Patient', personalId);
    const spec = { kind: KIND.noInsurance, sopt: NO_INSURANCE.sopt, text: 'No health insurance (self-pay)' };
    const resource =
      patient && coverage(context, personalId, latest, { ...spec, payor: patient, medicaid: false });
    return resource ? [resource] : [];
  }
  if (answer !== YES) return [];
  const resources: Resource[] = [];
  for (const source of INSURANCE_SOURCES) {
    if (cell(latest, source.field.index) !== YES) continue;
    const resource = coverage(context, personalId, latest, sourceSpec(source));
    if (resource) resources.push(resource);
  }
  return resources;
}

const MEDICAID = INSURANCE_SOURCES.find((s) => s.medicaid) as InsuranceSource;

/** The client's Medicaid Coverage as a `draft` for a payer to check, when HMIS records none. */
export function draftMedicaidCoverage(context: RecordContext, personalId: string): Resource | undefined {
  return coverage(context, personalId, undefined, sourceSpec(MEDICAID), 'draft');
}

/** The id the client's Medicaid Coverage has, recorded or draft. */
export const medicaidCoverageId = (source: string, personalId: string): string | undefined =>
  fhirId(source, personalId, coverageKind(MEDICAID.field.field));
