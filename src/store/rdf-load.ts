/**
 * `Store.loadRdf` of every backend: RDF text (N-Quads, TriG, Turtle, N-Triples) as put operations
 * of whole records, refused whole when it does not parse or does not fit the model.
 */
import type * as RDF from '@rdfjs/types';
import { DataFactory, Parser } from 'n3';
import { recordsFromQuads } from '../rdf/quads-to-records.ts';
import { InvalidWriteError, rdfProblemsError } from '../validate/operations.ts';
import type { Operation } from './operations.ts';

/** @param graph the source graph for triples without one (Turtle, N-Triples) */
export function rdfToOperations(baseIri: string, text: string, format: string, graph?: string): Operation[] {
  let quads: RDF.Quad[];
  try {
    quads = new Parser({ format }).parse(text);
  } catch (error) {
    const message = `not valid ${format}: ${(error as Error).message}`;
    throw new InvalidWriteError([{ table: '', key: '', column: '', value: '', rule: 'syntax', message }]);
  }
  const placed = graph
    ? quads.map((q) =>
        q.graph.termType === 'DefaultGraph'
          ? DataFactory.quad(q.subject, q.predicate, q.object, DataFactory.namedNode(graph))
          : q,
      )
    : quads;
  const { records, problems } = recordsFromQuads(baseIri, placed);
  if (problems.length > 0) throw rdfProblemsError(problems);
  // Loaded RDF describes whole records: columns it does not mention are empty.
  return records.map((r) => ({
    op: 'put',
    source: r.source,
    table: r.table.name,
    row: r.table.fields.map((f) => r.values.get(f.name) ?? ''),
  }));
}
