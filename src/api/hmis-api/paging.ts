/**
 * Lists are paged with `limit` and an opaque `cursor`: the base64url JSON of the last item's sort key,
 * which the next query resumes after (keyset paging, so pages stay consistent while data changes and
 * cost the same deep into a list). No list reports a total: a count would reveal hidden records.
 */
import { count, isLexical, type LiteralType, literal, type Term } from '../../query/bind.ts';
import { ApiError } from '../errors.ts';
import type { ParamSpec, RouteRequest } from '../route-spec.ts';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export const PAGE_PARAMS: readonly ParamSpec[] = [
  {
    name: 'limit',
    in: 'query',
    type: 'integer',
    minimum: 1,
    maximum: MAX_LIMIT,
    description: `Items per page (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})`,
  },
  { name: 'cursor', in: 'query', type: 'cursor', description: 'The nextCursor of the previous page' },
];

export interface Page {
  readonly limit: number;
  /** The sort key the page starts after: [key, id] (id may be ''). */
  readonly after?: readonly [string, string];
}

/** The request's page; a cursor whose sort key is not of `keyType` was not made here (400). */
export function pageOf(request: RouteRequest, keyType: LiteralType = 'string'): Page {
  const limit = (request.params.limit as number | undefined) ?? DEFAULT_LIMIT;
  const cursor = request.params.cursor as string | undefined;
  if (cursor === undefined) return { limit };
  const after = decodeCursor(cursor);
  if (!isLexical(after[0], keyType)) throw invalidCursor();
  return { limit, after };
}

const invalidCursor = () =>
  new ApiError(400, 'bad_request', 'invalid cursor', [
    { field: 'cursor', rule: 'type', message: 'pass back a nextCursor unchanged' },
  ]);

export const encodeCursor = (key: string, id = ''): string =>
  Buffer.from(JSON.stringify([key, id]), 'utf8').toString('base64url');

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string'))
      return [value[0] as string, value[1] as string];
  } catch {
    // reported below
  }
  throw invalidCursor();
}

/**
 * Bindings for a query's paging: `limit` (one more than the page, to learn whether another follows)
 * and, after the first page, `afterKey` (typed as the query's sort key) and `afterId`.
 */
export function pageBindings(page: Page, keyType: LiteralType): Record<string, Term | undefined> {
  return {
    limit: count(page.limit + 1),
    afterKey: page.after ? literal(page.after[0], keyType) : undefined,
    afterId: page.after ? literal(page.after[1]) : undefined,
  };
}

/** The page's items and the cursor of the next page, from `limit + 1` solutions. */
export function cut<T>(
  solutions: readonly T[],
  page: Page,
  keyOf: (item: T) => [string, string],
): { items: T[]; next?: string } {
  if (solutions.length <= page.limit) return { items: [...solutions] };
  const items = solutions.slice(0, page.limit);
  const [key, id] = keyOf(items[items.length - 1] as T);
  return { items, next: encodeCursor(key, id) };
}
