/**
 * The declarative OpenHMIS mapping against the model (every column it names exists, no OpenHMIS
 * name means two things, unsupported names are not also mapped), the consent field table, and the
 * XML form: what toXml writes, parseXml reads back as the same content.
 */
import { describe, expect, it } from 'vitest';
import { CONSENT_FIELDS } from '../../mappings/openhmis/consent-fields.ts';
import { RESOURCES } from '../../mappings/openhmis/resources.ts';
import { compileResource, rowObject } from '../../src/api/openhmis/records.ts';
import { parseXml, toXml } from '../../src/api/openhmis/xml.ts';
import { CODE_LISTS, findTable, table } from '../../src/model/index.ts';
import { lexical } from './helpers.ts';

describe('mappings/openhmis/resources.ts', () => {
  it.each(RESOURCES.map((r) => [r.resource, r] as const))(
    '%s names real FY2026 columns, once each',
    (_, mapping) => {
      const spec = findTable(mapping.table);
      expect(spec, mapping.table).toBeDefined();
      const names = mapping.fields.map(([name]) => name);
      const columns = mapping.fields.map(([, column]) => column);
      for (const column of columns)
        expect(
          spec?.fields.map((f) => f.name),
          column,
        ).toContain(column);
      expect(new Set(names).size).toBe(names.length);
      expect(new Set(columns).size).toBe(columns.length);
      expect(names.filter((n) => mapping.unsupported.includes(n))).toEqual([]);
      expect(columns).toContain(spec?.key);
      expect(names).toContain(mapping.id);
      for (const name of names) expect(name).toMatch(/^[a-z][A-Za-z0-9]*$/);
      if (mapping.where) {
        const field = spec?.fields.find((f) => f.name === mapping.where?.column);
        const list = CODE_LISTS.get(field?.codeList ?? '');
        for (const code of mapping.where.codes) expect(list?.codes.map((c) => c.code)).toContain(code);
      }
      for (const column of Object.keys(mapping.defaults ?? {})) expect(columns).toContain(column);
    },
  );

  it('covers every FY2026 Client column a person has (identifiers, race, veteran status)', () => {
    const client = RESOURCES.find((r) => r.resource === 'clients');
    const mapped = new Set(client?.fields.map(([, column]) => column));
    const unmapped = table('Client')
      .fields.filter((f) => !mapped.has(f.name))
      .map((f) => f.name);
    expect(unmapped.sort()).toEqual(['DateDeleted', 'ExportID', 'UserID']);
  });

  it('every disability resource is one DisabilityType of list 1.3, each type once', () => {
    const types = RESOURCES.filter((r) => r.table === 'Disabilities').flatMap((r) => r.where?.codes ?? []);
    expect(types.sort()).toEqual(['10', '5', '6', '7', '8', '9']);
  });
});

describe('mappings/openhmis/consent-fields.ts', () => {
  it('opens only Client columns, and every seed share flag has an entry', () => {
    const client = table('Client').fields.map((f) => f.name);
    for (const columns of Object.values(CONSENT_FIELDS)) for (const c of columns) expect(client).toContain(c);
    expect(Object.keys(CONSENT_FIELDS)).toEqual([
      'firstName',
      'middleName',
      'lastName',
      'nameSuffix',
      'ssn',
      'dob',
      'race',
      'ethnicity',
      'gender',
      'veteranStatus',
    ]);
  });
});

describe('XML', () => {
  it('reads back what it writes: objects, lists (empty too), nulls, numbers as text, markup as text', () => {
    const value = {
      item: {
        firstName: 'A <b> & "c"',
        middleName: null,
        dob: '2000-01-01',
        veteranStatus: 99,
        organizationIds: ['O1', 'O2'],
        cocIds: [],
        fields: { ssn: 0, dob: null },
        incomeSources: [{ earned: 1 }, { earned: 0 }],
      },
    };
    const parsed = parseXml(toXml('data', value));
    expect(parsed).toEqual({ root: 'data', value: lexical(value) });
    expect(parseXml(toXml('data', { items: [] }))).toEqual({ root: 'data', value: { items: [] } });
    expect(parseXml(toXml('boolean', true))).toEqual({ root: 'boolean', value: 'true' });
  });

  it('reads hand-written lists of <item> and CDATA, and drops characters XML cannot carry', () => {
    expect(parseXml('<c><ids><item>1</item></ids><n><![CDATA[<x>]]></n></c>').value).toEqual({
      ids: ['1'],
      n: '<x>',
    });
    expect(parseXml(toXml('c', { n: 'a\u0001b' })).value).toEqual({ n: 'ab' });
  });

  it('answers integers as numbers, and only the columns asked for (plus the key)', () => {
    const clients = compileResource(RESOURCES[0] as (typeof RESOURCES)[number]);
    const row = table('Client').fields.map((f) => (f.name === 'VeteranStatus' ? '1' : ''));
    expect(rowObject(clients, row).veteranStatus).toBe(1);
    expect(rowObject(clients, row, new Set(['VeteranStatus']))).toEqual({
      personalId: null,
      veteranStatus: 1,
    });
  });
});
