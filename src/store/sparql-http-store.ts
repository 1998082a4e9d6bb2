/**
 * The SPARQL server backend (HEARTH_STORE=sparql+http://…): the records live in a SPARQL 1.1 server,
 * as the same RDF the embedded index holds (one named graph per source) plus, per source, a graph
 * of the exact rows (`urn:hearth:rows:{source}`, one JSON literal per record), so records read back
 * byte for byte whatever the server does to typed literals.
 *
 * The API tier keeps no state of its own: each process holds a cache of the rows (`records`, what
 * REST surfaces read), filled from the server when it opens and kept current from the journal
 * (remote-journal.ts), at every commit and every `pollMs` in between. So reads in one process see
 * another process's writes within `pollMs`; writes are serialized by the journal head (an optimistic
 * compare-and-set with retry), validated against the latest rows; SPARQL queries go to the server
 * and always see every acknowledged write.
 *
 * Queries get the dataset of the data graphs (FROM and FROM NAMED per source), so the journal and
 * row graphs stay out of every answer, and answers are written by Hearth (remote-results.ts), so
 * they match the embedded backend's formats.
 */
import { randomUUID } from 'node:crypto';
import type * as RDF from '@rdfjs/types';
import sparqljs from 'sparqljs';
import { table } from '../model/index.ts';
import { negotiate, queryForm } from '../query/formats.ts';
import type { QueryOptions, QueryResult } from '../query/sparql-engine.ts';
import { graphIri, parseRecordIri, recordIri } from '../rdf/iris.ts';
import { InvalidWriteError, validateOperations } from '../validate/operations.ts';
import { matchQuery, parseMatchResults } from './match.ts';
import { type Change, type Operation, operationsOf } from './operations.ts';
import { rdfToOperations } from './rdf-load.ts';
import { RecordState, type Row } from './record-state.ts';
import type { CommitEvent, CommitListener } from './record-store.ts';
import { endpointsFrom, RemoteClient, RemoteStoreError } from './remote-client.ts';
import {
  advanceHeadUpdate,
  type Changes,
  changesQuery,
  hasHeadQuery,
  headOf,
  headQuery,
  initHeadUpdate,
  parseChanges,
  ROW,
  rowsGraph,
  tokenQuery,
} from './remote-journal.ts';
import { planCommit } from './remote-plan.ts';
import { serializeGraph, serializeResults } from './remote-results.ts';
import type { HearthStore, QuadPattern, RecordLog } from './store.ts';
import { commitUpdate, planUpdate } from './update.ts';

export interface SparqlHttpStoreOptions {
  /** HEARTH_STORE, e.g. `sparql+http://127.0.0.1:8890/sparql`. */
  readonly store: string;
  readonly baseIri: string;
  /** How often to catch up with other processes' commits (default 1 s; 0: only at commits). */
  readonly pollMs?: number;
  /** Per HTTP request to the server (default 60 s). */
  readonly timeoutMs?: number;
}

const MAX_ATTEMPTS = 8;
const BATCH = 400;

