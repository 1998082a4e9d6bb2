/**
 * Consent durability with a real process and a real SIGKILL, three times over the same file: after
 * each restart every acknowledged consent is there, the file opens (a torn tail is cut off), and
 * writing goes on.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ConsentBook } from '../../src/security/consent.ts';
import { removeTempDirs, tempDir } from '../helpers/exports.ts';
import { underFileSizeLimit } from '../helpers/serving.ts';

const CHILD = new URL('./consent-crash-child.ts', import.meta.url).pathname;
afterAll(() => removeTempDirs());

/** Starts the writer, waits for `acks` acknowledgements plus a few milliseconds, kills it by its PID. */
async function writeAndKill(dir: string, prefix: string, acks: number): Promise<string[]> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, prefix], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const acked: string[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    acked.push(...lines);
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (acked.length < acks) {
    if (Date.now() > deadline) throw new Error('the writer did not get going');
    await new Promise((r) => setTimeout(r, 2));
  }
  await new Promise((r) => setTimeout(r, 3 + Math.floor(Math.random() * 5)));
  process.kill(child.pid as number, 'SIGKILL');
  await exited;
  return acked;
}

describe('consents under SIGKILL', () => {
  it('keep every acknowledged consent across three crashes', async () => {
    const dir = tempDir('hearth-consent-crash-');
    const all: string[] = [];
    for (const round of ['a', 'b', 'c']) {
      all.push(...(await writeAndKill(dir, round, 25)));
      const book = new ConsentBook(dir);
      const stored = new Set([...book.all()].map((c) => c.consentId));
      for (const id of all) expect(stored.has(id), id).toBe(true);
    }
  }, 120_000);
});

describe('a consent the disk refuses', () => {
  it('is refused whole, and the book keeps taking and reopening the ones after it', async () => {
    // Under a 2 KiB file size limit a 4 KB line gets a short write, then EFBIG, as a nearly full
    // disk gives ENOSPC. Before, the part written stayed, and the next line would have followed it.
    const dir = tempDir('hearth-consent-limited-');
    const [command, args] = underFileSizeLimit(2, [
      process.execPath,
      '--import',
      'tsx',
      CHILD,
      dir,
      'x',
      'limited',
    ]);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(output.trim().split('\n')).toEqual(['x-small', 'refused LogWriteError', 'x-after']);
    expect(code).toBe(0);
    const book = new ConsentBook(dir);
    expect([...book.all()].map((c) => c.consentId)).toEqual(['x-small', 'x-after']);
  }, 60_000);
});
