/**
 * Routes as data (after Medplum's FHIR router): each HTTP surface is a table of RouteSpecs. The
 * table drives the router (parameter parsing, unknown-parameter refusal, authentication, role
 * checks) and the OpenAPI document, so neither keeps its own list of routes or fields.
 */
import type { Config } from '../config.ts';
import type { Principal, Role } from '../security/principal.ts';
import type { EmbeddedStore } from '../store/embedded-store.ts';

/** What handlers work with; the server builds it once (see api/app.ts). */
export interface ApiServices {
  readonly store: EmbeddedStore;
  readonly config: Config;
}

export type ParamType = 'string' | 'integer' | 'date' | 'date-time' | 'cursor';

export interface ParamSpec {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly type: ParamType;
  readonly required?: boolean;
  readonly description: string;
  /** For integer parameters holding HUD codes: the code list (OpenAPI enum, validation). */
  readonly codeList?: string;
  readonly maxLength?: number;
}

export interface BodySpec {
  /** A model table whose columns the body carries (e.g. `Client`), or a named schema. */
  readonly table?: string;
  readonly schema?: string;
  readonly description: string;
  readonly partial?: boolean;
}

export interface ResponseSpec {
  readonly status: number;
  readonly description: string;
  readonly table?: string;
  readonly schema?: string;
  readonly list?: boolean;
}

export type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface RouteRequest {
  readonly principal: Principal;
  /** Path and query parameters, parsed and validated per their ParamSpec. */
  readonly params: Readonly<Record<string, string | number | undefined>>;
  readonly body: unknown;
  readonly accept: string | undefined;
  readonly raw: Request;
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
  readonly params: readonly ParamSpec[];
  readonly body?: BodySpec;
  readonly responses: readonly ResponseSpec[];
  /** Media types the route can answer with, preferred first. */
  readonly produces: readonly string[];
  /** Route tables are plain data; services come in per call, so the table can be read without a server. */
  handle(request: RouteRequest, services: ApiServices): Promise<Response>;
}
