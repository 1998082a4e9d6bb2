/**
 * The XML mapping tables (mappings/xml) joined with the compiled HUD schema and the FY2026 model:
 * per version, each record element's children in schema order and the model field each carries.
 * Computed once per version; import, export and the README's "cannot carry" list read it.
 */
import {
  ATTRIBUTE_FIELDS,
  CODE_TRANSLATIONS,
  COMBINED_CODES,
  EXPORT_FIELDS,
  RECORD_MAPPINGS,
  type RecordMapping,
  XML_NAMESPACES,
  type XmlVersion,
} from '../../mappings/xml/records.ts';
import { TABLES, type TableSpec, table } from '../model/index.ts';
import { FY2022_SCHEMA } from './schema/fy2022.generated.ts';
import type { CompiledSchema, ComplexType, ElementDecl, Group } from './schema/types.ts';
import { V612_SCHEMA } from './schema/v612.generated.ts';

export type { XmlVersion } from '../../mappings/xml/records.ts';

export const XML_VERSIONS: readonly XmlVersion[] = ['FY2022', 'v6.1.2'];

export interface RecordView {
  readonly mapping: RecordMapping;
  readonly spec: TableSpec;
  readonly decl: ElementDecl;
  readonly type: ComplexType;
  /** The record's child elements in schema order. */
  readonly children: readonly ElementDecl[];
  /** XML child element → model field (undefined: no FY2026 home). */
  readonly fieldOf: ReadonlyMap<string, string>;
}

export interface VersionView {
  readonly version: XmlVersion;
  readonly schema: CompiledSchema;
  readonly namespace: string;
  readonly records: readonly RecordView[];
  readonly byElement: ReadonlyMap<string, RecordView>;
  readonly byTable: ReadonlyMap<string, readonly RecordView[]>;
  /** Source's children (SourceID, …) and Export's own (ExportID, ExportPeriod, …), in order. */
  readonly sourceChildren: readonly ElementDecl[];
  readonly exportChildren: readonly ElementDecl[];
  readonly exportDecl: ElementDecl;
}

const SCHEMAS: Readonly<Record<XmlVersion, CompiledSchema>> = {
  FY2022: FY2022_SCHEMA,
  'v6.1.2': V612_SCHEMA,
};

export function elementsOf(group: Group | null): ElementDecl[] {
  if (!group) return [];
  return group.items.flatMap((item) => (item.kind === 'element' ? [item] : elementsOf(item)));
}

function complexType(schema: CompiledSchema, name: string): ComplexType {
  const type = schema.complexTypes[name];
  if (!type) throw new Error(`${schema.version}: no complex type ${name}`);
  return type;
}

function childNamed(schema: CompiledSchema, parent: ElementDecl, name: string): ElementDecl {
  const decl = elementsOf(complexType(schema, parent.type).content).find((e) => e.name === name);
  if (!decl) throw new Error(`${schema.version}: <${parent.name}> has no child <${name}>`);
  return decl;
}

function recordView(schema: CompiledSchema, exportDecl: ElementDecl, mapping: RecordMapping): RecordView {
  const decl = childNamed(schema, exportDecl, mapping.element);
  const type = complexType(schema, decl.type);
  const spec = table(mapping.table);
  const fields = new Set(spec.fields.map((f) => f.name));
  const fieldOf = new Map<string, string>();
  for (const child of elementsOf(type.content)) {
    const renamed = mapping.renames?.[child.name];
    if (child.name === mapping.keyFrom && mapping.keyFrom !== mapping.ownId) {
      fieldOf.set(child.name, fields.has(child.name) ? child.name : spec.key);
    } else if (child.name === mapping.keyFrom) fieldOf.set(child.name, spec.key);
    else if (renamed && fields.has(renamed)) fieldOf.set(child.name, renamed);
    else if (fields.has(child.name)) fieldOf.set(child.name, child.name);
  }
  return { mapping, spec, decl, type, children: elementsOf(type.content), fieldOf };
}

