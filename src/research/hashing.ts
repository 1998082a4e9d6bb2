/**
 * Hashing of person-level identifiers for the research graph, after the HUD HMIS XML "SHA-1 RHY"
 * rules (hashStatus): a name becomes the SHA-1 of its SOUNDEX code; an SSN becomes its last four
 * digits, unhashed, followed by the SHA-1 of the full SSN (44 characters).
 *
 * With a per-installation secret salt, every SHA-1 above is an HMAC-SHA-1 keyed by the salt instead:
 * the output has the same shape, but a dictionary of SOUNDEX codes (under 9,000 of them) or of all
 * 10^9 SSNs no longer reverses it, and hashes are comparable only within one installation (see
 * README, "SPARQL"). Record keys (PersonalID, EnrollmentID, …) become pseudonyms the same way.
 */
import { createHash, createHmac } from 'node:crypto';

export interface Hasher {
  /** 40 hex digits: SHA-1 (no salt) or HMAC-SHA-1 keyed by the salt. */
  sha1(text: string): string;
  readonly salted: boolean;
}

export function hasher(salt?: string): Hasher {
  if (salt) {
    return { salted: true, sha1: (text) => createHmac('sha1', salt).update(text, 'utf8').digest('hex') };
  }
  return { salted: false, sha1: (text) => createHash('sha1').update(text, 'utf8').digest('hex') };
}

const SOUNDEX_CODES: Readonly<Record<string, string>> = {
  B: '1',
  F: '1',
  P: '1',
  V: '1',
  C: '2',
  G: '2',
  J: '2',
  K: '2',
  Q: '2',
  S: '2',
  X: '2',
  Z: '2',
  D: '3',
  T: '3',
  L: '4',
  M: '5',
  N: '5',
  R: '6',
};

/**
 * American SOUNDEX (as in the US census): the first letter, then the codes of the following
 * consonants, adjacent equal codes once (also across H and W, not across vowels), padded with 0 to
 * four characters. Letters outside A–Z (after removing accents) are ignored; '' when none is left.
 */
export function soundex(name: string): string {
  const letters = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
  const first = letters[0];
  if (!first) return '';
  let code = first;
  let previous = SOUNDEX_CODES[first] ?? '';
  for (const letter of letters.slice(1)) {
    const digit = SOUNDEX_CODES[letter];
    if (digit) {
      if (digit !== previous) code += digit;
      if (code.length === 4) break;
      previous = digit;
    } else if (letter !== 'H' && letter !== 'W') {
      previous = ''; // a vowel (or Y) separates equal codes
    }
  }
  return code.padEnd(4, '0');
}

/** HUD's hashed name: SHA-1 of the SOUNDEX code; undefined for an empty name. */
export function hashName(h: Hasher, name: string): string | undefined {
  const code = soundex(name);
  return code ? h.sha1(code) : undefined;
}

/** HUD's hashed SSN: last four characters unhashed, then SHA-1 of the full SSN; undefined if empty. */
export function hashSsn(h: Hasher, ssn: string): string | undefined {
  const value = ssn.trim();
  if (!value) return undefined;
  return `${value.slice(-4)}${h.sha1(value)}`;
}
