/**
 * Quad-pattern matching over SPARQL: the pattern's bound terms go into a VALUES block, serialized
 * here with N-Triples escaping so that no caller-supplied string can change the query.
 */
import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';
import { solutionsOf } from '../query/results.ts';
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

export function parseMatchResults(json: string): RDF.Quad[] {
  return solutionsOf(json).map(({ s, p, o, g }) =>
    DataFactory.quad(
      s as RDF.Quad_Subject,
      p as RDF.Quad_Predicate,
      o as RDF.Quad_Object,
      g as RDF.Quad_Graph,
    ),
  );
}
