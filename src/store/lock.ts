/**
 * One writer per data directory. The lock file holds the owner's pid; a lock left by a process
 * that no longer runs (kill -9, power loss) is taken over, so restart needs no manual step.
 */
import fs from 'node:fs';
import path from 'node:path';

export class StoreLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `the data directory ${dir} is in use by another Hearth process (pid ${pid}); ` +
        'stop it, or send the work to the running server (e.g. POST an import to its HTTP API)',
    );
    this.name = 'StoreLockedError';
  }
}

/** Whether a process with this pid runs (EPERM: it exists, as another user's). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Locks this process holds: its own pid in a lock file means "taken" only if it is in here. */
const heldByThisProcess = new Set<string>();

export interface DirectoryLock {
  release(): void;
}

export function lockDirectory(dir: string): DirectoryLock {
  const file = path.join(dir, 'LOCK');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // Write the pid first, then link: the lock file never exists without its owner's pid in it.
      const pending = `${file}.${process.pid}`;
      fs.writeFileSync(pending, `${process.pid}\n`, { flush: true });
      try {
        fs.linkSync(pending, file);
      } finally {
        fs.rmSync(pending, { force: true });
      }
      heldByThisProcess.add(file);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          heldByThisProcess.delete(file);
          fs.rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      // After a crash and restart in a container, our pid may equal the dead owner's.
      const ours = owner === process.pid;
      if ((ours && heldByThisProcess.has(file)) || (!ours && isRunning(owner))) {
        throw new StoreLockedError(dir, owner);
      }
      // A stale lock (its owner died): take it over.
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}: the lock file keeps changing`);
}
