/**
 * The FHIR surface's one error path: every failure leaves as an OperationOutcome with the HTTP
 * status that fits it. ApiErrors from the shared layers (authentication's 401 with its challenge)
 * are mapped here too, so no handler writes an error body of its own.
 */
import { challengeHeaders } from '../../security/authenticate.ts';
import { ApiError } from '../errors.ts';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** FHIR issue types (http://hl7.org/fhir/issue-type) Hearth uses. */
export type IssueType =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'not-supported'
  | 'not-found'
  | 'login'
  | 'forbidden'
  | 'too-costly'
  | 'processing'
  | 'exception';

export class FhirError extends Error {
  override name = 'FhirError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 406 | 413 | 415 | 422 | 500 | 503,
    readonly issue: IssueType,
    message: string,
    /** FHIRPath-ish locations, e.g. the search parameter name. */
    readonly expression: readonly string[] = [],
  ) {
    super(message);
  }
}

export const notFound = (what: string): FhirError => new FhirError(404, 'not-found', `${what} is not known`);

export function operationOutcome(
  issues: readonly { severity: string; code: string; diagnostics: string; expression?: readonly string[] }[],
) {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((issue) => ({
      severity: issue.severity,
      code: issue.code,
      diagnostics: issue.diagnostics,
      ...(issue.expression && issue.expression.length > 0 ? { expression: issue.expression } : {}),
    })),
  };
}

const ISSUE_BY_STATUS: Readonly<Record<number, IssueType>> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-supported',
  406: 'not-supported',
  413: 'too-costly',
  415: 'not-supported',
  422: 'processing',
  503: 'exception',
};

export function fhirResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': FHIR_JSON, ...headers } });
}

/** Any error as an OperationOutcome response; unexpected ones are a 500 whose details stay in the log. */
export function errorResponse(error: unknown): Response {
  if (error instanceof FhirError) {
    const issues = [
      { severity: 'error', code: error.issue, diagnostics: error.message, expression: error.expression },
    ];
    const headers: Record<string, string> = error.status === 405 ? { Allow: 'GET, POST' } : {};
    return fhirResponse(operationOutcome(issues), error.status, headers);
  }
  if (error instanceof ApiError) {
    const code = ISSUE_BY_STATUS[error.status] ?? 'processing';
    const issues = [
      { severity: 'error', code, diagnostics: error.message },
      ...error.fields.map((f) => ({
        severity: 'error',
        code,
        diagnostics: f.message,
        expression: [f.field],
      })),
    ];
    return fhirResponse(operationOutcome(issues), error.status, challengeHeaders(error));
  }
  console.error(
    `unhandled ${(error as Error)?.name ?? 'error'} on the FHIR surface: ${(error as Error)?.message}`,
  );
  return fhirResponse(
    operationOutcome([{ severity: 'fatal', code: 'exception', diagnostics: 'internal error' }]),
    500,
  );
}
