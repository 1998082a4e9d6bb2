import { PassThrough, Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { Random } from '../src/demo/random.ts';
import {
  CSV_EOL,
  csvHeader,
  csvLines,
  formatCsvRow,
  formatCsvValue,
  writeCsv,
} from '../src/export/csv-writer.ts';
import { type TableSpec, table } from '../src/model/index.ts';

/** Parses CSV text the way a strict reader would (no trimming, no relaxed quotes). */
const parseCsv = (text: string): string[][] => parse(text, { bom: true }) as string[][];

/** A tiny table for writer tests: three string columns. */
const SPEC: TableSpec = {
  ...table('Affiliation'),
  fields: table('Affiliation').fields.slice(0, 3),
};

async function collect(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

describe('formatCsvValue', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['line\nbreak', '"line\nbreak"'],
    ['carriage\rreturn', '"carriage\rreturn"'],
    ['crlf\r\n', '"crlf\r\n"'],
    [' leading', '" leading"'],
    ['trailing ', '"trailing "'],
    ['\ttab', '"\ttab"'],
    [' ', '" "'],
    ['in side', 'in side'],
    ['Zoë Ñandú 中文 🏠', 'Zoë Ñandú 中文 🏠'],
    ['2026-10-01 08:00:00', '2026-10-01 08:00:00'],
    ['125.50', '125.50'],
  ])('formats %j as %j', (value, expected) => {
    expect(formatCsvValue(value)).toBe(expected);
  });

  it('leaves formula-like values untouched (HMIS CSV is interchange, not a spreadsheet)', () => {
    for (const value of ['=SUM(A1:A2)', '+1', '-2', '@cmd', '=HYPERLINK("x")']) {
      expect(parseCsv(formatCsvRow([value, 'x']))).toEqual([[value, 'x']]);
    }
    expect(formatCsvValue('=1+2')).toBe('=1+2');
  });
});

describe('formatCsvRow and csvHeader', () => {
  it('joins with commas and ends the line with LF, as HUD’s sample export does', () => {
    expect(CSV_EOL).toBe('\n');
    expect(formatCsvRow(['a', '', 'b,c', ''])).toBe('a,,"b,c",\n');
    expect(formatCsvRow(['', ''])).toBe(',\n');
  });

  it('quotes a lone empty value so the line is not read as blank', () => {
    expect(formatCsvRow([''])).toBe('""\n');
    expect(parseCsv(formatCsvRow(['']) + formatCsvRow(['x']))).toEqual([[''], ['x']]);
  });

  it('writes a table header in the model’s field order', () => {
    const spec = table('Export');
    expect(csvHeader(spec)).toBe(`${spec.fields.map((f) => f.name).join(',')}\n`);
    expect(csvHeader(spec).startsWith('ExportID,SourceType,SourceID,')).toBe(true);
  });
});

describe('round trip through csv-parse', () => {
  const alphabet = [
    'a',
    'Z',
    '0',
    ',',
    '"',
    '\n',
    '\r',
    '\r\n',
    ' ',
    '\t',
    'é',
    '中',
    '🏠',
    '\u00a0',
    '=',
    ';',
    "'",
  ];

  it('parses every written row back to exactly the same values (randomized)', () => {
    const rng = new Random(7);
    const rows: string[][] = [];
    for (let i = 0; i < 500; i++) {
      const width = rng.int(1, 6);
      const row: string[] = [];
      for (let c = 0; c < width; c++) {
        let value = '';
        for (let k = rng.int(0, 8); k > 0; k--) value += rng.pick(alphabet);
        row.push(value);
      }
      rows.push(row);
    }
    for (const row of rows) expect(parseCsv(formatCsvRow(row))).toEqual([row]);
    // And all of them as one file (csv-parse needs a constant width per file unless relaxed).
    const text = rows.map(formatCsvRow).join('');
    expect(parse(text, { relax_column_count: true })).toEqual(rows);
  });

  it('round-trips a whole table through csvLines', () => {
    const rows = [
      ['AF01', 'SSO', 'PSH'],
      ['', ' x', 'y '],
      ['"quoted"', 'a\nb', 'Ünïcödé 🏠'],
    ];
    const text = [...csvLines(SPEC, rows)].join('');
    expect(parseCsv(text)).toEqual([SPEC.fields.map((f) => f.name), ...rows]);
  });
});

describe('csvLines', () => {
  it('yields the header first, then one line per row', () => {
    expect([...csvLines(SPEC, [['1', '2', '3']])]).toEqual([csvHeader(SPEC), '1,2,3\n']);
    expect([...csvLines(SPEC, [])]).toEqual([csvHeader(SPEC)]);
  });

  it('refuses a row whose width differs from the table', () => {
    expect(() => [...csvLines(SPEC, [['1', '2']])]).toThrow(/row 1 has 2 values; the table has 3 columns/);
  });
});

describe('writeCsv', () => {
  const rows = Array.from({ length: 5000 }, (_, i) => [`id-${i}`, `p,${i}`, i % 7 === 0 ? '' : `"${i}"`]);
  const expected = [...csvLines(SPEC, rows)].join('');

  it('writes the same text as csvLines and ends the stream', async () => {
    const out = new PassThrough();
    const text = collect(out);
    await writeCsv(SPEC, rows, out);
    expect(await text).toBe(expected);
    expect(out.writableEnded).toBe(true);
  });

  it('waits for drain when the stream is full', async () => {
    let drains = 0;
    const chunks: string[] = [];
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk, _encoding, callback) {
        chunks.push(String(chunk));
        setTimeout(callback, 1);
      },
    });
    slow.on('drain', () => drains++);
    const originalWrite = slow.write.bind(slow);
    let maxBuffered = 0;
    slow.write = ((chunk: string) => {
      const ok = originalWrite(chunk);
      maxBuffered = Math.max(maxBuffered, slow.writableLength);
      return ok;
    }) as typeof slow.write;
    await writeCsv(SPEC, rows, slow);
    expect(chunks.join('')).toBe(expected);
    expect(drains).toBeGreaterThan(0);
    // Never more than one chunk (plus the one being written) is queued.
    expect(maxBuffered).toBeLessThan(3 * 64 * 1024);
  });

  it('leaves the stream open with end: false', async () => {
    const out = new PassThrough();
    const text = collect(out);
    await writeCsv(SPEC, [['a', 'b', 'c']], out, { end: false });
    expect(out.writableEnded).toBe(false);
    out.end('tail');
    expect(await text).toBe(`${csvHeader(SPEC)}a,b,c\ntail`);
  });

  it('rejects when the stream fails', async () => {
    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    await expect(writeCsv(SPEC, rows, failing)).rejects.toThrow('disk full');
  });
});
