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
  /** SPARQL endpoint limits and the research graph's salt (see SPARQL_DEFAULTS; README, "SPARQL"). */
  readonly sparql?: SparqlConfig;
  /** HEARTH_STORE: `embedded` (default) or `sparql+http(s)://…` for a SPARQL 1.1 server backend. */
  readonly store?: string;
  /** FHIR surface switches (README, "FHIR R4"). */
  readonly fhir?: FhirConfig;
  /** HEARTH_HEAP_GROWING_PERCENT: `serve`'s JS heap growth past its live size (default 50; 0: V8's own). */
  readonly heapGrowingPercent?: number;
}

export interface FhirConfig {
  /** HEARTH_FHIR_SSN_IDENTIFIER=true puts SSNs in Patient.identifier (default false, as US Core advises). */
  readonly ssnIdentifier: boolean;
  /** HEARTH_FHIR_MEDICAID_SYSTEM: the state's Medicaid member ID system URI (default under the base IRI). */
  readonly medicaidSystem?: string;
}

function fhirConfig(env: NodeJS.ProcessEnv): FhirConfig {
  const ssn = env.HEARTH_FHIR_SSN_IDENTIFIER ?? 'false';
  if (ssn !== 'true' && ssn !== 'false')
    throw new ConfigError(`HEARTH_FHIR_SSN_IDENTIFIER must be true or false, got ${ssn}`);
  const system = env.HEARTH_FHIR_MEDICAID_SYSTEM;
  if (system !== undefined && !/^(?:https?:\/\/|urn:)[^\s<>"{}|\\^`]+$/.test(system))
    throw new ConfigError(`HEARTH_FHIR_MEDICAID_SYSTEM must be an http(s) or urn: URI, got ${system}`);
  return { ssnIdentifier: ssn === 'true', ...(system ? { medicaidSystem: system } : {}) };
}

export interface SparqlConfig {
  /** HEARTH_SPARQL_TIMEOUT_MS: a query running longer is stopped (default 30 s). */
  readonly timeoutMs: number;
  /** HEARTH_SPARQL_MAX_ROWS: SELECT results with more solutions are refused (default 100,000). */
  readonly maxRows: number;
  /** HEARTH_SPARQL_MAX_RESULT_BYTES: larger serialized results are refused (default 64 MiB). */
  readonly maxResultBytes: number;
  /** HEARTH_SPARQL_MAX_QUERY_BYTES: larger queries and updates are refused (default 100 KB). */
  readonly maxQueryBytes: number;
  /** HEARTH_RESEARCH_SALT: secret key of the research graph's hashes; unset: HUD's plain SHA-1. */
  readonly researchSalt?: string;
  /** HEARTH_RESEARCH_IDLE_SECONDS: the research graph is let go after this long unused (default 15 min). */
  readonly researchIdleMs?: number;
}

export const SPARQL_DEFAULTS: SparqlConfig = {
  timeoutMs: 30_000,
  maxRows: 100_000,
  maxResultBytes: 64 * 1024 * 1024,
  maxQueryBytes: 100_000,
};

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  return integerSetting(env, name, fallback, 1);
}

/** The whole number in `env[name]`, at least `minimum`; `fallback` when unset or empty. */
function integerSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, minimum: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < minimum)
    throw new ConfigError(
      `${name} must be ${minimum === 1 ? 'a positive integer' : `a whole number of at least ${minimum}`}, got ${text}`,
    );
  return value;
}

function sparqlConfig(env: NodeJS.ProcessEnv): SparqlConfig {
  const salt = env.HEARTH_RESEARCH_SALT;
  if (salt !== undefined && salt !== '' && salt.length < 16)
    throw new ConfigError('HEARTH_RESEARCH_SALT must have at least 16 characters (a random secret)');
  return {
    timeoutMs: positiveInteger(env, 'HEARTH_SPARQL_TIMEOUT_MS', SPARQL_DEFAULTS.timeoutMs),
    maxRows: positiveInteger(env, 'HEARTH_SPARQL_MAX_ROWS', SPARQL_DEFAULTS.maxRows),
    maxResultBytes: positiveInteger(env, 'HEARTH_SPARQL_MAX_RESULT_BYTES', SPARQL_DEFAULTS.maxResultBytes),
    maxQueryBytes: positiveInteger(env, 'HEARTH_SPARQL_MAX_QUERY_BYTES', SPARQL_DEFAULTS.maxQueryBytes),
    ...(salt ? { researchSalt: salt } : {}),
    ...(env.HEARTH_RESEARCH_IDLE_SECONDS
      ? { researchIdleMs: positiveInteger(env, 'HEARTH_RESEARCH_IDLE_SECONDS', 0) * 1000 }
      : {}),
  };
}

function storeSetting(env: NodeJS.ProcessEnv): string {
  const store = env.HEARTH_STORE ?? 'embedded';
  if (store !== 'embedded' && !/^sparql\+https?:\/\/[^\s<>"{}|\\^`]+$/.test(store))
    // Never echo credentials (user info) back into a log.
    throw new ConfigError(
      `HEARTH_STORE must be embedded or sparql+http(s)://[user:password@]host:port/path, got ${store.replace(/\/\/[^@/]*@/, '//***@')}`,
    );
  return store;
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
  return {
    dataDir: path.resolve(env.HEARTH_DATA_DIR ?? 'data'),
    baseIri,
    port,
    maxQuads,
    sparql: sparqlConfig(env),
    store: storeSetting(env),
    fhir: fhirConfig(env),
    heapGrowingPercent: integerSetting(env, 'HEARTH_HEAP_GROWING_PERCENT', DEFAULT_HEAP_GROWING_PERCENT, 0),
  };
}

/**
 * V8 lets the heap grow up to 4× its live size while the machine has memory free; on HUD's sample
 * under load that held 740 MB of heap for 170 MB of live records (`bench/serve-memory.ts`).
 */
export const DEFAULT_HEAP_GROWING_PERCENT = 50;
