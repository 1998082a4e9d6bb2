import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fieldIndex, table } from '../../src/model/index.ts';
import { RecordStore } from '../../src/store/record-store.ts';
import { noteFor, readNotes } from '../../src/xml/notes.ts';
import { importHmisXml, XmlInputError } from '../../src/xml/xml-import.ts';
import { removeTempDirs, tempDir } from '../helpers/exports.ts';
import { shared } from '../helpers/shared.ts';

const REFERENCE = shared('reference/xml');
const MINIMAL = fs.readFileSync(`${REFERENCE}/FY2022/HUD_HMIS_Instance_minimal_for_testing.xml`, 'utf8');

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

function writeXml(text: string): string {
  const file = path.join(tempDir(), 'export.xml');
  fs.writeFileSync(file, text);
  return file;
}

/** The minimal FY2022 instance with one edit: `from` (which must occur) replaced by `to`. */
function edited(from: string, to: string): string {
  expect(MINIMAL).toContain(from);
  return writeXml(MINIMAL.replace(from, to));
}

const cell = (store: RecordStore, source: string, tableName: string, key: string, column: string) =>
  store.state.source(source)?.get(tableName, key)?.[fieldIndex(table(tableName), column)];

describe('HMIS XML import', () => {
  it.each([
    ['FY2022', 'HUD_HMIS_Instance.xml'],
    ['FY2022', 'HUD_HMIS_Instance_minimal_for_testing.xml'],
    ['FY2022', 'HUD_HMIS_Example_Extension_Instance.xml'],
    ['v6.1.2', 'HUD_HMIS_Instance.xml'],
    ['v6.1.2', 'HUD_HMIS_Instance_minimal_for_testing.xml'],
  ])('imports HUD %s example %s, detecting the version from the namespace', async (version, name) => {
    const store = await openStore();
    const report = await importHmisXml(store, `${REFERENCE}/${version}/${name}`);
    expect(report.errors).toEqual([]);
    expect(report.applied).toBe(true);
    expect(report.xml.version).toBe(version);
    expect(store.state.size).toBeGreaterThan(0);
  });

  it('folds logical-model records into FY2026 rows and keeps what has no FY2026 field', async () => {
    const store = await openStore();
    const report = await importHmisXml(store, `${REFERENCE}/FY2022/HUD_HMIS_Instance.xml`);
    const source = report.source;
    // ClientVeteranInfo → Client; EnrollmentCoC → Enrollment.EnrollmentCoC; Inventory via ProjectCoCID.
    expect(cell(store, source, 'Client', 'A1a1', 'YearEnteredService')).toBe('2002');
    expect(cell(store, source, 'Enrollment', 'w5641', 'EnrollmentCoC')).toMatch(/^[A-Z]{2}-\d{3}$/);
    expect(cell(store, source, 'Inventory', '56563a', 'ProjectID')).not.toBe('');
    // PersonalID comes from the Enrollment where XML has none (Exit, Disabilities, …).
    expect(cell(store, source, 'Exit', 'C2x', 'PersonalID')).toBe(
      cell(store, source, 'Enrollment', 'w5641', 'PersonalID'),
    );
    // Renamed elements land on today's fields; timestamps lose their T and zone.
    expect(cell(store, source, 'Client', 'A1a1', 'DateCreated')).toBe('2019-04-11 23:14:59');
    expect(report.xml.kept['Client Female']).toBe(1);
    expect(report.warnings.join('\n')).toContain('Client Female: no FY2026 field; kept with the record');
    const row = store.state.source(source)?.get('Client', 'A1a1') ?? [];
    const note = noteFor(readNotes(store.dir)[source], 'Client', 'A1a1', row);
    expect(note?.kept?.find((k) => k.name === 'Female')?.value).toBe('0');
  });

  it('stores hashed names as hashed and marks them, per field and on the export', async () => {
    const store = await openStore();
    const report = await importHmisXml(
      store,
      `${REFERENCE}/FY2022/HUD_HMIS_Instance_minimal_for_testing.xml`,
    );
    const row = store.state.source(report.source)?.get('Client', 'A1a1') ?? [];
    const note = noteFor(readNotes(store.dir)[report.source], 'Client', 'A1a1', row);
    expect(note?.hash).toEqual({ FirstName: '2', MiddleName: '1', LastName: '3', SSN: '1' });
    expect(cell(store, report.source, 'Client', 'A1a1', 'FirstName')).toBe(
      '123456789012345678901234567890ABCDEF12d4',
    );
    // Export.HashStatus is the model's own mark: 3 (hashed, other) as LastName is.
    expect(cell(store, report.source, 'Export', '37', 'HashStatus')).toBe('3');
  });

  it('refuses a value marked SHA-1 RHY that is not one, without leaking it', async () => {
    const store = await openStore();
    const file = edited(
      '<hmis:FirstName hmis:hashStatus="2">123456789012345678901234567890ABCDEF12d4</hmis:FirstName>',
      '<hmis:FirstName hmis:hashStatus="2">Alice</hmis:FirstName>',
    );
    const report = await importHmisXml(store, file);
    expect(report.applied).toBe(false);
    expect(JSON.stringify(report)).not.toContain('Alice');
    expect(report.errors.some((e) => e.rule.includes('pattern') || e.rule.includes('length'))).toBe(true);
    expect(report.errors.some((e) => e.rule === 'hashStatus')).toBe(true);
  });

  const rejected: [string, string, string, string, RegExp][] = [
    [
      'a broken keyref',
      '<hmis:ProjectID>222D</hmis:ProjectID>\n                <hmis:EntryDate>',
      '<hmis:ProjectID>NOPE</hmis:ProjectID>\n                <hmis:EntryDate>',
      'xsd:keyref',
      /ProjectID NOPE names no Project/,
    ],
    [
      'a wrong enumeration',
      '<hmis:ProjectType>3</hmis:ProjectType>',
      '<hmis:ProjectType>77</hmis:ProjectType>',
      'xsd:enumeration',
      /"77" is not one of the allowed codes/,
    ],
    [
      'a bad date',
      '<hmis:DOB>2014-11-18</hmis:DOB>',
      '<hmis:DOB>2014-02-30</hmis:DOB>',
      'xsd:type',
      /is not a date/,
    ],
    [
      'a missing element',
      '<hmis:SSNDataQuality>2</hmis:SSNDataQuality>',
      '',
      'xsd:missing',
      /lacks <SSNDataQuality>/,
    ],
    [
      'a violated assert (TCellCountAvailable without DisabilityType 8)',
      '</hmis:Export>',
      `<hmis:Disabilities hmis:dataCollectionStage="1" hmis:informationDate="2016-04-12" hmis:dateCreated="2016-04-12T10:00:00" hmis:dateUpdated="2016-04-12T10:00:00" hmis:userID="u1">
                <hmis:DisabilitiesID>d1</hmis:DisabilitiesID>
                <hmis:EnrollmentID>w5641</hmis:EnrollmentID>
                <hmis:DisabilityType>5</hmis:DisabilityType>
                <hmis:DisabilityResponse xsi:type="hmis:disabilityResponsePhysicalDisability">0</hmis:DisabilityResponse>
                <hmis:TCellCountAvailable>1</hmis:TCellCountAvailable>
            </hmis:Disabilities>
        </hmis:Export>`,
      'xsd:assert',
      /TCellCountAvailable.*DisabilityType\/text\(\)='8'/,
    ],
  ];
  it.each(rejected)(
    'rejects %s, naming the line and rule, and imports nothing',
    async (_what, from, to, rule, message) => {
      const store = await openStore();
      const report = await importHmisXml(store, edited(from, to));
      const found = report.errors.find((e) => e.rule === rule);
      expect(found?.message).toMatch(message);
      expect(found?.row).toBeGreaterThan(1);
      expect(JSON.stringify(report)).not.toContain('2014-02-30'); // a DOB is never shown
      expect(report.applied).toBe(false);
      expect(store.state.size).toBe(0);
      expect(fs.existsSync(path.join(store.dir, 'xml-notes.json'))).toBe(false);
    },
  );

  it('rejects a sub-record whose parent is nowhere, and folds one into a stored parent on a delta', async () => {
    const store = await openStore();
    const orphan = edited(
      '<hmis:EnrollmentID>w5641</hmis:EnrollmentID>\n                <hmis:CoCCode>',
      '<hmis:EnrollmentID>w9999</hmis:EnrollmentID>\n                <hmis:CoCCode>',
    );
    const report = await importHmisXml(store, orphan);
    expect(report.errors.find((e) => e.rule === 'reference')?.message).toBe(
      'EnrollmentID w9999 names no <Enrollment> in this document or the store',
    );
    expect(report.applied).toBe(false);
    const first = await importHmisXml(store, writeXml(MINIMAL));
    expect(first.applied).toBe(true);
    // A delta of just an EnrollmentCoC: the stored Enrollment keeps its values and gains the CoC.
    const start = MINIMAL.indexOf('<hmis:Affiliation');
    const end = MINIMAL.indexOf('</hmis:Export>');
    const coc = MINIMAL.slice(MINIMAL.indexOf('<hmis:EnrollmentCoC'), MINIMAL.indexOf('<hmis:Funder'));
    const delta = MINIMAL.slice(0, start) + coc.replace('BZ-123', 'BZ-124') + MINIMAL.slice(end);
    const applied = await importHmisXml(store, writeXml(delta), { source: first.source });
    expect(applied.errors).toEqual([]);
    expect(cell(store, first.source, 'Enrollment', 'w5641', 'EnrollmentCoC')).toBe('BZ-124');
    expect(cell(store, first.source, 'Enrollment', 'w5641', 'EntryDate')).toBe('2016-04-12');
  });

  it('rejects a DisabilityResponse xsi:type that does not derive from its declared type', async () => {
    const store = await openStore();
    const file = edited(
      '</hmis:Export>',
      `<hmis:Disabilities hmis:dataCollectionStage="1" hmis:informationDate="2016-04-12" hmis:dateCreated="2016-04-12T10:00:00" hmis:dateUpdated="2016-04-12T10:00:00" hmis:userID="u1">
                <hmis:DisabilitiesID>d1</hmis:DisabilitiesID>
                <hmis:EnrollmentID>w5641</hmis:EnrollmentID>
                <hmis:DisabilityType>10</hmis:DisabilityType>
                <hmis:DisabilityResponse xsi:type="hmis:fAAmountHOPWA">2</hmis:DisabilityResponse>
            </hmis:Disabilities>
        </hmis:Export>`,
    );
    const report = await importHmisXml(store, file);
    expect(report.errors.find((e) => e.rule === 'xsd:xsiType')?.message).toMatch(
      /not derived from disabilityResponseBase/,
    );
    expect(report.applied).toBe(false);
  });
});

