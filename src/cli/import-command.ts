import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { writeWholeText } from '../export/whole-file.ts';
import { importHmisCsv } from '../ingest/import.ts';
import { formatReport } from '../ingest/report.ts';
import { RecordStore } from '../store/record-store.ts';
import { openSparqlServerStore } from '../store/remote-open.ts';
import { isXmlFile } from '../xml/detect.ts';
import { progressReporter } from './progress.ts';
import { ExitCode, UsageError } from './usage.ts';

export const importUsage =
  'hearth import <folder|file.zip|file.xml> [--source ID] [--skip-invalid-rows] [--strict] [--primary] [--report out.json] [--quiet]';
export const validateUsage =
  'hearth validate <folder|file.zip|file.xml> [--source ID] [--strict] [--primary] [--report out.json]';

/** `hearth import` commits; `hearth validate` runs the same checks against the stored data and commits nothing. */
export async function importCommand(args: string[], config: Config, dryRun = false): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      source: { type: 'string' },
      'skip-invalid-rows': { type: 'boolean' },
      strict: { type: 'boolean' },
      report: { type: 'string' },
      quiet: { type: 'boolean' },
      // HMIS XML: skip HUD's xs:assert rules ("primary validation only", for large files).
      primary: { type: 'boolean' },
    },
  });
  const [location, ...extra] = positionals;
  if (!location || extra.length > 0) throw new UsageError(dryRun ? validateUsage : importUsage);
  // HEARTH_STORE=sparql+http://…: the records live in a SPARQL server (README, "SPARQL").
  const opened =
    (await openSparqlServerStore(config)) ??
    (await RecordStore.open({ dir: config.dataDir, readOnly: dryRun, maxQuads: config.maxQuads }));
  const store = opened instanceof RecordStore ? opened : opened.log;
  const progress = values.quiet ? { update() {}, done() {} } : progressReporter();
  try {
    const options = {
      source: values.source,
      skipInvalidRows: values['skip-invalid-rows'],
      strict: values.strict,
      dryRun,
      onProgress: progress.update,
    };
    // The XML reader (and HUD's compiled schemas) load only when an XML file is given.
    const report = isXmlFile(location)
      ? await (await import('../xml/xml-import.ts')).importHmisXml(store, location, {
          ...options,
          validation: values.primary ? 'primary' : 'full',
        })
      : await importHmisCsv(store, location, options);
    progress.done();
    // Through whole-file.ts, as exports: identifying columns are redacted, but the report still quotes
    // the other bad values of named rows (a client's dates, say), so it is the owner's only.
    if (values.report) writeWholeText(values.report, `${JSON.stringify(report, null, 2)}\n`);
    console.log(formatReport(report));
    return report.errors.length > 0 ? ExitCode.InvalidData : ExitCode.Ok;
  } finally {
    progress.done();
    await opened.close();
  }
}
