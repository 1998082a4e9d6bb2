/**
 * Exported files hold every client's name, SSN and DOB: they are the owner's only (0600, in 0700
 * folders Hearth makes), and an export that fails leaves the earlier file at its path as it was,
 * with no torn or temporary file beside it (export/whole-file.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportWriteError, writeWholeFile, writeWholeFiles } from '../src/export/whole-file.ts';
import { removeTempDirs, tempDir } from './helpers/exports.ts';
import { underFileSizeLimit } from './helpers/serving.ts';

const SPAWNS = 60_000;
const BIN = new URL('../bin/hearth.mjs', import.meta.url).pathname;
const DEMO = new URL('../demo/fy2026', import.meta.url).pathname;

const mode = (file: string) => fs.statSync(file).mode & 0o777;
/** What is in `dir`, temporary files included. */
const listing = (dir: string) => fs.readdirSync(dir).sort();

/** `hearth` as users run it, under umask 022 (files 0644 unless Hearth says otherwise). */
function hearth(args: readonly string[], dataDir: string, fileSizeKiB?: number) {
  const command = [process.execPath, BIN, ...args];
  const [program, programArgs] =
    fileSizeKiB === undefined
      ? ['bash', ['-c', 'umask 022; exec "$@"', 'bash', ...command]]
      : underFileSizeLimit(fileSizeKiB, command);
  const result = spawnSync(program, programArgs, {
    env: { ...process.env, HEARTH_DATA_DIR: dataDir, CI: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterAll(removeTempDirs);

describe('writeWholeFiles', () => {
  it('replaces the targets only when every one is written, and is 0600', async () => {
    const dir = tempDir();
    const first = path.join(dir, 'Client.csv');
    fs.writeFileSync(first, 'earlier\n', { mode: 0o644 });
    const failing = writeWholeFiles([
      { target: first, write: (stream) => endWith(stream, 'new\n') },
      {
        target: path.join(dir, 'made', 'deeper', 'Enrollment.csv'),
        write: async (stream) => {
          await endWith(stream, '');
          throw new Error('the store went away');
        },
      },
    ]);
    await expect(failing).rejects.toThrow(ExportWriteError);
    await expect(failing).rejects.toThrow(/deeper\/Enrollment\.csv: the store went away/);
    expect(fs.readFileSync(first, 'utf8')).toBe('earlier\n');
    expect(listing(dir)).toEqual(['Client.csv']); // no temporary file, no folder it made

    await writeWholeFile(first, (stream) => endWith(stream, 'new\n'));
    expect(fs.readFileSync(first, 'utf8')).toBe('new\n');
    expect(mode(first)).toBe(0o600);
    expect(listing(dir)).toEqual(['Client.csv']);
  });

  it('names the target, not its temporary file, when the path cannot be written', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'taken.xml'));
    const overFolder = writeWholeFile(path.join(dir, 'taken.xml'), (stream) => endWith(stream, '<x/>'));
    await expect(overFolder).rejects.toThrow(/^cannot write .*taken\.xml: E\w+: [^']*$/);
    fs.writeFileSync(path.join(dir, 'file'), '');
    const inFile = writeWholeFile(path.join(dir, 'file', 'x.zip'), (stream) => endWith(stream, 'z'));
    await expect(inFile).rejects.toThrow(/^cannot write .*file\/x\.zip: E\w+/);
    expect(listing(dir)).toEqual(['file', 'taken.xml']);
  });
});

const endWith = (stream: fs.WriteStream, text: string) =>
  new Promise<void>((resolve, reject) =>
    stream.end(text, (error?: Error | null) => (error ? reject(error) : resolve())),
  );

describe('hearth export and import --report', () => {
  let data: string;
  beforeAll(() => {
    data = tempDir();
    expect(hearth(['import', DEMO], data).code).toBe(0);
  }, SPAWNS);

  it('writes files only their owner can read, whatever the umask', { timeout: SPAWNS }, () => {
    const out = tempDir();
    const zip = path.join(out, 'export.zip');
    const folder = path.join(out, 'new', 'csv');
    const xml = path.join(out, 'export.xml');
    const report = path.join(out, 'report.json');
    expect(hearth(['export', '--out', zip], data).code).toBe(0);
    expect(hearth(['export', '--out', folder], data).code).toBe(0);
    expect(hearth(['export', '--format', 'xml', '--out', xml], data).code).toBe(0);
    expect(hearth(['validate', DEMO, '--report', report], data).code).toBe(0);
    for (const file of [zip, xml, report, ...listing(folder).map((f) => path.join(folder, f))])
      expect(mode(file), file).toBe(0o600);
    expect(listing(folder)).toHaveLength(24);
    expect(mode(folder)).toBe(0o700);
    expect(mode(path.join(out, 'new'))).toBe(0o700);
  });

  it('leaves the earlier export whole when the disk refuses the new one, and exits 3', {
    timeout: SPAWNS,
  }, () => {
    const out = tempDir();
    const zip = path.join(out, 'export.zip');
    const xml = path.join(out, 'export.xml');
    expect(hearth(['export', '--out', zip], data).code).toBe(0);
    expect(hearth(['export', '--format', 'xml', '--out', xml], data).code).toBe(0);
    const earlier = { zip: fs.readFileSync(zip), xml: fs.readFileSync(xml) };

    // Past 8 KiB every write fails with EFBIG, as on a full disk (ENOSPC).
    for (const [args, target] of [
      [['export', '--out', zip], zip],
      [['export', '--format', 'xml', '--out', xml], xml],
      [['export', '--out', path.join(out, 'new', 'csv')], path.join(out, 'new', 'csv', 'Client.csv')],
    ] as const) {
      const refused = hearth(args, data, 8);
      expect(refused.code, args.join(' ')).toBe(3);
      expect(refused.stderr).toBe(`hearth: cannot write ${target}: EFBIG: file too large, write\n`);
    }
    expect(fs.readFileSync(zip)).toEqual(earlier.zip);
    expect(fs.readFileSync(xml)).toEqual(earlier.xml);
    expect(listing(out)).toEqual(['export.xml', 'export.zip']);
  });
});
