/**
 * Conditional writes (RFC 9110 §13): a record's entity tag, and whether an If-Match header lets a
 * write go ahead. The tag is the version of the record's columns as the caller sees them, the same
 * in every representation, as FHIR's versionId is; it changes with every write (DateUpdated does)
 * and says nothing about columns the caller may not see.
 */
import crypto from 'node:crypto';

/** A strong entity tag of a record's visible cells. */
export function entityTag(cells: readonly string[]): string {
  const digest = crypto.createHash('sha256').update(cells.join('\u001f'), 'utf8').digest('base64url');
  return `"${digest.slice(0, 22)}"`;
}

/**
 * Whether `If-Match` lets a write to a record whose tag is `current` proceed: absent, `*` (the record
 * exists, which the caller has checked), or a list naming `current`. The comparison is strong, so a
 * weak tag (`W/"…"`) never matches, and a malformed header matches nothing.
 */
export function ifMatchHolds(header: string | undefined, current: string): boolean {
  if (header === undefined) return true;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim() === current);
}
