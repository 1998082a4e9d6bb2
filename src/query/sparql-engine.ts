/**
 * The SPARQL engine: an in-memory Oxigraph store in a worker thread (`oxigraph-worker.mjs`), a
 * copy of the record log that is rebuilt at startup (`loadRecordsInChunks`) and kept in sync on
 * every commit (`replace`, see `recordReplace`).
 *
 * Requests go to the worker one at a time, in call order; each waits for the previous reply.
 *
 * Timeouts and restarts: Oxigraph evaluates a query synchronously inside WASM and cannot be
 * interrupted, so when a query or update runs past its `timeoutMs` the engine terminates the
 * worker. The query rejects with `QueryTimeoutError`, every queued request rejects with
 * `EngineBrokenError`, `isBroken` becomes true and `onRestartNeeded` is called. The data is gone
 * with the worker: the owner must call `restart()` (which gives a working, EMPTY engine) and
 * reload the records. Until then every request rejects with `EngineBrokenError`. The same happens
 * if the worker dies or Oxigraph traps (a WASM panic leaves the store in an unknown state).
 * `timeoutMs` counts from the moment the request reaches the worker, not the time spent queued.
 *
 * SPARQL UPDATE changes only this copy, not the record log: a rebuild undoes it.
 */
import { Worker } from 'node:worker_threads';
import type { TableSpec } from '../model/index.ts';
import { graphIri, recordIri } from '../rdf/iris.ts';
import { type PlainQuad, recordQuads, toNQuads } from '../rdf/record-quads.ts';
import { EngineBrokenError, QueryTimeoutError, QueryTooLargeError, SparqlError } from './errors.ts';
import { negotiate, queryForm, RESULTS_TYPES } from './formats.ts';

export interface QueryOptions {
  /** An HTTP Accept header value; the best supported media type for the query form wins. */
  accept?: string;
  /** Evaluation time limit; past it the worker is terminated (see the module comment). */
  timeoutMs?: number;
  /** Let the default graph be the union of all named graphs (each source is a named graph). */
  defaultGraphAsUnion?: boolean;
}

export interface QueryResult {
  contentType: string;
  body: string;
}

/**
 * An exact replace of records in one named graph (all-or-nothing for well-formed N-Quads).
 * `deleteSubjects` removes each subject's own description in `graph`: its rdf:type quads and all
 * literal-valued quads. Its other IRI-valued quads are kept, since they are links to child records
 * and belong to those. The links from parents to a record have the parent as subject, so they go
 * in `deleteQuads` (exact quads; absent ones are ignored). `insert` is added last.
 */
export interface ReplaceRequest {
  graph?: string;
  deleteSubjects?: readonly string[];
  deleteQuads?: string;
  insert?: string;
}

export interface EngineOptions {
  /** Queries larger than this (UTF-8 bytes) are refused before reaching the worker. */
  maxQueryBytes?: number;
  /** The same for SPARQL UPDATE requests. */
  maxUpdateBytes?: number;
  /** Applied to queries and updates that give no `timeoutMs`; undefined: no limit. */
  defaultTimeoutMs?: number;
  /** Called once each time the engine breaks (timeout, worker death, WASM panic). */
  onRestartNeeded?: (reason: Error) => void;
}

interface Pending {
  message: Record<string, unknown> & { type: string };
  timeoutMs: number | undefined;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: { name: string; message: string; kind: SparqlError['kind'] };
}

const WORKER_URL = new URL('./oxigraph-worker.mjs', import.meta.url);

export class SparqlEngine {
  /** True once the worker was stopped or failed; see the module comment. */
  isBroken = false;
  onRestartNeeded: ((reason: Error) => void) | undefined;
  readonly maxQueryBytes: number;
  readonly maxUpdateBytes: number;
  readonly defaultTimeoutMs: number | undefined;
  #worker: Worker;
  #queue: Pending[] = [];
  #current: { id: number; pending: Pending; timer?: NodeJS.Timeout } | undefined;
  #nextId = 1;
  #closed = false;

