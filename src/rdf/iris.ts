/**
 * Record IRIs: `{base}/{source}/{segment}/{key}`. Each data source (one HMIS export) is its own
 * named graph, `{base}/{source}`, so keys from two sources never collide.
 */
import { findTableBySegment, type TableSpec } from '../model/index.ts';

export const DEFAULT_BASE_IRI = 'http://localhost:8080/id';

/** Source ids appear in IRIs and file names: lower-case letters, digits, `-`, `_`, `.`. */
export const SOURCE_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function sourceIdFrom(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '')
    .slice(0, 64);
}

export const graphIri = (base: string, source: string): string => `${base}/${source}`;

/** What every record IRI of one table of one source starts with: `{base}/{source}/{segment}/`. */
export const recordIriPrefix = (base: string, source: string, spec: TableSpec): string =>
  `${base}/${source}/${spec.segment}/`;

export const recordIri = (base: string, source: string, spec: TableSpec, key: string): string =>
  recordIriPrefix(base, source, spec) + encodeURIComponent(key);

/** The inverse of `recordIri`, or undefined when the IRI is not a Hearth record IRI under `base`. */
export function parseRecordIri(
  base: string,
  iri: string,
): { source: string; table: TableSpec; key: string } | undefined {
  // Indexes rather than split: answers hold thousands of IRIs to read back.
  if (!iri.startsWith(base) || iri[base.length] !== '/') return undefined;
  const sourceEnd = iri.indexOf('/', base.length + 1);
  const segmentEnd = sourceEnd < 0 ? -1 : iri.indexOf('/', sourceEnd + 1);
  if (segmentEnd < 0 || iri.indexOf('/', segmentEnd + 1) >= 0) return undefined;
  const source = iri.slice(base.length + 1, sourceEnd);
  const table = findTableBySegment(iri.slice(sourceEnd + 1, segmentEnd));
  const key = iri.slice(segmentEnd + 1);
  if (!source || !table) return undefined;
  const decoded = decodeKey(key);
  return decoded === undefined ? undefined : { source, table, key: decoded };
}

/** A key as written in a record IRI, decoded; undefined when its escapes are malformed. */
export function decodeKey(encoded: string): string | undefined {
  if (!encoded.includes('%')) return encoded; // the common case: nothing to decode
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}
