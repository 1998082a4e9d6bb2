/**
 * Mounts the FHIR route table on Hono. Every request goes through the same steps: authenticate
 * (401), check the `fhir` policy action (403), negotiate JSON (406), read the body within its limit
 * (413, 415, 400), call the handler, write one audit line. Every error leaves as an
 * OperationOutcome (outcome.ts). Records the caller may not see are 404s, as on the HMIS API.
 */
import { type Context, Hono } from 'hono';
import type { AuditOutcome } from '../../security/audit.ts';
import { authenticateRequest } from '../../security/authenticate.ts';
import { allows } from '../../security/policy.ts';
import type { Principal } from '../../security/principal.ts';
import type { ApiServices } from '../route-spec.ts';
import { errorResponse, FhirError } from './outcome.ts';
import { FHIR_ROUTES, type FhirRequest, type FhirRoute } from './route-table.ts';
import { type FhirServices, fhirServices } from './services.ts';

const ACCEPTED = [
  'application/fhir+json',
  'application/json',
  'application/*',
  '*/*',
  'application/json+fhir',
];

function negotiate(accept: string | undefined): void {
  if (!accept?.trim()) return;
  const ranges = accept.split(',').map((part) => part.split(';')[0]?.trim().toLowerCase() ?? '');
  if (!ranges.some((range) => ACCEPTED.includes(range)))
    throw new FhirError(406, 'not-supported', 'Hearth answers with application/fhir+json');
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * The body, read no further than `maxBytes` (a lying or absent Content-Length changes nothing):
 * JSON for operations, or a form for `_search` (then a URLSearchParams).
 */
async function readBody(request: Request, spec: NonNullable<FhirRoute['body']>): Promise<unknown> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const accepted = spec.form ? [FORM] : ['application/fhir+json', 'application/json'];
  if (!accepted.includes(type))
    throw new FhirError(415, 'not-supported', `send the body as ${accepted.join(' or ')}`);
  const tooLarge = () => new FhirError(413, 'too-costly', `the body may have at most ${spec.maxBytes} bytes`);
  if (Number(request.headers.get('content-length') ?? 0) > spec.maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  for (;;) {
    const next = await reader?.read();
    if (!next || next.done) break;
    size += next.value.length;
    if (size > spec.maxBytes) {
      await reader?.cancel();
      throw tooLarge();
    }
    chunks.push(next.value);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new FhirError(400, 'structure', 'the body is not UTF-8');
  }
  if (spec.form) return new URLSearchParams(text);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new FhirError(400, 'structure', 'the body is not JSON');
  }
}

/** The FHIR base URL as the caller reached it (the router is mounted at `/fhir`). */
function baseOf(c: Context): string {
  const url = new URL(c.req.url);
  const at = url.pathname.indexOf('/fhir');
  return `${url.origin}${at >= 0 ? url.pathname.slice(0, at) : ''}/fhir`;
}

/** Open routes (metadata) run as a caseworker without projects: a scope that sees nothing. */
const NOBODY: Principal = Object.freeze({ name: 'anonymous', role: 'caseworker' });

function outcomeOf(status: number): AuditOutcome {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'denied';
  if (status === 404) return 'not_found';
  return status >= 500 ? 'error' : 'invalid';
}

async function serve(c: Context, route: FhirRoute, services: FhirServices): Promise<Response> {
  let principal: Principal | undefined;
  const params = c.req.param() as Record<string, string | undefined>;
  const audit = (outcome: AuditOutcome, status: number) =>
    services.api.audit.record({
      principal,
      action: principal ? 'fhir' : 'authenticate',
      route: `${route.method} /fhir${route.path.replace(/:([a-z]+)/g, '{$1}')}`,
      outcome,
      status,
      records: params.id ? { ResourceID: params.id } : undefined,
    });
  try {
    if (!route.open) {
      principal = authenticateRequest(
        c.req.header('authorization'),
        services.api.users,
        services.api.adminToken,
      );
      if (!allows(principal, 'fhir'))
        throw new FhirError(403, 'forbidden', `role ${principal.role} may not use FHIR`);
    }
    negotiate(c.req.header('accept'));
    const body = route.body ? await readBody(c.req.raw, route.body) : undefined;
    const request: FhirRequest = {
      principal: principal ?? NOBODY,
      params,
      query: new URL(c.req.url).searchParams,
      base: baseOf(c),
      body,
      services,
    };
    const response = await route.handle(request);
    if (!route.open) audit('allowed', response.status);
    return response;
  } catch (error) {
    const response = errorResponse(error);
    audit(outcomeOf(response.status), response.status);
    return response;
  }
}

export function fhirApp(api: ApiServices): Hono {
  const services = fhirServices(api);
  const app = new Hono({ strict: false });
  for (const route of FHIR_ROUTES) app.on(route.method, route.path, (c) => serve(c, route, services));
  // A transaction or batch Bundle posted to the base is not accepted: Hearth is read-only over FHIR.
  app.all('*', (c) =>
    errorResponse(
      new FhirError(
        c.req.method === 'GET' || c.req.method === 'POST' ? 404 : 405,
        'not-supported',
        `${c.req.method} ${new URL(c.req.url).pathname.slice(0, 100)} is not an interaction Hearth implements`,
      ),
    ),
  );
  return app;
}
