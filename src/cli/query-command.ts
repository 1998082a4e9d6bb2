import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { regenerateSparql, SparqlSyntaxError } from '../query/regenerate.ts';
import { EmbeddedStore } from '../store/embedded-store.ts';
import { openSparqlServerStore } from '../store/remote-open.ts';
import { ExitCode, UsageError } from './usage.ts';

export const queryUsage =
  'hearth query <sparql | @file.rq> [--accept MEDIA-TYPE] [--timeout-ms N]   (SELECT/ASK/CONSTRUCT/DESCRIBE)';

/**
 * Runs one SPARQL query against the stored data and prints the result. Read-only: it builds its
 * own SPARQL index from the records (a few seconds for a CoC's data) and takes no lock.
 */
export async function queryCommand(args: string[], config: Config): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { accept: { type: 'string' }, 'timeout-ms': { type: 'string' } },
  });
  const [text, ...extra] = positionals;
  if (!text || extra.length > 0) throw new UsageError(queryUsage);
  const written = text.startsWith('@') ? fs.readFileSync(text.slice(1), 'utf8') : text;
  let sparql: string;
  try {
    sparql = regenerateSparql(written, config.baseIri);
  } catch (error) {
    if (error instanceof SparqlSyntaxError) throw new UsageError(error.message);
    throw error;
  }
  const timeoutMs = values['timeout-ms'] === undefined ? 60_000 : Number(values['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new UsageError('--timeout-ms must be a positive integer');
  // HEARTH_STORE=sparql+http://…: the query goes to the SPARQL server (README, "SPARQL").
  const store =
    (await openSparqlServerStore(config)) ??
    (await EmbeddedStore.open({ dir: config.dataDir, readOnly: true, baseIri: config.baseIri }));
  try {
    const result = await store.query(sparql, { accept: values.accept, timeoutMs });
    process.stdout.write(result.body.endsWith('\n') ? result.body : `${result.body}\n`);
    return ExitCode.Ok;
  } finally {
    await store.close();
  }
}
