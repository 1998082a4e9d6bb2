/**
 * HUD's reference material lives in `shared/` beside the checkout (never inside it): the same
 * layout on a developer's machine and in CI, whatever folder the checkout is in.
 */
import { fileURLToPath } from 'node:url';

/** A path under `../shared/` of the repository root, e.g. `shared('reference/xml')`. */
export const shared = (relative: string): string =>
  fileURLToPath(new URL(`../../../shared/${relative}`, import.meta.url));

export const LSA_SAMPLE_ZIP = shared('data/hud-lsa-sample/Sample-HMIS-Data-FY2026.zip');
