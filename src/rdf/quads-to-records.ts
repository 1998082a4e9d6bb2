/**
 * The inverse of record-quads.ts: RDF about Hearth records (from a client loading quads, or a
 * SPARQL UPDATE's effect) back into rows of the FY2026 tables. Anything that does not map onto a
 * record column is an error, so the RDF surface cannot smuggle data past the model.
 */
import type * as RDF from '@rdfjs/types';
import { TABLES, type TableSpec } from '../model/index.ts';
import { parseRecordIri } from './iris.ts';
import { datatypeOf, fromLexical } from './record-quads.ts';

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';

export interface QuadProblem {
  readonly subject: string;
  readonly predicate: string;
  readonly message: string;
}

export interface RecordFromQuads {
  readonly source: string;
  readonly table: TableSpec;
  readonly key: string;
  /** Column name → value ('' = explicitly no value is never produced: absent columns are absent). */
  readonly values: Map<string, string>;
}

/** Link property IRI → the (child table, link field) pairs it expresses, e.g. hasExit → Exit.EnrollmentID. */
const LINKS = new Map<string, { child: TableSpec; field: string; parent: string }[]>();
for (const child of TABLES) {
  for (const link of child.links) {
    for (const property of link.properties) {
      LINKS.set(property, [...(LINKS.get(property) ?? []), { child, field: link.field, parent: link.table }]);
    }
  }
}

export function recordsFromQuads(
  base: string,
  quads: Iterable<RDF.Quad>,
): {
  records: RecordFromQuads[];
  problems: QuadProblem[];
} {
  const records = new Map<string, RecordFromQuads>();
  const problems: QuadProblem[] = [];
  const recordOf = (parsed: { source: string; table: TableSpec; key: string }): RecordFromQuads => {
    const id = `${parsed.source}\u0000${parsed.table.name}\u0000${parsed.key}`;
    let record = records.get(id);
    if (!record) {
      record = { ...parsed, values: new Map([[parsed.table.key, parsed.key]]) };
      records.set(id, record);
    }
    return record;
  };
  const setValue = (record: RecordFromQuads, column: string, value: string): string | undefined => {
    const previous = record.values.get(column);
    if (previous !== undefined && previous !== value) return `${record.table.name}.${column} gets two values`;
    record.values.set(column, value);
    return undefined;
  };
  for (const quad of quads) {
    const subject = quad.subject.value;
    const predicate = quad.predicate.value;
    const problem = (message: string) => problems.push({ subject, predicate, message });
    const parsed = quad.subject.termType === 'NamedNode' ? parseRecordIri(base, subject) : undefined;
    if (!parsed) {
      problem(`the subject is not a Hearth record IRI (${base}/{source}/{table}/{key})`);
      continue;
    }
    if (quad.graph.value !== `${base}/${parsed.source}`) {
      problem(`the quad must be in the graph of its data source, ${base}/${parsed.source}`);
      continue;
    }
    const record = recordOf(parsed);
    if (predicate === RDF_TYPE) {
      if (!parsed.table.classes.includes(quad.object.value)) {
        problem(`a ${parsed.table.name} record cannot have type ${quad.object.value}`);
      }
      continue;
    }
    const link = LINKS.get(predicate)?.find((l) => l.parent === parsed.table.name);
    if (link) {
      // parent —hasX→ child sets the child's link column to the parent's key.
      const child =
        quad.object.termType === 'NamedNode' ? parseRecordIri(base, quad.object.value) : undefined;
      if (child?.table !== link.child || child.source !== parsed.source) {
        problem(`${predicate} must point at a ${link.child.name}.csv record of the same source`);
      } else {
        const conflict = setValue(recordOf(child), link.field, parsed.key);
        if (conflict) problem(conflict);
      }
      continue;
    }
    const field = parsed.table.fields.find((f) => f.iri === predicate);
    if (!field) {
      problem(`${parsed.table.name} has no column for ${predicate}`);
      continue;
    }
    if (quad.object.termType !== 'Literal') {
      problem(`${field.name} takes a literal, not ${quad.object.termType}`);
      continue;
    }
    const expected = datatypeOf(field.type);
    if (quad.object.datatype.value !== expected && !(expected === XSD_STRING && quad.object.language)) {
      problem(`${field.name} takes ${expected} literals, not ${quad.object.datatype.value}`);
      continue;
    }
    const conflict = setValue(record, field.name, fromLexical(field.type, quad.object.value));
    if (conflict)
      problem(field.name === parsed.table.key ? `${conflict} (the key must match the IRI)` : conflict);
  }
  return { records: [...records.values()], problems };
}
