/** Reading SPARQL 1.1 Query Results JSON back into RDF/JS terms. */
import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';

export interface JsonBinding {
  readonly type: string;
  readonly value: string;
  readonly datatype?: string;
  readonly 'xml:lang'?: string;
}

export function termOf(binding: JsonBinding): RDF.NamedNode | RDF.BlankNode | RDF.Literal {
  if (binding.type === 'uri') return DataFactory.namedNode(binding.value);
  if (binding.type === 'bnode') return DataFactory.blankNode(binding.value);
  const language = binding['xml:lang'];
  if (language) return DataFactory.literal(binding.value, language);
  return DataFactory.literal(
    binding.value,
    binding.datatype ? DataFactory.namedNode(binding.datatype) : undefined,
  );
}

/** The solutions of a SELECT result document, each variable bound to its term. */
export function solutionsOf(json: string): Record<string, RDF.Term>[] {
  const document = JSON.parse(json) as { results: { bindings: Record<string, JsonBinding>[] } };
  return document.results.bindings.map((b) =>
    Object.fromEntries(Object.entries(b).map(([name, binding]) => [name, termOf(binding)])),
  );
}
