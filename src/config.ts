/** Runtime configuration, from the environment. Every command reads it the same way. */
import path from 'node:path';

export interface Config {
  /** HEARTH_DATA_DIR, default `./data`. */
  readonly dataDir: string;
  /** HEARTH_BASE_IRI: the prefix of record IRIs, default `http://localhost:{PORT}/id`. */
  readonly baseIri: string;
  readonly port: number;
  /** HEARTH_MAX_QUADS: the embedded store's ceiling (default DEFAULT_MAX_QUADS). */
  readonly maxQuads: number | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`PORT must be 0-65535, got ${env.PORT}`);
  const baseIri = (env.HEARTH_BASE_IRI ?? `http://localhost:${port}/id`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s<>"{}|\\^`]+$/.test(baseIri)) {
    throw new ConfigError(
      `HEARTH_BASE_IRI must be an http(s) IRI without spaces or <>"{}|\\^\`, got ${baseIri}`,
    );
  }
  const maxQuads = env.HEARTH_MAX_QUADS === undefined ? undefined : Number(env.HEARTH_MAX_QUADS);
  if (maxQuads !== undefined && !(Number.isSafeInteger(maxQuads) && maxQuads > 0)) {
    throw new ConfigError(`HEARTH_MAX_QUADS must be a positive integer, got ${env.HEARTH_MAX_QUADS}`);
  }
  return { dataDir: path.resolve(env.HEARTH_DATA_DIR ?? 'data'), baseIri, port, maxQuads };
}
