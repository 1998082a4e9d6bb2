/**
 * What the HUD HMIS API handlers share: the data source a request is about, the caller's scope,
 * the stored SPARQL queries and how their answers map back to records, and the common parameters.
 */
import fs from 'node:fs';
import type * as RDF from '@rdfjs/types';
import { type TableSpec, table } from '../../model/index.ts';
import {
  type Binding,
  bindQuery,
  type CompiledTemplate,
  compileTemplate,
  iri,
  type Term,
} from '../../query/bind.ts';
import { solutionsOf } from '../../query/results.ts';
import { decodeKey, graphIri, parseRecordIri, recordIri, recordIriPrefix } from '../../rdf/iris.ts';
import { type AccessScope, scopeFor } from '../../security/policy.ts';
import { type Row, SourceState } from '../../store/record-state.ts';
import { ApiError } from '../errors.ts';
import type { ApiServices, ParamSpec, RouteRequest } from '../route-spec.ts';

export const SOURCE_PARAM: ParamSpec = {
  name: 'source',
  in: 'query',
  type: 'string',
  maxLength: 64,
  pattern: '[a-z0-9][a-z0-9._-]{0,63}',
  description: 'The data source (one imported HMIS export); needed only when the server holds several',
};

/** What a handler works on: one data source, the caller's scope over it, and the store's base IRI. */
export interface Scoped {
  readonly source: string;
  readonly state: SourceState;
  readonly scope: AccessScope;
  readonly base: string;
}

export function scoped(request: RouteRequest, services: ApiServices): Scoped {
  const records = services.store.records;
  const requested = request.params.source as string | undefined;
  const sources = [...records.sources.keys()];
  const source =
    requested ?? (sources.length === 1 ? sources[0] : undefined) ?? (sources.length === 0 ? '' : undefined);
  if (source === undefined) {
    throw new ApiError(400, 'bad_request', 'the server holds several data sources: name one', [
      { field: 'source', rule: 'required', message: `one of ${sources.join(', ')}` },
    ]);
  }
  const state = records.source(source);
  if (!state && requested !== undefined) {
    throw new ApiError(400, 'bad_request', 'unknown data source', [
      { field: 'source', rule: 'unknown', message: 'no data source by that name' },
    ]);
  }
  return {
    source,
    // An empty store answers with empty lists and 404s, like a store without the record.
    state: state ?? EMPTY_SOURCE,
    scope: scopeFor(request.principal, records, services.consents),
    base: services.store.baseIri,
  };
}

const EMPTY_SOURCE = new SourceState();

export const notFound = (what: string): ApiError => new ApiError(404, 'not_found', `no such ${what}`);

export const recordTerm = (at: Scoped, tableName: string, key: string): Term =>
  iri(recordIri(at.base, at.source, table(tableName), key));

export const graphTerm = (at: Scoped): Term => iri(graphIri(at.base, at.source));

/** Project IRIs a scoped caller may see, for `VALUES`; undefined when the scope is unrestricted. */
export function visibleProjects(at: Scoped): Term[] | undefined {
  if (at.scope.unrestricted) return undefined;
  const terms: Term[] = [];
  for (const id of at.state.table('Project').rows.keys())
    if (at.scope.canSeeProject(at.source, id)) terms.push(recordTerm(at, 'Project', id));
  return terms;
}

/** The client's visible enrollment IRIs, for `VALUES`; undefined when the scope is unrestricted. */
export function visibleEnrollments(at: Scoped, personalId: string): Term[] | undefined {
  if (at.scope.unrestricted) return undefined;
  return at.scope
    .visibleEnrollmentKeys(at.source, personalId)
    .map((key) => recordTerm(at, 'Enrollment', key));
}

/** The client row when the caller may see it; otherwise the same 404 as for a client that does not exist. */
export function visibleClient(at: Scoped, personalId: string): Row {
  const row = at.state.get('Client', personalId);
  if (!row || !at.scope.canSeeClient(at.source, personalId)) throw notFound('client');
  return row;
}

