import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { table } from '../src/model/index.ts';
import { StoreLockedError } from '../src/store/lock.ts';
import type { Operation } from '../src/store/operations.ts';
import { CapacityError, RecordStore } from '../src/store/record-store.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-store-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A Client row with the given key and first name; other columns empty. */
function clientRow(id: string, firstName = 'Test'): string[] {
  return table('Client').fields.map((f) =>
    f.name === 'PersonalID' ? id : f.name === 'FirstName' ? firstName : '',
  );
}
function enrollmentRow(id: string, personalId: string): string[] {
  return table('Enrollment').fields.map((f) =>
    f.name === 'EnrollmentID' ? id : f.name === 'PersonalID' ? personalId : '',
  );
}
const put = (row: string[], tableName = 'Client', source = 'demo'): Operation => ({
  op: 'put',
  source,
  table: tableName,
  row,
});

describe('RecordStore', () => {
  it('keeps its files to their owner: the directory, the log and the snapshot', async () => {
    const mode = (file: string) => fs.statSync(file).mode & 0o777;
    const dir = path.join(tempDir(), 'data');
    const store = await RecordStore.open({ dir });
    await store.commit([put(clientRow('1', 'Ada'))]);
    await store.compact();
    await store.commit([put(clientRow('2', 'Eve'))]);
    await store.close();
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, 'wal.jsonl'))).toBe(0o600);
    expect(mode(path.join(dir, 'snapshot.jsonl'))).toBe(0o600);
    // A data directory an earlier version left readable by all is closed on open.
    fs.chmodSync(path.join(dir, 'wal.jsonl'), 0o644);
    fs.chmodSync(path.join(dir, 'snapshot.jsonl'), 0o644);
    await (await RecordStore.open({ dir })).close();
    expect(mode(path.join(dir, 'wal.jsonl'))).toBe(0o600);
    expect(mode(path.join(dir, 'snapshot.jsonl'))).toBe(0o600);
  });

  it('keeps a committed row as committed: changing the array afterwards throws', async () => {
    const store = await RecordStore.open({ dir: tempDir() });
    const row = clientRow('1', 'Ada');
    await store.commit([put(row)]);
    expect(() => {
      row[1] = 'Eve';
    }).toThrow(TypeError);
    expect(store.state.source('demo')?.get('Client', '1')?.[1]).toBe('Ada');
    await store.close();
  });

  it('keeps committed transactions across a reopen', async () => {
    const dir = tempDir();
    const store = await RecordStore.open({ dir });
    expect(await store.commit([put(clientRow('1')), put(clientRow('2'))])).toBe(1);
    expect(await store.commit([{ op: 'remove', source: 'demo', table: 'Client', key: '1' }])).toBe(2);
    await store.close();
    const reopened = await RecordStore.open({ dir });
    expect(reopened.lastCommittedTxId).toBe(2);
    expect(reopened.state.source('demo')?.get('Client', '1')).toBeUndefined();
    expect(reopened.state.source('demo')?.get('Client', '2')?.[1]).toBe('Test');
    await reopened.close();
  });

  it('indexes children by link field and updates the index on replace and remove', async () => {
    const store = await RecordStore.open({ dir: tempDir() });
    await store.commit([put(clientRow('c1')), put(enrollmentRow('e1', 'c1'), 'Enrollment')]);
    const demo = store.state.source('demo');
    expect([...(demo?.childKeys('Enrollment', 'PersonalID', 'c1') ?? [])]).toEqual(['e1']);
    await store.commit([put(enrollmentRow('e1', 'c2'), 'Enrollment')]);
    expect(demo?.childKeys('Enrollment', 'PersonalID', 'c1').size).toBe(0);
    expect([...(demo?.childKeys('Enrollment', 'PersonalID', 'c2') ?? [])]).toEqual(['e1']);
    await store.commit([{ op: 'remove', source: 'demo', table: 'Enrollment', key: 'e1' }]);
    expect(demo?.childKeys('Enrollment', 'PersonalID', 'c2').size).toBe(0);
    await store.close();
  });

  it('keeps a column index in step with puts and removes once it is asked for', async () => {
    const store = await RecordStore.open({ dir: tempDir() });
    await store.commit([
      put(clientRow('c1', 'Ana')),
      put(clientRow('c2', 'ANA')),
      put(clientRow('c3', 'Bo')),
    ]);
    const demo = store.state.source('demo');
    const lower = (name: string) => name.toLowerCase();
    const index = demo?.columnIndex('Client', 'FirstName', lower);
    const groups = () =>
      Object.fromEntries(
        [...(index?.entries() ?? [])].map(([key, values]) => [key, Object.fromEntries(values)]),
      );
    expect(groups()).toEqual({ ana: { Ana: 1, ANA: 1 }, bo: { Bo: 1 } });
    expect([index?.keyFor('ANA'), index?.keyFor('Bo'), index?.keyFor('Cy')]).toEqual([
      'ana',
      'bo',
      undefined,
    ]);
    expect(demo?.columnIndex('Client', 'FirstName', lower)).toBe(index);
    expect(demo?.columnIndex('Client', 'FirstName', (name) => name)).not.toBe(index);
    await store.commit([put(clientRow('c2', 'Cy')), put(clientRow('c4', 'Bo'))]);
    expect(groups()).toEqual({ ana: { Ana: 1 }, bo: { Bo: 2 }, cy: { Cy: 1 } });
    await store.commit([
      { op: 'remove', source: 'demo', table: 'Client', key: 'c1' },
      { op: 'remove', source: 'demo', table: 'Client', key: 'c3' },
      put(clientRow('c4', '')),
    ]);
    expect(groups()).toEqual({ cy: { Cy: 1 } });
    // A value no row holds any more has no key: the reverse map shrinks with the index.
    expect([index?.keyFor('Ana'), index?.keyFor('Bo'), index?.keyFor('Cy')]).toEqual([
      undefined,
      undefined,
      'cy',
    ]);
    await store.close();
  });

  it('computes a change given as a function when the transactions before it are applied', async () => {
    const store = await RecordStore.open({ dir: tempDir() });
    await store.commit([put(clientRow('1', 'A'))]);
    const firstName = (records: typeof store.state) => records.source('demo')?.get('Client', '1')?.[1] ?? '';
    // Queued together: each function sees what the one before it wrote, as a PATCH must.
    const appended = await Promise.all(
      ['B', 'C', 'D'].map((letter) =>
        store.commit((records) => [put(clientRow('1', `${firstName(records)}${letter}`))]),
      ),
    );
    expect(appended).toEqual([2, 3, 4]);
    expect(firstName(store.state)).toBe('ABCD');
    // A function that throws writes nothing, and the queue goes on.
    const refused = store.commit(() => {
      throw new Error('no such client');
    });
    await expect(refused).rejects.toThrow('no such client');
    expect(await store.commit((records) => [put(clientRow('1', `${firstName(records)}E`))])).toBe(5);
    expect(firstName(store.state)).toBe('ABCDE');
    await store.close();
  });

  it('keeps sources apart and drops one source as a whole', async () => {
    const store = await RecordStore.open({ dir: tempDir() });
    await store.commit([
      put(clientRow('1', 'A'), 'Client', 'one'),
      put(clientRow('1', 'B'), 'Client', 'two'),
    ]);
    expect(store.state.source('one')?.get('Client', '1')?.[1]).toBe('A');
    expect(store.state.source('two')?.get('Client', '1')?.[1]).toBe('B');
    await store.commit([{ op: 'dropSource', source: 'one' }]);
    expect(store.state.source('one')).toBeUndefined();
    expect(store.state.size).toBe(1);
    await store.close();
  });

  it('rejects a malformed operation before writing anything', async () => {
    const dir = tempDir();
    const store = await RecordStore.open({ dir });
    await expect(store.commit([put(clientRow('1')), put(['too', 'short'])])).rejects.toThrow(
      /needs \d+ values/,
    );
    await expect(store.commit([put(clientRow('1'), 'NoSuchTable')])).rejects.toThrow(/unknown table/);
    expect(store.state.size).toBe(0);
    await store.close();
    expect(fs.readFileSync(path.join(dir, 'wal.jsonl'), 'utf8')).toBe('');
  });

  it('drops a torn, unacknowledged tail and appends cleanly after it', async () => {
    const dir = tempDir();
    const store = await RecordStore.open({ dir });
    await store.commit([put(clientRow('1'))]);
    await store.close();
    const wal = path.join(dir, 'wal.jsonl');
    const good = fs.statSync(wal).size;
    // A crash in the middle of transaction 2: begin line and half an operation, no commit line.
    fs.appendFileSync(wal, `{"begin":2,"count":1}\n["put","demo","Client",["2","Half`);
    const reopened = await RecordStore.open({ dir });
    expect(reopened.lastCommittedTxId).toBe(1);
    expect(reopened.state.size).toBe(1);
    expect(fs.statSync(wal).size).toBe(good);
    expect(await reopened.commit([put(clientRow('3'))])).toBe(2);
    await reopened.close();
    const third = await RecordStore.open({ dir });
    expect([...(third.state.source('demo')?.table('Client').rows.keys() ?? [])]).toEqual(['1', '3']);
    await third.close();
  });

  it('ignores a transaction whose commit line does not match its operations', async () => {
    const dir = tempDir();
    const store = await RecordStore.open({ dir });
    await store.close();
    fs.appendFileSync(
      path.join(dir, 'wal.jsonl'),
      `{"begin":1,"count":2}\n${JSON.stringify(['put', 'demo', 'Client', clientRow('1')])}\n{"commit":1,"count":2}\n`,
    );
    const reopened = await RecordStore.open({ dir });
    expect(reopened.state.size).toBe(0);
    await reopened.close();
  });

  it('compacts into a snapshot and recovers from snapshot plus log', async () => {
    const dir = tempDir();
    const store = await RecordStore.open({ dir, compactAfterBytes: 1 });
    await store.commit([put(clientRow('1')), put(clientRow('2'))]);
    expect(fs.statSync(path.join(dir, 'wal.jsonl')).size).toBe(0);
    expect(fs.existsSync(path.join(dir, 'snapshot.jsonl'))).toBe(true);
    await store.close();
    const reopened = await RecordStore.open({ dir, compactAfterBytes: 1e9 });
    await reopened.commit([put(clientRow('3'))]);
    await reopened.close();
    const third = await RecordStore.open({ dir });
    expect(third.state.size).toBe(3);
    expect(third.lastCommittedTxId).toBe(2);
    await third.close();
  });

  it('refuses a damaged snapshot instead of starting with missing data', async () => {
    const dir = tempDir();
    const store = await RecordStore.open({ dir, compactAfterBytes: 1 });
    await store.commit([put(clientRow('1'))]);
    await store.close();
    fs.appendFileSync(path.join(dir, 'snapshot.jsonl'), 'garbage');
    await expect(RecordStore.open({ dir })).rejects.toThrow(/damaged/);
  });

  it('allows one writer per directory, any number of readers, and takes over a dead owner’s lock', async () => {
    const dir = tempDir();
    const writer = await RecordStore.open({ dir });
    await expect(RecordStore.open({ dir })).rejects.toBeInstanceOf(StoreLockedError);
    fs.writeFileSync(path.join(dir, 'LOCK'), '1\n'); // pid 1 (init) is always alive
    await expect(RecordStore.open({ dir })).rejects.toBeInstanceOf(StoreLockedError);
    await expect(RecordStore.open({ dir })).rejects.toThrow(/in use by another Hearth process \(pid 1\)/);
    const reader = await RecordStore.open({ dir, readOnly: true });
    await expect(reader.commit([put(clientRow('1'))])).rejects.toThrow(/read-only/);
    await reader.close();
    fs.writeFileSync(path.join(dir, 'LOCK'), '999999999\n'); // no such process
    const takeover = await RecordStore.open({ dir });
    await takeover.close();
    await writer.close();
  });

  it('counts quads and refuses a commit past its ceiling, writing nothing', async () => {
    const dir = tempDir();
    const store = await RecordStore.open({ dir, maxQuads: 12 });
    await store.commit([put(clientRow('1')), put(clientRow('2'))]); // 3 quads each: type, ID, name
    expect(store.state.quads).toBe(6);
    await store.commit([put(enrollmentRow('e1', '1'), 'Enrollment')]); // type, 2 cells, 1 link
    expect(store.state.quads).toBe(10);
    await expect(store.commit([put(clientRow('3'))])).rejects.toBeInstanceOf(CapacityError);
    await expect(store.commit([put(clientRow('3'))])).rejects.toThrow(/13 RDF quads; its ceiling is 12/);
    expect(store.state.quads).toBe(10);
    // Shrinking is always allowed, also when above a lowered ceiling.
    await store.commit([
      { op: 'remove', source: 'demo', table: 'Client', key: '2' },
      put(clientRow('1', '')),
    ]);
    expect(store.state.quads).toBe(6);
    await store.commit([{ op: 'dropSource', source: 'demo' }, put(clientRow('9'))]);
    expect(store.state.quads).toBe(3);
    await store.close();
    const reopened = await RecordStore.open({ dir });
    expect(reopened.state.quads).toBe(3);
    await reopened.close();
  });
});

