/**
 * Appends to a file that must stay whole (the record log, the consents): a write the disk refuses
 * part-way (ENOSPC, EFBIG, EIO) is cut off again, so the file still ends where the last acknowledged
 * write ended. Left there, the torn tail would be followed by the next append, and every read after
 * a restart would stop at it (the record log) or refuse the file (the consents).
 */
import type fs from 'node:fs';

/** A durable file (the record log, the consents) could not take a write: none of it was kept. */
export class LogWriteError extends Error {
  override name = 'LogWriteError';
}

/** An error's system code (ENOSPC, EIO, …) or name: what a message may say of a failed write. */
export const errorCode = (error: unknown): string =>
  (error as NodeJS.ErrnoException | undefined)?.code ?? (error instanceof Error ? error.name : 'error');

/** One file's appends; after a tear that could not be cut off, it refuses every later one. */
export class WholeAppends {
  private refused: LogWriteError | undefined;

  /** `what`: the file as messages name it (never its path: they reach API callers). */
  constructor(private readonly what: string) {}

  /**
   * Runs `append` on `handle`, a file `sizeBefore` bytes long. When it fails, the file is cut back
   * to that size and a LogWriteError thrown; if even the cut fails, this and every later append
   * throws one until the file is opened again.
   */
  async run<T>(handle: fs.promises.FileHandle, sizeBefore: number, append: () => Promise<T>): Promise<T> {
    if (this.refused) throw this.refused;
    try {
      return await append();
    } catch (error) {
      const reason = `${this.what} could not be written (${errorCode(error)})`;
      try {
        await handle.truncate(sizeBefore);
        await handle.datasync();
      } catch (cut) {
        this.refused = new LogWriteError(
          `${reason}, and could not be restored (${errorCode(cut)}): restart Hearth once the disk has room`,
        );
        throw this.refused;
      }
      throw new LogWriteError(`${reason}; nothing of it was kept`);
    }
  }
}
