/** The compiled schemas Hearth ships are exactly what HUD's XSDs compile to (no hand edits, no drift). */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileXsd } from '../../src/xml/schema/compile.ts';
import { FY2022_SCHEMA } from '../../src/xml/schema/fy2022.generated.ts';
import { V612_SCHEMA } from '../../src/xml/schema/v612.generated.ts';
import { compileXPath } from '../../src/xml/xpath.ts';
import { shared } from '../helpers/shared.ts';

const REFERENCE = shared('reference/xml');

describe('compiled HUD schemas', () => {
  it.each([
    ['FY2022', FY2022_SCHEMA],
    ['v6.1.2', V612_SCHEMA],
  ])('%s matches a fresh compile of HUD_HMIS.xsd', (version, shipped) => {
    const fresh = compileXsd(fs.readFileSync(`${REFERENCE}/${version}/HUD_HMIS.xsd`, 'utf8'), version);
    expect(JSON.parse(JSON.stringify(fresh))).toEqual(JSON.parse(JSON.stringify(shipped)));
    expect(Object.values(shipped.complexTypes).flatMap((t) => t.asserts).length).toBe(
      version === 'FY2022' ? 127 : 94, // HUD's FY2022 XSD comments one out
    );
  });

  it.each([
    ['FY2022', FY2022_SCHEMA],
    ['v6.1.2', V612_SCHEMA],
  ])('every %s assertion is in the XPath subset Hearth evaluates', (_version, schema) => {
    for (const test of Object.values(schema.complexTypes).flatMap((t) => t.asserts))
      expect(() => compileXPath(test), test).not.toThrow();
  });

  it('refuses what it does not understand', () => {
    expect(() => compileXsd('<html/>', 'x')).toThrow(/not an XML Schema document/);
    const unknown =
      '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:notation name="n" public="p"/></xs:schema>';
    expect(() => compileXsd(unknown, 'x')).toThrow(/unsupported top-level xs:notation/);
  });
});