  private constructor(worker: Worker, options: EngineOptions) {
    this.maxQueryBytes = options.maxQueryBytes ?? 100_000;
    this.maxUpdateBytes = options.maxUpdateBytes ?? 1_000_000;
    this.defaultTimeoutMs = options.defaultTimeoutMs;
    this.onRestartNeeded = options.onRestartNeeded;
    this.#worker = worker;
    this.#attach(worker);
  }

  /** Starts the worker and waits until Oxigraph is loaded in it (~100–200 ms). */
  static async start(options: EngineOptions = {}): Promise<SparqlEngine> {
    const engine = new SparqlEngine(new Worker(WORKER_URL), options);
    await engine.size();
    return engine;
  }

  /** Adds N-Quads (lenient, no transaction: send our own, well-formed output in ~20 k-quad chunks). */
  async load(nquads: string): Promise<void> {
    await this.#request({ type: 'load', nquads });
  }

  async replace(request: ReplaceRequest): Promise<{ deleted: number; inserted: number }> {
    return (await this.#request({ type: 'replace', ...request })) as { deleted: number; inserted: number };
  }

  /** Empties the store (WASM memory is not returned to the OS; `restart()` does that). */
  async clear(): Promise<void> {
    await this.#request({ type: 'clear' });
  }

  async query(sparql: string, options: QueryOptions = {}): Promise<QueryResult> {
    this.#checkSize(sparql, this.maxQueryBytes);
    const form = queryForm(sparql);
    // Without a recognizable form the query is malformed; Oxigraph reports where.
    const contentType = form ? negotiate(form, options.accept) : RESULTS_TYPES[0];
    const body = await this.#request(
      {
        type: 'query',
        sparql,
        resultsFormat: contentType,
        defaultGraphAsUnion: options.defaultGraphAsUnion ?? false,
      },
      options.timeoutMs ?? this.defaultTimeoutMs,
    );
    return { contentType: contentType as string, body: body as string };
  }

  async update(sparql: string, options: { timeoutMs?: number } = {}): Promise<void> {
    this.#checkSize(sparql, this.maxUpdateBytes);
    await this.#request({ type: 'update', sparql }, options.timeoutMs ?? this.defaultTimeoutMs);
  }

