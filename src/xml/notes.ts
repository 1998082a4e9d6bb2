/**
 * What an HMIS XML document holds that the FY2026 tables cannot: per-field hash status, elements
 * with no FY2026 home, elements in other namespaces (extensions), whole records of groups FY2026
 * dropped, and the Export element's own name when an extension schema renamed it.
 *
 * Kept next to the record log in `xml-notes.json` (written atomically, before the import's
 * transaction commits). Each note carries a digest of the row it was written for: a note whose
 * row has since changed (another import, an API write) no longer applies and is ignored, so a
 * note can be stale only in the safe direction.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { replaceFile } from '../store/replace-file.ts';
import type { XmlVersion } from './mapping.ts';

export interface KeptElement {
  /** The record element it came from (e.g. `EntryRHY`) and the element or `@attribute`. */
  readonly record: string;
  readonly name: string;
  readonly value: string;
}

export interface RecordNote {
  readonly digest: string;
  readonly version: XmlVersion;
  /** Model field → HUD hashStatus code (1 Unhashed, 2 SHA-1 RHY, 3 Other, 4 SHA-256). */
  readonly hash?: Readonly<Record<string, string>>;
  readonly kept?: readonly KeptElement[];
  /** Serialized foreign-namespace elements, per record element, in document order. */
  readonly extensions?: readonly { readonly record: string; readonly xml: string }[];
  /** Export notes only: the Export element's name and namespace, and records with no FY2026 table. */
  readonly exportElement?: { readonly qname: string; readonly uri: string };
  readonly records?: readonly string[];
}

export type SourceNotes = Record<string, RecordNote>;

const FILE = 'xml-notes.json';

export const noteKey = (table: string, key: string): string => `${table}\u0000${key}`;
export const rowDigest = (row: readonly string[]): string =>
  createHash('sha1').update(JSON.stringify(row)).digest('hex');

export function readNotes(dir: string): Record<string, SourceNotes> {
  const file = path.join(dir, FILE);
  if (!fs.existsSync(file)) return {};
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, SourceNotes>;
}

/** The note for a stored row, if it was written for exactly this row. */
export function noteFor(
  notes: SourceNotes | undefined,
  table: string,
  key: string,
  row: readonly string[],
): RecordNote | undefined {
  const note = notes?.[noteKey(table, key)];
  return note && note.digest === rowDigest(row) ? note : undefined;
}

/** Replaces (full refresh) or merges (delta) one source's notes, atomically and durably. */
export function writeNotes(dir: string, source: string, notes: SourceNotes, replace: boolean): void {
  const all = readNotes(dir);
  all[source] = replace ? notes : { ...(all[source] ?? {}), ...notes };
  if (Object.keys(all[source] ?? {}).length === 0) delete all[source];
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  replaceFile(path.join(dir, FILE), JSON.stringify(all));
}
