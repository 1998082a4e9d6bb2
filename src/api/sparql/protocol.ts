/**
 * Reading SPARQL 1.1 Protocol requests: a query by GET `?query=`, by POST as
 * `application/sparql-query` or as a form (`application/x-www-form-urlencoded`), an update by POST as
 * `application/sparql-update` or a form with `update`. Each parameter is checked (known, given once
 * where it must be, no control characters) and bodies are read within a byte limit.
 */
import { hasControlCharacter } from '../../query/bind.ts';
import { ApiError } from '../errors.ts';
import { mediaTypeOf, readLimited, STRICT_UTF8 } from '../router.ts';
import type { QueryRequest } from './access.ts';

const QUERY_PARAMS = new Set(['query', 'default-graph-uri', 'named-graph-uri']);
const UPDATE_PARAMS = new Set(['update']);
const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|^`\\]*$/;

/** The body as UTF-8 text, reading no further than `limit` bytes (413 past it). */
export async function readText(request: Request, limit: number): Promise<string> {
  const tooLarge = () =>
    new ApiError(413, 'payload_too_large', `the request body may have at most ${limit} bytes`);
  const body = await readLimited(request, limit, tooLarge);
  try {
    return STRICT_UTF8.decode(body);
  } catch {
    throw new ApiError(400, 'bad_request', 'the request body is not UTF-8');
  }
}

function checkParams(params: URLSearchParams, allowed: ReadonlySet<string>, where: string): void {
  for (const name of new Set(params.keys())) {
    if (!allowed.has(name))
      throw new ApiError(400, 'bad_request', `unknown parameter in the ${where}`, [
        { field: name.slice(0, 64), rule: 'unknown', message: `accepted: ${[...allowed].join(', ')}` },
      ]);
  }
}

function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1)
    throw new ApiError(400, 'bad_request', `give ${name} once`, [
      { field: name, rule: 'repeated', message: 'once' },
    ]);
  return values[0];
}

function graphs(params: URLSearchParams, name: string): string[] {
  const values = params.getAll(name);
  for (const value of values) {
    if (!IRI.test(value) || hasControlCharacter(value))
      throw new ApiError(400, 'bad_request', `${name} must be an absolute IRI`, [
        { field: name, rule: 'type', message: 'an absolute IRI' },
      ]);
  }
  return values;
}

function queryFrom(text: string | undefined, params: URLSearchParams, maxBytes: number): QueryRequest {
  if (text === undefined || text.trim() === '')
    throw new ApiError(400, 'bad_request', 'a SPARQL query is required', [
      { field: 'query', rule: 'required', message: 'the query text' },
    ]);
  if (Buffer.byteLength(text) > maxBytes)
    throw new ApiError(413, 'payload_too_large', `the query may have at most ${maxBytes} bytes`);
  return {
    query: text,
    defaultGraphs: graphs(params, 'default-graph-uri'),
    namedGraphs: graphs(params, 'named-graph-uri'),
  };
}

/** The query of a GET or POST to the query endpoint. */
export async function readQueryRequest(request: Request, maxBytes: number): Promise<QueryRequest> {
  const url = new URL(request.url);
  if (request.method === 'GET') {
    checkParams(url.searchParams, QUERY_PARAMS, 'URL');
    return queryFrom(single(url.searchParams, 'query'), url.searchParams, maxBytes);
  }
  const type = mediaTypeOf(request);
  if (type === 'application/sparql-query') {
    checkParams(url.searchParams, new Set(['default-graph-uri', 'named-graph-uri']), 'URL');
    return queryFrom(await readText(request, maxBytes), url.searchParams, maxBytes);
  }
  if (type === 'application/x-www-form-urlencoded') {
    if ([...url.searchParams.keys()].length > 0)
      throw new ApiError(400, 'bad_request', 'a form POST carries its parameters in the body only');
    const form = new URLSearchParams(await readText(request, maxBytes * 3 + 1024));
    if (form.has('update')) throw new ApiError(400, 'bad_request', 'send updates to /sparql/update');
    checkParams(form, QUERY_PARAMS, 'form');
    return queryFrom(single(form, 'query'), form, maxBytes);
  }
  throw new ApiError(
    415,
    'unsupported_media_type',
    'POST a query as application/sparql-query or application/x-www-form-urlencoded',
  );
}

/** The update text of a POST to the update endpoint. */
export async function readUpdateRequest(request: Request, maxBytes: number): Promise<string> {
  const type = mediaTypeOf(request);
  if ([...new URL(request.url).searchParams.keys()].length > 0)
    throw new ApiError(400, 'bad_request', 'using-graph-uri and other URL parameters are not supported');
  let text: string | undefined;
  if (type === 'application/sparql-update') text = await readText(request, maxBytes);
  else if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(await readText(request, maxBytes * 3 + 1024));
    checkParams(form, UPDATE_PARAMS, 'form');
    text = single(form, 'update');
  } else
    throw new ApiError(
      415,
      'unsupported_media_type',
      'POST an update as application/sparql-update or application/x-www-form-urlencoded',
    );
  if (!text?.trim())
    throw new ApiError(400, 'bad_request', 'a SPARQL update is required', [
      { field: 'update', rule: 'required', message: 'the update text' },
    ]);
  if (Buffer.byteLength(text) > maxBytes)
    throw new ApiError(413, 'payload_too_large', `the update may have at most ${maxBytes} bytes`);
  return text;
}
