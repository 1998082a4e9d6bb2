import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createApp } from '../api/app.ts';
import type { Config } from '../config.ts';
import { importHmisCsv } from '../ingest/import.ts';
import { formatReport } from '../ingest/report.ts';
import { ResearchIndex } from '../research/research-index.ts';
import { EmbeddedStore } from '../store/embedded-store.ts';
import { ExitCode, UsageError } from './usage.ts';

export const serveUsage = 'hearth serve   (PORT, HEARTH_DATA_DIR, HEARTH_BASE_IRI from the environment)';

/** The synthetic demo export shipped with Hearth (no real person in it). */
export const DEMO_DATA_DIR = fileURLToPath(new URL('../../demo/fy2026', import.meta.url));

export async function serveCommand(args: string[], config: Config): Promise<number> {
  if (args.length > 0) throw new UsageError(serveUsage);
  const store = await EmbeddedStore.open({
    dir: config.dataDir,
    maxQuads: config.maxQuads,
    baseIri: config.baseIri,
  });
  if (store.records.size === 0) {
    const report = await importHmisCsv(store.log, DEMO_DATA_DIR);
    console.log(`empty store: loaded the synthetic demo data set\n${formatReport(report)}`);
  }
  const limits = config.sparql;
  const research = await ResearchIndex.open(store, {
    ...(limits?.researchSalt ? { salt: limits.researchSalt } : {}),
    ...(limits ? { engine: { maxQueryBytes: limits.maxQueryBytes, defaultTimeoutMs: limits.timeoutMs } } : {}),
  });
  const server = serve({ fetch: createApp({ store, config, research }).fetch, port: config.port }, (info) => {
    console.log(`hearth listening on :${info.port} (data in ${config.dataDir})`);
  });
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await research.close();
  await store.close();
  return ExitCode.Ok;
}
