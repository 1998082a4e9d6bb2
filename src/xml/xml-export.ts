/**
 * `hearth export --format xml --schema FY2022|v6.1.2`: one source as one HUD HMIS XML document
 * (Sources/Source/Export), written as a stream: records go out as they are produced, so memory
 * does not grow with the export. Each FY2026 row becomes the XML records its table maps to
 * (mappings/xml); notes (notes.ts) give back hash status, kept elements and extensions.
 */
import { once } from 'node:events';
import type fs from 'node:fs';
import { ATTRIBUTE_FIELDS, COMBINED_CODES, EXPORT_DEFAULTS, XSI_TYPES } from '../../mappings/xml/records.ts';
import { chooseSource, ExportError } from '../export/csv-export.ts';
import { writeWholeFile } from '../export/whole-file.ts';
import { fieldIndex, type TableSpec, table } from '../model/index.ts';
import type { RecordState, Row, SourceState } from '../store/record-state.ts';
import { AssertMender, type Piece } from './assert-mender.ts';
import { HASHED_FIELDS, hashSha1Rhy } from './hashing.ts';
import { exportFieldOf, type RecordView, versionView, type XmlVersion } from './mapping.ts';
import { noteFor, type RecordNote, readNotes, type SourceNotes } from './notes.ts';
import type { ElementDecl } from './schema/types.ts';
import { holdsInXml, ValueWriter } from './value-writer.ts';
import { escapeAttribute, escapeText } from './xml-tree.ts';

export interface XmlExportOptions {
  readonly out: string;
  readonly schema: XmlVersion;
  readonly source?: string;
  /** The store directory, where the notes of XML imports are. */
  readonly notesDir?: string;
  /** `sha1`: write unhashed names and SSNs as SHA-1 RHY (hashStatus 2). Default: as stored. */
  readonly hash?: 'keep' | 'sha1';
}

export interface XmlExportResult {
  readonly source: string;
  readonly records: Readonly<Record<string, number>>;
  /** `Record.Element` → values the version could not carry as stored (see value-writer.ts). */
  readonly losses: Readonly<Record<string, number>>;
  /** Those of `losses` changed to meet the version's `xs:assert` rules (see assert-mender.ts). */
  readonly ruleLosses: Readonly<Record<string, number>>;
  /** Rules across records the data cannot meet, per Export (e.g. a Project with no Funder). */
  readonly unmetRules: readonly string[];
  /** Export rows no record points to (an XML Export must hold at least one record). */
  readonly emptyExports: readonly string[];
  readonly bytes: number;
}

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const get = (spec: TableSpec, row: Row, field: string) => {
  const i = spec.fields.findIndex((f) => f.name === field);
  return i < 0 ? '' : (row[i] ?? '');
};

