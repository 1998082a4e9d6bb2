/**
 * Where Hearth departs from HUD's machine-readable FY2026 CSV specification, and why. Each entry
 * is backed by the HMIS Data Standards and by HUD's own sample export; the README lists them.
 */
export interface NullabilityCorrection {
  readonly table: string;
  readonly field: string;
  readonly reason: string;
}

export const NULLABLE_CORRECTIONS: readonly NullabilityCorrection[] = [
  {
    table: 'Enrollment',
    field: 'EnrollmentCoC',
    // The rules file requires it for heads of household (RelationshipToHoH = 1).
    reason:
      'Data element 3.16 (Enrollment CoC) is collected for the head of household only; HUD’s sample ' +
      'export leaves it empty for all 3,861 other household members.',
  },
];
