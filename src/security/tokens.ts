/**
 * Bearer tokens: generated here, stored only as hashes (see users.ts), compared without leaking
 * timing. Tokens never reach a log line.
 */
import crypto from 'node:crypto';
import { ConfigError } from '../config.ts';

/** Makes Hearth tokens recognizable to secret scanners and to people reading a config file. */
export const TOKEN_PREFIX = 'hth_';

/** RFC 6750's b64token: what may follow `Bearer ` in an Authorization header. */
export const BEARER_TOKEN_PATTERN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The shortest HEARTH_ADMIN_TOKEN accepted: anything shorter could be guessed online. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/** 256 random bits, base64url (43 characters) after the prefix. */
export function generateToken(): string {
  return TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
}

/**
 * SHA-256, hex. A fast unsalted hash is right here, unlike for passwords: the input is 256 random
 * bits, so there is no dictionary to try and a stolen users.json cannot be brute-forced, while a
 * slow KDF would cost every request. It also makes lookup by hash possible (no per-user salt).
 */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Constant-time equality for secrets compared as given (the admin token). Both sides are hashed
 * first so timingSafeEqual sees equal lengths and the comparison time does not reveal the length.
 */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(presented, 'utf8').digest();
  const b = crypto.createHash('sha256').update(expected, 'utf8').digest();
  return crypto.timingSafeEqual(a, b);
}

/** Why an admin token is unusable, or undefined when it is fine; for `serve` to refuse early. */
export function adminTokenProblem(token: string): string | undefined {
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) {
    return `HEARTH_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (try: openssl rand -base64 32)`;
  }
  if (!BEARER_TOKEN_PATTERN.test(token)) {
    return 'HEARTH_ADMIN_TOKEN may contain only letters, digits and -._~+/ (and trailing =)';
  }
  return undefined;
}

/** The admin token when set and sound; a ConfigError (the CLI's exit 2) saying what is wrong otherwise. */
export function checkedAdminToken(token: string | undefined): string | undefined {
  const problem = token ? adminTokenProblem(token) : undefined;
  if (problem) throw new ConfigError(problem);
  return token || undefined;
}
