/**
 * The search's name rule written out plainly, as the oracle tests compare Hearth with: the whole
 * distance table, no early exits, no shared rows, no index.
 */

/** Optimal string alignment: Levenshtein plus swaps of two adjacent letters. */
export function editDistance(a: string, b: string): number {
  const table = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      (table[i] as number[])[j] = Math.min(
        (table[i - 1]?.[j] ?? 0) + 1,
        (table[i]?.[j - 1] ?? 0) + 1,
        (table[i - 1]?.[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
        i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]
          ? (table[i - 2]?.[j - 2] ?? 0) + 1
          : Number.POSITIVE_INFINITY,
      );
  return table[a.length]?.[b.length] ?? 0;
}

/** Case, accents and everything but letters and digits set aside. */
export const fold = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

/**
 * Whether a search for the name `query` finds a client named `stored`: the same initial, and equal,
 * a prefix, or within one edit (two from five letters on) of the name or of its prefix of the
 * query's length.
 */
export function nameFinds(query: string, stored: string): boolean {
  const [q, n] = [fold(query), fold(stored)];
  if (!q || !n || q[0] !== n[0]) return false;
  const max = q.length >= 5 ? 2 : 1;
  return Math.min(editDistance(q, n), editDistance(q, n.slice(0, q.length))) <= max;
}
