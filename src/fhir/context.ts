/** What a resource builder needs besides the rows: where the record lives and the deployment's options. */
import { table } from '../model/index.ts';
import type { SourceState } from '../store/record-state.ts';
import { fhirId } from './ids.ts';
import type { FhirOptions, Reference } from './types.ts';

export interface RecordContext {
  /** The store's base IRI: identifier systems are record IRI prefixes under it. */
  readonly base: string;
  readonly source: string;
  readonly state: SourceState;
  readonly options: FhirOptions;
  /** The client's stored Medicaid member ID, if any. */
  readonly memberId: (personalId: string) => string | undefined;
}

/**
 * The identifier system of a table's keys in one source: `{base}/{source}/{segment}`, so that
 * system + "/" + value is the record's IRI (rdf/iris.ts) for keys that need no escaping.
 */
export const identifierSystem = (context: RecordContext, tableName: string): string =>
  `${context.base}/${context.source}/${table(tableName).segment}`;

export function reference(
  context: RecordContext,
  type: string,
  key: string,
  kind?: string,
): Reference | undefined {
  const id = fhirId(context.source, key, kind);
  return id ? { reference: `${type}/${id}` } : undefined;
}
