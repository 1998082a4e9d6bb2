/**
 * The SPARQL 1.1 Protocol surface:
 *
 *   GET|POST /sparql            query; admins: the records, researchers: the research graph
 *   GET|POST /sparql/research   query the research graph (admins and researchers)
 *   POST     /sparql/update     SPARQL UPDATE, admins only, applied through the model
 *   GET      /sparql            with Accept: text/html and no query: the query page (page.ts);
 *                               with Accept: text/turtle and no query: the service description
 *
 * Each request: authenticate (401), read the protocol request (400/413/415), plan it under the
 * policy (403, access.ts), run it within the time limit (503), hold the result to the size limits
 * (400, limits.ts), answer in the negotiated format (406), and write one audit line without the
 * query text (queries may hold names).
 */
import type { Context, Hono } from 'hono';
import { Hono as HonoApp } from 'hono';
import type { SparqlConfig } from '../../config.ts';
import {
  EngineBrokenError,
  NotAcceptableError,
  QueryTimeoutError,
  QueryTooLargeError,
  SparqlError,
} from '../../query/errors.ts';
import type { QueryResult } from '../../query/sparql-engine.ts';
import type { ResearchGraph } from '../../research/on-demand.ts';
import type { AuditOutcome } from '../../security/audit.ts';
import { authenticateRequest, challengeHeaders } from '../../security/authenticate.ts';
import type { Principal } from '../../security/principal.ts';
import { RemoteStoreError } from '../../store/remote-client.ts';
import { UnsupportedUpdateError } from '../../store/update.ts';
import { InvalidWriteError } from '../../validate/operations.ts';
import { ApiError, errorBody, storageError } from '../errors.ts';
import type { ApiServices } from '../route-spec.ts';
import { negotiate } from '../router.ts';
import { type Dataset, planQuery } from './access.ts';
import { federatedQuery } from './federation.ts';
import { checkResultSize } from './limits.ts';
import { mountAssets, pageResponse } from './page.ts';
import { readQueryRequest, readUpdateRequest } from './protocol.ts';
import { serviceDescription, wantsDescription } from './service-description.ts';

export interface SparqlServices {
  readonly api: ApiServices;
  readonly limits: SparqlConfig;
  /** The de-identified research graph (research/on-demand.ts). */
  readonly research: ResearchGraph;
}

const TEXT_TYPES =
  /^(text\/|application\/(sparql-results\+(json|xml)|n-triples|n-quads|trig|ld\+json|rdf\+xml))/;

/** The /sparql sub-application (mounted by api/app.ts). */
export function sparqlApp(services: SparqlServices): Hono {
  const app = new HonoApp();
  mountAssets(app);
  for (const [path, endpoint] of [
    ['/', 'records'],
    ['/research', 'research'],
  ] as const) {
    app.get(path, (c) => {
      if (wantsPage(c)) return pageResponse();
      const description = describing(c);
      if (description) return serviceDescription(new URL(c.req.url).href.split('?')[0] ?? '', description);
      return serve(c, services, endpoint);
    });
    app.post(path, (c) => serve(c, services, endpoint));
  }
  app.post('/update', (c) => serve(c, services, 'update'));
  app.all('/update', (c) => methodNotAllowed(c, 'POST'));
  app.all('/research', (c) => methodNotAllowed(c, 'GET, POST'));
  app.all('/', (c) => methodNotAllowed(c, 'GET, POST'));
  return app;
}

function methodNotAllowed(c: Context, allowed: string): Response {
  const error = new ApiError(405, 'method_not_allowed', `use ${allowed} here`);
  return c.json(errorBody(error), 405, { Allow: allowed });
}

/** A client asking for the service description: no query, and an RDF format accepted. */
const describing = (c: Context): string | undefined =>
  new URL(c.req.url).searchParams.size > 0 ? undefined : wantsDescription(c.req.header('accept'));

/** A browser asking for the page: no query, and HTML preferred over SPARQL results. */
function wantsPage(c: Context): boolean {
  if (new URL(c.req.url).searchParams.has('query')) return false;
  try {
    return (
      negotiate(c.req.header('accept'), ['application/sparql-results+json', 'text/html']) === 'text/html'
    );
  } catch {
    return false;
  }
}

