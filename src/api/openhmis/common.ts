/**
 * What the OpenHMIS handlers share: request bodies (JSON or XML, bare or in a `data.item` wrapper),
 * item and list answers, paging after the Google JSON Style Guide the seed cites (startIndex,
 * itemsPerPage, totalItems), and the parameters every route takes.
 */
import { ApiError } from '../errors.ts';
import { SOURCE_PARAM } from '../hmis-api/common.ts';
import type { ParamSpec, RouteRequest } from '../route-spec.ts';
import { body, dataResponse } from './envelope.ts';
import { parseXml, XmlBodyError } from './xml.ts';

export { SOURCE_PARAM };

export const PAGE_PARAMS: readonly ParamSpec[] = [
  {
    name: 'startIndex',
    in: 'query',
    type: 'integer',
    minimum: 0,
    maximum: 100_000_000,
    description: 'Skip this many items (default 0)',
  },
  {
    name: 'maxItems',
    in: 'query',
    type: 'integer',
    minimum: 1,
    maximum: 5000,
    description: 'At most this many items (default 1000)',
  },
];

export const idParam = (name: string, description: string): ParamSpec => ({
  name,
  in: 'path',
  type: 'string',
  required: true,
  maxLength: 32,
  description,
});

export interface ParsedBody {
  readonly value: unknown;
  /** True for XML: leaves are text, typed by the resource mapping. */
  readonly lexical: boolean;
}

const unwrap = (value: unknown): unknown => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const data = (value as { data?: unknown }).data;
  if (keys.length === 1 && typeof data === 'object' && data !== null && 'item' in data)
    return (data as { item: unknown }).item;
  return value;
};

/** The request body: JSON parsed by the router, or XML bytes parsed here (DTDs refused). */
export function readBody(request: RouteRequest): ParsedBody {
  if (!(request.body instanceof Uint8Array)) return { value: unwrap(request.body), lexical: false };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(request.body);
  } catch {
    throw new ApiError(400, 'bad_request', 'the body is not UTF-8');
  }
  try {
    const { root, value } = parseXml(text);
    return { value: unwrap(root === 'data' ? { data: value } : value), lexical: true };
  } catch (error) {
    if (error instanceof XmlBodyError) throw new ApiError(400, 'bad_request', error.message);
    throw error;
  }
}

export const BODY_TYPES = ['application/json', 'application/xml', 'text/xml'] as const;
export const MAX_BODY_BYTES = 256 * 1024;

export function itemResponse(request: RouteRequest, data: Record<string, unknown>, status = 200): Response {
  return dataResponse(request.mediaType, data, status);
}

/** One page of `all`; only the page's entries become objects (`toObject`), so long lists stay cheap. */
export function listResponse<T>(
  request: RouteRequest,
  all: readonly T[],
  toObject: (entry: T) => unknown = (entry) => entry,
): Response {
  const start = (request.params.startIndex as number | undefined) ?? 0;
  const max = (request.params.maxItems as number | undefined) ?? 1000;
  const items = all.slice(start, start + max).map(toObject);
  return dataResponse(request.mediaType, {
    items,
    startIndex: start,
    itemsPerPage: items.length,
    totalItems: all.length,
  });
}

/** The seed's DELETE answer: `true`. */
export const deletedResponse = (request: RouteRequest): Response => body(request.mediaType, 'boolean', true);

/** Extra members of `data` that report what a write did not store. */
export function writeReport(unsupported: readonly string[], ignored: readonly string[]) {
  return {
    ...(unsupported.length > 0 ? { unsupported } : {}),
    ...(ignored.length > 0 ? { ignored } : {}),
  };
}
