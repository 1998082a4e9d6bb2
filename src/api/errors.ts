/**
 * The one error shape of every Hearth HTTP surface (FHIR maps it to an OperationOutcome):
 *   { "error": { "status": 422, "code": "validation_failed", "message": "…",
 *                "fields": [{ "field": "VeteranStatus", "rule": "codeList", "message": "…" }] } }
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { CapacityError } from '../store/record-store.ts';
import { LogWriteError } from '../store/whole-appends.ts';

export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'not_acceptable'
  | 'conflict'
  | 'precondition_failed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'validation_failed'
  | 'unavailable'
  | 'internal';

export interface FieldError {
  readonly field: string;
  readonly message: string;
  readonly rule?: string;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly fields: readonly FieldError[] = [],
  ) {
    super(message);
  }
}

export function errorBody(error: ApiError) {
  return {
    error: {
      status: error.status,
      code: error.code,
      message: error.message,
      ...(error.fields.length > 0 ? { fields: error.fields } : {}),
    },
  };
}

/**
 * A write the store could not keep, as a 503 that says why (its ceiling, or a disk that is full):
 * the caller can retry once an operator has made room, and nothing of the write was kept.
 */
export function storageError(error: unknown): ApiError | undefined {
  if (error instanceof CapacityError || error instanceof LogWriteError)
    return new ApiError(503, 'unavailable', error.message);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && DISK_FULL.has(code))
    return new ApiError(503, 'unavailable', `the server's disk is full (${code}); nothing was kept`);
  return undefined;
}

/** System errors of a write that found no room: no space, over a quota, over a file size limit. */
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/** Hono's onError: ApiErrors as they are; anything else is a 500 whose details stay in the log. */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof ApiError) return c.json(errorBody(error), error.status);
  console.error(
    `unhandled ${error.name} on ${c.req.method} ${new URL(c.req.url).pathname}: ${error.message}`,
  );
  return c.json(errorBody(new ApiError(500, 'internal', 'internal error')), 500);
}
