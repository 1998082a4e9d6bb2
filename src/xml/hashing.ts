/**
 * HUD's hashStatus: 1 Unhashed, 2 SHA-1 RHY, 3 Other (agreed between sender and recipient),
 * 4 SHA-256 RHY (FY2022). "SHA-1 RHY": names are the SHA-1 of their SOUNDEX code; an SSN is its
 * last four digits followed by the SHA-1 of the whole SSN.
 */
import { createHash } from 'node:crypto';

export const HASH_STATUS = { unhashed: '1', sha1Rhy: '2', other: '3', sha256Rhy: '4' } as const;

/** The columns hashing applies to, and how. */
export const HASHED_FIELDS: Readonly<Record<string, 'name' | 'ssn'>> = {
  FirstName: 'name',
  MiddleName: 'name',
  LastName: 'name',
  SSN: 'ssn',
};

const SOUNDEX_CODES: Readonly<Record<string, string>> = Object.fromEntries(
  [...'BFPV']
    .map((c) => [c, '1'])
    .concat([...'CGJKQSXZ'].map((c) => [c, '2']))
    .concat(
      [...'DT'].map((c) => [c, '3']),
      [['L', '4']],
      [...'MN'].map((c) => [c, '5']),
      [['R', '6']],
    ),
);

/** American SOUNDEX (the census variant: H and W do not separate equal codes). */
export function soundex(value: string): string {
  const letters = value.toUpperCase().replace(/[^A-Z]/g, '');
  const first = letters[0];
  if (!first) return '';
  let code = first;
  let previous = SOUNDEX_CODES[first] ?? '';
  for (const letter of letters.slice(1)) {
    const digit = SOUNDEX_CODES[letter] ?? '';
    if (digit && digit !== previous) code += digit;
    if (letter !== 'H' && letter !== 'W') previous = digit;
    if (code.length === 4) break;
  }
  return code.padEnd(4, '0');
}

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

/** The SHA-1 RHY form of a plain value. */
export function hashSha1Rhy(kind: 'name' | 'ssn', value: string): string {
  if (kind === 'name') return sha1(soundex(value));
  return `${value.slice(-4)}${sha1(value)}`;
}

/** True when a value has the shape SHA-1 RHY gives (so it is never taken for a real name). */
export function looksSha1Rhy(kind: 'name' | 'ssn', value: string): boolean {
  return kind === 'name' ? /^[0-9a-fA-F]{40}$/.test(value) : /^[0-9x]{4}[0-9a-fA-F]{40}$/.test(value);
}
