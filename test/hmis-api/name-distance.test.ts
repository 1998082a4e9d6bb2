/** nameDistance (search.ts) against a plain Levenshtein table, on random and on chosen names. */
import { describe, expect, it } from 'vitest';
import { nameDistance } from '../../src/api/hmis-api/search.ts';
import { Random } from '../../src/demo/random.ts';

function levenshtein(a: string, b: string): number {
  const table = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      (table[i] as number[])[j] = Math.min(
        (table[i - 1]?.[j] ?? 0) + 1,
        (table[i]?.[j - 1] ?? 0) + 1,
        (table[i - 1]?.[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
  return table[a.length]?.[b.length] ?? 0;
}

/** What nameDistance promises: the nearer of the whole name and its prefix, capped at max + 1. */
const expected = (q: string, n: string, max: number) =>
  Math.min(levenshtein(q, n), levenshtein(q, n.slice(0, q.length)), max + 1);

describe('nameDistance', () => {
  it('equals the nearer of the whole name and its prefix, capped', () => {
    const cases: [string, string, number][] = [
      ['jhon', 'john', 1],
      ['cariwa', 'caraway', 2],
      ['smith', 'smithson', 2],
      ['smyth', 'smithson', 2],
      ['abcdef', 'ab', 2],
      ['a', 'b', 1],
      ['anna', 'annabelle', 1],
      ['x', 'abcdefghijklmnop', 1],
    ];
    for (const [q, n, max] of cases) expect(nameDistance(q, n, max), `${q} ${n}`).toBe(expected(q, n, max));
  });

  it('agrees with the plain table on 20,000 random pairs', () => {
    const random = new Random(7);
    const word = () =>
      Array.from(
        { length: 1 + Math.floor(random.next() * 12) },
        () => 'abcde'[Math.floor(random.next() * 5)],
      ).join('');
    for (let k = 0; k < 20_000; k++) {
      const [q, n, max] = [word(), word(), 1 + Math.floor(random.next() * 2)];
      expect(nameDistance(q, n, max), `${q} ${n} ${max}`).toBe(expected(q, n, max));
    }
  });

  it('handles names longer than its scratch rows', () => {
    const long = 'a'.repeat(120);
    expect(nameDistance(long, `${long}b`, 2)).toBe(0);
    expect(nameDistance(`${long}x`, `${long}y`, 2)).toBe(1);
  });
});
