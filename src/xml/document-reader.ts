/**
 * Turns a streamed HMIS XML document into FY2026 rows, driven only by the mapping tables
 * (mapping.ts): each record element fills the row its `keyFrom` element names, children go to
 * the fields the mapping derives, the rest is kept in notes (notes.ts). Rows are checked later by
 * the same validator as CSV rows; this module only reports what is XML-specific (a record without
 * its key, two records disagreeing about one field, a link a lookup cannot follow).
 */
import { COMBINED_CODES, type CombinedCode } from '../../mappings/xml/records.ts';
import type { ImportIssue } from '../ingest/report.ts';
import { fieldIndex, table as modelTable, type TableSpec } from '../model/index.ts';
import { HASHED_FIELDS, looksSha1Rhy } from './hashing.ts';
import { attributeField, codeToXml, exportFieldOf, type RecordView, type VersionView } from './mapping.ts';
import { NoteDrafts } from './note-drafts.ts';
import type { RecordNote } from './notes.ts';
import type { XmlHandler, XmlOpen } from './reader.ts';
import { applyImportDefaults, markHashed, toModelValue } from './row-values.ts';
import { childText, serializeNode, subtreeCollector, type XmlNode } from './xml-tree.ts';

export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export interface CollectedRow {
  readonly line: number;
  readonly values: string[];
  /** Fields filled from a sub-record's metadata, which the record's own element overrides. */
  weak?: Set<number>;
}

export class DocumentReader {
  readonly rows = new Map<string, Map<string, CollectedRow>>();
  readonly issues: ImportIssue[] = [];
  readonly warnings: string[] = [];
  /** Per record element: how many records, and elements kept for want of an FY2026 field. */
  readonly counts = new Map<string, number>();
  readonly drafts = new NoteDrafts();
  private readonly lookupKeys = new Map<string, Record<string, string>>();
  private readonly ownKeys = new Map<string, Set<string>>();
  /** Rows a record of their own filled, and rows only sub-records (ExitRHY, …) filled so far. */
  private readonly owned = new Set<CollectedRow>();
  private readonly folded = new Map<CollectedRow, { element: string; line: number; keyFrom: string }>();
  private source = new Map<string, string>();
  private exportKey = '';
  private exportRows = new Set<CollectedRow>();
  private readonly collector;

  constructor(
    readonly view: VersionView,
    private readonly fileLabel: string,
  ) {
    this.collector = subtreeCollector(4, (node) => this.exportChild(node));
  }

  handler(): XmlHandler {
    return {
      open: (element, depth) => {
        if (depth === 3 && element.local === 'Export') this.startExport(element);
        this.collector.open(element, depth);
      },
      close: (element, text, depth) => {
        this.collector.close(element, text, depth);
        if (depth === 3 && element.local !== 'Export' && element.uri === this.view.namespace)
          this.source.set(element.local, text.trim());
        if (depth === 3 && element.local === 'Export') this.endExport(element);
        if (depth === 2) this.source = new Map();
      },
    };
  }

  private startExport(element: XmlOpen): void {
    this.exportKey = '';
    this.exportRows = new Set();
    if (element.uri !== this.view.namespace) this.drafts.exportElement(element.qname, element.uri);
  }

  private issue(table: string, line: number, column: string, value: string, rule: string, message: string) {
    this.issues.push({ file: `${this.fileLabel} <${table}>`, row: line, column, value, rule, message });
  }

  private table(name: string): Map<string, CollectedRow> {
    let rows = this.rows.get(name);
    if (!rows) {
      rows = new Map();
      this.rows.set(name, rows);
    }
    return rows;
  }

  private row(spec: TableSpec, key: string, line: number): CollectedRow {
    const rows = this.table(spec.name);
    let row = rows.get(key);
    if (!row) {
      row = { line, values: spec.fields.map(() => '') };
      row.values[fieldIndex(spec, spec.key)] = key;
      rows.set(key, row);
    }
    return row;
  }

