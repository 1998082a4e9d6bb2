/**
 * The OpenHMIS wrappers: `{"data":{"item":…}}`, `{"data":{"items":[…]}}`, the bare `true` of a
 * DELETE, and `{"error":{"errors":[…],"message":…,"code":…}}` — never data and error together — in
 * JSON or XML by Accept. Routes run through the shared router (authentication, policy, parameters,
 * body limits, audit), which speaks Hearth's one error shape; `toOpenHmisError` restates those
 * errors in OpenHMIS terms at the edge of this surface, so there is one error path, seen two ways.
 */
import type { ErrorCode } from '../errors.ts';
import { negotiate } from '../router.ts';
import { toXml } from './xml.ts';

export const JSON_TYPE = 'application/json';
export const XML_TYPE = 'application/xml';
export const TEXT_XML = 'text/xml';
export const PRODUCES: readonly string[] = [JSON_TYPE, XML_TYPE, TEXT_XML];
export const isXml = (mediaType: string): boolean => mediaType === XML_TYPE || mediaType === TEXT_XML;

/** The codes of the seed ("Expect the above list to grow"): its four, then one per other failure. */
export type OpenHmisCode =
  | 'ACCESS_DENIED'
  | 'AUTHENTICATION_FAILURE'
  | 'MISSING_PARAMETER'
  | 'INVALID_PARAMETER'
  | 'RECORD_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'NOT_ACCEPTABLE'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_ERROR';

export interface OpenHmisErrorItem {
  readonly field: string;
  readonly reason: string;
  readonly message: string;
}

const BY_HEARTH_CODE: Readonly<Record<ErrorCode, OpenHmisCode>> = {
  bad_request: 'INVALID_PARAMETER',
  validation_failed: 'INVALID_PARAMETER',
  unauthorized: 'AUTHENTICATION_FAILURE',
  forbidden: 'ACCESS_DENIED',
  not_found: 'RECORD_NOT_FOUND',
  method_not_allowed: 'METHOD_NOT_ALLOWED',
  not_acceptable: 'NOT_ACCEPTABLE',
  conflict: 'CONFLICT',
  precondition_failed: 'CONFLICT',
  payload_too_large: 'PAYLOAD_TOO_LARGE',
  unsupported_media_type: 'UNSUPPORTED_MEDIA_TYPE',
  unavailable: 'SERVICE_UNAVAILABLE',
  internal: 'INTERNAL_ERROR',
};

/** The response body in the negotiated media type. */
export function body(mediaType: string, root: 'data' | 'error' | 'boolean', value: unknown): Response {
  const xml = isXml(mediaType);
  const text = xml ? toXml(root, value) : JSON.stringify(root === 'boolean' ? value : { [root]: value });
  return new Response(text, {
    headers: { 'Content-Type': `${xml ? mediaType : JSON_TYPE}; charset=utf-8`, Vary: 'Accept' },
  });
}

export function dataResponse(mediaType: string, data: Record<string, unknown>, status = 200): Response {
  const response = body(mediaType, 'data', data);
  return new Response(response.body, { status, headers: response.headers });
}

/** The error media type: as Accept asks (mount.ts makes XML requests accept XML), JSON otherwise. */
function errorMediaType(request: Request): string {
  const accept = request.headers.get('accept');
  try {
    if (accept?.trim()) return negotiate(accept, PRODUCES);
  } catch {
    // An Accept we cannot meet (the 406 itself): the request's own format, or JSON.
  }
  const sent = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return isXml(sent) ? sent : JSON_TYPE;
}

interface HearthError {
  readonly error: {
    readonly status: number;
    readonly code: ErrorCode;
    readonly message: string;
    readonly fields?: readonly { field: string; rule?: string; message: string }[];
  };
}

const isHearthError = (value: unknown): value is HearthError =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as HearthError).error?.code === 'string' &&
  typeof (value as HearthError).error?.message === 'string';

/** A Hearth error response restated in OpenHMIS's shape; other responses pass through. */
export async function toOpenHmisError(request: Request, response: Response): Promise<Response> {
  if (response.status < 400 || !response.headers.get('content-type')?.includes('json')) return response;
  const parsed: unknown = await response
    .clone()
    .json()
    .catch(() => undefined);
  if (!isHearthError(parsed)) return response;
  const { code, message, fields = [] } = parsed.error;
  const errors: OpenHmisErrorItem[] = fields.map((f) => ({
    field: f.field,
    reason: f.rule ?? 'invalid',
    message: f.message,
  }));
  const missing = errors.length > 0 && errors.every((e) => e.reason === 'required');
  const openHmisCode = missing ? 'MISSING_PARAMETER' : (BY_HEARTH_CODE[code] ?? 'INTERNAL_ERROR');
  // The seed: "400 Bad Request in case of a data validation problem".
  const status = response.status === 422 ? 400 : response.status;
  const out = body(errorMediaType(request), 'error', { errors, message, code: openHmisCode });
  const headers = new Headers(out.headers);
  for (const name of ['www-authenticate', 'allow', 'location'])
    if (response.headers.has(name)) headers.set(name, response.headers.get(name) as string);
  return new Response(out.body, { status, headers });
}
