/**
 * Hearth's store of Medicaid member IDs: `fhir-identifiers.jsonl` in the data directory, written
 * with the record store's transaction file format (transaction-file.ts: begin and commit lines,
 * fdatasync before the caller hears "done", a torn tail cut off on open). It is a file of its own
 * because the record log admits FY2026 rows only (a member ID is not an HMIS CSV field and must
 * not leave through CSV, XML or SPARQL exports); it lives next to the log, under the same writer.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MemberIdLookup } from '../../fhir/view.ts';
import type { Operation } from '../../store/operations.ts';
import { appendTransaction, readTransactions } from '../../store/transaction-file.ts';

export const MEMBER_ID_FILE = 'fhir-identifiers.jsonl';
const TABLE = 'MedicaidMemberID';
/** State Medicaid IDs are short alphanumeric codes; anything else is refused. */
export const MEMBER_ID_PATTERN = /^[A-Za-z0-9-]{1,32}$/;

export class MemberIdStore implements MemberIdLookup {
  private readonly ids = new Map<string, string>();
  private lastTxId = 0;
  private handle: fs.promises.FileHandle | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly readOnly: boolean,
  ) {}

  /** `readOnly`: for readers next to a running server (they never cut a torn tail or write). */
  static async open(dataDir: string, readOnly = false): Promise<MemberIdStore> {
    const store = new MemberIdStore(path.join(dataDir, MEMBER_ID_FILE), readOnly);
    const result = await readTransactions(store.file, (_txId, operations) => {
      for (const operation of operations) store.apply(operation);
    });
    store.lastTxId = result.lastTxId;
    if (!readOnly && result.validBytes < result.totalBytes) fs.truncateSync(store.file, result.validBytes);
    return store;
  }

  private static key = (source: string, personalId: string) => `${source}\u0000${personalId}`;

  private apply(operation: Operation): void {
    if (operation.op === 'put' && operation.table === TABLE) {
      const [personalId = '', memberId = ''] = operation.row;
      this.ids.set(MemberIdStore.key(operation.source, personalId), memberId);
    } else if (operation.op === 'remove' && operation.table === TABLE) {
      this.ids.delete(MemberIdStore.key(operation.source, operation.key));
    }
  }

  /** Changes with every stored change (cached answers that show member IDs key on it). */
  get version(): number {
    return this.lastTxId;
  }

  get(source: string, personalId: string): string | undefined {
    return this.ids.get(MemberIdStore.key(source, personalId));
  }

  /** Stores (or, with undefined, removes) a client's member ID; resolves once it is on disk. */
  set(source: string, personalId: string, memberId: string | undefined): Promise<void> {
    if (this.readOnly) throw new Error('the member ID store was opened read-only');
    if (memberId !== undefined && !MEMBER_ID_PATTERN.test(memberId)) throw new Error('malformed member ID');
    const operation: Operation =
      memberId === undefined
        ? { op: 'remove', source, table: TABLE, key: personalId }
        : { op: 'put', source, table: TABLE, row: [personalId, memberId, new Date().toISOString()] };
    const run = this.queue.then(async () => {
      this.handle ??= await fs.promises.open(this.file, 'a');
      await appendTransaction(this.handle, this.lastTxId + 1, [operation], 1);
      this.lastTxId += 1;
      this.apply(operation);
    });
    this.queue = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.handle?.close();
    this.handle = undefined;
  }
}
