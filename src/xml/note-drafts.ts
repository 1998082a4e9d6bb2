/**
 * Notes (notes.ts) as an import collects them, per row: kept elements, extensions, hash status,
 * and for the Export, its element name and the records with no FY2026 table. They become notes
 * bound to the rows' final values once the document is read.
 */
import type { XmlVersion } from './mapping.ts';
import type { KeptElement, RecordNote } from './notes.ts';

interface Draft {
  hash?: Record<string, string>;
  kept?: KeptElement[];
  extensions?: { record: string; xml: string }[];
  exportElement?: { qname: string; uri: string };
  records?: string[];
}

/** The Export's notes are collected before its ExportID is known. */
const PENDING_EXPORT = 'Export\u0000#pending';

export class NoteDrafts {
  /** `Record element` → how many were kept for want of an FY2026 field (reported as warnings). */
  readonly keptCounts = new Map<string, number>();
  private readonly drafts = new Map<string, Draft>();

  private draft(table: string, key: string): Draft {
    const id = `${table}\u0000${key}`;
    let draft = this.drafts.get(id);
    if (!draft) {
      draft = {};
      this.drafts.set(id, draft);
    }
    return draft;
  }

  /** Keeps an element; `quietly` for what is no news to the user (a sub-record's timestamps). */
  keep(table: string, key: string, kept: KeptElement, quietly = false): void {
    const draft = this.draft(table, key);
    draft.kept ??= [];
    draft.kept.push(kept);
    if (quietly) return;
    const label = `${kept.record} ${kept.name}`;
    this.keptCounts.set(label, (this.keptCounts.get(label) ?? 0) + 1);
  }

  extension(table: string, key: string, record: string, xml: string): void {
    const draft = this.draft(table, key);
    draft.extensions ??= [];
    draft.extensions.push({ record, xml });
  }

  exportExtension(xml: string): void {
    this.extension('Export', '#pending', 'Export', xml);
  }

  exportRecord(xml: string): void {
    const draft = this.draft('Export', '#pending');
    draft.records ??= [];
    draft.records.push(xml);
  }

  exportElement(qname: string, uri: string): void {
    this.draft('Export', '#pending').exportElement = { qname, uri };
  }

  /** The Export's ExportID is known now: its notes move to it. */
  settleExport(key: string): void {
    const pending = this.drafts.get(PENDING_EXPORT);
    if (!pending) return;
    this.drafts.delete(PENDING_EXPORT);
    this.drafts.set(`Export\u0000${key}`, pending);
  }

  hash(table: string, key: string, field: string, status: string): void {
    const draft = this.draft(table, key);
    draft.hash = { ...draft.hash, [field]: status };
  }

  /** Every hash status given to a field of the table. */
  hashStatuses(table: string): string[] {
    return [...this.drafts.entries()]
      .filter(([id]) => id.startsWith(`${table}\u0000`))
      .flatMap(([, d]) => Object.values(d.hash ?? {}));
  }

  notes(
    version: XmlVersion,
    rowOf: (table: string, key: string) => readonly string[] | undefined,
    digest: (row: readonly string[]) => string,
  ): Record<string, RecordNote> {
    const notes: Record<string, RecordNote> = {};
    for (const [id, draft] of this.drafts) {
      const [table = '', key = ''] = id.split('\u0000');
      const row = rowOf(table, key);
      if (row) notes[id] = { digest: digest(row), version, ...draft };
    }
    return notes;
  }
}