  private set(view: RecordView, row: CollectedRow, field: string, value: string, line: number, weak = false) {
    const index = fieldIndex(view.spec, field);
    const current = row.values[index] ?? '';
    if (weak) {
      if (current === '') {
        row.values[index] = value;
        row.weak ??= new Set();
        row.weak.add(index);
      }
      return;
    }
    if (row.weak?.delete(index)) {
      row.values[index] = value;
      return;
    }
    if (current !== '' && current !== value) {
      this.issue(
        view.mapping.element,
        line,
        field,
        value,
        'conflict',
        `${field} ${value} disagrees with ${current} given for the same ${view.spec.name} on line ${row.line}`,
      );
      return;
    }
    row.values[index] = value;
  }

  private exportChild(node: XmlNode): void {
    const { local, uri, line } = node.open;
    if (uri !== this.view.namespace) {
      this.drafts.exportExtension(serializeNode(node));
      return;
    }
    const record = this.view.byElement.get(local);
    if (record) {
      this.record(record, node);
      return;
    }
    if (local === 'ExportID') this.exportKey = node.text.trim();
    if (this.view.exportChildren.some((e) => e.name === local)) {
      const leaves = node.children.length > 0 ? node.children : [node];
      for (const leaf of leaves) {
        const field = exportFieldOf(leaf.open.local);
        if (field) this.source.set(field, leaf.text.trim());
      }
      return;
    }
    this.counts.set(local, (this.counts.get(local) ?? 0) + 1);
    this.drafts.exportRecord(serializeNode(node));
    if ((this.counts.get(local) ?? 0) === 1)
      this.warnings.push(`${this.fileLabel}: <${local}> records have no FY2026 table; kept with the export`);
    void line;
  }

  private record(view: RecordView, node: XmlNode): void {
    const { element, keyFrom } = view.mapping;
    this.counts.set(element, (this.counts.get(element) ?? 0) + 1);
    const given = childText(node, keyFrom);
    if (given === undefined) {
      this.issue(element, node.open.line, keyFrom, '', 'required', `<${element}> has no <${keyFrom}>`);
      return;
    }
    if (given === '') {
      // HUD's own example has an empty <UserID/>: no row can be keyed on it, so it is kept as is.
      this.drafts.exportRecord(serializeNode(node));
      this.warnings.push(
        `${this.fileLabel} line ${node.open.line}: <${element}> has an empty <${keyFrom}>; kept with the export, not imported`,
      );
      return;
    }
    const key = this.ownKey(view, given, node.open.line);
    const row = this.row(view.spec, key, node.open.line);
    this.exportRows.add(row);
    const sub = view.mapping.ownId !== undefined && view.mapping.ownId !== view.mapping.keyFrom;
    if (sub) this.folded.set(row, { element, line: node.open.line, keyFrom });
    else this.owned.add(row);
    for (const attribute of node.open.attributes) {
      if (attribute.uri === XSI) continue;
      const field = attribute.uri === this.view.namespace ? attributeField(attribute.local) : undefined;
      const kept = { record: element, name: `@${attribute.local}`, value: attribute.value };
      // A sub-record (ClientVeteranInfo in Client, …) has its own metadata: kept, and used only
      // where the record itself gives none.
      if (sub) this.drafts.keep(view.spec.name, key, kept, true);
      if (!field || !view.spec.fields.some((f) => f.name === field)) {
        if (!sub) this.drafts.keep(view.spec.name, key, kept);
        continue;
      }
      this.set(
        view,
        row,
        field,
        toModelValue(this.view.version, view.spec, field, attribute.value),
        node.open.line,
        sub,
      );
    }
    const combined = COMBINED_CODES[this.view.version].find(
      (c) =>
        c.table === view.spec.name &&
        !c.exportOnly &&
        Object.entries(c.xml).every(([e, v]) => childText(node, e) === v),
    );
    for (const child of node.children) this.field(view, row, key, child, combined);
    for (const [field, value] of Object.entries(combined?.model ?? {}))
      row.values[fieldIndex(view.spec, field)] = value;
  }

