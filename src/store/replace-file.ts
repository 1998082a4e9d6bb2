/**
 * A file replaced whole and durably: readers see the old content or the new, never a part, and
 * the new survives a power loss once this returns. Private (0600): every file Hearth replaces this
 * way (users, XML notes, import reports) is the owner's only.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A temporary name beside `file` (same file system, so the rename is atomic), never used before. */
export const temporaryName = (file: string): string =>
  path.join(path.dirname(file), `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}.partial`);

/** Writes `content` under a temporary name, fsyncs it, renames it over `file` and syncs the folder. */
export function replaceFile(file: string, content: string): void {
  const temp = temporaryName(file);
  try {
    // 'wx': never follow or reuse a file already at the temporary name.
    const fd = fs.openSync(temp, 'wx', 0o600);
    try {
      // writeFileSync writes until every byte is down; one writeSync may take only part (a full disk).
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  syncDirectory(path.dirname(file));
}

/** Makes a rename or file creation in `dir` durable (POSIX needs an fsync of the directory). */
export function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } catch (error) {
    // Some platforms (Windows) cannot fsync a directory.
    if (!['EISDIR', 'EPERM', 'EINVAL'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    fs.closeSync(fd);
  }
}
