/**
 * FHIR logical ids for Hearth records. A record is (source, table, key) and a FHIR id is at most 64
 * characters of [A-Za-z0-9.-], so an id is `{source}.{key}`, with a kind segment for resources
 * derived from a record (`{source}.{kind}.{key}`, e.g. a Condition per disability type). Source
 * ids are lower-case [a-z0-9._-] (`_` becomes `-`); a key outside [A-Za-z0-9-] is written as
 * `x.{hex of its UTF-8}`. Parsing tries the sources the store holds, so no table of ids is kept.
 */
import { TYPE_KINDS } from './kinds.ts';

export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const PLAIN_KEY = /^[A-Za-z0-9-]+$/;

export const sourceToken = (source: string): string => source.replace(/_/g, '-');

export function keyToken(key: string): string {
  return PLAIN_KEY.test(key) ? key : `x.${Buffer.from(key, 'utf8').toString('hex')}`;
}

/** The id, or undefined when it would not fit FHIR's 64 characters (such a record has no FHIR id). */
export function fhirId(source: string, key: string, kind?: string): string | undefined {
  const id = [sourceToken(source), ...(kind ? [kind] : []), keyToken(key)].join('.');
  return id.length <= 64 ? id : undefined;
}

export interface ParsedId {
  readonly source: string;
  readonly kind: string | undefined;
  readonly key: string;
}

function parseKey(parts: readonly string[]): string | undefined {
  if (parts.length === 1 && PLAIN_KEY.test(parts[0] ?? '')) return parts[0];
  if (parts.length === 2 && parts[0] === 'x' && /^(?:[0-9a-f]{2})+$/.test(parts[1] ?? '')) {
    const key = Buffer.from(parts[1] ?? '', 'hex').toString('utf8');
    return keyToken(key) === parts.join('.') ? key : undefined;
  }
  return undefined;
}

/**
 * The record an id names, among `sources`, for a resource type (which fixes the kinds allowed):
 * undefined for an id that no source and kind can have made.
 */
export function parseFhirId(type: string, id: string, sources: Iterable<string>): ParsedId | undefined {
  if (!FHIR_ID.test(id)) return undefined;
  const kinds = TYPE_KINDS[type] ?? [];
  for (const source of sources) {
    const prefix = `${sourceToken(source)}.`;
    if (!id.startsWith(prefix)) continue;
    const parts = id.slice(prefix.length).split('.');
    const kind = parts.length > 1 && kinds.includes(parts[0] ?? '') ? parts[0] : undefined;
    if (kind === undefined && !kinds.includes('')) continue;
    const key = parseKey(kind === undefined ? parts : parts.slice(1));
    if (key !== undefined) return { source, kind, key };
  }
  return undefined;
}