  /**
   * HUD's schema declares keys for a few record types only; HUD's own example repeats a FunderID.
   * A repeated key of a record type without xs:key gets a suffix (reported) so that no record
   * overwrites another.
   */
  private ownKey(view: RecordView, given: string, line: number): string {
    if (view.mapping.keyFrom !== view.spec.key && view.mapping.keyFrom !== `${view.mapping.element}ID`)
      return given;
    if (view.mapping.ownId && view.mapping.ownId !== view.mapping.keyFrom) return given;
    const seen = this.ownKeys.get(view.mapping.element) ?? new Set<string>();
    this.ownKeys.set(view.mapping.element, seen);
    let key = given;
    for (let n = 2; seen.has(key); n++) key = `${given}~${n}`;
    seen.add(key);
    if (key !== given) {
      const keyed = this.view.exportDecl.keys?.some((k) => k.selector === view.mapping.element);
      if (keyed)
        this.issue(
          view.mapping.element,
          line,
          view.mapping.keyFrom,
          given,
          'duplicateKey',
          `${view.mapping.keyFrom} ${given} appears twice`,
        );
      else
        this.warnings.push(
          `${this.fileLabel} line ${line}: ${view.mapping.keyFrom} ${given} repeats; imported as ${key}`,
        );
    }
    return key;
  }

  private field(
    view: RecordView,
    row: CollectedRow,
    key: string,
    child: XmlNode,
    combined?: CombinedCode,
  ): void {
    const { local, uri, line } = child.open;
    const element = view.mapping.element;
    if (uri !== this.view.namespace) {
      this.drafts.extension(view.spec.name, key, element, serializeNode(child));
      return;
    }
    if (local === view.mapping.ownId && local !== view.mapping.keyFrom) return;
    if (local === view.mapping.keyFrom && view.fieldOf.get(local) === view.spec.key) return; // the row's key
    const nil = child.open.attributes.some((a) => a.uri === XSI && a.local === 'nil' && a.value === 'true');
    const xsiType = child.open.attributes.find((a) => a.uri === XSI && a.local === 'type')?.value;
    // The sender's xsi:type (HUD ties it to a sibling only loosely), for a same-version re-export.
    if (xsiType)
      this.drafts.keep(
        view.spec.name,
        key,
        { record: element, name: `${local}@xsi:type`, value: xsiType },
        true,
      );
    const text = nil ? '' : child.text.trim();
    const field = view.fieldOf.get(local);
    if (!field) {
      if (combined && local in combined.xml) return; // read together with its partner (COMBINED_CODES)
      if ((view.mapping.lookups ?? []).some((l) => l.key === local)) {
        this.lookupKeys.set(`${view.spec.name}\u0000${key}`, { [local]: text });
      } else this.drafts.keep(view.spec.name, key, { record: element, name: local, value: text });
      return;
    }
    const value = toModelValue(this.view.version, view.spec, field, text);
    if (text !== '' && codeToXml(this.view.version, field, value) !== text)
      this.drafts.keep(view.spec.name, key, { record: element, name: local, value: text });
    this.set(view, row, field, value, line);
    const status = child.open.attributes.find((a) => a.local === 'hashStatus')?.value;
    if (status && HASHED_FIELDS[field]) this.hashStatus(view, key, field, status, value, line);
  }

  private hashStatus(
    view: RecordView,
    key: string,
    field: string,
    status: string,
    value: string,
    line: number,
  ) {
    this.drafts.hash(view.spec.name, key, field, status);
    const kind = HASHED_FIELDS[field] ?? 'name';
    if (status === '2' && value !== '' && !looksSha1Rhy(kind, value)) {
      this.issue(
        view.mapping.element,
        line,
        field,
        '[redacted]',
        'hashStatus',
        `${field} is marked SHA-1 RHY (hashStatus 2) but is not a SHA-1 RHY value`,
      );
    }
  }

