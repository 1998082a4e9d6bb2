/**
 * Result-size limits. A SELECT without a LIMIT at or under the row limit runs with LIMIT maxRows + 1
 * (access.ts), so the engine never builds more than that; if the extra row comes back the answer is
 * refused rather than silently cut short. Every serialized result is also held to a byte limit.
 */
import { ApiError } from '../errors.ts';

/** Solutions in a serialized SELECT result (SPARQL JSON, XML, CSV or TSV). */
export function countSolutions(contentType: string, body: string): number {
  if (contentType === 'application/sparql-results+json')
    return (JSON.parse(body) as { results?: { bindings?: unknown[] } }).results?.bindings?.length ?? 0;
  // Markup in literals is escaped, so every `<result>` tag is one solution.
  if (contentType === 'application/sparql-results+xml') return body.split('<result>').length - 1;
  if (contentType === 'text/tab-separated-values') return recordCount(body, false);
  if (contentType === 'text/csv') return recordCount(body, true);
  return 0;
}

/** Lines after the header; in CSV a line break inside double quotes belongs to the value. */
function recordCount(body: string, quoted: boolean): number {
  let records = 0;
  let inQuotes = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted && c === '"') inQuotes = !inQuotes;
    else if (c === '\n' && !inQuotes) records++;
  }
  if (body.length > 0 && !body.endsWith('\n')) records++;
  return Math.max(0, records - 1);
}

export function checkResultSize(
  result: { contentType: string; body: string },
  limits: { readonly maxResultBytes: number; readonly cappedAt?: number | undefined },
): void {
  const bytes = Buffer.byteLength(result.body);
  if (bytes > limits.maxResultBytes)
    throw new ApiError(
      400,
      'bad_request',
      `the result has ${bytes} bytes, over the limit of ${limits.maxResultBytes} (HEARTH_SPARQL_MAX_RESULT_BYTES); ` +
        'narrow the query or add a LIMIT',
    );
  const cap = limits.cappedAt;
  if (cap !== undefined && countSolutions(result.contentType, result.body) > cap)
    throw new ApiError(
      400,
      'bad_request',
      `the result has more than ${cap} solutions (HEARTH_SPARQL_MAX_ROWS); add a LIMIT of at most ${cap} ` +
        'or narrow the query',
    );
}
