/**
 * record-json.ts: the text form of records must be byte for byte what JSON.stringify writes for the
 * object form, on every row of HUD's LSA sample and on hostile values, with and without column limits
 * and leading keys; and the envelope writer must agree with JSON.stringify.
 */
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonText, RawJson, rowJson, rowJsonText } from '../../src/api/hmis-api/record-json.ts';
import { TABLES, table } from '../../src/model/index.ts';
import type { Row } from '../../src/store/record-state.ts';
import { type Csv, LSA_ZIP, readCsvZip } from './helpers.ts';

const CLIENT = table('Client');
const sameText = (row: Row, columns?: readonly string[], lead?: Record<string, string | number | null>) =>
  expect(rowJsonText(CLIENT, row, columns, lead ? { ...lead } : undefined).text).toBe(
    JSON.stringify(rowJson(CLIENT, row, columns, lead ? { ...lead } : undefined)),
  );

/** A Client row with `value` in every column. */
const filled = (value: string): Row => CLIENT.fields.map(() => value);

describe('rowJsonText', () => {
  it('escapes what JSON.stringify escapes, and nothing else', () => {
    const hostile = [
      'say "hi"',
      'back\\slash',
      'nul\u0000 and \u001f unit separator',
      'tab\tnew\nline\rreturn',
      '\u007f delete and \u2028 line separator',
      'lone high \ud800 surrogate',
      'lone low \udc00 surrogate',
      'a pair 😀 and an accent é',
      '</script><script>alert(1)</script>',
      '"}],"admin":true,"x":["',
      '',
    ];
    for (const value of hostile) sameText(filled(value));
  });

  it('writes numbers as JSON.stringify does, and non-numbers in numeric columns as null', () => {
    for (const value of [
      '0',
      '7',
      '00',
      '01',
      '10',
      '99',
      '007',
      '1.50',
      '-0',
      '-1',
      '1e3',
      'abc',
      '0x10',
      ' 12 ',
      '99999999999999999999',
    ])
      sameText(filled(value));
  });

  it('keeps the leading keys first, a column of the same name giving its value there', () => {
    const row = filled('v');
    sameText(row, undefined, {
      PersonalID: null,
      EnrollmentID: 'E1',
      EntryDate: '2024-01-01',
      ExitDate: null,
    });
    sameText(row, undefined, { score: 0.875 });
    sameText(row, ['LastName', 'DOB'], { score: 1, LastName: 'hidden?' });
    sameText(row, [], { 'quote"key': 'x' });
  });

  it('limits to the columns given', () => {
    sameText(filled('x'), ['PersonalID', 'FirstName', 'NoSuchColumn']);
    sameText(filled('x'), []);
  });
});

describe.skipIf(!fs.existsSync(LSA_ZIP))("rowJsonText on HUD's LSA sample", () => {
  let csv: Csv;
  beforeAll(async () => {
    csv = await readCsvZip(LSA_ZIP);
  }, 120_000);

  it('equals JSON.stringify(rowJson(…)) for every row of every table', () => {
    let compared = 0;
    for (const spec of TABLES) {
      for (const record of csv.get(spec.name) ?? []) {
        const row = spec.fields.map((field) => record[field.name] ?? '');
        const text = rowJsonText(spec, row).text;
        if (text !== JSON.stringify(rowJson(spec, row)))
          expect.fail(`${spec.name} ${row[0]}: ${text} differs from JSON.stringify`);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100_000);
  });
});

describe('jsonText', () => {
  it('agrees with JSON.stringify on envelopes, splicing RawJson in as it is', () => {
    const envelopes: unknown[] = [
      { clients: [], nextCursor: 'abc' },
      { a: undefined, b: null, c: [1, undefined, 'x'], d: { e: true }, f: () => 1, g: Symbol('s') },
      { date: new Date(0), nested: [[{ deep: 'é"\\' }]] },
      'text',
      42,
      null,
    ];
    for (const value of envelopes) expect(jsonText(value).text).toBe(JSON.stringify(value));
    const raw = new RawJson('{"x":1}');
    expect(jsonText({ items: [raw, raw], next: undefined }).text).toBe('{"items":[{"x":1},{"x":1}]}');
  });
});