describe('HMIS XML import security', () => {
  const xxe = `<?xml version="1.0"?>
<!DOCTYPE hmis:Sources [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<hmis:Sources xmlns:hmis="http://www.hudhdx.info/Resources/Vendors/FY2022/HUD_HMIS.xsd"><hmis:Source>&xxe;</hmis:Source></hmis:Sources>`;
  const laughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<hmis:Sources xmlns:hmis="http://www.hudhdx.info/Resources/Vendors/FY2022/HUD_HMIS.xsd">&lol3;</hmis:Sources>`;

  it.each([
    ['XXE (external entity)', xxe],
    ['billion laughs (entity expansion)', laughs],
  ])('refuses %s before reading any entity, and imports nothing', async (_what, text) => {
    const store = await openStore();
    const error = await importHmisXml(store, writeXml(text)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XmlInputError);
    expect((error as Error).message).toMatch(/line \d+.*DOCTYPE \(DTD\) is not allowed/);
    expect((error as Error).message).not.toContain('root:');
    expect(store.state.size).toBe(0);
  });

  it('refuses an undeclared entity, excessive depth and an oversized document', async () => {
    const store = await openStore();
    await expect(
      importHmisXml(store, edited('<hmis:NameSuffix>Sr.', '<hmis:NameSuffix>&bogus;')),
    ).rejects.toThrow(/line 36 <hmis:NameSuffix>: not well-formed XML: .*entity/i);
    const deep = edited(
      '<hmis:NameSuffix>Sr.</hmis:NameSuffix>',
      `${'<x:a xmlns:x="urn:x">'.repeat(40)}${'</x:a>'.repeat(40)}`,
    );
    await expect(importHmisXml(store, deep)).rejects.toThrow(/nest deeper than 32 levels/);
    const limits = { maxBytes: 1000, maxDepth: 32, maxTextLength: 100, maxAttributes: 32 };
    await expect(importHmisXml(store, writeXml(MINIMAL), { limits })).rejects.toThrow(
      /larger than 1000 bytes/,
    );
    expect(store.state.size).toBe(0);
  });

  it('refuses bytes that are not UTF-8, overlong text and too many attributes', async () => {
    const store = await openStore();
    const latin1 = path.join(tempDir(), 'latin1.xml');
    fs.writeFileSync(latin1, Buffer.concat([Buffer.from(MINIMAL.slice(0, 2000)), Buffer.from([0xe9, 0x20])]));
    await expect(importHmisXml(store, latin1)).rejects.toThrow(/not valid UTF-8/);
    const long = edited(
      '<hmis:NameSuffix>Sr.</hmis:NameSuffix>',
      `<hmis:NameSuffix>${'x'.repeat(70_000)}</hmis:NameSuffix>`,
    );
    await expect(importHmisXml(store, long)).rejects.toThrow(
      /<hmis:NameSuffix>: text longer than 65536 characters/,
    );
    const attributes = Array.from({ length: 40 }, (_, i) => ` x:a${i}="1"`).join('');
    const many = edited('<hmis:NameSuffix>', `<hmis:NameSuffix xmlns:x="urn:x"${attributes}>`);
    await expect(importHmisXml(store, many)).rejects.toThrow(/more than 32 attributes/);
    expect(store.state.size).toBe(0);
  });

  it('refuses HUD v6.1.2 extension example: its Export has no ExportID', async () => {
    const store = await openStore();
    await expect(
      importHmisXml(store, `${REFERENCE}/v6.1.2/HUD_HMIS_Example_Extension_Instance.xml`),
    ).rejects.toThrow(/line \d+ <Export>: the document has no usable <Export> \(.*ExportID/);
  });

  it('refuses malformed XML and documents that are not HMIS XML, naming line and element', async () => {
    const store = await openStore();
    await expect(importHmisXml(store, edited('</hmis:Client>', '</hmis:Clinet>'))).rejects.toThrow(
      /line 55 .*not well-formed XML/,
    );
    await expect(importHmisXml(store, writeXml('<html><body/></html>'))).rejects.toThrow(
      /not an HUD HMIS XML document/,
    );
    const wrongVersion = MINIMAL.replaceAll('FY2022/HUD_HMIS.xsd', 'FY2099/HUD_HMIS.xsd');
    await expect(importHmisXml(store, writeXml(wrongVersion))).rejects.toThrow(/FY2022 or v6.1.2 namespace/);
    expect(store.state.size).toBe(0);
  });
});