async function serve(c: Context, services: SparqlServices, endpoint: Dataset | 'update'): Promise<Response> {
  let principal: Principal | undefined;
  const { api, limits } = services;
  const route = `${c.req.method} /sparql${endpoint === 'records' ? '' : `/${endpoint}`}`;
  const audit = (outcome: AuditOutcome, status: number) =>
    api.audit.record({ principal, action: principal ? 'sparql' : 'authenticate', route, outcome, status });
  try {
    principal = authenticateRequest(c.req.header('authorization'), api.users, api.adminToken);
    const response =
      endpoint === 'update'
        ? await runUpdate(c, services, principal)
        : await runQuery(c, services, principal, endpoint);
    audit('allowed', response.status);
    return response;
  } catch (caught) {
    const error = toApiError(caught, limits);
    if (!error) {
      audit('error', 500);
      throw caught;
    }
    audit(outcomeOf(error.status), error.status);
    const retry: Record<string, string> = caught instanceof EngineBrokenError ? { 'Retry-After': '5' } : {};
    return c.json(errorBody(error), error.status, { ...challengeHeaders(error), ...retry });
  }
}

async function runQuery(
  c: Context,
  services: SparqlServices,
  principal: Principal,
  endpoint: Dataset,
): Promise<Response> {
  const { api, limits } = services;
  const request = await readQueryRequest(c.req.raw, limits.maxQueryBytes);
  const planned = planQuery(principal, endpoint, request, {
    maxRows: limits.maxRows,
    baseIri: api.config.baseIri,
  });
  const options = { accept: c.req.header('accept'), timeoutMs: limits.timeoutMs };
  let result: QueryResult;
  if (planned.federated) result = await federatedQuery(planned, api.store, options);
  else if (planned.dataset === 'research') result = await services.research.query(planned.sparql, options);
  else result = await api.store.query(planned.sparql, { ...options, defaultGraphAsUnion: true });
  checkResultSize(result, { maxResultBytes: limits.maxResultBytes, cappedAt: planned.cappedAt });
  const type = TEXT_TYPES.test(result.contentType)
    ? `${result.contentType}; charset=utf-8`
    : result.contentType;
  return c.body(result.body, 200, {
    'Content-Type': type,
    Vary: 'Accept, Authorization',
    'Cache-Control': 'no-store',
  });
}

async function runUpdate(c: Context, services: SparqlServices, principal: Principal): Promise<Response> {
  if (principal.role !== 'admin')
    throw new ApiError(
      403,
      'forbidden',
      `role ${principal.role} may not update here: SPARQL UPDATE is for admins`,
    );
  const text = await readUpdateRequest(c.req.raw, services.limits.maxQueryBytes);
  const { txId, records } = await services.api.store.update(text);
  return c.json({ transaction: txId, records }, 200, { 'Cache-Control': 'no-store' });
}

function outcomeOf(status: number): AuditOutcome {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'denied';
  return status >= 500 ? 'error' : 'invalid';
}

/** Errors of the layers below as API errors; undefined for the unexpected (a 500). */
function toApiError(error: unknown, limits: SparqlConfig): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof NotAcceptableError) return new ApiError(406, 'not_acceptable', error.message);
  if (error instanceof QueryTimeoutError)
    return new ApiError(
      503,
      'unavailable',
      `the query ran past the time limit of ${limits.timeoutMs} ms (HEARTH_SPARQL_TIMEOUT_MS) and was stopped; narrow it`,
    );
  if (error instanceof QueryTooLargeError) return new ApiError(413, 'payload_too_large', error.message);
  if (error instanceof EngineBrokenError)
    return new ApiError(503, 'unavailable', 'the SPARQL index is being rebuilt; retry shortly');
  if (error instanceof RemoteStoreError)
    return new ApiError(
      503,
      'unavailable',
      'the SPARQL server behind this Hearth is unavailable; retry shortly',
    );
  if (error instanceof SparqlError) {
    if (error.kind === 'panic')
      return new ApiError(503, 'unavailable', 'the SPARQL engine failed; retry shortly');
    return new ApiError(400, 'bad_request', `the query could not be evaluated: ${error.message}`);
  }
  if (error instanceof UnsupportedUpdateError) return new ApiError(400, 'bad_request', error.message);
  if (error instanceof InvalidWriteError) {
    const fields = error.problems.map((p) => ({
      field: p.column || p.table,
      rule: p.rule,
      message: p.message,
    }));
    return new ApiError(422, 'validation_failed', 'the update does not satisfy the FY2026 model', fields);
  }
  return storageError(error);
}
