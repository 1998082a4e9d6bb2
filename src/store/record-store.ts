/**
 * The durable record store: the source of truth for every HMIS record.
 *
 * State lives in memory (`RecordState`); durability comes from a write-ahead log (`wal.jsonl`)
 * that each transaction is appended to and fsynced before it is acknowledged, plus a snapshot
 * (`snapshot.jsonl`) that compaction writes atomically (temp file, fsync, rename, fsync dir).
 * Opening replays snapshot then log; a torn tail from a crash is cut off. One writer per
 * directory (see lock.ts); read-only openers take no lock and never modify files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { findTable } from '../model/index.ts';
import { type DirectoryLock, lockDirectory } from './lock.ts';
import { type Change, checkOperation, type Operation, operationsOf } from './operations.ts';
import { RecordState, type Row } from './record-state.ts';
import { syncDirectory } from './replace-file.ts';
import { appendTransaction, readTransactions } from './transaction-file.ts';
import { errorCode, WholeAppends } from './whole-appends.ts';

export interface RecordStoreOptions {
  readonly dir: string;
  /** Open without the writer lock, for reading only (e.g. `hearth export` next to a running server). */
  readonly readOnly?: boolean;
  /** Compact once the log is larger than this many bytes (and than half the snapshot). */
  readonly compactAfterBytes?: number;
  /** Refuse commits that would make the data larger than this many RDF quads (see CapacityError). */
  readonly maxQuads?: number;
}

/**
 * The embedded store's ceiling, measured: Oxigraph's WASM build (the SPARQL index) crashed at its
 * 4 GiB memory limit near 15 M quads on this machine. Refusing at 10 M keeps a margin (the LSA
 * sample makes 3.4 M). Past one CoC, use a SPARQL server backend (README: "Scale").
 */
export const DEFAULT_MAX_QUADS = 10_000_000;

export class CapacityError extends Error {
  override name = 'CapacityError';
}

/** A committed transaction, with each operation's record as it was before (for index updates). */
export interface CommitEvent {
  readonly txId: number;
  readonly operations: readonly Operation[];
  /** Per operation: the row it replaced or removed, if any (undefined for dropSource). */
  readonly previous: readonly (Row | undefined)[];
}

export type CommitListener = (event: CommitEvent) => void | Promise<void>;

const SNAPSHOT = 'snapshot.jsonl';
/** The mode of the files that hold records: the owner's to read and write, no one else's. */
const PRIVATE = 0o600;
const LOG = 'wal.jsonl';

export class RecordStore {
  readonly state = new RecordState();
  private lastTxId = 0;
  private snapshotBytes = 0;
  private logBytes = 0;
  private log: fs.promises.FileHandle | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<CommitListener>();
  private readonly appends = new WholeAppends('the record log');

  private constructor(
    readonly options: RecordStoreOptions,
    private readonly lock: DirectoryLock | undefined,
  ) {}

  static async open(options: RecordStoreOptions): Promise<RecordStore> {
    // The records hold names, SSNs and dates of birth: only the owner may read them (PRIVATE).
    fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const lock = options.readOnly ? undefined : lockDirectory(options.dir);
    const store = new RecordStore(options, lock);
    try {
      await store.recover();
    } catch (error) {
      lock?.release();
      throw error;
    }
    return store;
  }

  get dir(): string {
    return this.options.dir;
  }

  get lastCommittedTxId(): number {
    return this.lastTxId;
  }

  private async recover(): Promise<void> {
    const snapshot = await readTransactions(path.join(this.dir, SNAPSHOT), (txId, operations) => {
      for (const operation of operations) this.state.apply(operation);
      this.lastTxId = txId;
    });
    if (snapshot.validBytes !== snapshot.totalBytes) {
      // Snapshots are renamed into place only when complete, so this is damage, not a crash.
      throw new Error(
        `${path.join(this.dir, SNAPSHOT)} is damaged; restore the data directory from a backup`,
      );
    }
    this.snapshotBytes = snapshot.totalBytes;
    const logFile = path.join(this.dir, LOG);
    const log = await readTransactions(logFile, (txId, operations) => {
      if (txId <= this.lastTxId) return; // already in the snapshot (crash between rename and truncate)
      if (txId !== this.lastTxId + 1)
        throw new Error(`${logFile}: transaction ${txId} follows ${this.lastTxId}`);
      for (const operation of operations) this.state.apply(operation);
      this.lastTxId = txId;
    });
    this.logBytes = log.validBytes;
    if (this.options.readOnly) return;
    this.log = await fs.promises.open(logFile, 'a+', PRIVATE);
    // Files a version before this one created readable by all are closed to others now.
    await this.log.chmod(PRIVATE);
    await fs.promises.chmod(path.join(this.dir, SNAPSHOT), PRIVATE).catch(() => undefined);
    if (log.validBytes < log.totalBytes) {
      // The tail is a transaction that was never acknowledged: drop it so appends start clean.
      await this.log.truncate(log.validBytes);
      await this.log.datasync();
    }
    syncDirectory(this.dir);
  }

