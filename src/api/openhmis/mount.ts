/**
 * Serves the OpenHMIS route table under /openhmis/api/v3. Three things happen at this edge and
 * nowhere else: trailing slashes are dropped (the seed writes `/clients/`), a request that sends XML
 * and accepts anything (no Accept, or `*\/*`) is answered in XML, and errors leave in OpenHMIS's
 * shape (envelope.ts) — unknown paths included.
 */
import fs from 'node:fs';
import { type Context, Hono } from 'hono';
import { ApiError, errorBody, handleError } from '../errors.ts';
import type { ApiServices } from '../route-spec.ts';
import { mountRoutes } from '../router.ts';
import { isXml, toOpenHmisError } from './envelope.ts';
import { openHmisDocument } from './openapi.ts';
import { OPENHMIS_ROUTES } from './routes.ts';

export const OPENHMIS_BASE = '/openhmis/api/v3';

const VERSION = (
  JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

export function mountOpenHmis(app: Hono, services: ApiServices): void {
  const inner = new Hono();
  inner.onError(handleError);
  inner.notFound((c) => c.json(errorBody(new ApiError(404, 'not_found', 'no such OpenHMIS resource')), 404));
  mountRoutes(inner, OPENHMIS_ROUTES, services, OPENHMIS_BASE);
  const serve = async (c: Context) => {
    const raw = c.req.raw;
    const url = new URL(raw.url);
    const path = url.pathname.slice(OPENHMIS_BASE.length).replace(/\/+$/, '') || '/';
    const headers = new Headers(raw.headers);
    const sent = (headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const accept = headers.get('accept')?.trim();
    if (isXml(sent) && (!accept || accept === '*/*')) headers.set('accept', sent);
    const request = new Request(new URL(`${path}${url.search}`, url.origin), {
      method: raw.method,
      headers,
      body: raw.body,
      // @ts-expect-error Node's fetch needs duplex for a streamed body; the DOM typings lack it.
      duplex: 'half',
    });
    return toOpenHmisError(request, await inner.fetch(request));
  };
  let document: string | undefined;
  // Public, like /openapi.json: it describes the surface, never a record.
  app.get(`${OPENHMIS_BASE}/openapi.json`, (c) => {
    document ??= JSON.stringify(openHmisDocument(OPENHMIS_ROUTES, OPENHMIS_BASE, VERSION));
    return c.body(document, 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });
  app.all(OPENHMIS_BASE, serve);
  app.all(`${OPENHMIS_BASE}/*`, serve);
}
