/**
 * The JSON-LD 1.1 context of Hearth's JSON-LD: every CSV column name maps to its property IRI (typed
 * with its XSD datatype, xsd:string ones untyped), every record class's local name (`Client`,
 * `FunderClass`, …) to the class, and every link (`hasExit`, …) to its object property as `@id`.
 *
 * A column whose name is also a class term (Event.csv's `Event` column vs the class `Event`) or that
 * has different datatypes in different tables cannot have one global definition: it is defined in a
 * type-scoped context of the classes of the tables that have it. `@type` values are expanded with the
 * context outside the type-scoped one, so `"@type": "Event"` still means the class.
 *
 * Built from the model at import, without file I/O: the server serves `JSONLD_CONTEXT` as is.
 */
import { TABLES, type TableSpec } from '../model/index.ts';
import { HEARTH, HMIS } from '../model/namespaces.ts';
import { datatypeOf } from '../rdf/record-quads.ts';
import { XSD } from './terms.ts';

export type TermDefinition =
  | string
  | {
      readonly '@id': string;
      readonly '@type'?: string;
      readonly '@context'?: Record<string, TermDefinition>;
    };

export interface ContextDocument {
  readonly '@context': Readonly<Record<string, TermDefinition | number>>;
}

export interface ScopedColumn {
  readonly column: string;
  readonly tables: readonly string[];
  readonly reason: 'class name' | 'datatypes differ' | 'IRIs differ';
}

const PREFIXES: Readonly<Record<string, string>> = { hearth: HEARTH, hmis: HMIS, xsd: XSD };

function compact(value: string): string {
  for (const [prefix, namespace] of Object.entries(PREFIXES)) {
    if (value.startsWith(namespace) && /^[A-Za-z_][\w.-]*$/.test(value.slice(namespace.length)))
      return `${prefix}:${value.slice(namespace.length)}`;
  }
  return value;
}

const localName = (value: string) => value.replace(/^.*[#/]/, '');
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function columnDefinition(iri: string, datatype: string): TermDefinition {
  return datatype === `${XSD}string` ? compact(iri) : { '@id': compact(iri), '@type': compact(datatype) };
}

/** The context and the columns that needed type-scoped definitions. */
export function buildContext(tables: readonly TableSpec[]): {
  document: ContextDocument;
  scoped: ScopedColumn[];
} {
  const classTerms = new Map<string, string>();
  for (const spec of tables) for (const cls of spec.classes) classTerms.set(localName(cls), cls);
  const linkTerms = new Map<string, string>();
  for (const spec of tables)
    for (const link of spec.links)
      for (const property of link.properties) linkTerms.set(localName(property), property);

  const columns = new Map<string, { table: TableSpec; iri: string; datatype: string }[]>();
  for (const spec of tables) {
    for (const field of spec.fields) {
      const uses = columns.get(field.name) ?? [];
      columns.set(field.name, uses);
      uses.push({ table: spec, iri: field.iri, datatype: datatypeOf(field.type) });
    }
  }

  const terms = new Map<string, TermDefinition>();
  const scopedTerms = new Map<string, Map<string, TermDefinition>>();
  const scoped: ScopedColumn[] = [];
  for (const [name, uses] of columns) {
    const first = uses[0];
    if (!first) continue;
    const sameIri = uses.every((u) => u.iri === first.iri);
    const sameType = uses.every((u) => u.datatype === first.datatype);
    const clash = classTerms.has(name) || linkTerms.has(name);
    if (sameIri && sameType && !clash) {
      terms.set(name, columnDefinition(first.iri, first.datatype));
      continue;
    }
    scoped.push({
      column: name,
      tables: [...new Set(uses.map((u) => u.table.name))].sort(byCodeUnit),
      reason: clash ? 'class name' : sameIri ? 'datatypes differ' : 'IRIs differ',
    });
    if (!clash && sameIri) terms.set(name, compact(first.iri));
    for (const use of uses) {
      for (const cls of use.table.classes) {
        const local = scopedTerms.get(localName(cls)) ?? new Map<string, TermDefinition>();
        scopedTerms.set(localName(cls), local);
        local.set(name, columnDefinition(use.iri, use.datatype));
      }
    }
  }
  for (const [name, iri] of linkTerms) terms.set(name, { '@id': compact(iri), '@type': '@id' });
  for (const [name, iri] of classTerms) {
    const local = scopedTerms.get(name);
    terms.set(
      name,
      local
        ? {
            '@id': compact(iri),
            '@context': Object.fromEntries([...local].sort(([a], [b]) => byCodeUnit(a, b))),
          }
        : compact(iri),
    );
  }
  const context: Record<string, TermDefinition | number> = { '@version': 1.1, ...PREFIXES };
  for (const name of [...terms.keys()].sort(byCodeUnit)) context[name] = terms.get(name) as TermDefinition;
  return { document: { '@context': context }, scoped: scoped.sort((a, b) => byCodeUnit(a.column, b.column)) };
}

const built = buildContext(TABLES);

/** The JSON-LD context document (`{ "@context": { … } }`) for the FY2026 model. */
export const JSONLD_CONTEXT: ContextDocument = built.document;
/** Columns defined only in type-scoped contexts (see the module comment). */
export const SCOPED_COLUMNS: readonly ScopedColumn[] = built.scoped;

/** `context.jsonld` as served and committed. */
export const contextJson = (document: ContextDocument = JSONLD_CONTEXT): string =>
  `${JSON.stringify(document, null, 2)}\n`;
