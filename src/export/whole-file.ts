/**
 * Export files written whole or not at all, readable by their owner only.
 *
 * An export holds every client's name, SSN and DOB, so it is created 0600 whatever the umask (an
 * operator who means to share one chmods it). It is written beside its target under a temporary
 * name, fsynced and renamed over the target only once every byte is down: an export that fails
 * (a full disk, a file size limit, a store error mid-way) leaves the earlier file at that path as
 * it was, and no torn file that a CoC could upload as if it were whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { replaceFile, syncDirectory, temporaryName } from '../store/replace-file.ts';
import { errorCode } from '../store/whole-appends.ts';

/** Writes one file's bytes into `stream`, ends it, and resolves once they are all written. */
export type WriteContent = (stream: fs.WriteStream) => Promise<void>;

/** Why an export's output could not be written, naming the file (never its content). */
export class ExportWriteError extends Error {
  override name = 'ExportWriteError';
  constructor(
    readonly file: string,
    readonly cause: unknown,
  ) {
    super(`cannot write ${file}: ${cause instanceof Error ? withoutPaths(cause.message) : errorCode(cause)}`);
  }
}

/**
 * Node's message without the paths it ends with ("ENOENT: no such file or directory, open '…'"):
 * those are the temporary names, which mean nothing to the operator; the message names the target.
 */
const withoutPaths = (message: string) => message.replace(/ '[^']*'( -> '[^']*')?$/, '');

/** The target's folder, made 0700 if new (its files are the owner's only); the first folder made. */
function makeExportDir(target: string): string | undefined {
  try {
    return fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new ExportWriteError(target, error);
  }
}

/** `target` replaced by what `write` writes, or left as it was if writing fails. */
export async function writeWholeFile(target: string, write: WriteContent): Promise<void> {
  await writeWholeFiles([{ target, write }]);
}

/** `target` replaced by `text` (an import's --report), as writeWholeFile replaces a stream's. */
export function writeWholeText(target: string, text: string): void {
  makeExportDir(target);
  try {
    replaceFile(target, text);
  } catch (error) {
    throw new ExportWriteError(target, error);
  }
}

/**
 * Several files (a CSV export's folder): all are written under temporary names first and renamed
 * only when every one is whole, so a failure half-way through leaves none of them replaced.
 */
export async function writeWholeFiles(files: readonly { target: string; write: WriteContent }[]) {
  const written: { temp: string; target: string }[] = [];
  const made: string[] = [];
  try {
    for (const { target, write } of files) {
      const dir = makeExportDir(target);
      if (dir) made.push(dir);
      const temp = temporaryName(target);
      written.push({ temp, target });
      await writeSynced(temp, target, write);
    }
    for (const { temp, target } of written) rename(temp, target);
    for (const dir of new Set(written.map(({ target }) => path.dirname(path.resolve(target)))))
      syncDirectory(dir);
  } catch (error) {
    for (const { temp } of written) fs.rmSync(temp, { force: true });
    // Directories this export made go too (a made one holds only made ones and temporary files).
    for (const dir of made.reverse()) fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function writeSynced(temp: string, target: string, write: WriteContent): Promise<void> {
  // 'wx': never follow or reuse a file already at the temporary name.
  const stream = fs.createWriteStream(temp, { flags: 'wx', mode: 0o600 });
  // An error before `write` waits on the stream (opening it) must reach us, not crash the process.
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => {});
  try {
    await Promise.race([write(stream), failed]);
    const fd = fs.openSync(temp, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    stream.destroy();
    throw new ExportWriteError(target, error);
  }
}

function rename(temp: string, target: string): void {
  try {
    fs.renameSync(temp, target);
  } catch (error) {
    throw new ExportWriteError(target, error);
  }
}
