/**
 * What every Hearth surface needs from storage. The embedded backend (embedded-store.ts) is the
 * default; a SPARQL 1.1 server backend (a later issue) implements the same interface.
 */
import type * as RDF from '@rdfjs/types';
import type { QueryOptions, QueryResult } from '../query/sparql-engine.ts';
import type { Change } from './operations.ts';
import type { RecordState } from './record-state.ts';
import type { CommitListener } from './record-store.ts';

export interface QuadPattern {
  readonly subject?: string;
  readonly predicate?: string;
  /** An IRI, or a literal given as an RDF/JS term. */
  readonly object?: string | RDF.Literal;
  readonly graph?: string;
}

export interface Store {
  /** The records, for reads (REST surfaces read these directly). */
  readonly records: RecordState;
  /** Applies a change as one durable transaction; resolves with its id once it is on disk. */
  commit(change: Change): Promise<number>;
  /** Loads RDF (N-Quads, TriG, Turtle or N-Triples into a source's graph) as records, validated. */
  loadRdf(text: string, format: string, graph?: string): Promise<{ txId: number; records: number }>;
  /** Quads matching a pattern (unbound positions match anything). */
  match(pattern: QuadPattern): Promise<RDF.Quad[]>;
  /** SPARQL 1.1 SELECT / ASK / CONSTRUCT / DESCRIBE, serialized per `options.accept`. */
  query(sparql: string, options?: QueryOptions): Promise<QueryResult>;
  /** SPARQL 1.1 UPDATE, applied to the records through the model (validated, durable). */
  update(sparql: string): Promise<{ txId: number; records: number }>;
  close(): Promise<void>;
}

/**
 * The write side importers use: the records, one durable transaction per commit, and commit
 * notifications (the embedded store's record log, or the SPARQL server backend's journal).
 */
export interface RecordLog {
  readonly state: RecordState;
  readonly lastCommittedTxId: number;
  /** The local data directory, for side files such as XML notes; undefined on a SPARQL server. */
  readonly dir?: string;
  commit(change: Change): Promise<number>;
  onCommit(listener: CommitListener): () => void;
}

export type IndexStatus = 'building' | 'ready' | 'failed';

/** What the HTTP surfaces and the commands use of a backend, embedded or SPARQL server alike. */
export interface HearthStore extends Store {
  readonly baseIri: string;
  readonly log: RecordLog;
  /** Settles once the SPARQL index holds every record (at once on a SPARQL server). */
  readonly indexReady: Promise<void>;
  /** Where the SPARQL index is: queries wait while it is `building` (reported by /healthz). */
  readonly indexStatus: IndexStatus;
  /** Validates a change strictly against the model (every rule is an error), then commits it. */
  commitValidated(change: Change): Promise<number>;
}