describe('clientRecord', () => {
  it('gathers a client, its enrollments and every record under them', async () => {
    const { clientRecord } = await import('../src/store/client-record.ts');
    const store = await RecordStore.open({ dir: tempDir() });
    const exit = table('Exit').fields.map(
      (f) => ({ ExitID: 'x1', EnrollmentID: 'e1', PersonalID: 'c1' })[f.name] ?? '',
    );
    const assessment = table('Assessment').fields.map(
      (f) => ({ AssessmentID: 'a1', EnrollmentID: 'e1', PersonalID: 'c1' })[f.name] ?? '',
    );
    const question = table('AssessmentQuestions').fields.map(
      (f) => ({ AssessmentQuestionID: 'q1', AssessmentID: 'a1' })[f.name] ?? '',
    );
    await store.commit([
      put(clientRow('c1')),
      put(enrollmentRow('e1', 'c1'), 'Enrollment'),
      put(enrollmentRow('e2', 'c1'), 'Enrollment'),
      put(enrollmentRow('e3', 'other'), 'Enrollment'),
      put(exit, 'Exit'),
      put(assessment, 'Assessment'),
      put(question, 'AssessmentQuestions'),
    ]);
    const record = clientRecord(store.state.source('demo') as never, 'c1');
    expect(record?.client[0]).toBe('c1');
    expect(record?.enrollments.map((e) => e.enrollment[0])).toEqual(['e1', 'e2']);
    const first = record?.enrollments[0]?.records;
    expect([...(first?.keys() ?? [])]).toEqual(['Exit', 'Assessment', 'AssessmentQuestions']);
    expect(record?.enrollments[1]?.records.size).toBe(0);
    expect(clientRecord(store.state.source('demo') as never, 'nobody')).toBeUndefined();
    await store.close();
  });
});
