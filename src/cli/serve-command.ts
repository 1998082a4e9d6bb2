import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { serve } from '@hono/node-server';
import { createApp } from '../api/app.ts';
import { onDemandResearch } from '../api/sparql/index.ts';
import { type Config, SPARQL_DEFAULTS } from '../config.ts';
import { importHmisCsv } from '../ingest/import.ts';
import { formatReport } from '../ingest/report.ts';
import { AuditLog } from '../security/audit.ts';
import { checkedAdminToken } from '../security/tokens.ts';
import { EmbeddedStore } from '../store/embedded-store.ts';
import { SparqlHttpStore } from '../store/sparql-http-store.ts';
import type { HearthStore } from '../store/store.ts';
import { ExitCode, UsageError } from './usage.ts';

export const serveUsage = 'hearth serve   (PORT, HEARTH_DATA_DIR, HEARTH_BASE_IRI from the environment)';

/** The synthetic demo export shipped with Hearth (no real person in it). */
export const DEMO_DATA_DIR = fileURLToPath(new URL('../../demo/fy2026', import.meta.url));

/** The server could not listen on PORT. */
export class ListenError extends Error {
  override name = 'ListenError';
  constructor(port: number, cause: NodeJS.ErrnoException) {
    const why =
      cause.code === 'EADDRINUSE'
        ? 'is in use by another program'
        : cause.code === 'EACCES'
          ? 'needs privileges this process lacks'
          : `cannot be listened on (${cause.code ?? cause.message})`;
    super(`port ${port} ${why}; set PORT to another one`);
  }
}

export async function serveCommand(args: string[], config: Config): Promise<number> {
  if (args.length > 0) throw new UsageError(serveUsage);
  // Refused before the store is opened and the demo loaded: a bad token is a one-line exit 2.
  const adminToken = checkedAdminToken(process.env.HEARTH_ADMIN_TOKEN);
  // How far the heap grows past its live size before a full collection (config.ts). V8 reads this
  // flag at each collection, so setting it at run time takes effect (bench/serve-memory.ts measures
  // it on Node 20; Node warns that a late flag may also do nothing, which would only cost memory).
  // 0 keeps V8's own heuristics.
  if (config.heapGrowingPercent) v8.setFlagsFromString(`--heap-growing-percent=${config.heapGrowingPercent}`);
  const store = await openStore(config);
  if (store.records.size === 0) {
    const report = await importHmisCsv(store.log, DEMO_DATA_DIR);
    console.log(`empty store: loaded the synthetic demo data set\n${formatReport(report)}`);
  }
  // Held while researchers use it: a second copy of the data in memory (README, "Storage").
  const research = onDemandResearch(store, config.sparql ?? SPARQL_DEFAULTS);
  const audit = new AuditLog(config.dataDir);
  const app = createApp({ store, config, research, audit, adminToken });
  // On stopping, and when the port cannot be had: everything written, the data directory unlocked.
  const closeAll = async () => {
    await research.close();
    await audit.close();
    await store.close();
  };
  const server = serve({ fetch: app.fetch, port: config.port });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    // A port in use (or not ours to bind): said plainly (cli.ts), not as an unhandled 'error' stack.
    await closeAll();
    throw new ListenError(config.port, error as NodeJS.ErrnoException);
  }
  console.log(`hearth listening on :${(server.address() as AddressInfo).port} (data in ${config.dataDir})`);
  if (!process.env.HEARTH_ADMIN_TOKEN)
    console.log(
      "no HEARTH_ADMIN_TOKEN: only users' tokens are accepted (npx hearth users add NAME --role admin); " +
        '/docs, /openapi.json and /fhir/metadata need none',
    );
  // Longer than clients' and proxies' idle timeouts: with Node's 5 s default, a client reusing an
  // idle connection could meet a socket the server had just closed (ECONNRESET).
  if ('keepAliveTimeout' in server) server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await closeAll();
  return ExitCode.Ok;
}

/** The backend HEARTH_STORE names: the embedded store in HEARTH_DATA_DIR, or a SPARQL 1.1 server (README, "SPARQL"). */
async function openStore(config: Config): Promise<HearthStore> {
  if (!config.store?.startsWith('sparql+')) {
    return EmbeddedStore.open({ dir: config.dataDir, maxQuads: config.maxQuads, baseIri: config.baseIri });
  }
  const store = await SparqlHttpStore.open({ store: config.store, baseIri: config.baseIri });
  console.log(`store: SPARQL server ${new URL(config.store.slice('sparql+'.length)).host}`);
  return store;
}