  /** Called after each commit, in commit order (e.g. to keep the SPARQL index in step). */
  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Appends the operations as one transaction, fsyncs, then applies them in memory. Resolves only
   * once the transaction is durable; all of it or none of it survives a crash. A function (see
   * Change) computes them when the transactions before it are applied.
   */
  commit(change: Change): Promise<number> {
    const run = this.queue.then(() => this.commitNow(change));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async commitNow(change: Change): Promise<number> {
    if (!this.log) throw new Error('the store is closed or was opened read-only');
    const operations = operationsOf(change, this.state);
    if (operations.length === 0) return this.lastTxId;
    for (const operation of operations) checkOperation(operation, (name) => findTable(name)?.fields.length);
    const limit = this.options.maxQuads ?? DEFAULT_MAX_QUADS;
    const after = this.state.quadsAfter(operations);
    if (after > limit && after > this.state.quads) {
      throw new CapacityError(
        `this change would bring the embedded store to ${after.toLocaleString('en-US')} RDF quads; its ceiling ` +
          `is ${limit.toLocaleString('en-US')} (HEARTH_MAX_QUADS). Nothing was written. For more data, use a ` +
          'SPARQL server backend (see README, "Scale").',
      );
    }
    const txId = this.lastTxId + 1;
    // A failed append is cut off the log again (WholeAppends), so it still ends with the last
    // acknowledged transaction; a torn one left there would end every later read.
    const log = this.log;
    this.logBytes += await this.appends.run(log, this.logBytes, () =>
      appendTransaction(log, txId, operations, operations.length),
    );
    const previous = operations.map((operation) => {
      const before = this.state.previousRow(operation);
      this.state.apply(operation);
      return before;
    });
    this.lastTxId = txId;
    const event: CommitEvent = { txId, operations, previous };
    for (const listener of this.listeners) {
      // The transaction is durable already; a failing listener (e.g. the SPARQL index) must not
      // turn an acknowledged write into an error. Listeners report their own failures.
      await Promise.resolve(listener(event)).catch((error: unknown) => {
        console.error(`commit listener failed after transaction ${txId}: ${(error as Error).message}`);
      });
    }
    // The commit is durable and applied: a compaction that fails (disk full) is retried after the
    // next commit, and must not turn this one into an error.
    if (this.shouldCompact())
      await this.compactNow().catch((error: unknown) => {
        console.error(`record log compaction failed, retried later: ${errorCode(error)}`);
      });
    return txId;
  }

  private shouldCompact(): boolean {
    const threshold = this.options.compactAfterBytes ?? 64 * 1024 * 1024;
    return this.logBytes > threshold && this.logBytes > this.snapshotBytes / 2;
  }

  /** Writes the whole state as a snapshot and empties the log. */
  compact(): Promise<void> {
    const run = this.queue.then(() => this.compactNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async compactNow(): Promise<void> {
    if (!this.log) throw new Error('the store is closed or was opened read-only');
    const temp = path.join(this.dir, `${SNAPSHOT}.tmp`);
    const handle = await fs.promises.open(temp, 'w', PRIVATE);
    try {
      this.snapshotBytes = await appendTransaction(
        handle,
        this.lastTxId,
        this.state.operations(),
        this.state.size,
      );
    } catch (error) {
      await fs.promises.rm(temp, { force: true }); // the old snapshot and the log still hold it all
      throw error;
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temp, path.join(this.dir, SNAPSHOT));
    syncDirectory(this.dir);
    await this.log.truncate(0);
    await this.log.datasync();
    this.logBytes = 0;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.log?.close();
    this.log = undefined;
    this.lock?.release();
  }
}
