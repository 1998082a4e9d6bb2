/** `hearth import|validate|export` with HMIS XML, as users run them (child processes). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../helpers/exports.ts';
import { shared } from '../helpers/shared.ts';

const BIN = new URL('../../bin/hearth.mjs', import.meta.url).pathname;
const REFERENCE = shared('reference/xml');
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
if (!hasXmllint)
  console.warn('xmllint (Debian libxml2-utils) is absent: the XSD 1.0 oracle check is SKIPPED');

function hearth(args: string[], dataDir: string) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, HEARTH_DATA_DIR: dataDir, CI: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterAll(() => removeTempDirs());

describe('hearth CLI with HMIS XML', () => {
  it('imports, validates and exports (FY2022 and v6.1.2)', () => {
    const data = tempDir();
    const imported = hearth(['import', `${REFERENCE}/FY2022/HUD_HMIS_Instance.xml`, '--quiet'], data);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('applied as transaction 1');
    expect(imported.stdout).toContain('Client Female: no FY2026 field; kept with the record');
    const validated = hearth(['validate', `${REFERENCE}/FY2022/HUD_HMIS_Instance.xml`, '--primary'], data);
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain('NOTHING APPLIED');
    const exportAs = (schema: string, dir: string) => {
      const out = path.join(dir, `out-${schema}.xml`);
      const exported = hearth(['export', '--format', 'xml', '--schema', schema, '--out', out], dir);
      expect(exported.stderr).toBe('');
      expect(exported.code).toBe(0);
      expect(exported.stdout).toMatch(new RegExp(`exported \\d+ ${schema} XML records of source`));
      return { out, stdout: exported.stdout };
    };
    const lint = (schema: string, file: string) =>
      spawnSync(
        'xmllint',
        ['--noout', '--schema', `${REFERENCE}/xsd10-oracle/HUD_HMIS_${schema}_xsd10.xsd`, file],
        {
          encoding: 'utf8',
        },
      ).stderr;
    const fy2022 = exportAs('FY2022', data);
    if (hasXmllint) expect(lint('FY2022', fy2022.out)).toContain('validates');
    // FY2022 data written as v6.1.2 says what the older version cannot hold.
    expect(exportAs('v6.1.2', data).stdout).toContain('not carried by v6.1.2');
    // A v6.1.2 document comes back out as valid v6.1.2.
    const v6 = tempDir();
    expect(hearth(['import', `${REFERENCE}/v6.1.2/HUD_HMIS_Instance.xml`, '--quiet'], v6).code).toBe(0);
    const again = exportAs('v6.1.2', v6);
    if (hasXmllint) expect(lint('v6.1.2', again.out)).toContain('validates');
  }, 120_000);

  it('refuses bad input with clear errors and exit codes', () => {
    const data = tempDir();
    const broken = path.join(tempDir(), 'broken.xml');
    const minimal = fs.readFileSync(`${REFERENCE}/FY2022/HUD_HMIS_Instance_minimal_for_testing.xml`, 'utf8');
    fs.writeFileSync(
      broken,
      minimal.replace('<hmis:ProjectType>3</hmis:ProjectType>', '<hmis:ProjectType>77</hmis:ProjectType>'),
    );
    const invalid = hearth(['import', broken, '--quiet'], data);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toMatch(
      /error: broken.xml <hmis:ProjectType> row 1\d\d column hmis:ProjectType: .*"77" is not one of the allowed codes.*\[xsd:enumeration\]/,
    );
    expect(invalid.stdout).toContain('NOTHING APPLIED');
    const xxe = path.join(tempDir(), 'xxe.xml');
    fs.writeFileSync(
      xxe,
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    );
    const refused = hearth(['import', xxe], data);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/hearth: line 1: a DOCTYPE \(DTD\) is not allowed/);
    const usage = hearth(['export', '--format', 'xml', '--schema', 'FY2099', '--out', 'x.xml'], data);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('use FY2022 or v6.1.2');
  }, 120_000);
});
