import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { StructuralError } from '../src/ingest/csv-table.ts';
import { importHmisCsv } from '../src/ingest/import.ts';
import { ImportSourceError } from '../src/ingest/sources.ts';
import { fieldIndex, table } from '../src/model/index.ts';
import { RecordStore } from '../src/store/record-store.ts';
import {
  cell,
  demoTables,
  removeTempDirs,
  rowCount,
  setCell,
  type Tables,
  tempDir,
  writeExport,
} from './helpers/exports.ts';

const stores: RecordStore[] = [];
async function openStore(): Promise<RecordStore> {
  const store = await RecordStore.open({ dir: tempDir() });
  stores.push(store);
  return store;
}
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  removeTempDirs();
});

const DELTA = '1';
const FULL = '2';

function withDirective(tables: Tables, directive: string): Tables {
  setCell(tables, 'Export', 0, 'ExportDirective', directive);
  return tables;
}

describe('import of an HMIS CSV export', () => {
  it('imports every row of every table of a valid export in one transaction', async () => {
    const tables = demoTables();
    const store = await openStore();
    const report = await importHmisCsv(store, writeExport(tables));
    expect(report.errors).toEqual([]);
    expect(report.applied).toBe(true);
    expect(report.txId).toBe(1);
    for (const summary of report.files) {
      expect(summary.applied, summary.file).toBe(rowCount(tables, summary.file.replace('.csv', '')));
    }
    const source = store.state.source(report.source);
    const personalId = cell(tables, 'Client', 0, 'PersonalID');
    expect(source?.get('Client', personalId)).toEqual(tables.get('Client')?.[0]);
  });

  it('applies nothing when any row is invalid, and reports file, row, column, value and rule', async () => {
    const tables = demoTables();
    setCell(tables, 'Client', 2, 'NameDataQuality', 'one'); // not an integer
    setCell(tables, 'Enrollment', 0, 'EntryDate', '2024-02-30'); // no such day
    setCell(tables, 'Client', 3, 'DOB', 'yesterday');
    const store = await openStore();
    const report = await importHmisCsv(store, writeExport(tables));
    expect(report.applied).toBe(false);
    expect(store.state.size).toBe(0);
    expect(report.errors).toContainEqual(
      expect.objectContaining({
        file: 'Client.csv',
        row: 4,
        column: 'NameDataQuality',
        value: 'one',
        rule: 'type',
      }),
    );
    expect(report.errors).toContainEqual(
      expect.objectContaining({ file: 'Enrollment.csv', row: 2, column: 'EntryDate', rule: 'type' }),
    );
    // Identifying values are redacted from reports.
    const dob = report.errors.find((e) => e.column === 'DOB');
    expect(dob?.value).toBe('[redacted]');
    expect(JSON.stringify(report)).not.toContain('yesterday');
  });

  it('keeps rows with unknown codes as data-quality findings, and rejects them with strict', async () => {
    const tables = demoTables();
    setCell(tables, 'Client', 2, 'VeteranStatus', '7'); // not a code of list 1.8
    const store = await openStore();
    const report = await importHmisCsv(store, writeExport(tables));
    expect(report.errors).toEqual([]);
    expect(report.applied).toBe(true);
    expect(report.dataQuality).toEqual([
      expect.objectContaining({
        file: 'Client.csv',
        row: 4,
        column: 'VeteranStatus',
        value: '7',
        rule: 'codeList',
      }),
    ]);
    const strict = await importHmisCsv(await openStore(), writeExport(tables), { strict: true });
    expect(strict.applied).toBe(false);
    expect(strict.errors[0]).toMatchObject({ row: 4, column: 'VeteranStatus', rule: 'codeList' });
    expect(strict.errors.slice(1).every((e) => e.rule === 'parentRejected')).toBe(true);
  });

  it('with skipInvalidRows applies the valid rows and skips the children of skipped rows', async () => {
    const tables = demoTables();
    const enrollmentId = cell(tables, 'Enrollment', 0, 'EnrollmentID');
    setCell(tables, 'Enrollment', 0, 'RelationshipToHoH', 'x');
    const store = await openStore();
    const report = await importHmisCsv(store, writeExport(tables), { skipInvalidRows: true });
    expect(report.applied).toBe(true);
    const source = store.state.source(report.source);
    expect(source?.get('Enrollment', enrollmentId)).toBeUndefined();
    const orphans = report.errors.filter((e) => e.rule === 'parentRejected' && e.value === enrollmentId);
    expect(orphans.length).toBeGreaterThan(0);
    expect(orphans[0]?.message).toBe(
      `EnrollmentID ${enrollmentId} links to Enrollment.csv row 2, which was rejected`,
    );
    expect(source?.childKeys('Disabilities', 'EnrollmentID', enrollmentId).size).toBe(0);
    expect(source?.get('Client', cell(tables, 'Client', 0, 'PersonalID'))).toBeDefined();
  });

  it('rejects duplicate primary keys within a file', async () => {
    const tables = demoTables();
    const clients = tables.get('Client') ?? [];
    clients.push([...(clients[0] ?? [])]);
    const store = await openStore();
    const report = await importHmisCsv(store, writeExport(tables));
    expect(report.applied).toBe(false);
    expect(report.errors).toContainEqual(
      expect.objectContaining({ file: 'Client.csv', row: clients.length + 1, rule: 'duplicateKey' }),
    );
  });

  it('rejects links to records that exist nowhere', async () => {
    const tables = demoTables();
    setCell(tables, 'Exit', 0, 'EnrollmentID', 'no-such-enrollment');
    setCell(tables, 'Project', 0, 'ExportID', 'other-export');
    const store = await openStore();
    const report = await importHmisCsv(store, writeExport(tables));
    expect(report.applied).toBe(false);
    expect(report.errors.map((e) => `${e.file}:${e.column}:${e.rule}`)).toEqual(
      expect.arrayContaining(['Exit.csv:EnrollmentID:reference', 'Project.csv:ExportID:reference']),
    );
  });

  it('delta: newer rows update, older rows do not overwrite, DateDeleted rows are kept as deleted', async () => {
    const store = await openStore();
    const base = demoTables();
    const first = await importHmisCsv(store, writeExport(withDirective(base, FULL)));
    expect(first.errors).toEqual([]);
    const delta = demoTables();
    withDirective(delta, DELTA);
    const updated = fieldIndex(table('Client'), 'DateUpdated');
    const clients = delta.get('Client') ?? [];
    setCell(delta, 'Client', 0, 'FirstName', 'Newer');
    setCell(delta, 'Client', 0, 'DateUpdated', '2099-01-01 00:00:00');
    setCell(delta, 'Client', 1, 'FirstName', 'Older');
    setCell(delta, 'Client', 1, 'DateUpdated', '2000-01-01 00:00:00');
    setCell(delta, 'Client', 2, 'DateDeleted', '2026-09-01 10:00:00');
    setCell(delta, 'Client', 2, 'DateUpdated', '2099-01-01 00:00:00');
    const report = await importHmisCsv(store, writeExport(delta));
    expect(report.errors).toEqual([]);
    expect(report.directive).toBe('delta');
    const source = store.state.source(report.source);
    const key = (i: number) => clients[i]?.[0] ?? '';
    expect(source?.get('Client', key(0))?.[1]).toBe('Newer');
    expect(source?.get('Client', key(1))?.[1]).not.toBe('Older');
    expect(source?.get('Client', key(1))?.[updated]).not.toBe('2000-01-01 00:00:00');
    expect(source?.get('Client', key(2))?.[fieldIndex(table('Client'), 'DateDeleted')]).toBe(
      '2026-09-01 10:00:00',
    );
    const client = report.files.find((f) => f.file === 'Client.csv');
    expect(client).toMatchObject({ skippedOlder: 1, deleted: 1 });
  });

  it('a delta judges "older than stored" against the rows as its commit finds them', async () => {
    const store = await openStore();
    const first = await importHmisCsv(store, writeExport(withDirective(demoTables(), FULL)));
    const delta = withDirective(demoTables(), DELTA);
    const clients = delta.get('Client') ?? [];
    setCell(delta, 'Client', 0, 'FirstName', 'FromImport');
    setCell(delta, 'Client', 0, 'DateUpdated', '2090-01-01 00:00:00');
    const key = clients[0]?.[0] ?? '';
    const updated = fieldIndex(table('Client'), 'DateUpdated');
    // A write newer than the delta's row lands while the import waits for the commit queue.
    const racing = {
      state: store.state,
      lastCommittedTxId: store.lastCommittedTxId,
      dir: store.dir,
      onCommit: store.onCommit.bind(store),
      commit: async (change: Parameters<RecordStore['commit']>[0]) => {
        const row = [...(store.state.source(first.source)?.get('Client', key) ?? [])];
        row[1] = 'FromApi';
        row[updated] = '2095-01-01 00:00:00';
        await store.commit([{ op: 'put', source: first.source, table: 'Client', row }]);
        return store.commit(change);
      },
    };
    const report = await importHmisCsv(racing, writeExport(delta));
    expect(report.applied).toBe(true);
    expect(store.state.source(first.source)?.get('Client', key)?.[1]).toBe('FromApi');
    expect(report.files.find((f) => f.file === 'Client.csv')).toMatchObject({ skippedOlder: 1 });
  });

  it('delta rows may link to records stored by an earlier import', async () => {
    const store = await openStore();
    await importHmisCsv(store, writeExport(withDirective(demoTables(), FULL)));
    const delta = withDirective(demoTables(), DELTA);
    for (const name of delta.keys()) if (name !== 'Export' && name !== 'Exit') delta.set(name, []);
    const report = await importHmisCsv(store, writeExport(delta));
    expect(report.errors).toEqual([]);
    expect(report.applied).toBe(true);
  });

  it('full refresh replaces the whole source', async () => {
    const store = await openStore();
    const first = await importHmisCsv(store, writeExport(withDirective(demoTables(), FULL)));
    const smaller = withDirective(demoTables(), FULL);
    const dropped = cell(smaller, 'Exit', 0, 'ExitID');
    smaller.get('Exit')?.shift();
    const report = await importHmisCsv(store, writeExport(smaller));
    expect(report.errors).toEqual([]);
    expect(report.source).toBe(first.source);
    expect(store.state.source(report.source)?.get('Exit', dropped)).toBeUndefined();
  });

  it('reads BOM, CRLF, quoted values, header aliases, header case and extra columns', async () => {
    const tables = demoTables();
    const dir = writeExport(tables);
    const clientFile = path.join(dir, 'Client.csv');
    const lines = fs.readFileSync(clientFile, 'utf8').trimEnd().split('\n');
    const header = (lines[0] ?? '')
      .replace('HispanicLatinao', 'HispanicLatinaeo')
      .replace('PersonalID', 'personalid');
    const quoted = lines.slice(1).map(
      (line) =>
        `${line
          .split(',')
          .map((v) => `"${v}"`)
          .join(',')},"extra"`,
    );
    fs.writeFileSync(clientFile, `\ufeff${[`${header},Woman`, ...quoted].join('\r\n')}\r\n`);
    const store = await openStore();
    const report = await importHmisCsv(store, dir);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toContain('Client.csv: column Woman is not FY2026; ignored');
    const source = store.state.source(report.source);
    expect(source?.get('Client', cell(tables, 'Client', 0, 'PersonalID'))).toEqual(tables.get('Client')?.[0]);
  });

  it('accepts Export.csv with several rows; the latest decides the directive', async () => {
    const tables = withDirective(demoTables(), DELTA);
    const older = [...(tables.get('Export')?.[0] ?? [])];
    older[0] = 'older-export';
    older[fieldIndex(table('Export'), 'ExportDate')] = '2000-01-01 00:00:00';
    older[fieldIndex(table('Export'), 'ExportDirective')] = FULL;
    tables.get('Export')?.push(older);
    const store = await openStore();
    const report = await importHmisCsv(store, writeExport(tables));
    expect(report.errors).toEqual([]);
    expect(report.directive).toBe('delta');
    setCell(tables, 'Export', 1, 'SourceID', 'YY-600');
    await expect(importHmisCsv(store, writeExport(tables))).rejects.toThrow(/different sources/);
    const named = await importHmisCsv(store, writeExport(tables), { source: 'merged' });
    expect(named.source).toBe('merged');
  });
});