  /** The number of quads in the store. */
  async size(): Promise<number> {
    return (await this.#request({ type: 'size' })) as number;
  }

  /** The worker's `process.memoryUsage()`; its `external` includes Oxigraph's WASM memory. */
  async memory(): Promise<NodeJS.MemoryUsage> {
    return (await this.#request({ type: 'memory' })) as NodeJS.MemoryUsage;
  }

  /** Replaces the worker with a fresh one holding an EMPTY store; the owner reloads the data. */
  async restart(): Promise<void> {
    if (this.#closed) throw new EngineBrokenError('the SPARQL engine is closed');
    const old = this.#worker;
    this.#fail(new EngineBrokenError('the SPARQL engine was restarted'));
    // Swap first: events from the old worker are ignored from here on.
    this.#worker = new Worker(WORKER_URL);
    this.#attach(this.#worker);
    this.isBroken = false;
    await old.terminate();
    await this.size();
  }

  /** Stops the worker; pending requests reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#fail(new EngineBrokenError('the SPARQL engine is closed'));
    await this.#worker.terminate();
  }

  #checkSize(sparql: string, limit: number): void {
    const bytes = Buffer.byteLength(sparql, 'utf8');
    if (bytes > limit) throw new QueryTooLargeError(bytes, limit);
  }

  #request(message: Pending['message'], timeoutMs?: number): Promise<unknown> {
    if (this.#closed) return Promise.reject(new EngineBrokenError('the SPARQL engine is closed'));
    if (this.isBroken)
      return Promise.reject(new EngineBrokenError('the SPARQL engine needs restart() and a reload'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ message, timeoutMs, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#current || this.isBroken) return;
    const pending = this.#queue.shift();
    if (!pending) return;
    const id = this.#nextId++;
    this.#current = { id, pending };
    const { timeoutMs } = pending;
    if (timeoutMs !== undefined)
      this.#current.timer = setTimeout(() => this.#break(new QueryTimeoutError(timeoutMs)), timeoutMs);
    this.#worker.postMessage({ ...pending.message, id });
  }

  #attach(worker: Worker): void {
    worker.on('message', (reply: Reply) => {
      if (worker !== this.#worker) return;
      const current = this.#current;
      if (!current || current.id !== reply.id) return;
      clearTimeout(current.timer);
      this.#current = undefined;
      if (reply.ok) current.pending.resolve(reply.value);
      else {
        const { message = 'SPARQL engine error', kind = 'evaluation' } = reply.error ?? {};
        current.pending.reject(new SparqlError(message, kind));
        if (kind === 'panic') this.#break(new EngineBrokenError(`Oxigraph trapped: ${message}`));
      }
      this.#pump();
    });
    const died = (reason: Error) => {
      if (worker === this.#worker && !this.#closed) this.#break(reason);
    };
    worker.on('error', (error) => died(new EngineBrokenError(`SPARQL worker failed: ${error.message}`)));
    worker.on('exit', (code) => died(new EngineBrokenError(`SPARQL worker exited with code ${code}`)));
  }

  /** Stops the worker after a timeout or failure; the current request gets `reason`. */
  #break(reason: Error): void {
    if (this.isBroken) return;
    this.isBroken = true;
    void this.#worker.terminate();
    this.#fail(new EngineBrokenError(`the SPARQL engine stopped: ${reason.message}`), reason);
    this.onRestartNeeded?.(reason);
  }

  /** Rejects the current request (with `first`, if given) and all queued ones. */
  #fail(error: Error, first: Error = error): void {
    const current = this.#current;
    this.#current = undefined;
    if (current) {
      clearTimeout(current.timer);
      current.pending.reject(first);
    }
    for (const pending of this.#queue.splice(0)) pending.reject(error);
  }
}

export interface RecordInput {
  source: string;
  table: TableSpec;
  row: readonly string[];
}

/**
 * Loads records as N-Quads, `chunkQuads` quads per `load` call (one big string is far slower in
 * Oxigraph). The next chunk is built while the worker loads the current one, and at most one
 * chunk waits, so memory stays flat. Returns the number of quads sent.
 */
export async function loadRecordsInChunks(
  engine: SparqlEngine,
  records: Iterable<RecordInput>,
  base: string,
  chunkQuads = 20_000,
): Promise<number> {
  let chunk: PlainQuad[] = [];
  let total = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const send = async () => {
    const text = toNQuads(chunk);
    total += chunk.length;
    chunk = [];
    await inFlight;
    inFlight = engine.load(text);
    // Handled by the next `await inFlight`; this only keeps Node from reporting it meanwhile.
    inFlight.catch(() => {});
  };
  for (const { source, table, row } of records) {
    for (const quad of recordQuads(base, source, table, row)) chunk.push(quad);
    if (chunk.length >= chunkQuads) await send();
  }
  if (chunk.length > 0) await send();
  await inFlight;
  return total;
}

/**
 * The replace request that turns a record's `before` row into `after` (undefined: created or
 * deleted). Exact: the old record's literals and types go, its old parent→child links go, the new
 * quads come in, and the links from this record to its children stay.
 */
export function recordReplace(
  base: string,
  source: string,
  table: TableSpec,
  before: readonly string[] | undefined,
  after: readonly string[] | undefined,
): ReplaceRequest {
  const keyIndex = table.fields.findIndex((f) => f.name === table.key);
  const request: ReplaceRequest = { graph: graphIri(base, source), deleteSubjects: [], deleteQuads: '' };
  if (before) {
    const subject = recordIri(base, source, table, before[keyIndex] ?? '');
    request.deleteSubjects = [subject];
    request.deleteQuads = toNQuads(
      recordQuads(base, source, table, before).filter((q) => q.subject !== subject),
    );
  }
  if (after) request.insert = toNQuads(recordQuads(base, source, table, after));
  return request;
}
