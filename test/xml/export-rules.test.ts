/** The XML export meets the version's xs:assert rules: what breaks one is changed and counted. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importHmisCsv } from '../../src/ingest/import.ts';
import { fieldIndex, table } from '../../src/model/index.ts';
import { RecordStore } from '../../src/store/record-store.ts';
import { AssertMender, type Piece } from '../../src/xml/assert-mender.ts';
import type { CompiledSchema, ElementDecl } from '../../src/xml/schema/types.ts';
import { exportHmisXml } from '../../src/xml/xml-export.ts';
import { importHmisXml, validateHmisXml } from '../../src/xml/xml-import.ts';
import {
  demoTables,
  removeTempDirs,
  setCell,
  type Tables,
  tempDir,
  writeExport,
} from '../helpers/exports.ts';
import { shared } from '../helpers/shared.ts';

afterAll(() => removeTempDirs());

const element = (name: string, type: string, min = 0): ElementDecl => ({
  kind: 'element',
  name,
  type,
  min,
  max: 1,
  nillable: false,
});
const CODE = element('Code', 'yesNo', 1); // required, has 99
const DETAIL = element('Detail', 'yesNo'); // optional, has 99
const NOTE = element('Note', 'xs:string'); // optional, no 99
const RECORD_CHILDREN = [CODE, DETAIL, NOTE];
const SCHEMA: CompiledSchema = {
  version: 'test',
  namespace: 'urn:test',
  root: element('Sources', 'sources', 1),
  simpleTypes: { yesNo: { builtin: 'unsignedInt', enumeration: ['0', '1', '5', '99'] } },
  complexTypes: {
    record: {
      content: { kind: 'sequence', min: 1, max: 1, items: RECORD_CHILDREN },
      attributes: [],
      asserts: [
        // A dependent element: present exactly when Code is 1.
        "if (hmis:Code/text()='1') then boolean(hmis:Detail) else not(boolean(hmis:Detail))",
        // A code that needs an element with no "data not collected" value.
        "if (hmis:Code/text()='5') then boolean(hmis:Note) else true()",
        'count(hmis:Note) ge 0', // always true: never evaluated
      ],
    },
    export: {
      content: null,
      attributes: [],
      asserts: [
        "every $r in hmis:Record satisfies (if (boolean($r/hmis:Note)) then (every $c in $r/hmis:Code satisfies (hmis:Parent[hmis:Code = $c]/hmis:Kind/text()='3')) else true())",
        'every $id in hmis:Parent/hmis:Code satisfies (fn:count(hmis:Record[hmis:Code = $id]) ge 1)',
      ],
    },
  },
};
const piece = (decl: ElementDecl, text: string): Piece => ({ decl, text });
const notCollected = (decl: ElementDecl): Piece | undefined =>
  decl.type === 'yesNo' ? piece(decl, '99') : undefined;
const texts = (pieces: readonly Piece[]) => pieces.map((p) => `${p.decl.name}=${p.text}`);

describe('AssertMender (each kind of change)', () => {
  const mender = new AssertMender(SCHEMA, 'export');
  const recordOnly = new AssertMender(SCHEMA, 'none');
  const mend = (pieces: Piece[]) =>
    recordOnly.mend('Record', 'record', RECORD_CHILDREN, pieces, notCollected);

  it('leaves a record that meets its rules as it is', () => {
    const pieces = [piece(CODE, '1'), piece(DETAIL, '0')];
    expect(mend(pieces)).toEqual({ pieces, changed: [] });
  });

  it('leaves out an optional element the rule forbids', () => {
    const mended = mend([piece(CODE, '0'), piece(DETAIL, '1'), piece(NOTE, 'n')]);
    expect(texts(mended.pieces)).toEqual(['Code=0', 'Note=n']);
    expect(mended.changed).toEqual(['Detail']);
  });

  it('adds an element the rule requires as "data not collected" (99), in schema order', () => {
    const mended = mend([piece(CODE, '1'), piece(NOTE, 'n')]);
    expect(texts(mended.pieces)).toEqual(['Code=1', 'Detail=99', 'Note=n']);
    expect(mended.changed).toEqual(['Detail']);
  });

  it('sets a required element to 99 when the element the rule asks for has no such value', () => {
    const mended = mend([piece(CODE, '5')]);
    expect(texts(mended.pieces)).toEqual(['Code=99']);
    expect(mended.changed).toEqual(['Code']);
  });

  it('mends an Export-level rule about each record against the earlier records it names', () => {
    const [code, kind] = [element('Code', 'yesNo', 1), element('Kind', 'yesNo', 1)];
    const mendInExport = (pieces: Piece[]) =>
      mender.mend('Record', 'record', RECORD_CHILDREN, pieces, notCollected);
    mender.startExport();
    mender.written('Parent', [piece(code, '1'), piece(kind, '3')]);
    mender.written('Parent', [piece(code, '0'), piece(kind, '1')]);
    const record = [piece(CODE, '1'), piece(DETAIL, '0'), piece(NOTE, 'n')];
    // Code 1's parent is of kind 3: Note may stay.
    expect(mendInExport(record).changed).toEqual([]);
    // In another Export its parent is of kind 1: Note is left out.
    mender.startExport();
    mender.written('Parent', [piece(code, '1'), piece(kind, '1')]);
    const mended = mendInExport(record);
    expect(texts(mended.pieces)).toEqual(['Code=1', 'Detail=0']);
    expect(mended.changed).toEqual(['Note']);
  });

  it('names the records that break an Export-level count rule no record can mend', () => {
    const [code, kind] = [element('Code', 'yesNo', 1), element('Kind', 'yesNo', 1)];
    mender.startExport();
    for (const c of ['1', '0', '5']) mender.written('Parent', [piece(code, c), piece(kind, '3')]);
    mender.written('Record', [piece(CODE, '1')]);
    expect(mender.endExport()).toEqual([
      'Parent 0, 5: test asks for at least 1 <Record> per Parent (xs:assert)',
    ]);
    mender.startExport(); // a new Export starts its own tally
    expect(mender.endExport()).toEqual([]);
  });

  it('writes what no single change can mend as it is (the validator reports it)', () => {
    const mended = recordOnly.mend('Record', 'record', [element('Code', 'xs:string', 1)], [], notCollected);
    expect(mended.changed).toEqual([]);
  });
});

describe('HUD instances re-exported in their own version', () => {
  it.each([
    ['FY2022', 'FY2022/HUD_HMIS_Instance.xml'],
    ['v6.1.2', 'v6.1.2/HUD_HMIS_Instance.xml'], // its CoC records go out as kept, and are tallied
  ] as const)('%s: %s passes full validation, and the export names no unmet rule', async (schema, name) => {
    const store = await RecordStore.open({ dir: tempDir() });
    expect((await importHmisXml(store, shared(`reference/xml/${name}`))).errors).toEqual([]);
    const out = path.join(tempDir(), 'out.xml');
    const result = await exportHmisXml(store.state, { out, schema, notesDir: store.dir });
    await store.close();
    expect(result.unmetRules).toEqual([]);
    expect((await validateHmisXml(out)).issues).toEqual([]);
  });
});

/** Exports demo data edited by `edit` as FY2022 and checks it with Hearth's full validator. */
async function exportEdited(edit: (tables: Tables) => void) {
  const tables = demoTables(4);
  edit(tables);
  const store = await RecordStore.open({ dir: tempDir() });
  const report = await importHmisCsv(store, writeExport(tables));
  expect(report.errors).toEqual([]);
  const out = path.join(tempDir(), 'out.xml');
  const result = await exportHmisXml(store.state, { out, schema: 'FY2022' });
  await store.close();
  const issues = (await validateHmisXml(out)).issues;
  return { result, xml: fs.readFileSync(out, 'utf8'), issues };
}

