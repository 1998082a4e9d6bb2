/**
 * The demo data as HUD HMIS XML (Hearth's own export), mangled at random and imported: spans
 * deleted, doubled or swapped, values replaced by hostile or mistyped text, DTDs, entities, CDATA,
 * stray markup and unknown elements put in, drawn from a seeded generator. An import either applies,
 * or reports errors naming element and line, or refuses the document as an XmlInputError naming its
 * line; a refused import leaves the store empty.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Random } from '../../src/demo/random.ts';
import { importHmisCsv } from '../../src/ingest/import.ts';
import { RecordStore } from '../../src/store/record-store.ts';
import { exportHmisXml } from '../../src/xml/xml-export.ts';
import { importHmisXml, XmlInputError } from '../../src/xml/xml-import.ts';
import { removeTempDirs, tempDir } from '../helpers/exports.ts';
import { FUZZ_RUNS, FUZZ_SEED } from '../helpers/fuzz.ts';
import { DEMO_DIR } from '../hmis-api/helpers.ts';

let document: string;
beforeAll(async () => {
  const store = await RecordStore.open({ dir: tempDir('hearth-xml-fuzz-source-') });
  await importHmisCsv(store, DEMO_DIR);
  const out = path.join(tempDir('hearth-xml-fuzz-out-'), 'demo.xml');
  await exportHmisXml(store.state, { out, schema: 'FY2022' });
  await store.close();
  document = fs.readFileSync(out, 'utf8');
}, 60_000);
afterAll(() => removeTempDirs());

const INSERTS = [
  '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>',
  '<!DOCTYPE x SYSTEM "file:///etc/passwd">',
  '&a;',
  '&#0;',
  '&#xD800;',
  '<![CDATA[ <x> ]]>',
  ']]>',
  '<',
  '&',
  '\u0000',
  '<?xml version="1.0"?>',
  '<Bogus>1</Bogus>',
  '<hmis:Client/>',
  '</hmis:Sources>',
  'xmlns:hmis="urn:other"',
];
const VALUES = [
  '',
  'x'.repeat(300),
  '-1',
  '99',
  '2025-02-30',
  '2025-01-01T25:00:00',
  'NaN',
  'Ñúñez',
  '1e309',
  ' ',
];

/** The document with one to three edits. */
function mangle(random: Random): string {
  let text = document;
  for (let n = random.int(1, 3); n > 0; n--) {
    const at = random.int(0, text.length);
    const span = random.int(1, 200);
    // Value edits weigh most: they reach the model's checks, where broken markup stops at the parser.
    switch (random.chance(0.6) ? 2 : random.pick([0, 1, 3, 3, 4])) {
      case 0:
        text = text.slice(0, at) + text.slice(at + span);
        break;
      case 1:
        text = text.slice(0, at) + text.slice(at, at + span).repeat(2) + text.slice(at + span);
        break;
      case 2: {
        // A value between two tags replaced (the commonest mistake in a real file).
        const open = text.indexOf('>', at);
        const close = open < 0 ? -1 : text.indexOf('<', open);
        if (close > open + 1) text = text.slice(0, open + 1) + random.pick(VALUES) + text.slice(close);
        break;
      }
      case 3:
        text = text.slice(0, at) + random.pick(INSERTS) + text.slice(at);
        break;
      default:
        text = text.slice(0, at); // truncated
    }
  }
  return text;
}

it(`mangled HMIS XML (seed ${FUZZ_SEED}, ${Math.round(FUZZ_RUNS / 50)}): applied whole, or refused whole naming the line`, async () => {
  const random = new Random(FUZZ_SEED);
  const outcomes = { applied: 0, refused: 0, unreadable: 0 };
  for (let run = 0; run < Math.round(FUZZ_RUNS / 50); run++) {
    const dir = tempDir('hearth-xml-fuzz-');
    const file = path.join(dir, 'mangled.xml');
    fs.writeFileSync(file, mangle(random));
    const store = await RecordStore.open({ dir: path.join(dir, 'data') });
    const what = `run ${run} (FUZZ_SEED=${FUZZ_SEED})`;
    try {
      const report = await importHmisXml(store, file);
      if (report.applied) {
        outcomes.applied++;
        expect(report.errors, what).toEqual([]);
      } else {
        outcomes.refused++;
        expect(report.errors.length, what).toBeGreaterThan(0);
        for (const error of report.errors)
          expect(
            Number.isInteger(error.row) && error.message.length > 0,
            `${what}: ${JSON.stringify(error)}`,
          ).toBe(true);
        expect(store.state.size, what).toBe(0);
      }
    } catch (error) {
      expect(error, `${what}: ${error}`).toBeInstanceOf(XmlInputError);
      expect(String(error), what).toMatch(/^XmlInputError: line \d+/);
      outcomes.unreadable++;
      expect(store.state.size, what).toBe(0);
    } finally {
      await store.close();
    }
  }
  expect(outcomes.unreadable, JSON.stringify(outcomes)).toBeGreaterThan(0);
}, 300_000);
