import { Hono } from 'hono';

/** Builds the HTTP application. Routes are composed here, in one visible place. */
export function createApp(): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  return app;
}
