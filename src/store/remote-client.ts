/**
 * The HTTP side of the SPARQL server backend: SPARQL 1.1 Query and Update over POST, and the Graph
 * Store Protocol for bulk graph reads and writes. Endpoints come from `HEARTH_STORE`:
 *
 *   sparql+http://host:8890/sparql                                   (Virtuoso: update at the same
 *                                                                    URL, graphs at /sparql-graph-crud)
 *   sparql+http://host:3030/ds/query?update=/ds/update&gsp=/ds/data  (Fuseki)
 *   sparql+http://host:7200/repositories/r?update=/repositories/r/statements
 *       &gsp=/repositories/r/rdf-graphs/service                      (GraphDB)
 *
 * Server quirks absorbed here: results are read as SPARQL JSON and normalized (remote-results.ts);
 * ASK may come back as an integer binding (Virtuoso); a result cut at the server's row cap
 * (Virtuoso's ResultSetMaxRows, announced in X-SPARQL-MaxRows) is an error, never a short answer.
 */
import type * as RDF from '@rdfjs/types';
import { Parser } from 'n3';
import { QueryTimeoutError, SparqlEngineError, SparqlError } from '../query/errors.ts';
import { askAnswer, normalizeJson, type SelectJson } from './remote-results.ts';

export interface RemoteEndpoints {
  readonly query: string;
  readonly update: string;
  readonly graphStore: string;
  /** HTTP Basic credentials from the URL's user info (`sparql+https://user:password@host/…`). */
  readonly authorization?: string;
}

/** `sparql+http(s)://[user:password@]…` → the three endpoint URLs and the credentials. */
export function endpointsFrom(setting: string): RemoteEndpoints {
  if (!/^sparql\+https?:\/\//.test(setting)) throw new Error('not a sparql+http(s):// store');
  const url = new URL(setting.slice('sparql+'.length));
  const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  const authorization = url.username ? `Basic ${Buffer.from(user, 'utf8').toString('base64')}` : undefined;
  url.username = '';
  url.password = '';
  const resolve = (path: string | null, fallback: string) => new URL(path ?? fallback, url).href;
  const update = url.searchParams.get('update');
  const gsp = url.searchParams.get('gsp');
  url.search = '';
  const query = url.href;
  return {
    query,
    update: resolve(update, query),
    graphStore: resolve(gsp, new URL('sparql-graph-crud', query).href),
    ...(authorization ? { authorization } : {}),
  };
}

/** The remote server failed or refused a request (not a query's own fault). */
export class RemoteStoreError extends SparqlEngineError {
  override name = 'RemoteStoreError';
}

export class RemoteClient {
  constructor(
    readonly endpoints: RemoteEndpoints,
    private readonly timeoutMs = 60_000,
  ) {}

  private async send(url: string, init: RequestInit, timeoutMs = this.timeoutMs): Promise<Response> {
    let response: Response;
    try {
      const headers = new Headers(init.headers);
      if (this.endpoints.authorization) headers.set('Authorization', this.endpoints.authorization);
      response = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw new QueryTimeoutError(timeoutMs);
      throw new RemoteStoreError(
        `the SPARQL server at ${new URL(url).host} is unreachable: ${(error as Error).message}`,
      );
    }
    if (response.ok) return response;
    const text = (await response.text()).slice(0, 400);
    if (response.status === 400)
      throw new SparqlError(`the SPARQL server refused the request: ${text}`, 'syntax');
    if (response.status === 401 || response.status === 403)
      throw new RemoteStoreError(
        `the SPARQL server refused Hearth's credentials (${response.status}); check the user info in HEARTH_STORE`,
      );
    throw new RemoteStoreError(`the SPARQL server answered ${response.status}: ${text}`);
  }

  /** A query, with its raw response (the caller reads the body in the format it asked for). */
  private async query(sparql: string, accept: string, timeoutMs?: number): Promise<string> {
    const response = await this.send(
      this.endpoints.query,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: accept },
        body: new URLSearchParams({ query: sparql }).toString(),
      },
      timeoutMs,
    );
    const capped = response.headers.get('x-sparql-maxrows');
    if (capped)
      throw new RemoteStoreError(
        `the SPARQL server cut the result at ${capped} rows (its own limit, e.g. Virtuoso's ResultSetMaxRows); raise it`,
      );
    return response.text();
  }

  async select(sparql: string, timeoutMs?: number): Promise<SelectJson> {
    const document = normalizeJson(await this.query(sparql, 'application/sparql-results+json', timeoutMs));
    if ('boolean' in document) throw new RemoteStoreError('expected SELECT results, got a boolean');
    return document;
  }

  async ask(sparql: string, timeoutMs?: number): Promise<boolean> {
    return askAnswer(await this.query(sparql, 'application/sparql-results+json', timeoutMs));
  }

  /** CONSTRUCT or DESCRIBE, read as N-Triples. */
  async construct(sparql: string, timeoutMs?: number): Promise<RDF.Quad[]> {
    const text = await this.query(sparql, 'application/n-triples, text/plain;q=0.9', timeoutMs);
    return new Parser({ format: 'application/n-triples' }).parse(text);
  }

  async update(sparql: string, timeoutMs?: number): Promise<void> {
    await this.send(
      this.endpoints.update,
      { method: 'POST', headers: { 'Content-Type': 'application/sparql-update' }, body: sparql },
      timeoutMs,
    );
  }

  private graphUrl(graph: string): string {
    const url = new URL(this.endpoints.graphStore);
    url.searchParams.set('graph', graph);
    return url.href;
  }

  /** Graph Store Protocol POST: adds N-Triples to a graph. */
  async addToGraph(graph: string, ntriples: string): Promise<void> {
    if (!ntriples) return;
    await this.send(this.graphUrl(graph), {
      method: 'POST',
      headers: { 'Content-Type': 'application/n-triples' },
      body: ntriples,
    });
  }

  /** Graph Store Protocol GET: the whole graph (empty when the server has none). */
  async readGraph(graph: string): Promise<RDF.Quad[]> {
    let response: Response;
    try {
      response = await this.send(this.graphUrl(graph), {
        headers: { Accept: 'application/n-triples, text/turtle;q=0.9' },
      });
    } catch (error) {
      if (error instanceof RemoteStoreError && /answered 404/.test(error.message)) return [];
      throw error;
    }
    const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() || 'text/turtle';
    const format = type === 'text/plain' ? 'application/n-triples' : type;
    return new Parser({ format }).parse(await response.text());
  }
}
