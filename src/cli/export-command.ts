import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { exportHmisCsv } from '../export/csv-export.ts';
import { RecordStore } from '../store/record-store.ts';
import { ExitCode, UsageError } from './usage.ts';

export const exportUsage =
  'hearth export --format csv --out <dir|file.zip> [--source ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD]';

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
    },
  });
  if (positionals.length > 0 || !values.out) throw new UsageError(exportUsage);
  if (values.format !== 'csv')
    throw new UsageError(`--format ${values.format} is not supported yet; use csv`);
  // Read-only: exporting next to a running server is safe and takes no lock.
  const store = await RecordStore.open({ dir: config.dataDir, readOnly: true });
  try {
    const result = await exportHmisCsv(store.state, { ...values, out: values.out });
    const total = Object.values(result.rows).reduce((a, b) => a + b, 0);
    console.log(`exported ${total} rows of source ${result.source} to ${values.out}`);
    return ExitCode.Ok;
  } finally {
    await store.close();
  }
}
