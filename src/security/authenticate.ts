/**
 * From an Authorization header to a Principal, for every HTTP surface. Failures are 401s in the one
 * error shape (api/errors.ts) with an RFC 6750 challenge; the token itself is never logged or echoed.
 */
import { ApiError } from '../api/errors.ts';
import type { Principal } from './principal.ts';
import { BEARER_TOKEN_PATTERN, tokensEqual } from './tokens.ts';

/** Who HEARTH_ADMIN_TOKEN authenticates as. `:` is not allowed in user names, so no user can pose as it. */
export const ADMIN_TOKEN_PRINCIPAL: Principal = Object.freeze({
  name: 'env:HEARTH_ADMIN_TOKEN',
  role: 'admin',
});

const REALM = 'hearth';
/** Longer than any Hearth token by far; a bigger header is not worth hashing. */
const MAX_TOKEN_LENGTH = 512;

/** The part of UserDirectory authentication needs (tests can pass a stub). */
export interface TokenDirectory {
  authenticate(token: string): Principal | undefined;
}

/** A 401 carrying the WWW-Authenticate challenge the response must include. */
export class UnauthorizedError extends ApiError {
  override name = 'UnauthorizedError';
  readonly challenge: string;

  constructor(message: string, tokenError?: 'invalid_request' | 'invalid_token') {
    super(401, 'unauthorized', message);
    // Without an error attribute when no credentials came (RFC 6750 §3.1).
    this.challenge = tokenError
      ? `Bearer realm="${REALM}", error="${tokenError}"`
      : `Bearer realm="${REALM}"`;
  }
}

/**
 * Headers a router adds to an error response: the challenge for 401s, nothing otherwise.
 * Usage: `c.json(errorBody(error), error.status, challengeHeaders(error))`.
 */
export function challengeHeaders(error: unknown): Record<string, string> {
  if (error instanceof UnauthorizedError) return { 'WWW-Authenticate': error.challenge };
  if (error instanceof ApiError && error.status === 401)
    return { 'WWW-Authenticate': `Bearer realm="${REALM}"` };
  return {};
}

/** The token of an `Authorization: Bearer …` header, or undefined when it is not one. */
function bearerToken(header: string): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header);
  const token = match?.[1];
  if (!token || token.length > MAX_TOKEN_LENGTH || !BEARER_TOKEN_PATTERN.test(token)) return undefined;
  return token;
}

/**
 * The caller of a request. Throws UnauthorizedError for a missing, malformed or unknown token; the
 * messages do not say which users exist. An empty or unset admin token matches nothing.
 */
export function authenticateRequest(
  authorizationHeader: string | undefined | null,
  directory: TokenDirectory,
  adminToken?: string,
): Principal {
  if (!authorizationHeader) {
    throw new UnauthorizedError('authentication required: send Authorization: Bearer <token>');
  }
  const token = bearerToken(authorizationHeader);
  if (!token) {
    throw new UnauthorizedError('malformed Authorization header: expected Bearer <token>', 'invalid_request');
  }
  if (adminToken && tokensEqual(token, adminToken)) return ADMIN_TOKEN_PRINCIPAL;
  const principal = directory.authenticate(token);
  if (!principal) throw new UnauthorizedError('invalid or revoked token', 'invalid_token');
  return principal;
}