  private endExport(element: XmlOpen): void {
    const spec = modelTable('Export');
    const key = this.exportKey;
    if (!key) {
      this.issue('Export', element.line, 'ExportID', '', 'required', '<Export> has no <ExportID>');
      return;
    }
    const row = this.row(spec, key, element.line);
    for (const f of spec.fields) {
      const value = this.source.get(f.name) ?? this.source.get(exportFieldOf(f.name) ?? '');
      if (value !== undefined && f.name !== 'ExportID')
        row.values[fieldIndex(spec, f.name)] = toModelValue(this.view.version, spec, f.name, value);
    }
    const exportIndex = (s: TableSpec) => s.fields.findIndex((f) => f.name === 'ExportID');
    for (const [name, rows] of this.rows) {
      if (name === 'Export') continue;
      const index = exportIndex(modelTable(name));
      for (const r of rows.values()) if (index >= 0 && this.exportRows.has(r)) r.values[index] = key;
    }
    this.drafts.settleExport(key);
  }

  /** After the document: lookups (PersonalID from the Enrollment, …), defaults, hash status. */
  finish(stored: (table: string, key: string) => readonly string[] | undefined): void {
    this.resolveFolded(stored);
    for (const view of this.view.records) {
      for (const lookup of view.mapping.lookups ?? []) this.applyLookup(view, lookup, stored);
    }
    for (const [tableName, rows] of this.rows) applyImportDefaults(tableName, rows.values());
    markHashed(this.table('Export').values(), this.drafts.hashStatuses('Client'));
  }

  /**
   * A sub-record names its parent (ExitRHY → ExitID): the parent comes from this document or, for
   * a delta, from the store (its stored values fill what the sub-record leaves empty); else the
   * sub-record is an error, not a half-empty row.
   */
  private resolveFolded(stored: (table: string, key: string) => readonly string[] | undefined): void {
    for (const [tableName, rows] of this.rows) {
      const spec = modelTable(tableName);
      for (const [key, row] of rows) {
        const sub = this.folded.get(row);
        if (!sub || this.owned.has(row)) continue;
        const parent = stored(tableName, key);
        if (parent) {
          row.values.forEach((value, i) => {
            if (value === '' || row.weak?.has(i)) row.values[i] = parent[i] ?? '';
          });
          continue;
        }
        this.issue(
          sub.element,
          sub.line,
          sub.keyFrom,
          key,
          'reference',
          `${sub.keyFrom} ${key} names no <${spec.name}> in this document or the store`,
        );
        rows.delete(key);
      }
    }
  }

  private applyLookup(
    view: RecordView,
    lookup: { key: string; table: string; copy: readonly string[] },
    stored: (table: string, key: string) => readonly string[] | undefined,
  ): void {
    const target = modelTable(lookup.table);
    const spec = view.spec;
    const keyIndex = spec.fields.findIndex((f) => f.name === lookup.key);
    for (const [key, row] of this.table(spec.name)) {
      const value =
        keyIndex >= 0 ? row.values[keyIndex] : this.lookupKeys.get(`${spec.name}\u0000${key}`)?.[lookup.key];
      if (!value) continue;
      const other = this.rows.get(lookup.table)?.get(value)?.values ?? stored(lookup.table, value);
      if (!other) {
        this.issue(
          view.mapping.element,
          row.line,
          lookup.key,
          value,
          'reference',
          `${lookup.key} ${value} matches no ${lookup.table} record`,
        );
        continue;
      }
      for (const field of lookup.copy) {
        const index = fieldIndex(spec, field);
        if (!row.values[index]) row.values[index] = other[fieldIndex(target, field)] ?? '';
      }
    }
  }

  /** The notes to keep, keyed as notes.ts expects, each bound to its row's final values. */
  notes(digest: (row: readonly string[]) => string): Record<string, RecordNote> {
    return this.drafts.notes(
      this.view.version,
      (table, key) => this.rows.get(table)?.get(key)?.values,
      digest,
    );
  }
}
