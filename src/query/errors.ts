/** The SPARQL engine's errors (sparql-engine.ts); the HTTP surfaces map them to statuses. */

export class SparqlEngineError extends Error {
  override name = 'SparqlEngineError';
}

/** A query or update Oxigraph refused or failed on; `kind: 'syntax'` means a malformed request. */
export class SparqlError extends SparqlEngineError {
  override name = 'SparqlError';
  constructor(
    message: string,
    readonly kind: 'syntax' | 'format' | 'input' | 'evaluation' | 'panic',
  ) {
    super(message);
  }
}

export class QueryTimeoutError extends SparqlEngineError {
  override name = 'QueryTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`SPARQL evaluation exceeded ${timeoutMs} ms and was stopped`);
  }
}

export class QueryTooLargeError extends SparqlEngineError {
  override name = 'QueryTooLargeError';
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`SPARQL request of ${bytes} bytes exceeds the limit of ${limit} bytes`);
  }
}

/** No media type in the Accept header fits the query form (HTTP 406). */
export class NotAcceptableError extends SparqlEngineError {
  override name = 'NotAcceptableError';
}

/** The worker was stopped; the engine needs `restart()` and a reload. */
export class EngineBrokenError extends SparqlEngineError {
  override name = 'EngineBrokenError';
}
