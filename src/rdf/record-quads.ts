/**
 * A stored record (one CSV row, values in the table's field order, '' for null) as RDF that uses
 * HUD's ontology: one `rdf:type` per class, one literal per non-null column, and the object
 * properties from parent records to this one.
 */
import { type FieldType, type TableSpec, table } from '../model/index.ts';
import { graphIri, recordIri } from './iris.ts';

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const XSD = 'http://www.w3.org/2001/XMLSchema#';

export interface PlainQuad {
  subject: string;
  predicate: string;
  /** An IRI, or a literal's lexical form when `datatype` is set (xsd:string included). */
  object: string;
  datatype?: string;
  graph: string;
}

export function datatypeOf(type: FieldType): string {
  switch (type.kind) {
    case 'integer':
      return `${XSD}integer`;
    case 'date':
      return `${XSD}date`;
    case 'datetime':
      return `${XSD}dateTime`;
    case 'money':
      return `${XSD}decimal`;
    case 'string':
      return `${XSD}string`;
  }
}

/** HUD CSV writes timestamps as `YYYY-MM-DD hh:mm:ss`; xsd:dateTime needs the `T`. */
export const dateTimeLexical = (value: string): string => value.replace(' ', 'T');

export const toLexical = (type: FieldType, value: string): string =>
  type.kind === 'datetime' ? dateTimeLexical(value) : value;

export const fromLexical = (type: FieldType, lexical: string): string =>
  type.kind === 'datetime' ? lexical.replace('T', ' ') : lexical;

/** Per table, what recordQuads needs, computed once: it runs for every row of every import. */
interface QuadPlan {
  readonly keyIndex: number;
  readonly columns: readonly { readonly iri: string; readonly datatype: string; readonly type: FieldType }[];
  readonly links: readonly {
    readonly index: number;
    readonly parent: TableSpec;
    readonly properties: readonly string[];
  }[];
}

const plans = new WeakMap<TableSpec, QuadPlan>();

function planFor(spec: TableSpec): QuadPlan {
  let plan = plans.get(spec);
  if (!plan) {
    const index = (name: string) => spec.fields.findIndex((f) => f.name === name);
    plan = {
      keyIndex: index(spec.key),
      columns: spec.fields.map((f) => ({ iri: f.iri, datatype: datatypeOf(f.type), type: f.type })),
      links: spec.links.map((l) => ({
        index: index(l.field),
        parent: table(l.table),
        properties: l.properties,
      })),
    };
    plans.set(spec, plan);
  }
  return plan;
}

export function recordQuads(
  base: string,
  source: string,
  spec: TableSpec,
  row: readonly string[],
): PlainQuad[] {
  const plan = planFor(spec);
  const graph = graphIri(base, source);
  const subject = recordIri(base, source, spec, row[plan.keyIndex] ?? '');
  const quads: PlainQuad[] = spec.classes.map((cls) => ({
    subject,
    predicate: RDF_TYPE,
    object: cls,
    graph,
  }));
  for (let i = 0; i < plan.columns.length; i++) {
    const value = row[i];
    const column = plan.columns[i];
    if (!value || !column) continue;
    quads.push({
      subject,
      predicate: column.iri,
      object: toLexical(column.type, value),
      datatype: column.datatype,
      graph,
    });
  }
  for (const link of plan.links) {
    const parentKey = row[link.index];
    if (!parentKey) continue;
    const parent = recordIri(base, source, link.parent, parentKey);
    for (const predicate of link.properties)
      quads.push({ subject: parent, predicate, object: subject, graph });
  }
  return quads;
}

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r' };
const NEEDS_ESCAPE = /[\\"\n\r]/;
const escapeLiteral = (text: string) =>
  NEEDS_ESCAPE.test(text) ? text.replace(/[\\"\n\r]/g, (c) => ESCAPES[c] ?? c) : text;
const XSD_STRING = `${XSD}string`;

/**
 * A quad's object as N-Triples text. An xsd:string is written as a simple literal, the same term in
 * RDF 1.1: Virtuoso 7 keeps a loaded `"x"^^xsd:string` apart from the `"x"` of every query, so no
 * pattern or VALUES with a string constant would ever match it.
 */
export const objectText = (q: PlainQuad): string =>
  q.datatype
    ? q.datatype === XSD_STRING
      ? `"${escapeLiteral(q.object)}"`
      : `"${escapeLiteral(q.object)}"^^<${q.datatype}>`
    : `<${q.object}>`;

/** N-Quads text, built directly: bulk loads into the SPARQL engine go through this path. */
export function toNQuads(quads: readonly PlainQuad[]): string {
  let out = '';
  for (const q of quads) out += `<${q.subject}> <${q.predicate}> ${objectText(q)} <${q.graph}> .\n`;
  return out;
}
