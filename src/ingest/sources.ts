/**
 * Where an import's CSV files come from: a folder or a zip. Files are matched to FY2026 tables by
 * base name, case-insensitively (`client.csv` and `export/Client.csv` are both Client.csv).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { readZip, UnsafeArchiveError } from './zip.ts';

export class ImportSourceError extends Error {
  override name = 'ImportSourceError';
}

export interface ImportSource {
  readonly description: string;
  /** Lower-cased base name (e.g. `client.csv`) → opener. */
  readonly files: ReadonlyMap<string, { readonly name: string; open(): Promise<Readable> }>;
  close(): void;
}

function indexByBaseName<T>(names: readonly string[], entry: (name: string) => T): Map<string, T> {
  const files = new Map<string, T>();
  for (const name of names) {
    const base = path.posix.basename(name).toLowerCase();
    if (!base.endsWith('.csv')) continue;
    if (files.has(base))
      throw new ImportSourceError(`two files are named ${base}; an export has one of each`);
    files.set(base, entry(name));
  }
  return files;
}

const isZip = (file: string): boolean => {
  const fd = fs.openSync(file, 'r');
  try {
    const magic = Buffer.alloc(4);
    fs.readSync(fd, magic, 0, 4, 0);
    return magic.readUInt32LE(0) === 0x04034b50 || magic.readUInt32LE(0) === 0x06054b50;
  } finally {
    fs.closeSync(fd);
  }
};

export async function openImportSource(location: string): Promise<ImportSource> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(location);
  } catch {
    throw new ImportSourceError(`${location} does not exist`);
  }
  if (stat.isDirectory()) {
    const names = fs.readdirSync(location).filter((name) => fs.statSync(path.join(location, name)).isFile());
    const files = indexByBaseName(names, (name) => ({
      name,
      open: async () => fs.createReadStream(path.join(location, name)),
    }));
    return { description: `folder ${location}`, files, close() {} };
  }
  if (!isZip(location)) {
    throw new ImportSourceError(`${location} is neither a folder of CSV files nor a zip archive`);
  }
  try {
    const zip = await readZip(location);
    const files = indexByBaseName(zip.names, (name) => ({ name, open: () => zip.open(name) }));
    return { description: `zip ${location}`, files, close: () => zip.close() };
  } catch (error) {
    if (error instanceof UnsafeArchiveError) throw new ImportSourceError(error.message);
    throw error;
  }
}
