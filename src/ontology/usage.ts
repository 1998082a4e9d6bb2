/**
 * How the model uses each RDF term: which tables, classes, datatypes, data elements and code lists
 * stand behind a property IRI, a class IRI or a link. The generators of all ontology files read these.
 */
import type { CodeList, Rule, TableSpec } from '../model/index.ts';
import { datatypeOf } from '../rdf/record-quads.ts';
import { XSD } from './terms.ts';

/** Compares `2.02.6` < `2.02.10` < `C2.2` < `V10`: digit runs numerically, the rest as text. */
export function compareNatural(a: string, b: string): number {
  const split = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] as string;
    const q = y[i] as string;
    if (p === q) continue;
    const numeric = /^\d/.test(p) && /^\d/.test(q);
    if (numeric && Number(p) !== Number(q)) return Number(p) - Number(q);
    return p < q ? -1 : 1;
  }
  return x.length - y.length || (a < b ? -1 : a > b ? 1 : 0);
}

const sorted = (values: Iterable<string>, compare = compareNatural): string[] =>
  [...new Set(values)].sort(compare);
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export interface PropertyUsage {
  readonly iri: string;
  /** CSV column names carried by the property (one, unless two columns share an IRI). */
  readonly columns: readonly string[];
  readonly tables: readonly string[];
  /** Classes of the records that carry the property. */
  readonly classes: readonly string[];
  /** XSD datatypes of the literals Hearth writes. */
  readonly datatypes: readonly string[];
  readonly dataElements: readonly string[];
  /** Code lists the values come from: the fixed list, or the lists of the column's listWhen rules. */
  readonly codeLists: readonly string[];
}

/** The lists a column's values come from, with the rules' lists restricted to `knownLists`. */
function listsOf(spec: TableSpec, column: string, fixed: string | null, rules: readonly Rule[]): string[] {
  const lists = fixed ? [fixed] : [];
  for (const rule of rules)
    if (rule.kind === 'listWhen' && rule.table === spec.name && rule.field === column) lists.push(rule.list);
  return lists;
}

/** Every datatype property of the model, sorted by IRI. */
export function propertyUsages(
  tables: readonly TableSpec[],
  rules: readonly Rule[],
  knownLists: ReadonlyMap<string, CodeList>,
): PropertyUsage[] {
  const found = new Map<string, { [K in keyof PropertyUsage]: string[] }>();
  for (const spec of tables) {
    for (const field of spec.fields) {
      const usage = found.get(field.iri) ?? {
        iri: [field.iri],
        columns: [],
        tables: [],
        classes: [],
        datatypes: [],
        dataElements: [],
        codeLists: [],
      };
      found.set(field.iri, usage);
      usage.columns.push(field.name);
      usage.tables.push(spec.name);
      usage.classes.push(...spec.classes);
      usage.datatypes.push(datatypeOf(field.type));
      usage.dataElements.push(...field.dataElements);
      usage.codeLists.push(
        ...listsOf(spec, field.name, field.codeList, rules).filter((list) => knownLists.has(list)),
      );
    }
  }
  return [...found.values()]
    .map((u) => ({
      iri: u.iri[0] as string,
      columns: sorted(u.columns, byCodeUnit),
      tables: sorted(u.tables, byCodeUnit),
      classes: sorted(u.classes, byCodeUnit),
      datatypes: sorted(u.datatypes, byCodeUnit),
      dataElements: sorted(u.dataElements),
      codeLists: sorted(u.codeLists),
    }))
    .sort((a, b) => byCodeUnit(a.iri, b.iri));
}

export interface LinkUsage {
  readonly iri: string;
  /** Classes of the parent records. */
  readonly domains: readonly string[];
  /** Classes of the child records the property points to. */
  readonly ranges: readonly string[];
}

/**
 * Every object property, sorted by IRI. A link with one property per child class (HUD splits
 * HealthAndDV.csv into HealthStatus and DomesticViolence) points each property at its own class.
 */
export function linkUsages(tables: readonly TableSpec[]): LinkUsage[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const found = new Map<string, { domains: string[]; ranges: string[] }>();
  for (const spec of tables) {
    for (const link of spec.links) {
      const parent = byName.get(link.table);
      if (!parent) continue; // a subset of the tables (tests): links to absent parents are left out
      link.properties.forEach((property, i) => {
        const usage = found.get(property) ?? { domains: [], ranges: [] };
        found.set(property, usage);
        usage.domains.push(...parent.classes);
        const aligned = link.properties.length === spec.classes.length ? spec.classes[i] : undefined;
        usage.ranges.push(...(aligned ? [aligned] : spec.classes));
      });
    }
  }
  return [...found]
    .map(([iri, u]) => ({
      iri,
      domains: sorted(u.domains, byCodeUnit),
      ranges: sorted(u.ranges, byCodeUnit),
    }))
    .sort((a, b) => byCodeUnit(a.iri, b.iri));
}

export interface ClassUsage {
  readonly iri: string;
  readonly tables: readonly string[];
}

/** Every record class, sorted by IRI. */
export function classUsages(tables: readonly TableSpec[]): ClassUsage[] {
  const found = new Map<string, string[]>();
  for (const spec of tables)
    for (const cls of spec.classes) found.set(cls, [...(found.get(cls) ?? []), spec.name]);
  return [...found]
    .map(([iri, names]) => ({ iri, tables: sorted(names, byCodeUnit) }))
    .sort((a, b) => byCodeUnit(a.iri, b.iri));
}

export interface ListUsage {
  /** Data element numbers of the columns whose values come from the list. */
  readonly dataElements: readonly string[];
  readonly columns: readonly string[];
  /** The datatype of the list's codes as literals: xsd:string if a string column uses it or a code is not an integer. */
  readonly datatype: string;
}

const INTEGER_CODE = /^-?\d+$/;

/** Per code list: the columns using it and the datatype its codes take in the data. */
export function listUsages(
  lists: ReadonlyMap<string, CodeList>,
  tables: readonly TableSpec[],
  rules: readonly Rule[],
): Map<string, ListUsage> {
  const users = new Map<string, { dataElements: string[]; columns: string[]; datatypes: string[] }>();
  for (const spec of tables) {
    for (const field of spec.fields) {
      for (const list of listsOf(spec, field.name, field.codeList, rules)) {
        const usage = users.get(list) ?? { dataElements: [], columns: [], datatypes: [] };
        users.set(list, usage);
        usage.dataElements.push(...field.dataElements);
        usage.columns.push(`${spec.name}.${field.name}`);
        usage.datatypes.push(datatypeOf(field.type));
      }
    }
  }
  const result = new Map<string, ListUsage>();
  for (const [id, list] of lists) {
    const usage = users.get(id);
    const stringly =
      usage?.datatypes.some((d) => d !== `${XSD}integer`) ||
      list.codes.some((c) => !INTEGER_CODE.test(c.code));
    result.set(id, {
      dataElements: sorted(usage?.dataElements ?? []),
      columns: sorted(usage?.columns ?? [], byCodeUnit),
      datatype: stringly ? `${XSD}string` : `${XSD}integer`,
    });
  }
  return result;
}
