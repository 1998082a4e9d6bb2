/** The shape of the OpenHMIS mapping tables (see resources.ts). */

/** [OpenHMIS field, FY2026 column]. */
export type FieldPair = readonly [string, string];

export interface ResourceMapping {
  /** Path segment, e.g. `clients`, `chronic-health-conditions`. */
  readonly resource: string;
  readonly table: string;
  /** The OpenHMIS id field (holds the table's key). */
  readonly id: string;
  /** Where the resource lives: top level, under an enrollment, or under a project. */
  readonly parent: 'none' | 'enrollment' | 'project';
  /** The property an enrollment embeds these records under (read-only there). */
  readonly embed?: string;
  /** Only rows whose column holds one of these codes belong to the resource. */
  readonly where?: { readonly column: string; readonly codes: readonly string[] };
  readonly fields: readonly FieldPair[];
  readonly unsupported: readonly string[];
  /** Columns a create fills when the body does not name them (FY2026 elements 2014 lacks). */
  readonly defaults?: Readonly<Record<string, string>>;
}

/** Every record carries these; the server sets them. */
export const STAMPS: readonly FieldPair[] = [
  ['dateCreated', 'DateCreated'],
  ['dateUpdated', 'DateUpdated'],
];
export const UNDER_ENROLLMENT: readonly FieldPair[] = [['enrollmentId', 'EnrollmentID'], ...STAMPS];
