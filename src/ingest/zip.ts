/**
 * Reads the CSV files of an HMIS export zip without trusting it: entry names that escape the
 * archive (absolute, `..`, backslashes) are refused, and so are archives whose declared or actual
 * uncompressed size, entry count or compression ratio look like a zip bomb. yauzl checks each
 * entry's inflated size against its header (`validateEntrySizes`), so a lying header fails too.
 */
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

export interface ZipLimits {
  readonly maxEntries: number;
  readonly maxEntryBytes: number;
  readonly maxTotalBytes: number;
  /** Uncompressed/compressed; CSV compresses ~10:1, bombs go past 1000:1. */
  readonly maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 200,
  maxEntryBytes: 2 * 1024 ** 3,
  maxTotalBytes: 4 * 1024 ** 3,
  maxRatio: 200,
};

export class UnsafeArchiveError extends Error {
  override name = 'UnsafeArchiveError';
}

export interface ZipEntryReader {
  /** Entry names (as in the archive) of the files, directories excluded. */
  readonly names: readonly string[];
  open(name: string): Promise<Readable>;
  close(): void;
}

const openZip = (file: string) =>
  new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(
      file,
      { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true },
      (error, zip) => (error || !zip ? reject(error) : resolve(zip)),
    ),
  );

export function unsafeEntryName(name: string): string | undefined {
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return 'is an absolute path';
  if (name.split('/').some((part) => part === '..')) return 'climbs out of the archive with ..';
  if (name.includes('\0')) return 'contains a NUL character';
  return undefined;
}

export async function readZip(file: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipEntryReader> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(file);
  } catch (error) {
    throw new UnsafeArchiveError(`${file} is not a readable zip archive (${(error as Error).message})`);
  }
  try {
    const entries = await listEntries(zip, limits);
    return {
      names: [...entries.keys()],
      open: (name) => openEntry(zip, entries, name),
      close: () => zip.close(),
    };
  } catch (error) {
    zip.close();
    throw error;
  }
}

function listEntries(zip: yauzl.ZipFile, limits: ZipLimits): Promise<Map<string, yauzl.Entry>> {
  if (zip.entryCount > limits.maxEntries) {
    return Promise.reject(
      new UnsafeArchiveError(`the zip has ${zip.entryCount} entries; at most ${limits.maxEntries}`),
    );
  }
  return new Promise((resolve, reject) => {
    const entries = new Map<string, yauzl.Entry>();
    let total = 0;
    zip.on('error', (error: Error) =>
      reject(new UnsafeArchiveError(`the zip is damaged (${error.message})`)),
    );
    zip.on('end', () => resolve(entries));
    zip.on('entry', (entry: yauzl.Entry) => {
      total += entry.uncompressedSize;
      const problem = checkEntry(entry, limits, total);
      if (problem) {
        reject(
          new UnsafeArchiveError(`zip entry ${JSON.stringify(entry.fileName.slice(0, 200))} ${problem}`),
        );
        return;
      }
      if (!entry.fileName.endsWith('/')) entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.readEntry();
  });
}

function checkEntry(entry: yauzl.Entry, limits: ZipLimits, totalSoFar: number): string | undefined {
  const unsafe = unsafeEntryName(entry.fileName);
  if (unsafe) return unsafe;
  if (entry.uncompressedSize > limits.maxEntryBytes) return `is larger than ${limits.maxEntryBytes} bytes`;
  if (totalSoFar > limits.maxTotalBytes) return `brings the archive past ${limits.maxTotalBytes} bytes`;
  const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
  if (entry.uncompressedSize > 1024 * 1024 && ratio > limits.maxRatio) {
    return `expands ${Math.round(ratio)}:1 (a zip bomb?); at most ${limits.maxRatio}:1`;
  }
  return undefined;
}

function openEntry(zip: yauzl.ZipFile, entries: Map<string, yauzl.Entry>, name: string): Promise<Readable> {
  const entry = entries.get(name);
  if (!entry) return Promise.reject(new Error(`no entry ${name} in the zip`));
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (error, stream) => (error || !stream ? reject(error) : resolve(stream))),
  );
}
