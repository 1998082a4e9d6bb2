/**
 * Quad-pattern matching over SPARQL: the pattern's bound terms go into a VALUES block, serialized
 * here with N-Triples escaping so that no caller-supplied string can change the query.
 */
import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';
import type { QuadPattern } from './store.ts';

/** Absolute IRIs without characters N-Triples forbids inside <…>. */
const SAFE_IRI = /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>"{}|\\^`]*$/;

export class InvalidPatternError extends Error {
  override name = 'InvalidPatternError';
}

function iri(value: string): string {
  if (!SAFE_IRI.test(value)) throw new InvalidPatternError(`not an absolute IRI: ${value.slice(0, 100)}`);
  return `<${value}>`;
}

const escapeString = (text: string) =>
  text.replace(/[\\"\n\r]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r' })[c] ?? c);

function term(value: string | RDF.Literal): string {
  if (typeof value === 'string') return iri(value);
  const lexical = `"${escapeString(value.value)}"`;
  if (value.language) {
    if (!/^[a-zA-Z]+(-[a-zA-Z0-9]+)*$/.test(value.language))
      throw new InvalidPatternError('bad language tag');
    return `${lexical}@${value.language}`;
  }
  return `${lexical}^^${iri(value.datatype.value)}`;
}

export function matchQuery(pattern: QuadPattern): string {
  const bound: [string, string][] = [];
  if (pattern.subject !== undefined) bound.push(['s', iri(pattern.subject)]);
  if (pattern.predicate !== undefined) bound.push(['p', iri(pattern.predicate)]);
  if (pattern.object !== undefined) bound.push(['o', term(pattern.object)]);
  if (pattern.graph !== undefined) bound.push(['g', iri(pattern.graph)]);
  const values = bound.length
    ? `VALUES (${bound.map(([v]) => `?${v}`).join(' ')}) { (${bound.map(([, t]) => t).join(' ')}) }\n`
    : '';
  return `SELECT ?s ?p ?o ?g WHERE {\n${values}GRAPH ?g { ?s ?p ?o }\n}`;
}

interface Binding {
  type: 'uri' | 'literal' | 'bnode' | 'typed-literal';
  value: string;
  datatype?: string;
  'xml:lang'?: string;
}

function fromBinding(binding: Binding): RDF.Quad_Object {
  if (binding.type === 'uri') return DataFactory.namedNode(binding.value);
  if (binding.type === 'bnode') return DataFactory.blankNode(binding.value);
  if (binding['xml:lang']) return DataFactory.literal(binding.value, binding['xml:lang']);
  return DataFactory.literal(
    binding.value,
    binding.datatype ? DataFactory.namedNode(binding.datatype) : undefined,
  );
}

export function parseMatchResults(json: string): RDF.Quad[] {
  const results = JSON.parse(json) as { results: { bindings: Record<string, Binding>[] } };
  return results.results.bindings.map((b) =>
    DataFactory.quad(
      fromBinding(b.s as Binding) as RDF.Quad_Subject,
      fromBinding(b.p as Binding) as RDF.Quad_Predicate,
      fromBinding(b.o as Binding),
      fromBinding(b.g as Binding) as RDF.Quad_Graph,
    ),
  );
}