/** Buffers small strings into large writes and waits when the file stream is full. */
class Output {
  private chunks: string[] = [];
  private size = 0;
  bytes = 0;
  constructor(private readonly stream: fs.WriteStream) {}
  async write(text: string): Promise<void> {
    this.chunks.push(text);
    this.size += text.length;
    if (this.size > 64 * 1024) await this.flush();
  }
  async flush(): Promise<void> {
    const text = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    this.bytes += Buffer.byteLength(text);
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }
  async end(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

export async function exportHmisXml(state: RecordState, options: XmlExportOptions): Promise<XmlExportResult> {
  const source = chooseSource(state, options.source);
  const data = state.source(source) as SourceState;
  const view = versionView(options.schema);
  const notes = options.notesDir ? readNotes(options.notesDir)[source] : undefined;
  const writer = new RecordWriter(view.version, data, notes, options.hash ?? 'keep');
  const exportSpec = table('Export');
  const used = usedExports(data);
  const exports = [...data.table('Export').rows.values()].filter((r) =>
    used.has(get(exportSpec, r, 'ExportID')),
  );
  if (exports.length === 0) throw new ExportError(`source ${source} holds no records to export`);
  let bytes = 0;
  // 0600, and written whole or not at all: a failed export leaves the earlier file as it was.
  await writeWholeFile(options.out, async (stream) => {
    const out = new Output(stream);
    await out.write(
      `<?xml version="1.0" encoding="UTF-8"?>\n<hmis:Sources xmlns:hmis="${view.namespace}" xmlns:xsi="${XSI}">\n`,
    );
    for (const group of groupBySource(exports)) {
      await out.write('<hmis:Source>\n');
      await out.write(writer.leaves('Source', view.sourceChildren, group[0] as Row));
      for (const row of group) await writer.exportElement(out, row);
      await out.write('</hmis:Source>\n');
    }
    await out.write('</hmis:Sources>\n');
    await out.end();
    bytes = out.bytes;
  });
  const emptyExports = [...data.table('Export').rows.keys()].filter((k) => !used.has(k));
  return {
    source,
    records: Object.fromEntries(writer.counts),
    losses: Object.fromEntries(writer.values.losses),
    ruleLosses: Object.fromEntries(writer.ruleLosses),
    unmetRules: writer.unmetRules,
    emptyExports,
    bytes,
  };
}

function usedExports(data: SourceState): Set<string> {
  const used = new Set<string>();
  for (const [name, state] of data.tables) {
    if (name === 'Export') continue;
    const index = state.spec.fields.findIndex((f) => f.name === 'ExportID');
    for (const row of state.rows.values()) used.add(row[index] ?? '');
  }
  return used;
}

/** Export rows with the same Source fields share one Source element. */
function groupBySource(exports: Row[]): Row[][] {
  const spec = table('Export');
  const sourceFields = ['SourceType', 'SourceID', 'SourceName', 'SoftwareName', 'SoftwareVersion'].map((f) =>
    fieldIndex(spec, f),
  );
  const groups = new Map<string, Row[]>();
  for (const row of exports) {
    const key = JSON.stringify(sourceFields.map((i) => row[i]));
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()];
}

class RecordWriter {
  readonly counts = new Map<string, number>();
  readonly values: ValueWriter;
  readonly ruleLosses = new Map<string, number>();
  readonly unmetRules: string[] = [];
  private readonly view;
  private readonly mender: AssertMender;
  private projectCoCs?: Map<string, string>;

  constructor(
    version: XmlVersion,
    private readonly data: SourceState,
    private readonly notes: SourceNotes | undefined,
    private readonly hash: 'keep' | 'sha1',
  ) {
    this.view = versionView(version);
    this.values = new ValueWriter(this.view);
    this.mender = new AssertMender(this.view.schema, this.view.exportDecl.type);
  }

  /** Leaf children of Source or Export from the Export row (ExportPeriod's dates included). */
  leaves(record: string, decls: readonly ElementDecl[], row: Row): string {
    const spec = table('Export');
    let xml = '';
    for (const decl of decls) {
      const complex = this.view.schema.complexTypes[decl.type];
      if (complex?.content) {
        const inner = this.leaves(record, complex.content.items as ElementDecl[], row);
        xml += `<hmis:${decl.name}>${inner}</hmis:${decl.name}>\n`;
        continue;
      }
      const field = exportFieldOf(decl.name) ?? '';
      const text = this.values.text(record, decl, decl.type, field, get(spec, row, field));
      if (text !== undefined) xml += `<hmis:${decl.name}>${escapeText(text)}</hmis:${decl.name}>\n`;
    }
    return xml;
  }

  async exportElement(out: Output, exportRow: Row): Promise<void> {
    const spec = table('Export');
    const exportId = get(spec, exportRow, 'ExportID');
    const note = noteFor(this.notes, 'Export', exportId, exportRow);
    const sameVersion = note?.version === this.view.version;
    const element = note?.exportElement;
    const name = element ? element.qname : 'hmis:Export';
    const prefix = element?.qname.includes(':') ? `:${element.qname.split(':')[0]}` : '';
    const declaration = element ? ` xmlns${prefix}="${escapeAttribute(element.uri)}"` : '';
    await out.write(`<${name}${declaration}>\n`);
    this.mender.startExport();
    await out.write(this.leaves('Export', this.view.exportChildren, exportRow));
    for (const record of this.view.records) {
      const state = this.data.table(record.spec.name);
      const exportIndex = record.spec.fields.findIndex((f) => f.name === 'ExportID');
      const unique = record.mapping.exportOnlyUniqueBy;
      const written = new Set<string>();
      for (const [key, row] of state.rows) {
        if (row[exportIndex] !== exportId) continue;
        if (unique && written.has(get(record.spec, row, unique))) continue;
        if (unique) written.add(get(record.spec, row, unique));
        const xml = this.record(record, key, row);
        if (xml) await out.write(xml);
      }
    }
    for (const raw of sameVersion ? (note?.records ?? []) : []) {
      this.mender.writtenRaw(raw);
      await out.write(`${raw}\n`);
    }
    for (const message of this.mender.endExport()) this.unmetRules.push(`Export ${exportId}: ${message}`);
    for (const ext of note?.extensions ?? []) await out.write(`${ext.xml}\n`);
    await out.write(`</${name}>\n`);
  }

  private record(view: RecordView, key: string, row: Row): string | undefined {
    const { element } = view.mapping;
    const note = noteFor(this.notes, view.spec.name, key, row);
    const kept = new Map(
      (note?.version === this.view.version ? (note.kept ?? []) : [])
        .filter((k) => k.record === element)
        .map((k) => [k.name, k.value]),
    );
    if (!this.hasContent(view, row, kept)) return undefined;
    const combined = COMBINED_CODES[this.view.version].find(
      (c) =>
        c.table === view.spec.name && Object.entries(c.model).every(([f, v]) => get(view.spec, row, f) === v),
    );
    // A code the version lacks, written as a near one (Funder 53 as 46 "Other" named): both lost.
    if (combined?.exportOnly) for (const name of Object.keys(combined.xml)) this.values.lose(element, name);
    const values = new Map([...Object.entries(combined?.xml ?? {}), ...kept]);
    const pieces: Piece[] = [];
    for (const decl of view.children) {
      const piece = this.child(view, key, row, decl, values, note);
      // A required element with no value the version can hold: the record cannot go out (counted).
      if (piece === null) return undefined;
      if (piece) pieces.push(piece);
    }
    this.counts.set(element, (this.counts.get(element) ?? 0) + 1);
    let xml = `<hmis:${element}${this.attributes(view, row, kept)}>`;
    const mended = this.mender.mend(element, view.decl.type, view.children, pieces, (decl) =>
      this.notCollected(view, row, decl),
    );
    for (const name of mended.changed) {
      this.values.lose(element, name);
      const label = `${element}.${name}`;
      this.ruleLosses.set(label, (this.ruleLosses.get(label) ?? 0) + 1);
    }
    this.mender.written(element, mended.pieces);
    for (const piece of mended.pieces) xml += pieceXml(piece);
    for (const ext of note?.extensions ?? []) if (ext.record === element) xml += ext.xml;
    return `${xml}</hmis:${element}>\n`;
  }

  /** Own records always go out; a folded-in record (ExitRHY, …) only when it has something to say. */
  private hasContent(view: RecordView, row: Row, kept: Map<string, string>): boolean {
    const { mapping, spec } = view;
    if (mapping.keyFrom === spec.key && !mapping.ownId) return true;
    if (mapping.keyFrom === spec.key && mapping.ownId === mapping.keyFrom) return true;
    const identity = new Set([
      spec.key,
      ...spec.links.map((l) => l.field),
      'DataCollectionStage',
      'InformationDate',
    ]);
    for (const [elementName, field] of view.fieldOf) {
      if (elementName === mapping.keyFrom || identity.has(field)) continue;
      if (get(spec, row, field) !== '') return true;
    }
    return kept.size > 0 && [...kept.keys()].some((k) => !k.startsWith('@') && !k.includes('@xsi:type'));
  }

  private attributes(view: RecordView, row: Row, kept: Map<string, string>): string {
    let xml = '';
    for (const a of view.type.attributes) {
      if (a.name === 'xsi:type') continue;
      const field = ATTRIBUTE_FIELDS[a.name];
      let value = kept.get(`@${a.name}`) ?? (field ? get(view.spec, row, field) : '');
      // Records that FY2026 keeps without an information date are dated by their own dates.
      if (!value && a.name === 'informationDate')
        value =
          ['EntryDate', 'ExitDate', 'InventoryStartDate', 'DateCreated']
            .map((f) => get(view.spec, row, f))
            .find(Boolean) ?? '';
      if (!value && a.name === 'dataCollectionStage') value = view.spec.name === 'Exit' ? '3' : '1';
      if (!value || !holdsInXml(value)) {
        if (a.required || value) this.values.lose(view.mapping.element, `@${a.name}`);
        continue;
      }
      const builtin = this.values.simpleTypeOf(a.type)?.builtin;
      const text =
        builtin === 'dateTime' ? value.replace(' ', 'T') : builtin === 'date' ? value.slice(0, 10) : value;
      xml += ` hmis:${a.name}="${escapeAttribute(text)}"`;
    }
    return xml;
  }

  private child(
    view: RecordView,
    key: string,
    row: Row,
    decl: ElementDecl,
    kept: Map<string, string>,
    note?: RecordNote,
  ): Piece | undefined | null {
    const { mapping, spec } = view;
    const element = mapping.element;
    let value: string | undefined;
    let field = view.fieldOf.get(decl.name) ?? '';
    if (decl.name === mapping.ownId && decl.name !== mapping.keyFrom) value = key;
    else if (kept.has(decl.name)) value = kept.get(decl.name);
    else if (field) value = get(spec, row, field);
    else if (mapping.lookups?.some((l) => l.key === decl.name)) value = this.projectCoCId(spec, row);
    else value = '';
    const fallback = EXPORT_DEFAULTS[this.view.version][spec.name]?.[decl.name];
    if (!value && fallback) value = get(spec, row, fallback);
    const keptType = kept.get(`${decl.name}@xsi:type`)?.replace(/^[^:]*:/, '');
    const xsiType = keptType ?? this.xsiType(view, row, decl.name);
    if (xsiType === null) {
      // HUD gives this element a type per sibling value; for this value it has none.
      if (value) this.values.lose(element, decl.name);
      return undefined;
    }
    const hashed = HASHED_FIELDS[field];
    let status = hashed ? (note?.hash?.[field] ?? this.exportHashStatus(spec, row)) : undefined;
    if (hashed && value && status === '1' && this.hash === 'sha1') {
      value = hashSha1Rhy(hashed, value);
      status = '2';
    }
    const typeName = xsiType ?? this.alternative(decl, status) ?? decl.type;
    if (kept.has(decl.name)) field = '';
    const text = this.values.text(element, decl, typeName, field, value ?? '');
    if (text === undefined) return decl.min > 0 && value ? null : undefined;
    return { decl, text, xsiType, hashStatus: status };
  }

  /** The element with its list's "data not collected" code (for assert-mender.ts). */
  private notCollected(view: RecordView, row: Row, decl: ElementDecl): Piece | undefined {
    const xsiType = this.xsiType(view, row, decl.name);
    if (xsiType === null) return undefined;
    const text = this.values.notCollected(xsiType ?? decl.type);
    return text === undefined ? undefined : { decl, text, xsiType };
  }

  private alternative(decl: ElementDecl, status: string | undefined): string | undefined {
    return decl.alternatives?.find((a) => a.test.replace(/\s/g, '') === `@hmis:hashStatus='${status}'`)?.type;
  }

  /** The xsi:type to write; null when the element needs one and the sibling's value has none. */
  private xsiType(view: RecordView, row: Row, elementName: string): string | undefined | null {
    const rule = XSI_TYPES[this.view.version].find((r) => r.element === elementName);
    if (!rule) return undefined;
    const by = view.fieldOf.get(rule.by) ?? rule.by;
    return rule.types[get(view.spec, row, by)] ?? null;
  }

  /** Rows of an export whose HashStatus is not 1 have hashed names even without a note. */
  private exportHashStatus(spec: TableSpec, row: Row): string {
    const exportRow = this.data.get('Export', get(spec, row, 'ExportID'));
    return exportRow ? get(table('Export'), exportRow, 'HashStatus') || '1' : '1';
  }

  /** FY2022 Inventory names its ProjectCoC; FY2026 names the project and CoC. */
  private projectCoCId(spec: TableSpec, row: Row): string {
    if (!this.projectCoCs) {
      const coc = table('ProjectCoC');
      this.projectCoCs = new Map();
      for (const [key, r] of this.data.table('ProjectCoC').rows)
        this.projectCoCs.set(`${get(coc, r, 'ProjectID')}\u0000${get(coc, r, 'CoCCode')}`, key);
    }
    return this.projectCoCs.get(`${get(spec, row, 'ProjectID')}\u0000${get(spec, row, 'CoCCode')}`) ?? '';
  }
}

function pieceXml({ decl, text, xsiType, hashStatus }: Piece): string {
  const attributes = `${hashStatus ? ` hmis:hashStatus="${hashStatus}"` : ''}${xsiType ? ` xsi:type="hmis:${xsiType}"` : ''}`;
  return `<hmis:${decl.name}${attributes}>${escapeText(text)}</hmis:${decl.name}>`;
}
