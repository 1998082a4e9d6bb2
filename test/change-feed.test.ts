import { describe, expect, it } from 'vitest';
import { table } from '../src/model/index.ts';
import { changeEntry, changeId } from '../src/store/change-feed.ts';
import { type Row, SourceState } from '../src/store/record-state.ts';

type Cells = Readonly<Record<string, string>>;
const row = (tableName: string, cells: Cells): Row =>
  table(tableName).fields.map((field) => cells[field.name] ?? '');

const client = (id: string, updated: string, deleted = '') =>
  row('Client', { PersonalID: id, DateUpdated: updated, DateDeleted: deleted });
const exit = (id: string, personalId: string, updated: string) =>
  row('Exit', { ExitID: id, EnrollmentID: 'E1', PersonalID: personalId, DateUpdated: updated });

/** The feed as a list of ids, the way a caller pages through it. */
function page(state: SourceState, since: string, limit: number): string[] {
  const seen: string[] = [];
  let position: readonly [string, string] | undefined;
  for (;;) {
    const batch = [...state.changes().since(since, position)].slice(0, limit);
    if (batch.length === 0) return seen;
    seen.push(...batch.map(changeId));
    const last = batch[batch.length - 1];
    if (last) position = [last.time, changeId(last)];
  }
}

/** What the feed must hold: every client-data row, by change time then id, brute force. */
function expected(state: SourceState, since: string): string[] {
  const entries = [];
  for (const [name, { rows }] of state.tables)
    for (const stored of rows.values()) {
      const entry = changeEntry(name, stored);
      if (entry && entry.time >= since) entries.push(entry);
    }
  return entries
    .sort((a, b) => (a.time === b.time ? (changeId(a) < changeId(b) ? -1 : 1) : a.time < b.time ? -1 : 1))
    .map(changeId);
}

describe('ChangeFeed', () => {
  it('orders by the later of DateUpdated and DateDeleted, then id; skips rows without PersonalID', () => {
    const state = new SourceState();
    state.put('Client', client('C2', '2024-01-02 00:00:00'));
    state.put('Client', client('C1', '2024-01-02 00:00:00'));
    state.put('Client', client('C3', '2024-01-01 00:00:00', '2024-03-01 00:00:00'));
    state.put('Exit', exit('X1', 'C1', '2024-02-01 00:00:00'));
    state.put('Project', row('Project', { ProjectID: 'P1', DateUpdated: '2025-01-01 00:00:00' }));
    expect([...state.changes().since('2024-01-01T00:00:00')].map(changeId)).toEqual([
      'Client/C1',
      'Client/C2',
      'Exit/X1',
      'Client/C3',
    ]);
    expect([...state.changes().since('2024-02-01T00:00:00')].map((e) => e.time)).toEqual([
      '2024-02-01T00:00:00',
      '2024-03-01T00:00:00',
    ]);
    // Resuming after an entry skips it and everything before it, whatever `since` says.
    const [first] = state.changes().since('2024-01-01T00:00:00');
    expect(first).toBeDefined();
    if (first)
      expect([...state.changes().since('2000-01-01T00:00:00', [first.time, changeId(first)])]).toHaveLength(
        3,
      );
  });

  it('follows writes one by one and in bulk, without gaps or repeats while paging', () => {
    const state = new SourceState();
    for (let i = 0; i < 50; i++)
      state.put('Client', client(`C${i}`, `2024-01-${String((i % 28) + 1).padStart(2, '0')} 00:00:00`));
    expect(page(state, '2024-01-10T00:00:00', 7)).toEqual(expected(state, '2024-01-10T00:00:00'));

    // A few writes after the index exists: applied one by one.
    state.put('Client', client('C3', '2025-06-01 00:00:00'));
    state.put('Client', client('C3', '2025-07-01 00:00:00'));
    state.remove('Client', 'C4');
    state.put('Client', client('C5', '2024-01-06 00:00:00', '2025-01-01 00:00:00'));
    expect(page(state, '2024-01-10T00:00:00', 7)).toEqual(expected(state, '2024-01-10T00:00:00'));
    expect(page(state, '2000-01-01T00:00:00', 1000)).toHaveLength(49);

    // An import-sized batch: rebuilt instead.
    for (let i = 0; i < 5000; i++)
      state.put(
        'Exit',
        exit(`X${i}`, `C${i % 50}`, `2023-${String((i % 12) + 1).padStart(2, '0')}-01 00:00:00`),
      );
    state.remove('Exit', 'X7');
    expect(page(state, '2023-06-01T00:00:00', 500)).toEqual(expected(state, '2023-06-01T00:00:00'));
    expect(state.changes().size).toBe(49 + 4999);
  });
});

describe('SourceState.keysInIriOrder', () => {
  it('lists keys percent-encoded in record-IRI order and follows adds and removes', () => {
    const state = new SourceState();
    for (const id of ['b', 'a b', 'A', 'a/c', 'é']) state.put('Client', client(id, '2025-01-01 00:00:00'));
    const iriOf = (key: string) => `http://x/s/client/${key}`;
    const keys = state.keysInIriOrder('Client');
    expect(keys).toEqual(['%C3%A9', 'A', 'a%20b', 'a%2Fc', 'b']);
    expect([...keys].map(iriOf)).toEqual([...keys].map(iriOf).sort());
    state.put('Client', client('b', '2025-02-01 00:00:00')); // an update: same keys
    expect(state.keysInIriOrder('Client')).toBe(keys);
    state.put('Client', client('0', '2025-02-01 00:00:00'));
    state.remove('Client', 'A');
    expect(state.keysInIriOrder('Client')).toEqual(['%C3%A9', '0', 'a%20b', 'a%2Fc', 'b']);
  });
});