function buildView(version: XmlVersion): VersionView {
  const schema = SCHEMAS[version];
  const sourceDecl = childNamed(schema, schema.root, 'Source');
  const exportDecl = childNamed(schema, sourceDecl, 'Export');
  const records = RECORD_MAPPINGS.filter((m) => m.versions.includes(version)).map((m) =>
    recordView(schema, exportDecl, m),
  );
  const byTable = new Map<string, RecordView[]>();
  for (const view of records) byTable.set(view.spec.name, [...(byTable.get(view.spec.name) ?? []), view]);
  return {
    version,
    schema,
    namespace: XML_NAMESPACES[version],
    records,
    byElement: new Map(
      records.filter((r) => !r.mapping.exportOnlyUniqueBy).map((r) => [r.mapping.element, r]),
    ),
    byTable,
    sourceChildren: elementsOf(complexType(schema, sourceDecl.type).content).filter(
      (e) => e.name !== 'Export',
    ),
    // Export's own leading elements (ExportID … ExportDirective), before its choice of records.
    exportChildren: (complexType(schema, exportDecl.type).content?.items ?? []).filter(
      (item): item is ElementDecl => item.kind === 'element',
    ),
    exportDecl,
  };
}

const views = new Map<XmlVersion, VersionView>();

export function versionView(version: XmlVersion): VersionView {
  let view = views.get(version);
  if (!view) {
    view = buildView(version);
    if (view.namespace !== view.schema.namespace) throw new Error(`${version}: namespace mismatch`);
    views.set(version, view);
  }
  return view;
}

export function versionOfNamespace(uri: string): XmlVersion | undefined {
  return XML_VERSIONS.find((v) => XML_NAMESPACES[v] === uri);
}

/** The Export.csv column an element of Source or Export carries (ExportPeriod's StartDate → ExportStartDate). */
export function exportFieldOf(element: string): string | undefined {
  const name = EXPORT_FIELDS[element] ?? element;
  return table('Export').fields.some((f) => f.name === name) ? name : undefined;
}

export const attributeField = (attribute: string): string | undefined => ATTRIBUTE_FIELDS[attribute];

type Translation = { readonly toXml: Map<string, string>; readonly toModel: Map<string, string> };
const translations = new Map<string, Translation>();
for (const { fields, pairs, importOnly, versions } of CODE_TRANSLATIONS) {
  const toXml = new Map(Object.entries(pairs));
  const toModel = new Map([
    ...Object.entries(pairs).map(([model, xml]): [string, string] => [xml, model]),
    ...Object.entries(importOnly ?? {}),
  ]);
  for (const version of versions ?? XML_VERSIONS)
    for (const field of fields) translations.set(`${version}\u0000${field}`, { toXml, toModel });
}

/** A FY2026 code as an XML version writes it (and back); other values pass unchanged. */
export const codeToXml = (version: XmlVersion, field: string, value: string): string =>
  translations.get(`${version}\u0000${field}`)?.toXml.get(value) ?? value;
export const codeToModel = (version: XmlVersion, field: string, value: string): string =>
  translations.get(`${version}\u0000${field}`)?.toModel.get(value) ?? value;

/** FY2026 fields a version has no element or attribute for, per table: what its export loses. */
export function uncarriedFields(version: XmlVersion): Map<string, string[]> {
  const view = versionView(version);
  const result = new Map<string, string[]>();
  for (const spec of TABLES) {
    const carried = new Set<string>(['ExportID']);
    if (spec.name === 'Export') {
      for (const e of [...view.sourceChildren, ...view.exportChildren]) {
        const field = exportFieldOf(e.name);
        if (field) carried.add(field);
      }
      for (const e of ['StartDate', 'EndDate']) carried.add(exportFieldOf(e) ?? '');
    }
    for (const record of view.byTable.get(spec.name) ?? []) {
      if (record.mapping.exportOnlyUniqueBy) continue; // written, but not read back
      for (const field of record.fieldOf.values()) carried.add(field);
      for (const a of record.type.attributes)
        if (ATTRIBUTE_FIELDS[a.name]) carried.add(ATTRIBUTE_FIELDS[a.name] ?? '');
      for (const lookup of record.mapping.lookups ?? []) for (const f of lookup.copy) carried.add(f);
    }
    for (const c of COMBINED_CODES[version])
      if (c.table === spec.name) for (const f of Object.keys(c.model)) carried.add(f);
    const missing = spec.fields.map((f) => f.name).filter((f) => !carried.has(f));
    if (missing.length > 0) result.set(spec.name, missing);
  }
  return result;
}
