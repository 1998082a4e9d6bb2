/**
 * OpenHMIS API v3 (HUD 2014 data standards, camelCase names) ↔ Hearth's FY2026 model, per resource.
 *
 * Each entry names the FY2026 table a resource lives in, the rows of that table it covers (`where`:
 * e.g. chronic health conditions are the Disabilities rows with DisabilityType 7; a create sets the
 * first code unless the body names another), and its fields as [OpenHMIS name, FY2026 column].
 * Four resources are views of one IncomeBenefits row (income, non-cash benefits, insurance, medical
 * assistance), as FY2026 collects them together; two (project-cocs, sites) of one ProjectCoC row.
 * Code values are FY2026's (most 2014 codes are the same numbers; where HUD renumbered, the model's
 * list is the one checked).
 * `unsupported` lists 2014 fields FY2026 has no home for: requests may carry them, responses report
 * them under `data.unsupported`, and nothing is stored. test/openhmis/mapping.test.ts checks every
 * column named here against src/model.
 */
import { ENROLLMENT_CHILDREN } from './enrollment-records.ts';
import { CLIENT, ENROLLMENT } from './people.ts';
import { ORGANIZATION, PROJECT, PROJECT_CHILDREN, USER } from './structure.ts';
import type { ResourceMapping } from './types.ts';

export { ENROLLMENT_CHILDREN } from './enrollment-records.ts';
export { CLIENT, ENROLLMENT } from './people.ts';
export { ORGANIZATION, PROJECT, PROJECT_CHILDREN, USER } from './structure.ts';
export type { FieldPair, ResourceMapping } from './types.ts';

export const RESOURCES: readonly ResourceMapping[] = [
  CLIENT,
  ENROLLMENT,
  ...ENROLLMENT_CHILDREN,
  ORGANIZATION,
  PROJECT,
  ...PROJECT_CHILDREN,
  USER,
];
