/**
 * The default Store: the durable record store (source of truth) plus the SPARQL index, an
 * Oxigraph copy in a worker thread. The index is rebuilt in the background when the store opens
 * (REST reads do not wait for it) and follows every commit in commit order; queries wait until it
 * holds every acknowledged write. If a query runs past its time limit the worker is stopped, and
 * the index is rebuilt from the records.
 */
import type * as RDF from '@rdfjs/types';
import { TABLES, table } from '../model/index.ts';
import {
  type EngineOptions,
  loadRecordsInChunks,
  type QueryOptions,
  type QueryResult,
  type RecordInput,
  type ReplaceRequest,
  recordReplace,
  SparqlEngine,
} from '../query/sparql-engine.ts';
import { InvalidWriteError, validateOperations } from '../validate/operations.ts';
import { matchQuery, parseMatchResults } from './match.ts';
import { type Change, operationsOf } from './operations.ts';
import { rdfToOperations } from './rdf-load.ts';
import type { RecordState } from './record-state.ts';
import { type CommitEvent, RecordStore, type RecordStoreOptions } from './record-store.ts';
import type { HearthStore, IndexStatus, QuadPattern } from './store.ts';
import { commitUpdate, planUpdate } from './update.ts';

export interface EmbeddedStoreOptions extends RecordStoreOptions {
  readonly baseIri: string;
  readonly sparql?: EngineOptions;
}

type IndexChange = { readonly replace: ReplaceRequest } | { readonly dropGraph: string };

export class EmbeddedStore implements HearthStore {
  /** Settles when the SPARQL index holds every record (after open, and after each rebuild). */
  indexReady: Promise<void> = Promise.resolve();
  private status: IndexStatus = 'ready';
  private indexSync: Promise<void> = Promise.resolve();
  private pending: IndexChange[] | undefined;

  private constructor(
    readonly log: RecordStore,
    private readonly engine: SparqlEngine,
    readonly baseIri: string,
  ) {
    log.onCommit((event) => this.follow(event));
    engine.onRestartNeeded = () => this.building(this.engine.restart().then(() => this.rebuildIndex()));
  }

  /** Sets `indexReady` and `indexStatus` for a build of the index; the latest build is the one reported. */
  private building(build: Promise<void>): void {
    this.status = 'building';
    const ready: Promise<void> = build.then(
      () => {
        if (this.indexReady === ready) this.status = 'ready';
      },
      (error: unknown) => {
        if (this.indexReady === ready) this.status = 'failed';
        throw error;
      },
    );
    ready.catch(() => {}); // surfaced to whoever awaits it (queries)
    this.indexReady = ready;
  }

  static async open(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
    const log = await RecordStore.open(options);
    try {
      const engine = await SparqlEngine.start({ defaultTimeoutMs: 30_000, ...options.sparql });
      const store = new EmbeddedStore(log, engine, options.baseIri);
      store.building(store.rebuildIndex());
      return store;
    } catch (error) {
      await log.close();
      throw error;
    }
  }

  get indexStatus(): IndexStatus {
    return this.status;
  }

  get records(): RecordState {
    return this.log.state;
  }

  commit(change: Change): Promise<number> {
    return this.log.commit(change);
  }

  /** Validates strictly (every rule is an error) against the records the change meets, then commits. */
  commitValidated(change: Change): Promise<number> {
    return this.log.commit((records) => {
      const operations = operationsOf(change, records);
      const problems = validateOperations(records, operations);
      if (problems.length > 0) throw new InvalidWriteError(problems);
      return operations;
    });
  }

  async loadRdf(text: string, format: string, graph?: string): Promise<{ txId: number; records: number }> {
    const operations = rdfToOperations(this.baseIri, text, format, graph);
    return { txId: await this.commitValidated(operations), records: operations.length };
  }

  async match(pattern: QuadPattern): Promise<RDF.Quad[]> {
    const result = await this.query(matchQuery(pattern), { accept: 'application/sparql-results+json' });
    return parseMatchResults(result.body);
  }

  async query(sparql: string, options: QueryOptions = {}): Promise<QueryResult> {
    await this.indexReady;
    await this.indexSync;
    return this.engine.query(sparql, options);
  }

  async update(sparql: string): Promise<{ txId: number; records: number }> {
    await this.indexReady;
    await this.indexSync;
    const change = await planUpdate(sparql, {
      baseIri: this.baseIri,
      select: async (query) =>
        (await this.engine.query(query, { accept: 'application/sparql-results+json' })).body,
    });
    return commitUpdate(change, (planned) => this.commitValidated(planned));
  }

  async close(): Promise<void> {
    await this.indexReady.catch(() => {});
    await this.indexSync.catch(() => {});
    await this.engine.close();
    await this.log.close();
  }

  /** Loads every record into an empty index; commits meanwhile are queued and applied after. */
  private async rebuildIndex(): Promise<void> {
    this.pending = [];
    await this.engine.clear();
    await loadRecordsInChunks(this.engine, allRecords(this.records), this.baseIri);
    const queued = this.pending;
    this.pending = undefined;
    for (const change of queued) this.enqueue(change);
    await this.indexSync;
  }

  private follow(event: CommitEvent): void {
    event.operations.forEach((operation, i) => {
      const change: IndexChange =
        operation.op === 'dropSource'
          ? { dropGraph: `${this.baseIri}/${operation.source}` }
          : {
              replace: recordReplace(
                this.baseIri,
                operation.source,
                table(operation.table),
                event.previous[i],
                operation.op === 'put' ? operation.row : undefined,
              ),
            };
      if (this.pending) this.pending.push(change);
      else this.enqueue(change);
    });
  }

  private enqueue(change: IndexChange): void {
    this.indexSync = this.indexSync
      .then(() =>
        'dropGraph' in change
          ? this.engine.update(`DROP SILENT GRAPH <${change.dropGraph}>`)
          : this.engine.replace(change.replace).then(() => undefined),
      )
      .catch((error: unknown) => {
        // The engine breaks itself on failure and a rebuild follows (see the constructor).
        console.error(`SPARQL index update failed: ${(error as Error).message}`);
      });
  }
}

function* allRecords(state: RecordState): Generator<RecordInput> {
  for (const [source, data] of state.sources) {
    for (const spec of TABLES) {
      for (const row of data.table(spec.name).rows.values()) yield { source, table: spec, row };
    }
  }
}
