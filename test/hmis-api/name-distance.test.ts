/** nameDistance (search.ts) against a plain edit-distance table, on random and on chosen names; the name scores. */
import { describe, expect, it } from 'vitest';
import {
  initialsNear,
  NameQuery,
  nameDistance,
  normalizeName,
  spellingsNear,
} from '../../src/api/hmis-api/name-match.ts';
import { scorer } from '../../src/api/hmis-api/search.ts';
import { Random } from '../../src/demo/random.ts';
import { fieldIndex, table } from '../../src/model/index.ts';
import { ColumnIndex } from '../../src/store/column-index.ts';
import { editDistance } from './name-oracle.ts';

/** What nameDistance promises: the nearer of the whole name and its prefix, capped at max + 1. */
const expected = (q: string, n: string, max: number) =>
  Math.min(editDistance(q, n), editDistance(q, n.slice(0, q.length)), max + 1);

describe('nameDistance', () => {
  it('equals the nearer of the whole name and its prefix, capped', () => {
    const cases: [string, string, number][] = [
      ['jhon', 'john', 1],
      ['smyht', 'smith', 2],
      ['ab', 'ba', 1],
      ['cariwa', 'caraway', 2],
      ['smith', 'smithson', 2],
      ['smyth', 'smithson', 2],
      ['abcdef', 'ab', 2],
      ['a', 'b', 1],
      ['anna', 'annabelle', 1],
      ['x', 'abcdefghijklmnop', 1],
    ];
    for (const [q, n, max] of cases) expect(nameDistance(q, n, max), `${q} ${n}`).toBe(expected(q, n, max));
  });

  it('agrees with the plain table on 20,000 random pairs', () => {
    const random = new Random(7);
    const word = () =>
      Array.from(
        { length: 1 + Math.floor(random.next() * 12) },
        () => 'abcde'[Math.floor(random.next() * 5)],
      ).join('');
    for (let k = 0; k < 20_000; k++) {
      const [q, n, max] = [word(), word(), 1 + Math.floor(random.next() * 2)];
      expect(nameDistance(q, n, max), `${q} ${n} ${max}`).toBe(expected(q, n, max));
    }
  });

  it('handles names longer than its scratch rows', () => {
    const long = 'a'.repeat(120);
    expect(nameDistance(long, `${long}b`, 2)).toBe(0);
    expect(nameDistance(`${long}x`, `${long}y`, 2)).toBe(1);
  });
});

describe('a last name criterion scores', () => {
  const CLIENT = table('Client');
  const withLastName = (name: string) => {
    const row = CLIENT.fields.map(() => '');
    row[fieldIndex(CLIENT, 'LastName')] = name;
    return row;
  };
  const score = (query: string, stored: string) => scorer({ LastName: query })(withLastName(stored));

  it('1 equal (case and accents aside), 0.9 a prefix, 0.7 one edit', () => {
    expect(score('Núñez', 'NUNEZ')).toBe(1);
    expect(score('Cori', 'Coriander')).toBe(0.9);
    expect(score('Cory', 'Coriander')).toBe(0.7);
    expect(score('Jhon', 'John')).toBe(0.7);
  });

  it('0.5 for two edits from five letters on, and 0 for two edits below five', () => {
    expect(score('Cariwa', 'Caraway')).toBe(0.7);
    expect(score('Karawy', 'Caraway')).toBe(0.5);
    expect(score('Cori', 'Cash')).toBe(0);
    expect(score('Pale', 'Peppercorn')).toBe(0);
    expect(score('Smyht', 'Smith')).toBe(0.5);
    expect(score('Smithsonian', 'Jones')).toBe(0);
  });
});

describe('spellingsNear', () => {
  const CLIENT = table('Client');
  const column = fieldIndex(CLIENT, 'LastName');
  const index = new ColumnIndex(column, normalizeName);
  for (const name of ['Smith', 'SMITH', 'Smyth', 'Smithson', 'Schmidt', 'Jones', 'Ñúñez', 'nava']) {
    const row = CLIENT.fields.map(() => '');
    row[column] = name;
    index.add(row);
  }

  it('gives every stored spelling of the matching names with the initial, and no other', () => {
    expect(spellingsNear(index, new NameQuery('Smith'))?.sort()).toEqual([
      'SMITH',
      'Smith',
      'Smithson',
      'Smyth',
    ]);
    expect(spellingsNear(index, new NameQuery('nunez'))).toEqual(['Ñúñez']);
    expect(spellingsNear(index, new NameQuery('Xu'))).toEqual([]);
  });

  it('gives up past its budget of characters (the search then scans for the initial)', () => {
    // Every S-name matches "S": Smith, SMITH, Smyth, Smithson and Schmidt, 30 characters.
    expect(spellingsNear(index, new NameQuery('S'), 30)?.length).toBe(5);
    expect(spellingsNear(index, new NameQuery('S'), 29)).toBeUndefined();
  });

  it('gives the first characters of every spelling with the initial, accents and case as stored', () => {
    // The scan for these finds Ñúñez for "Nunez", which a scan for a lower-cased "n" would miss.
    expect(initialsNear(index, new NameQuery('Nunez'))).toEqual(['Ñ', 'n']);
    expect(initialsNear(index, new NameQuery('smith')).sort()).toEqual(['S']);
    expect(initialsNear(index, new NameQuery('Xu'))).toEqual([]);
  });
});
