/**
 * The on-disk form of transactions, shared by the write-ahead log and snapshots:
 *
 *   {"begin":7,"count":2}
 *   ["put","lsa","Client",["1","Ann",...]]
 *   ["remove","lsa","Exit","9"]
 *   {"commit":7,"count":2}
 *
 * A transaction counts only once its commit line is on disk, so a crash mid-write loses exactly
 * the unacknowledged transaction. Readers stop at the first incomplete or damaged transaction.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { decodeOperation, encodeOperation, type Operation } from './operations.ts';

/** Writes are batched into buffers of about this size: fewer syscalls, bounded memory. */
const WRITE_CHUNK_BYTES = 4 * 1024 * 1024;

export async function appendTransaction(
  handle: fs.promises.FileHandle,
  txId: number,
  operations: Iterable<Operation>,
  count: number,
): Promise<number> {
  let bytes = 0;
  let pending: string[] = [JSON.stringify({ begin: txId, count })];
  let pendingLength = pending[0]?.length ?? 0;
  const flush = async () => {
    const buffer = Buffer.from(`${pending.join('\n')}\n`);
    pending = [];
    pendingLength = 0;
    await writeAll(handle, buffer);
    bytes += buffer.length;
  };
  for (const operation of operations) {
    const line = encodeOperation(operation);
    pending.push(line);
    pendingLength += line.length + 1;
    if (pendingLength >= WRITE_CHUNK_BYTES) await flush();
  }
  pending.push(JSON.stringify({ commit: txId, count }));
  await flush();
  // The acknowledgement a caller gets means this: the data and the commit line are on stable storage.
  await handle.datasync();
  return bytes;
}

/**
 * Writes the whole buffer. A write may take fewer bytes than given (a disk that is all but full, a
 * file size limit): the rest is written again, and the write after such a short one fails with the
 * reason (ENOSPC, EFBIG), so a transaction is never acknowledged with its tail missing.
 */
async function writeAll(handle: fs.promises.FileHandle, buffer: Buffer): Promise<void> {
  for (let offset = 0; offset < buffer.length; ) {
    const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset);
    offset += bytesWritten;
  }
}

export interface ReadResult {
  /** The id of the last complete transaction, or 0. */
  lastTxId: number;
  /** Byte length of the complete transactions: anything after it is a torn or damaged tail. */
  validBytes: number;
  totalBytes: number;
}

/**
 * Streams the complete transactions of a file to `apply`, one transaction at a time and only
 * after its commit line was read, so a half-written transaction is never applied.
 */
export async function readTransactions(
  file: string,
  apply: (txId: number, operations: Operation[]) => void,
): Promise<ReadResult> {
  const result: ReadResult = { lastTxId: 0, validBytes: 0, totalBytes: 0 };
  if (!fs.existsSync(file)) return result;
  result.totalBytes = fs.statSync(file).size;
  const lines = readline.createInterface({
    input: fs.createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let open: { txId: number; count: number; operations: Operation[] } | undefined;
  let offset = 0;
  try {
    for await (const line of lines) {
      offset += Buffer.byteLength(line) + 1;
      if (offset > result.totalBytes) break; // the last line has no newline: it was torn
      if (!open) {
        const begin = parseMarker(line, 'begin');
        if (!begin) break;
        open = { txId: begin.id, count: begin.count, operations: [] };
      } else if (line.startsWith('{')) {
        const commit = parseMarker(line, 'commit');
        if (!commit || commit.id !== open.txId || commit.count !== open.operations.length) break;
        apply(open.txId, open.operations);
        result.lastTxId = open.txId;
        result.validBytes = offset;
        open = undefined;
      } else {
        open.operations.push(decodeOperation(line));
      }
    }
  } catch {
    // A damaged line ends the readable part; everything before it was complete.
  } finally {
    lines.close();
  }
  return result;
}

function parseMarker(line: string, kind: 'begin' | 'commit'): { id: number; count: number } | undefined {
  try {
    const value = JSON.parse(line) as Record<string, unknown>;
    const id = value[kind];
    const count = value.count;
    return typeof id === 'number' && typeof count === 'number' ? { id, count } : undefined;
  } catch {
    return undefined;
  }
}
