/**
 * HMIS XML benchmark on HUD's LSA sample (exported as FY2022 XML), side by side with baselines
 * measured in the same run:
 *
 *   npx tsx bench/xml.ts [sample.zip]
 *
 * export            — `hearth export --format xml --schema FY2022` from the store (streaming);
 * parse floor       — saxes over the file with no handler work (what any streaming reader costs);
 * validate primary  — Hearth's validator: structure, types, enumerations, keys (no assertions);
 * validate full     — the same plus HUD's xs:assert rules;
 * import            — `hearth import file.xml`: validate, map, the CSV import's checks, commit;
 * xmllint           — libxml2 against HUD's XSD 1.0 copy (primary validation), the baseline.
 * Each step runs in its own process, so its peak RSS is its own.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { importHmisCsv } from '../src/ingest/import.ts';
import { RecordStore } from '../src/store/record-store.ts';
import { exportHmisXml } from '../src/xml/xml-export.ts';
import { importHmisXml, validateHmisXml } from '../src/xml/xml-import.ts';
import { LSA_SAMPLE_ZIP, shared } from './stats.ts';

const ORACLE = shared('reference/xml/xsd10-oracle/HUD_HMIS_FY2022_xsd10.xsd');

interface Measure {
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly note: string;
}

/** Runs inside the child process: one step, then prints its measure as JSON. */
async function step(name: string, dir: string, file: string): Promise<void> {
  const started = performance.now();
  let note = '';
  if (name === 'export') {
    const store = await RecordStore.open({ dir, readOnly: true });
    const loaded = Math.round(process.memoryUsage().rss / 1e6);
    const result = await exportHmisXml(store.state, { out: file, schema: 'FY2022', notesDir: dir });
    const records = Object.values(result.records).reduce((a, b) => a + b, 0);
    // Streaming: the export adds a constant to what the loaded store already takes.
    note = `${records.toLocaleString('en-US')} records; RSS before, with the store loaded: ${loaded} MB`;
    await store.close();
  } else if (name === 'parse') {
    const parser = new SaxesParser({ xmlns: true });
    let elements = 0;
    parser.on('opentag', () => elements++);
    for await (const chunk of fs.createReadStream(file, 'utf8')) parser.write(chunk as string);
    parser.close();
    note = `${elements.toLocaleString('en-US')} elements`;
  } else if (name === 'primary' || name === 'full') {
    const { issues } = await validateHmisXml(file, { validation: name });
    // By rule, so a change in what the export writes shows (the LSA sample: one Export-level assert).
    const byRule = new Map<string, number>();
    for (const i of issues) byRule.set(i.rule, (byRule.get(i.rule) ?? 0) + 1);
    const rules = [...byRule].map(([rule, n]) => `${rule} ${n}`).join(', ');
    note = `${issues.length} finding${issues.length === 1 ? '' : 's'}${rules ? ` (${rules})` : ''}`;
  } else if (name === 'import') {
    const store = await RecordStore.open({
      dir: fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-xml-in-')),
    });
    const report = await importHmisXml(store, file, { validation: 'primary' });
    note = `${report.applied ? 'applied' : 'NOT applied'}, ${report.errors.length} errors`;
    await store.close();
    fs.rmSync(store.dir, { recursive: true, force: true });
  }
  const measure: Measure = {
    seconds: (performance.now() - started) / 1000,
    peakRssMb: Math.round((process.resourceUsage().maxRSS * 1024) / 1e6), // maxRSS is in KiB
    note,
  };
  console.log(JSON.stringify(measure));
}

function child(name: string, dir: string, file: string): Measure {
  const run = spawnSync(
    process.execPath,
    [...process.execArgv, import.meta.filename, '--step', name, dir, file],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  if (run.status !== 0) throw new Error(`${name} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Measure;
}

/** xmllint's time and peak RSS (from GNU time, when installed). */
function xmllint(file: string): Measure | undefined {
  if (spawnSync('xmllint', ['--version']).status !== 0) return undefined;
  const timed = fs.existsSync('/usr/bin/time');
  const started = performance.now();
  const args = ['--noout', '--schema', ORACLE, file];
  const run = timed
    ? spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', 'xmllint', ...args], { encoding: 'utf8' })
    : spawnSync('xmllint', args, { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  const rss = /maxrss=(\d+)/.exec(run.stderr)?.[1];
  const verdict = run.stderr.includes('validates') ? 'validates' : 'FAILS';
  return { seconds, peakRssMb: rss ? Math.round((Number(rss) * 1024) / 1e6) : Number.NaN, note: verdict };
}

async function main(): Promise<void> {
  const zip = process.argv[2] ?? LSA_SAMPLE_ZIP;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-xml-'));
  const file = path.join(dir, 'lsa-fy2022.xml');
  try {
    const store = await RecordStore.open({ dir });
    const report = await importHmisCsv(store, zip);
    await store.close();
    if (!report.applied) throw new Error('the sample did not import');
    const results: [string, Measure | undefined][] = [
      ['export FY2022 XML (streaming)', child('export', dir, file)],
    ];
    const mb = fs.statSync(file).size / 1e6;
    results.push(
      ['baseline: saxes parse only', child('parse', dir, file)],
      ['baseline: xmllint --schema (XSD 1.0, primary)', xmllint(file)],
      ['hearth validate --primary', child('primary', dir, file)],
      ['hearth validate (with xs:assert)', child('full', dir, file)],
      ['hearth import file.xml (--primary)', child('import', dir, file)],
    );
    console.log(
      `\nHMIS XML on HUD's LSA sample: ${mb.toFixed(1)} MB of FY2022 XML (${os.cpus().length} cores)\n`,
    );
    console.log(
      `${'step'.padEnd(48)} ${'seconds'.padStart(8)} ${'MB/s'.padStart(7)} ${'peak RSS'.padStart(9)}  note`,
    );
    for (const [name, m] of results) {
      if (!m) {
        console.log(`${name.padEnd(48)} (not installed)`);
        continue;
      }
      const rate = (mb / m.seconds).toFixed(1);
      console.log(
        `${name.padEnd(48)} ${m.seconds.toFixed(1).padStart(8)} ${rate.padStart(7)} ${`${m.peakRssMb} MB`.padStart(9)}  ${m.note}`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--step') {
  const [, , , name = '', dir = '', file = ''] = process.argv;
  await step(name, dir, file);
} else await main();
