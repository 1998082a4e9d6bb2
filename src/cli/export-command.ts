import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { exportHmisCsv } from '../export/csv-export.ts';
import { RecordStore } from '../store/record-store.ts';
import { openSparqlServerStore } from '../store/remote-open.ts';
import { ExitCode, UsageError } from './usage.ts';

export const exportUsage =
  'hearth export --format csv --out <dir|file.zip> [--source ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n' +
  '  hearth export --format xml --schema FY2022|v6.1.2 --out file.xml [--source ID] [--hash sha1]';

export async function exportCommand(args: string[], config: Config): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'csv' },
      out: { type: 'string' },
      source: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      schema: { type: 'string', default: 'FY2022' },
      hash: { type: 'string' },
    },
  });
  if (positionals.length > 0 || !values.out) throw new UsageError(exportUsage);
  if (values.format === 'xml') return exportXml(values, values.out, config);
  if (values.format !== 'csv')
    throw new UsageError(`--format ${values.format} is not supported; use csv or xml`);
  // Read-only: exporting next to a running server is safe and takes no lock. With
  // HEARTH_STORE=sparql+http://… the rows come from the SPARQL server (README, "SPARQL").
  const store =
    (await openSparqlServerStore(config)) ??
    (await RecordStore.open({ dir: config.dataDir, readOnly: true }));
  try {
    const state = 'state' in store ? store.state : store.records;
    const result = await exportHmisCsv(state, { ...values, out: values.out });
    const total = Object.values(result.rows).reduce((a, b) => a + b, 0);
    console.log(`exported ${total} rows of source ${result.source} to ${values.out}`);
    return ExitCode.Ok;
  } finally {
    await store.close();
  }
}

async function exportXml(
  values: { schema?: string; source?: string; hash?: string; from?: string; to?: string },
  out: string,
  config: Config,
): Promise<number> {
  if (values.schema !== 'FY2022' && values.schema !== 'v6.1.2')
    throw new UsageError(`--schema ${values.schema} is not an HMIS XML version; use FY2022 or v6.1.2`);
  if (values.hash !== undefined && values.hash !== 'sha1') throw new UsageError('--hash takes sha1');
  if (values.from || values.to) throw new UsageError('--from/--to apply to CSV exports only');
  const { exportHmisXml } = await import('../xml/xml-export.ts');
  const store = await RecordStore.open({ dir: config.dataDir, readOnly: true });
  try {
    const result = await exportHmisXml(store.state, {
      out,
      schema: values.schema,
      source: values.source,
      notesDir: store.dir,
      hash: values.hash === 'sha1' ? 'sha1' : 'keep',
    });
    const total = Object.values(result.records).reduce((a, b) => a + b, 0);
    console.log(`exported ${total} ${values.schema} XML records of source ${result.source} to ${out}`);
    for (const [element, count] of Object.entries(result.losses))
      console.log(`  not carried by ${values.schema}: ${element} (${count} values)`);
    // Rules of the schema that the stored data breaks and no omission can mend (e.g. a Project
    // without a Funder): the file says what the data says, and the operator hears of it here.
    for (const rule of result.unmetRules) console.log(`  warning: the data breaks ${rule}`);
    return ExitCode.Ok;
  } finally {
    await store.close();
  }
}
