/**
 * The FHIR surface as a route table (after Medplum's FHIR router): method, path, the FHIR
 * interaction or operation it implements, and its handler. The router (fhir-app.ts) and the
 * CapabilityStatement (capability.ts) both read it.
 */
import type { Principal } from '../../security/principal.ts';
import { everything, metadata, read, readOperationDefinition, search, searchPost } from './interactions.ts';
import { medicaidEligibilityBundle, setMedicaidMemberId } from './medicaid.ts';
import type { FhirServices } from './services.ts';

export interface FhirRequest {
  readonly principal: Principal;
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly query: URLSearchParams;
  /** The FHIR base URL as the caller reached it, e.g. `http://host:8080/fhir`. */
  readonly base: string;
  readonly body: unknown;
  readonly services: FhirServices;
}

export interface FhirRoute {
  readonly method: 'GET' | 'POST';
  /** Hono path under /fhir. */
  readonly path: string;
  readonly interaction: 'capabilities' | 'read' | 'search-type' | 'operation';
  readonly operation?: string;
  /** Whether the route needs a signed-in caller with the `fhir` action (metadata does not). */
  readonly open?: boolean;
  /** A body within `maxBytes`: JSON, or with `form` application/x-www-form-urlencoded. */
  readonly body?: { readonly maxBytes: number; readonly form?: boolean };
  handle(request: FhirRequest): Promise<Response>;
}

export const FHIR_ROUTES: readonly FhirRoute[] = [
  { method: 'GET', path: '/metadata', interaction: 'capabilities', open: true, handle: metadata },
  {
    method: 'POST',
    path: '/$medicaid-eligibility-bundle',
    interaction: 'operation',
    operation: 'medicaid-eligibility-bundle',
    body: { maxBytes: 16 * 1024 },
    handle: medicaidEligibilityBundle,
  },
  {
    method: 'POST',
    path: '/Patient/:id/$medicaid-member-id',
    interaction: 'operation',
    operation: 'medicaid-member-id',
    body: { maxBytes: 4 * 1024 },
    handle: setMedicaidMemberId,
  },
  {
    method: 'GET',
    path: '/:type/:id/$everything',
    interaction: 'operation',
    operation: 'everything',
    handle: everything,
  },
  {
    method: 'POST',
    path: '/:type/_search',
    interaction: 'search-type',
    body: { maxBytes: 16 * 1024, form: true },
    handle: searchPost,
  },
  {
    method: 'GET',
    path: '/OperationDefinition/:id',
    interaction: 'read',
    open: true,
    handle: readOperationDefinition,
  },
  { method: 'GET', path: '/:type/:id', interaction: 'read', handle: read },
  { method: 'GET', path: '/:type', interaction: 'search-type', handle: search },
];
