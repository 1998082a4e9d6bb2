/**
 * Opening the SPARQL server backend for the command line (`hearth import`, `validate`, `query`)
 * when HEARTH_STORE names one; undefined for the embedded store.
 */
import type { Config } from '../config.ts';
import type { SparqlHttpStore } from './sparql-http-store.ts';

export const usesSparqlServer = (config: Config): boolean => !!config.store?.startsWith('sparql+');

export async function openSparqlServerStore(config: Config): Promise<SparqlHttpStore | undefined> {
  if (!config.store || !usesSparqlServer(config)) return undefined;
  // Loaded only when asked for, so the embedded commands start as fast as before. No polling: a
  // command runs once, and catches up before each commit anyway.
  const { SparqlHttpStore } = await import('./sparql-http-store.ts');
  return SparqlHttpStore.open({
    store: config.store,
    baseIri: config.baseIri,
    pollMs: 0,
    timeoutMs: 900_000,
  });
}
