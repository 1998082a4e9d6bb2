import { Hono } from 'hono';
import type { Config } from '../config.ts';
import type { EmbeddedStore } from '../store/embedded-store.ts';

export interface AppContext {
  readonly store: EmbeddedStore;
  readonly config: Config;
}

/** Builds the HTTP application. Routes are composed here, in one visible place. */
export function createApp(context?: AppContext): Hono {
  const app = new Hono();
  app.get('/healthz', (c) =>
    c.json({
      status: 'ok',
      records: context?.store.records.size,
      transaction: context?.store.log.lastCommittedTxId,
    }),
  );
  return app;
}
