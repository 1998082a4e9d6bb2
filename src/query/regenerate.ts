/**
 * A SPARQL query written back out by sparqljs. Oxigraph 0.5.11 associates arithmetic to the right
 * (`10 - 3 + 2` is 5, `8 / 2 * 2` is 2); sparqljs's generator parenthesizes every arithmetic
 * expression, so the regenerated query means what its author wrote. Stored queries of Hearth's own
 * need no such pass: they are written with explicit parentheses.
 */
import sparqljs from 'sparqljs';

export class SparqlSyntaxError extends Error {
  override name = 'SparqlSyntaxError';
}

const generator = new sparqljs.Generator();

export function regenerateSparql(text: string, baseIri?: string): string {
  let parsed: sparqljs.SparqlQuery;
  try {
    parsed = new sparqljs.Parser(baseIri ? { baseIRI: baseIri } : {}).parse(text);
  } catch (error) {
    const first = (error as Error).message.split('\n')[0] ?? 'syntax error';
    throw new SparqlSyntaxError(`malformed SPARQL: ${first.slice(0, 300)}`);
  }
  return generator.stringify(parsed);
}