function rowWhere(tables: Tables, name: string, test: (get: (f: string) => string) => boolean): number {
  const spec = table(name);
  const rows = tables.get(name) ?? [];
  const index = rows.findIndex((r) => test((f) => r[fieldIndex(spec, f)] ?? ''));
  if (index < 0) throw new Error(`demo data: no ${name} row fits`);
  return index;
}

describe('FY2022 export of FY2026 values its rules forbid', () => {
  let baseline: Readonly<Record<string, number>> = {};
  const added = (losses: Readonly<Record<string, number>>, label: string) =>
    (losses[label] ?? 0) - (baseline[label] ?? 0);

  it('writes demo data that passes the full validator', async () => {
    const { issues, result } = await exportEdited(() => {});
    baseline = result.ruleLosses;
    expect(issues).toEqual([]);
    expect(Object.keys(result.ruleLosses).every((label) => (result.losses[label] ?? 0) > 0)).toBe(true);
  });

  it('leaves out IndefiniteAndImpairs when DisabilityResponse is not 1, and reports it', async () => {
    let disabilitiesId = '';
    const { issues, result, xml } = await exportEdited((tables) => {
      const i = rowWhere(tables, 'Disabilities', (get) => get('DisabilityType') === '5');
      setCell(tables, 'Disabilities', i, 'DisabilityResponse', '0');
      setCell(tables, 'Disabilities', i, 'IndefiniteAndImpairs', '1');
      disabilitiesId = tables.get('Disabilities')?.[i]?.[0] ?? '';
    });
    expect(issues).toEqual([]);
    expect(xml).toContain(`<hmis:DisabilitiesID>${disabilitiesId}<`);
    const record = xml.slice(xml.indexOf(`<hmis:DisabilitiesID>${disabilitiesId}<`));
    expect(record.slice(0, record.indexOf('</hmis:Disabilities>'))).not.toContain('IndefiniteAndImpairs');
    expect(added(result.ruleLosses, 'Disabilities.IndefiniteAndImpairs')).toBe(1);
    expect(result.losses['Disabilities.IndefiniteAndImpairs']).toBeGreaterThanOrEqual(1);
  });

  it('leaves out MonthsHomelessPastThreeYears when TimesHomeless is not 1–4', async () => {
    const { issues, result } = await exportEdited((tables) => {
      const i = rowWhere(tables, 'Enrollment', () => true);
      setCell(tables, 'Enrollment', i, 'TimesHomelessPastThreeYears', '8');
      setCell(tables, 'Enrollment', i, 'MonthsHomelessPastThreeYears', '101');
    });
    expect(issues).toEqual([]);
    expect(added(result.ruleLosses, 'Enrollment.MonthsHomelessPastThreeYears')).toBe(1);
  });

  it('gives a client whose only race FY2022 lacks RaceNone 99 (data not collected)', async () => {
    const { issues, result, xml } = await exportEdited((tables) => {
      for (const race of ['AmIndAKNative', 'Asian', 'BlackAfAmerican', 'NativeHIPacific', 'White'])
        setCell(tables, 'Client', 0, race, '0');
      setCell(tables, 'Client', 0, 'MidEastNAfrican', '1');
      setCell(tables, 'Client', 0, 'HispanicLatinao', '0');
      setCell(tables, 'Client', 0, 'RaceNone', '');
    });
    expect(issues).toEqual([]);
    expect(xml).toContain('<hmis:RaceNone>99</hmis:RaceNone>');
    expect(added(result.ruleLosses, 'Client.RaceNone')).toBe(1);
  });

  it('leaves out ResidentialAffiliation of a project that is not services only', async () => {
    const { issues, result } = await exportEdited((tables) => {
      const i = rowWhere(tables, 'Project', (get) => get('ProjectType') === '13');
      setCell(tables, 'Project', i, 'ResidentialAffiliation', '0');
    });
    expect(issues).toEqual([]);
    expect(added(result.ruleLosses, 'Project.ResidentialAffiliation')).toBe(1);
  });
});