describe('structural problems abort the import with a clear message', () => {
  it('a missing file', async () => {
    const dir = writeExport(demoTables());
    fs.rmSync(path.join(dir, 'Services.csv'));
    await expect(importHmisCsv(await openStore(), dir)).rejects.toThrow(/lacks Services\.csv/);
  });

  it('a missing non-nullable column', async () => {
    const dir = writeExport(demoTables());
    const file = path.join(dir, 'Enrollment.csv');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('EntryDate', 'Entry_Date'));
    await expect(importHmisCsv(await openStore(), dir)).rejects.toThrow(
      /required column EntryDate is missing/,
    );
  });

  it('a ragged row, broken quoting, and a non-CSV file', async () => {
    for (const content of [
      'PersonalID,FirstName\n1,a,b,c\n',
      'PersonalID\n"unterminated\n',
      '\u0000\u0001PNG\u0002',
    ]) {
      const dir = writeExport(demoTables());
      fs.writeFileSync(path.join(dir, 'Client.csv'), content);
      await expect(importHmisCsv(await openStore(), dir)).rejects.toBeInstanceOf(StructuralError);
    }
  });

  it('a record over the size limit', async () => {
    const dir = writeExport(demoTables());
    const file = path.join(dir, 'Client.csv');
    fs.appendFileSync(file, `"${'x'.repeat(2 * 1024 * 1024)}"\n`);
    await expect(importHmisCsv(await openStore(), dir)).rejects.toThrow(/Client\.csv: not a readable CSV/);
  });

  it('a file that is neither a folder nor a zip, and a damaged zip', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'export.xml.txt'), 'not a zip');
    await expect(importHmisCsv(await openStore(), path.join(dir, 'export.xml.txt'))).rejects.toBeInstanceOf(
      ImportSourceError,
    );
    fs.writeFileSync(
      path.join(dir, 'broken.zip'),
      Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(64)]),
    );
    await expect(importHmisCsv(await openStore(), path.join(dir, 'broken.zip'))).rejects.toThrow(
      /not a readable zip/,
    );
  });
});

