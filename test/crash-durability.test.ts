/**
 * Crash durability with a real process and a real SIGKILL: after restart the store holds exactly
 * the acknowledged data (and possibly the one transaction in flight, whole), never a part of one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordStore } from '../src/store/record-store.ts';
import { demoTables, removeTempDirs, writeExport } from './helpers/exports.ts';
import { underFileSizeLimit } from './helpers/serving.ts';

const child = new URL('./fixtures/crash-child.ts', import.meta.url).pathname;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  removeTempDirs();
});

interface Child {
  process: ChildProcess;
  acks: string[];
  exited: Promise<void>;
  hasExited: boolean;
}

/** `fileSizeKiB`: the child runs under that file size limit (underFileSizeLimit), as on a full disk. */
function startChild(args: string[], fileSizeKiB?: number): Child {
  const node: [string, string[]] = [process.execPath, ['--import', 'tsx', child, ...args]];
  const [command, commandArgs] =
    fileSizeKiB === undefined ? node : underFileSizeLimit(fileSizeKiB, [node[0], ...node[1]]);
  const proc = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  const acks: string[] = [];
  let buffer = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    acks.push(...lines);
  });
  const started: Child = { process: proc, acks, exited: Promise.resolve(), hasExited: false };
  started.exited = new Promise<void>((resolve) =>
    proc.on('exit', () => {
      started.hasExited = true;
      resolve();
    }),
  );
  return started;
}

const until = async (child: Child, condition: () => boolean, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (child.hasExited) throw new Error(`the child exited early: ${child.acks.join(' | ')}`);
    if (Date.now() > deadline) throw new Error('timed out waiting for the child');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('crash durability (SIGKILL)', () => {
  it('keeps every acknowledged transaction and no partial one, across compactions', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-crash-'));
    dirs.push(dir);
    for (const round of [1, 2, 3]) {
      const writer = startChild(['writes', dir]);
      await until(writer, () => writer.acks.filter((l) => l.startsWith('ack')).length >= 20 * round);
      writer.process.kill('SIGKILL');
      await writer.exited;
      const acked = Math.max(
        ...writer.acks.filter((l) => l.startsWith('ack')).map((l) => Number(l.split(' ')[1])),
      );
      const store = await RecordStore.open({ dir });
      const clients = store.state.source('crash')?.table('Client').rows;
      const last = store.lastCommittedTxId;
      expect(last).toBeGreaterThanOrEqual(acked);
      expect(last).toBeLessThanOrEqual(acked + 1); // the one in flight may have reached the disk whole
      expect(clients?.size).toBe(last * 50);
      for (let tx = 1; tx <= last; tx++) expect(clients?.has(`${tx}-49`)).toBe(true);
      expect(clients?.has(`${last + 1}-0`)).toBe(false);
      await store.close();
    }
  }, 120_000);

  it('keeps an import all or nothing when killed while it writes', async () => {
    const exportDir = writeExport(demoTables(1500));
    const expected = fs
      .readdirSync(exportDir)
      .reduce(
        (n, f) => n + fs.readFileSync(path.join(exportDir, f), 'utf8').trimEnd().split('\n').length - 1,
        0,
      );
    const outcomes = new Set<string>();
    for (const killAt of ['reading', 'writing']) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-crash-'));
      dirs.push(dir);
      const wal = path.join(dir, 'wal.jsonl');
      const importer = startChild(['import', dir, exportDir]);
      // 'reading': as soon as the child is up; 'writing': once the transaction is reaching the log.
      await until(importer, () =>
        killAt === 'reading'
          ? importer.acks.includes('ready')
          : fs.existsSync(wal) && fs.statSync(wal).size > 0,
      );
      importer.process.kill('SIGKILL');
      await importer.exited;
      const store = await RecordStore.open({ dir });
      const size = store.state.size;
      await store.close();
      expect([0, expected]).toContain(size);
      outcomes.add(`${killAt}:${size === 0 ? 'none' : 'all'}`);
      if (importer.acks.some((l) => l.startsWith('ack'))) expect(size).toBe(expected);
    }
    expect(outcomes.has('reading:none')).toBe(true);
  }, 120_000);
});

describe('a write the disk refuses', () => {
  it('is refused whole, and the transactions after it survive a restart', async () => {
    // Under a 256 KiB file size limit a 1 MB transaction gets a short write, then EFBIG: the same
    // short write a nearly full disk gives, then ENOSPC. Before, the short write went unnoticed, the
    // transaction was acknowledged with its tail missing, and on restart the log ended there.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-limited-'));
    dirs.push(dir);
    const limited = startChild(['limited', dir], 256);
    await limited.exited;
    expect(limited.acks).toEqual(['ready', 'ack 1', 'refused LogWriteError', 'ack 2']);
    const store = await RecordStore.open({ dir });
    try {
      expect(store.lastCommittedTxId).toBe(2);
      const keys = [...(store.state.source('crash')?.table('Client').rows.keys() ?? [])];
      expect(keys.filter((key) => key.startsWith('small-'))).toHaveLength(10);
      expect(keys.filter((key) => key.startsWith('after-'))).toHaveLength(10);
      expect(keys).toHaveLength(20);
    } finally {
      await store.close();
    }
  }, 60_000);
});
