/**
 * Which data a SPARQL request may reach, decided from the parsed query (sparqljs) and the access
 * policy, never from the query's text:
 *
 * - admins query the records (every source graph; the default graph is their union) or, at
 *   /sparql/research, the research graph; SERVICE is theirs only (federation, see federation.ts);
 * - researchers query the research graph only, which lives in its own engine: no GRAPH ?g, FROM or
 *   FROM NAMED can reach a record there is no copy of. Dataset clauses naming anything else, and
 *   SERVICE anywhere in the query, are refused with 403 rather than answered empty;
 * - scoped principals are refused by the policy ('sparql' is a whole-store action): a SPARQL query
 *   over per-record visibility cannot be filtered soundly (README, "SPARQL").
 *
 * The query is then written back out by sparqljs's generator, with the dataset of the protocol's
 * default-graph-uri / named-graph-uri and the row cap applied. Regenerating also parenthesizes
 * every arithmetic expression, which Oxigraph 0.5.11 otherwise associates to the right.
 */
import sparqljs from 'sparqljs';
import { isResearchGraph } from '../../research/deidentify.ts';
import { allows } from '../../security/policy.ts';
import type { Principal } from '../../security/principal.ts';
import { ApiError } from '../errors.ts';

export type Dataset = 'records' | 'research';

export interface QueryRequest {
  readonly query: string;
  readonly defaultGraphs: readonly string[];
  readonly namedGraphs: readonly string[];
}

export interface PlannedQuery {
  readonly dataset: Dataset;
  readonly form: 'SELECT' | 'ASK' | 'CONSTRUCT' | 'DESCRIBE';
  /** The query to run, regenerated from the checked syntax tree. */
  readonly sparql: string;
  /** Set when the query's LIMIT was lowered to detect results over `maxRows`. */
  readonly cappedAt?: number;
  /** True when the query holds SERVICE (admins only: run it federated). */
  readonly federated: boolean;
}

const generator = new sparqljs.Generator();

/** Parses SPARQL with sparqljs; a 400 naming the first problem when it is not valid. */
export function parseSparql(text: string, baseIri: string): sparqljs.SparqlQuery {
  try {
    return new sparqljs.Parser({ baseIRI: baseIri }).parse(text);
  } catch (error) {
    const first = (error as Error).message.split('\n')[0] ?? 'syntax error';
    throw new ApiError(400, 'bad_request', `malformed SPARQL: ${first.slice(0, 300)}`);
  }
}

/** True when any node of the syntax tree is a SERVICE pattern (in FILTER EXISTS and subqueries too). */
export function hasService(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasService);
  if (!node || typeof node !== 'object') return false;
  if ((node as { type?: unknown }).type === 'service') return true;
  return Object.values(node).some(hasService);
}

/** The dataset a principal's query runs on at an endpoint; 403 when the policy allows none. */
export function datasetFor(principal: Principal, endpoint: Dataset): Dataset {
  if (!allows(principal, 'sparql'))
    throw new ApiError(403, 'forbidden', `role ${principal.role} may not sparql here`);
  return principal.role === 'admin' ? endpoint : 'research';
}

export function planQuery(
  principal: Principal,
  endpoint: Dataset,
  request: QueryRequest,
  limits: { readonly maxRows: number; readonly baseIri: string },
): PlannedQuery {
  const dataset = datasetFor(principal, endpoint);
  const parsed = parseSparql(request.query, limits.baseIri);
  if (parsed.type !== 'query')
    throw new ApiError(400, 'bad_request', 'this is a SPARQL UPDATE: send it to /sparql/update');
  const query = parsed as sparqljs.Query;
  if (request.defaultGraphs.length > 0 || request.namedGraphs.length > 0) {
    // The protocol's dataset replaces the query's (SPARQL 1.1 Protocol, 2.1.4).
    const node = (value: string) => ({ termType: 'NamedNode', value }) as sparqljs.IriTerm;
    query.from = { default: request.defaultGraphs.map(node), named: request.namedGraphs.map(node) };
  }
  const federated = hasService(query);
  if (principal.role !== 'admin') checkResearchQuery(query, federated);
  const form = query.queryType;
  let cappedAt: number | undefined;
  if (form === 'SELECT' && (query.limit === undefined || query.limit > limits.maxRows)) {
    cappedAt = limits.maxRows;
    query.limit = limits.maxRows + 1;
  }
  return {
    dataset,
    form,
    sparql: generator.stringify(query),
    federated,
    ...(cappedAt === undefined ? {} : { cappedAt }),
  };
}

function checkResearchQuery(query: sparqljs.Query, federated: boolean): void {
  if (federated) throw new ApiError(403, 'forbidden', 'SERVICE (federated queries) is for admins only');
  const named = [...(query.from?.default ?? []), ...(query.from?.named ?? [])];
  const outside = named.find((iri) => !isResearchGraph(iri.value));
  if (outside)
    throw new ApiError(
      403,
      'forbidden',
      'researchers query the research graph only: FROM and FROM NAMED may name urn:hearth:research:{source} graphs',
    );
}
