import { Hono } from 'hono';
import type { Config } from '../config.ts';
import type { RecordStore } from '../store/record-store.ts';

export interface AppContext {
  readonly store: RecordStore;
  readonly config: Config;
}

/** Builds the HTTP application. Routes are composed here, in one visible place. */
export function createApp(context?: AppContext): Hono {
  const app = new Hono();
  app.get('/healthz', (c) =>
    c.json({
      status: 'ok',
      records: context?.store.state.size,
      transaction: context?.store.lastCommittedTxId,
    }),
  );
  return app;
}
