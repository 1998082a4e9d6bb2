/** The FHIR interactions and operations Hearth implements, each a handler of the route table. */

import { FHIR_ID, parseFhirId } from '../../fhir/ids.ts';
import type { Resource } from '../../fhir/types.ts';
import { PATIENT_TYPES, RESOURCE_TYPES } from '../../fhir/view.ts';
import { searchset } from './bundle.ts';
import { capabilityStatement } from './capability.ts';
import { parseCriteria } from './criteria.ts';
import { OPERATION_DEFINITIONS } from './operation-definitions.ts';
import { FhirError, fhirResponse, notFound } from './outcome.ts';
import type { FhirRequest } from './route-table.ts';
import { runSearch } from './search.ts';
import { searchKey, viewFor, widenedByConsent } from './services.ts';

export const SERVED_TYPES: ReadonlySet<string> = new Set(RESOURCE_TYPES);

export function resourceType(name: string | undefined): string {
  if (!name || !SERVED_TYPES.has(name))
    throw new FhirError(
      404,
      'not-supported',
      `resource type ${String(name).slice(0, 64)} is not served here`,
    );
  return name;
}

export function checkId(id: string | undefined): string {
  if (!id || !FHIR_ID.test(id))
    throw new FhirError(400, 'invalid', 'malformed id: 1-64 of A-Z a-z 0-9 - .', ['id']);
  return id;
}

/** Only `_format` (JSON) and `_pretty` are accepted where no search runs. */
export function noParameters(request: FhirRequest, allowed: readonly string[] = []): void {
  for (const key of request.query.keys()) {
    if (['_format', '_pretty', ...allowed].includes(key)) continue;
    throw new FhirError(400, 'invalid', `unknown parameter ${key.slice(0, 64)}`, [key.slice(0, 64)]);
  }
  const format = request.query.get('_format');
  if (format !== null && !['json', 'application/json', 'application/fhir+json'].includes(format))
    throw new FhirError(406, 'not-supported', 'Hearth answers in JSON only (_format=json)', ['_format']);
}

export async function metadata(request: FhirRequest): Promise<Response> {
  noParameters(request);
  return fhirResponse(capabilityStatement(request.base));
}

export async function readOperationDefinition(request: FhirRequest): Promise<Response> {
  noParameters(request);
  const found = OPERATION_DEFINITIONS.find((d) => d.id === request.params.id);
  if (!found) throw notFound(`OperationDefinition/${checkId(request.params.id)}`);
  return fhirResponse(found);
}

export async function read(request: FhirRequest): Promise<Response> {
  noParameters(request);
  const type = resourceType(request.params.type);
  const id = checkId(request.params.id);
  const view = await viewFor(request.services, request.principal);
  const resource = view.read(type, id);
  if (!resource) throw notFound(`${type}/${id}`);
  return fhirResponse(resource);
}

/**
 * `POST /{type}/_search`: the criteria in a form body (and the query string), so that names and
 * birth dates need not appear in URLs or proxy logs. The paging links still carry them, as FHIR
 * defines `next` links to be followed with GET.
 */
export async function searchPost(request: FhirRequest): Promise<Response> {
  const query = new URLSearchParams(request.query);
  for (const [key, value] of request.body as URLSearchParams) query.append(key, value);
  return search({ ...request, query });
}

export async function search(request: FhirRequest): Promise<Response> {
  const type = resourceType(request.params.type);
  const criteria = parseCriteria(type, request.query, SERVED_TYPES);
  const view = await viewFor(request.services, request.principal);
  const key = await searchKey(request.services, request.principal, type, request.query);
  const cache = widenedByConsent(view) ? undefined : { key, store: request.services.searches };
  const result = runSearch(view, criteria, cache);
  const link = (extra?: Record<string, string>) => {
    const query = new URLSearchParams(criteria.query);
    for (const [k, v] of Object.entries(extra ?? {})) query.set(k, v);
    const text = query.toString();
    return `${request.base}/${type}${text ? `?${text}` : ''}`;
  };
  const self = link(request.query.get('_cursor') ? { _cursor: request.query.get('_cursor') as string } : {});
  const next = result.next ? link({ _cursor: result.next }) : undefined;
  return fhirResponse(searchset(request.base, self, result.matches, result.included, next));
}

/** `Patient/{id}/$everything`: the client's resources the caller may see, with the projects and organizations they name. */
export async function everything(request: FhirRequest): Promise<Response> {
  noParameters(request);
  if (request.params.type !== 'Patient')
    throw new FhirError(404, 'not-supported', '$everything is defined on Patient');
  const id = checkId(request.params.id);
  const view = await viewFor(request.services, request.principal);
  const parsed = parseFhirId('Patient', id, view.sources());
  const resources: Resource[] = parsed ? view.compartment(parsed.source, parsed.key, PATIENT_TYPES) : [];
  if (resources.length === 0) throw notFound(`Patient/${id}`);
  const services = view.referenced(resources);
  const organizations = view
    .referenced(services)
    .filter((r) => !services.some((s) => s.id === r.id && s.resourceType === r.resourceType));
  const self = `${request.base}/Patient/${id}/$everything`;
  return fhirResponse(searchset(request.base, self, [...resources, ...services, ...organizations]));
}