/** A Client row as one caller may see it: `columns` lists what it may see (all when undefined). */
export interface ClientView {
  readonly row: Row;
  readonly columns?: readonly string[];
}

const CLIENT_FIELDS = table('Client').fields;
const CLIENT_KEY = CLIENT_FIELDS.findIndex((field) => field.name === 'PersonalID');

/**
 * The client whole (in scope), or only the columns an approved consent shares (the rest emptied, so
 * neither a score nor an answer can draw on them), or undefined. Answers list `columns` only, so
 * no null stands where a withheld value is (Reference Guide: no placeholders for hidden data).
 */
export function clientView(at: Scoped, row: Row): ClientView | undefined {
  if (at.scope.canSeeRecord(at.source, 'Client', row)) return { row };
  const shared = at.scope.consentedColumns(at.source, row[CLIENT_KEY] ?? '');
  if (!shared) return undefined;
  return {
    row: CLIENT_FIELDS.map((field, i) => (shared.has(field.name) ? (row[i] ?? '') : '')),
    columns: CLIENT_FIELDS.filter((field) => shared.has(field.name)).map((field) => field.name),
  };
}

// ---------------------------------------------------------------------------------------------
// Stored queries

const QUERIES = [
  'client-search',
  'project-clients',
  'client-enrollments',
  'projects',
  'clients',
  'clients-window',
  'client-changes',
  'changes-scoped',
  'client-services',
] as const;
export type QueryName = (typeof QUERIES)[number];

// Read and compiled once, at load: a malformed template fails the start, not a request.
const TEMPLATES: ReadonlyMap<QueryName, CompiledTemplate> = new Map(
  QUERIES.map((name) => [
    name,
    compileTemplate(fs.readFileSync(new URL(`./queries/${name}.rq`, import.meta.url), 'utf8')),
  ]),
);

/** The stored query `name` with `bindings` bound: the exact text the store runs (benchmarks reuse it). */
export function boundQuery(name: QueryName, bindings: Readonly<Record<string, Binding>>): string {
  return bindQuery(TEMPLATES.get(name) as CompiledTemplate, bindings);
}

export async function select(
  services: ApiServices,
  name: QueryName,
  bindings: Readonly<Record<string, Binding>>,
): Promise<Record<string, RDF.Term>[]> {
  const result = await services.store.query(boundQuery(name, bindings), {
    accept: 'application/sparql-results+json',
    timeoutMs: QUERY_TIMEOUT_MS,
  });
  return solutionsOf(result.body);
}

/** Past this a query is stopped (and the index rebuilt): API queries are meant to take milliseconds. */
const QUERY_TIMEOUT_MS = 20_000;

/** A record an answer names by IRI, with its row; undefined if it is gone or not a record of this source. */
export function recordAt(at: Scoped, term: RDF.Term | undefined): { spec: TableSpec; row: Row } | undefined {
  if (term?.termType !== 'NamedNode') return undefined;
  const parsed = parseRecordIri(at.base, term.value);
  if (!parsed || parsed.source !== at.source) return undefined;
  const row = at.state.get(parsed.table.name, parsed.key);
  return row ? { spec: parsed.table, row } : undefined;
}

/**
 * Reads rows of one table from the IRIs an answer names: `recordAt` for a known table, minus the
 * general parse (answers name hundreds of records of the same table). Undefined for any other IRI.
 */
export function rowReader(at: Scoped, tableName: string): (term: RDF.Term | undefined) => Row | undefined {
  const prefix = recordIriPrefix(at.base, at.source, table(tableName));
  const rows = at.state.table(tableName).rows;
  return (term) => {
    if (term?.termType !== 'NamedNode' || !term.value.startsWith(prefix)) return undefined;
    const encoded = term.value.slice(prefix.length);
    const key = encoded.includes('/') ? undefined : decodeKey(encoded);
    return key === undefined ? undefined : rows.get(key);
  };
}