async function zipOf(entries: { name: string; data: Buffer }[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) zip.addBuffer(entry.data, entry.name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('hostile zips', () => {
  it('imports a zip whose files sit in a folder', async () => {
    const dir = writeExport(demoTables());
    const entries = fs
      .readdirSync(dir)
      .map((name) => ({ name: `export/${name}`, data: fs.readFileSync(path.join(dir, name)) }));
    const file = path.join(tempDir(), 'export.zip');
    fs.writeFileSync(file, await zipOf(entries));
    const report = await importHmisCsv(await openStore(), file);
    expect(report.errors).toEqual([]);
    expect(report.applied).toBe(true);
  });

  it('refuses path traversal in entry names', async () => {
    // yazl refuses to write `..`, so write `xx/` and patch the name in place (same length).
    const zip = await zipOf([{ name: 'xx/evil.csv', data: Buffer.from('a,b\n') }]);
    const patched = Buffer.from(zip.toString('latin1').replaceAll('xx/evil.csv', '../evil.csv'), 'latin1');
    const file = path.join(tempDir(), 'evil.zip');
    fs.writeFileSync(file, patched);
    await expect(importHmisCsv(await openStore(), file)).rejects.toThrow(
      /climbs out of the archive|invalid relative path/,
    );
  });

  it('refuses a zip bomb before inflating it', async () => {
    const file = path.join(tempDir(), 'bomb.zip');
    fs.writeFileSync(file, await zipOf([{ name: 'Client.csv', data: Buffer.alloc(64 * 1024 * 1024, 0x30) }]));
    expect(fs.statSync(file).size).toBeLessThan(1024 * 1024);
    await expect(importHmisCsv(await openStore(), file)).rejects.toThrow(/zip bomb/);
  });
});
