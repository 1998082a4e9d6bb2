/** What every benchmark here shares: HUD's sample, nearest-rank percentiles, millisecond formatting. */
import { fileURLToPath } from 'node:url';

/** HUD's reference material, in `shared/` beside the checkout. */
export const shared = (relative: string): string =>
  fileURLToPath(new URL(`../../shared/${relative}`, import.meta.url));

export const LSA_SAMPLE_ZIP = shared('data/hud-lsa-sample/Sample-HMIS-Data-FY2026.zip');

/** The nearest-rank percentile (`p` in percent) of `values`; undefined for no values. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** `3.14 ms`, `42.0 ms`; `—` for no value. */
export const ms = (n: number | undefined): string =>
  n === undefined ? '—' : `${n.toFixed(n < 10 ? 2 : 1)} ms`;

/**
 * The median of `a[i] / b[i]`: how much slower `a` is than `b`, for measurements taken in pairs, side
 * by side in time, so that the machine's drift cancels within each pair.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number | undefined {
  const ratios = a.flatMap((x, i) => (b[i] ? [x / (b[i] as number)] : []));
  return percentile(ratios, 50);
}
