/**
 * Federated queries (SERVICE), for admins only (access.ts refuses them to everyone else): Comunica
 * evaluates the query over the local records, read as an RDF/JS source through quad-pattern
 * matching on the store, and sends each SERVICE block to its remote SPARQL endpoint. Local
 * patterns are matched one by one, so this suits joining a remote answer with a modest slice of
 * the local data; plain queries go straight to the local engine.
 */
import { Readable } from 'node:stream';
import { QueryEngine } from '@comunica/query-sparql';
import type * as RDF from '@rdfjs/types';
import { QueryTimeoutError, SparqlError } from '../../query/errors.ts';
import { negotiate } from '../../query/formats.ts';
import type { QueryOptions, QueryResult } from '../../query/sparql-engine.ts';
import type { QuadPattern, Store } from '../../store/store.ts';
import type { PlannedQuery } from './access.ts';

let engine: QueryEngine | undefined;

/** The local store as an RDF/JS Source; the default graph is the union of the source graphs. */
function recordSource(store: Pick<Store, 'match'>) {
  const bound = (term: RDF.Term | null | undefined) =>
    term && term.termType === 'NamedNode' ? term.value : undefined;
  return {
    match(
      subject?: RDF.Term | null,
      predicate?: RDF.Term | null,
      object?: RDF.Term | null,
      graph?: RDF.Term | null,
    ) {
      const pattern: QuadPattern = {
        subject: bound(subject),
        predicate: bound(predicate),
        object: object?.termType === 'Literal' ? (object as RDF.Literal) : bound(object),
        graph: bound(graph),
      };
      const unmatchable = [subject, predicate, graph].some((t) => t && t.termType === 'Literal');
      const stream = new Readable({ objectMode: true, read() {} });
      if (unmatchable) stream.push(null);
      else
        store.match(pattern).then(
          (quads) => {
            for (const quad of quads) stream.push(quad);
            stream.push(null);
          },
          (error: Error) => stream.destroy(error),
        );
      return stream;
    },
  };
}

export async function federatedQuery(
  planned: PlannedQuery,
  store: Pick<Store, 'match'>,
  options: QueryOptions,
): Promise<QueryResult> {
  const contentType = negotiate(planned.form, options.accept);
  engine ??= new QueryEngine();
  const evaluate = async () => {
    const result = await (engine as QueryEngine).query(planned.sparql, {
      sources: [{ type: 'rdfjs', value: recordSource(store) }],
      unionDefaultGraph: true,
    } as never);
    const { data } = await (engine as QueryEngine).resultToString(result, contentType);
    let body = '';
    for await (const chunk of data as AsyncIterable<string | Buffer>) body += chunk.toString();
    return { contentType, body };
  };
  // Comunica's failures (an unreachable or failing endpoint, an unsupported feature) are the query's.
  const run = () =>
    evaluate().catch((error: Error) => {
      throw new SparqlError(
        `the federated query failed: ${error.message.split('\n')[0]?.slice(0, 300)}`,
        'evaluation',
      );
    });
  const timeoutMs = options.timeoutMs;
  if (timeoutMs === undefined) return run();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueryTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([run(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
