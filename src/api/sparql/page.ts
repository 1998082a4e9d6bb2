/**
 * The browser query page at GET /sparql (Accept: text/html): static HTML, script and style from
 * `assets/` (no CDN), and the example research queries as JSON. Served without authentication
 * (it holds no data; the page sends the caller's token with each query) under a CSP that allows
 * nothing but this server's own script, style and fetches.
 */
import fs from 'node:fs';
import type { Hono } from 'hono';
import { RESEARCH_QUERIES } from '../../research/queries.ts';

const asset = (name: string) => fs.readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');

export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': PAGE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

const ASSETS: Readonly<Record<string, { type: string; body: string }>> = {
  'query.js': { type: 'text/javascript; charset=utf-8', body: asset('query.js') },
  'query.css': { type: 'text/css; charset=utf-8', body: asset('query.css') },
  'favicon.svg': { type: 'image/svg+xml', body: asset('favicon.svg') },
  'examples.json': {
    type: 'application/json; charset=utf-8',
    body: JSON.stringify(RESEARCH_QUERIES.map(({ name, title, query }) => ({ name, title, query }))),
  },
};
const PAGE = asset('query.html');

export function pageResponse(): Response {
  return new Response(PAGE, { headers: { 'Content-Type': 'text/html; charset=utf-8', ...SECURITY_HEADERS } });
}

/** GET /sparql/assets/{name}. */
export function mountAssets(app: Hono): void {
  app.get('/assets/:name', (c) => {
    const found = ASSETS[c.req.param('name')];
    if (!found) return c.json({ error: { status: 404, code: 'not_found', message: 'no such asset' } }, 404);
    return c.body(found.body, 200, { 'Content-Type': found.type, ...SECURITY_HEADERS });
  });
}