export class SparqlHttpStore implements HearthStore {
  readonly records = new RecordState();
  /** The journal's commits, as importers use them (no local directory: XML side notes are not kept). */
  readonly log: RecordLog;
  readonly indexReady: Promise<void> = Promise.resolve();
  /** The server holds the records itself: there is no index of Hearth's to build. */
  readonly indexStatus = 'ready';
  private lastTx = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<CommitListener>();
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly client: RemoteClient,
    readonly baseIri: string,
  ) {
    const self = this;
    this.log = {
      state: this.records,
      get lastCommittedTxId() {
        return self.lastTx;
      },
      commit: (change) => this.commit(change),
      onCommit: (listener) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      },
    };
  }

  static async open(options: SparqlHttpStoreOptions): Promise<SparqlHttpStore> {
    const store = new SparqlHttpStore(
      new RemoteClient(endpointsFrom(options.store), options.timeoutMs),
      options.baseIri,
    );
    if (!(await store.client.ask(hasHeadQuery()))) await store.client.update(initHeadUpdate());
    await store.loadAll();
    const pollMs = options.pollMs ?? 1_000;
    if (pollMs > 0) {
      store.timer = setInterval(() => {
        store.sync().catch((error: Error) => console.error(`SPARQL store catch-up failed: ${error.message}`));
      }, pollMs);
      store.timer.unref();
    }
    return store;
  }

  get lastCommittedTxId(): number {
    return this.lastTx;
  }

  /** Catches up with every transaction committed by any process; serialized with commits. */
  sync(): Promise<void> {
    const run = this.queue.then(() => this.syncNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  commit(change: Change): Promise<number> {
    const run = this.queue.then(() => this.commitNow(change, false));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Validates strictly against the latest rows (after catching up), then commits. */
  commitValidated(change: Change): Promise<number> {
    const run = this.queue.then(() => this.commitNow(change, true));
    this.queue = run.catch(() => undefined);
    return run;
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
    const form = queryForm(sparql);
    const contentType = negotiate(form ?? 'SELECT', options.accept);
    const text = this.withDataset(sparql, options.defaultGraphAsUnion ?? false);
    if (form === 'SELECT' || form === 'ASK' || form === undefined) {
      const document =
        form === 'ASK'
          ? { head: {}, boolean: await this.client.ask(text, options.timeoutMs) }
          : await this.client.select(text, options.timeoutMs);
      return { contentType, body: serializeResults(document, contentType) };
    }
    return {
      contentType,
      body: serializeGraph(await this.client.construct(text, options.timeoutMs), contentType),
    };
  }

  async update(sparql: string): Promise<{ txId: number; records: number }> {
    await this.sync();
    const change = await planUpdate(sparql, {
      baseIri: this.baseIri,
      select: async (query) => JSON.stringify(await this.client.select(this.withDataset(query, false))),
    });
    return commitUpdate(change, (planned) => this.commitValidated(planned));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.queue.catch(() => {});
  }

  /**
   * The query with the data graphs as its dataset (unless it names its own): the journal and row
   * graphs stay invisible, and the default graph is empty or, with `union`, the merge of sources.
   */
  private withDataset(sparql: string, union: boolean): string {
    let parsed: sparqljs.SparqlQuery;
    try {
      parsed = new sparqljs.Parser({ baseIRI: this.baseIri }).parse(sparql);
    } catch {
      return sparql; // the server reports the syntax error
    }
    if (parsed.type !== 'query' || parsed.from) return sparql;
    const graphs = [...this.records.sources.keys()].map(
      (source) => ({ termType: 'NamedNode', value: graphIri(this.baseIri, source) }) as sparqljs.IriTerm,
    );
    // An empty FROM NAMED list would mean "all graphs"; name one that cannot exist instead.
    const named =
      graphs.length > 0 ? graphs : [{ termType: 'NamedNode', value: 'urn:hearth:none' } as sparqljs.IriTerm];
    parsed.from = {
      default: union ? named : [{ termType: 'NamedNode', value: 'urn:hearth:none' } as sparqljs.IriTerm],
      named,
    };
    return new sparqljs.Generator().stringify(parsed);
  }

  private async loadAll(): Promise<void> {
    const head = await this.client.select(headQuery());
    const n = headOf(head.results.bindings);
    const sources = [
      ...new Set(head.results.bindings.map((b) => b.source?.value).filter((s): s is string => !!s)),
    ];
    for (const source of sources) await this.reloadSource(source);
    this.lastTx = n;
  }

  /** Reads a source's rows graph whole into the cache; returns the operations that did it. */
  private async reloadSource(source: string): Promise<Operation[]> {
    const operations: Operation[] = [{ op: 'dropSource', source }];
    for (const quad of await this.client.readGraph(rowsGraph(source))) {
      const located = parseRecordIri(this.baseIri, quad.subject.value);
      if (located?.source === source)
        operations.push({
          op: 'put',
          source,
          table: located.table.name,
          row: JSON.parse(quad.object.value) as string[],
        });
    }
    for (const operation of operations) this.records.apply(operation);
    return operations;
  }

  private async syncNow(): Promise<void> {
    const head = await this.client.select(headQuery());
    const n = headOf(head.results.bindings);
    if (n <= this.lastTx) return;
    const txs = await this.client.select(changesQuery(this.lastTx));
    for (const tx of txs.results.bindings) {
      const txId = Number(tx.n?.value);
      const changes = parseChanges(tx.changes?.value ?? '{}');
      const operations: Operation[] = [];
      const previous: (Row | undefined)[] = [];
      for (const source of changes.reload)
        for (const operation of await this.reloadSource(source)) {
          operations.push(operation);
          previous.push(undefined); // the source was dropped first
        }
      await this.rereadRecords(changes.records, operations, previous);
      this.lastTx = txId;
      // With each record's row before, so that listeners (the research graph) drop its old links.
      await this.emit(txId, operations, previous);
    }
    this.lastTx = Math.max(this.lastTx, n);
  }

  /** Re-reads listed records from the rows graphs and applies them (absent: removed). */
  private async rereadRecords(
    records: Changes['records'],
    operations: Operation[],
    previous: (Row | undefined)[],
  ): Promise<void> {
    for (let i = 0; i < records.length; i += BATCH) {
      const batch = records.slice(i, i + BATCH);
      const iris = batch.map(([source, name, key]) => recordIri(this.baseIri, source, table(name), key));
      const graphs = [...new Set(batch.map(([source]) => rowsGraph(source)))];
      const found = await this.client.select(
        `SELECT ?s ?row WHERE { VALUES ?s { ${iris.map((s) => `<${s}>`).join(' ')} } VALUES ?g { ${graphs.map((g) => `<${g}>`).join(' ')} } GRAPH ?g { ?s <${ROW}> ?row } }`,
      );
      const rows = new Map(found.results.bindings.map((b) => [b.s?.value ?? '', b.row?.value ?? '']));
      batch.forEach(([source, name, key], index) => {
        const row = rows.get(iris[index] ?? '');
        const operation: Operation = row
          ? { op: 'put', source, table: name, row: JSON.parse(row) as string[] }
          : { op: 'remove', source, table: name, key };
        previous.push(this.records.previousRow(operation));
        this.records.apply(operation);
        operations.push(operation);
      });
    }
  }

  private async emit(txId: number, operations: readonly Operation[], previous: readonly (Row | undefined)[]) {
    const event: CommitEvent = { txId, operations, previous };
    for (const listener of this.listeners) {
      await Promise.resolve(listener(event)).catch((error: unknown) => {
        console.error(`commit listener failed after transaction ${txId}: ${(error as Error).message}`);
      });
    }
  }

  private async commitNow(change: Change, validate: boolean): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      await this.syncNow();
      // Computed anew on every attempt: a lost race means another process changed the rows.
      const operations = operationsOf(change, this.records);
      if (operations.length === 0) return this.lastTx;
      if (validate) {
        const problems = validateOperations(this.records, operations);
        if (problems.length > 0) throw new InvalidWriteError(problems);
      }
      const head = this.lastTx;
      const token = randomUUID();
      const plan = planCommit(this.baseIri, this.records, operations, token);
      try {
        for (const [graph, text] of plan.staged) await this.client.addToGraph(graph, text);
        const request = [...plan.updates(head), advanceHeadUpdate(head, token, plan.changes, plan.sources)];
        try {
          await this.client.update(request.join(' ;\n'));
        } catch (error) {
          // A serialization failure (Virtuoso: SR172 deadlock) changed nothing: race again.
          if (!isConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
          await new Promise((r) => setTimeout(r, Math.random() * 50 * attempt));
          continue;
        }
        const won =
          (await this.client.select(tokenQuery(head + 1))).results.bindings[0]?.token?.value === token;
        if (won) {
          const previous = operations.map((operation) => {
            const before = this.records.previousRow(operation);
            this.records.apply(operation);
            return before;
          });
          this.lastTx = head + 1;
          await this.emit(head + 1, operations, previous);
          return head + 1;
        }
      } finally {
        if (plan.staged.size > 0)
          await this.client.update(
            [...plan.staged.keys()].map((g) => `DROP SILENT GRAPH <${g}>`).join(' ;\n'),
          );
      }
      if (attempt >= MAX_ATTEMPTS)
        throw new RemoteStoreError(
          `the commit lost ${attempt} races for the journal head; nothing was written`,
        );
    }
  }
}

/** The server refused a transaction for a conflict with a concurrent one (SQL state 40001). */
const isConflict = (error: unknown): boolean =>
  error instanceof RemoteStoreError && /40001|deadlock|SR172/i.test(error.message);
