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
export const toLexical = (type: FieldType, value: string): string =>
  type.kind === 'datetime' ? value.replace(' ', 'T') : value;

export const fromLexical = (type: FieldType, lexical: string): string =>
  type.kind === 'datetime' ? lexical.replace('T', ' ') : lexical;

export function recordQuads(
  base: string,
  source: string,
  spec: TableSpec,
  row: readonly string[],
): PlainQuad[] {
  const graph = graphIri(base, source);
  const key = row[spec.fields.findIndex((f) => f.name === spec.key)] ?? '';
  const subject = recordIri(base, source, spec, key);
  const quads: PlainQuad[] = spec.classes.map((cls) => ({
    subject,
    predicate: RDF_TYPE,
    object: cls,
    graph,
  }));
  spec.fields.forEach((field, i) => {
    const value = row[i];
    if (!value) return;
    quads.push({
      subject,
      predicate: field.iri,
      object: toLexical(field.type, value),
      datatype: datatypeOf(field.type),
      graph,
    });
  });
  for (const link of spec.links) {
    const parentKey = row[spec.fields.findIndex((f) => f.name === link.field)];
    if (!parentKey) continue;
    const parent = recordIri(base, source, table(link.table), parentKey);
    for (const predicate of link.properties)
      quads.push({ subject: parent, predicate, object: subject, graph });
  }
  return quads;
}

const escapeLiteral = (text: string) =>
  text.replace(/[\\"\n\r]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r' })[c] ?? c);

/** N-Quads text, built directly: bulk loads into the SPARQL engine go through this path. */
export function toNQuads(quads: readonly PlainQuad[]): string {
  let out = '';
  for (const q of quads) {
    const object = q.datatype
      ? q.datatype === `${XSD}string`
        ? `"${escapeLiteral(q.object)}"`
        : `"${escapeLiteral(q.object)}"^^<${q.datatype}>`
      : `<${q.object}>`;
    out += `<${q.subject}> <${q.predicate}> ${object} <${q.graph}> .\n`;
  }
  return out;
}
