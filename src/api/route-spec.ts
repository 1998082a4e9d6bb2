/**
 * Routes as data (after Medplum's FHIR router): each HTTP surface is a table of RouteSpecs. The
 * table drives the router (parameter parsing, unknown-parameter refusal, authentication, role
 * checks) and the OpenAPI document, so neither keeps its own list of routes or fields.
 */
import type { Config } from '../config.ts';
import type { AuditLog } from '../security/audit.ts';
import type { TokenDirectory } from '../security/authenticate.ts';
import type { ConsentBook } from '../security/consent.ts';
import type { Action } from '../security/policy.ts';
import type { Principal, Role } from '../security/principal.ts';
import type { HearthStore } from '../store/store.ts';

/** What handlers work with; the server builds it once (see api/app.ts). */
export interface ApiServices {
  readonly store: HearthStore;
  readonly config: Config;
  /** Bearer tokens of users (users.json); the admin token is checked before it. */
  readonly users: TokenDirectory;
  /** HEARTH_ADMIN_TOKEN; unset means no admin token is accepted. */
  readonly adminToken?: string;
  readonly audit: AuditLog;
  /** Consents to share (consents.jsonl): the policy widens client visibility by them. */
  readonly consents: ConsentBook;
}

export type ParamType = 'string' | 'integer' | 'date' | 'date-time' | 'cursor';

export interface ParamSpec {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly type: ParamType;
  readonly required?: boolean;
  readonly description: string;
  /** For integer parameters holding HUD codes: the code list (OpenAPI enum, validation). */
  readonly codeList?: string;
  readonly maxLength?: number;
  /** For string parameters: an ECMAScript regex the whole value must match (e.g. a CoC code). */
  readonly pattern?: string;
  /** For integer parameters without a code list: the inclusive range. */
  readonly minimum?: number;
  readonly maximum?: number;
  /** For the end of a range (a date): the parameter of its start, which it may not precede (400). */
  readonly notBefore?: string;
}

export interface BodySpec {
  /** A model table whose columns the body carries (e.g. `Client`), or a named schema. */
  readonly table?: string;
  readonly schema?: string;
  readonly description: string;
  readonly partial?: boolean;
  /** Accepted Content-Types; default `application/json`. JSON (also `…+json`) is parsed; others reach handlers as bytes. */
  readonly mediaTypes?: readonly string[];
  /** The largest body accepted, in bytes (413 above it); default 64 KiB. */
  readonly maxBytes?: number;
}

export interface ResponseSpec {
  readonly status: number;
  readonly description: string;
  readonly table?: string;
  readonly schema?: string;
  readonly list?: boolean;
  /** Response headers the route sets, by name, with what they carry (for the OpenAPI document). */
  readonly headers?: Readonly<Record<string, string>>;
}

export type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface RouteRequest {
  readonly principal: Principal;
  /** Path and query parameters, parsed and validated per their ParamSpec. */
  readonly params: Readonly<Record<string, string | number | undefined>>;
  /** Parsed JSON, or a Uint8Array for the route's non-JSON media types; undefined without a body. */
  readonly body: unknown;
  readonly accept: string | undefined;
  /** The response media type negotiated from Accept and the route's `produces`. */
  readonly mediaType: string;
  readonly raw: Request;
  /** Names a record in the request's audit line besides the path's (e.g. the PersonalID a create assigned). */
  readonly auditRecord: (field: string, id: string) => void;
}

export interface RouteSpec {
  readonly method: HttpMethod;
  /** OpenAPI-style path under the surface's base, e.g. `/client/{PersonalID}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  /** HUD baseline scenario number(s), for docs and tests. */
  readonly scenario?: number;
  readonly roles: readonly Role[];
  /** The policy action the caller needs (security/policy.ts); `roles` should be `rolesFor(action)`. */
  readonly action?: Action;
  readonly params: readonly ParamSpec[];
  readonly body?: BodySpec;
  readonly responses: readonly ResponseSpec[];
  /** Media types the route can answer with, preferred first. */
  readonly produces: readonly string[];
  /** Route tables are plain data; services come in per call, so the table can be read without a server. */
  handle(request: RouteRequest, services: ApiServices): Promise<Response>;
}
