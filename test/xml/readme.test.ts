/** The README's list of FY2026 fields HMIS XML FY2022 cannot carry is the mapping's own list. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { uncarriedFields } from '../../src/xml/mapping.ts';

describe('README: what HMIS XML cannot carry', () => {
  it('names every FY2026 field FY2022 XML has no element for, and no other', () => {
    const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(
      readme.indexOf('**What HMIS XML cannot carry.**'),
      readme.indexOf('Values FY2022 has no code for'),
    );
    const listed = new Map<string, string[]>();
    for (const [, tables = '', fields = ''] of section.matchAll(/^- ([\w, ]+): (.+)$/gm)) {
      for (const name of tables.split(', '))
        listed.set(
          name,
          fields.startsWith('the whole') ? ['*'] : fields.split(', ').map((f) => f.split(' (')[0] ?? ''),
        );
    }
    for (const [name, fields] of uncarriedFields('FY2022')) {
      const named = listed.get(name);
      expect(named, name).toBeDefined();
      if (named?.[0] !== '*') expect(named).toEqual(fields);
    }
    expect([...listed.keys()].sort()).toEqual([...uncarriedFields('FY2022').keys()].sort());
  });
});
