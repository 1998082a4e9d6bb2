/**
 * /docs in a real browser (Debian's chromium, driven by puppeteer-core): the page must render the
 * operations of /openapi.json with every request staying on this server and no console error — a CSP
 * violation, a missing asset or a script error all show up as one.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/api/app.ts';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('/docs in chromium', () => {
  let server: ReturnType<typeof serve>;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    const app = createApp();
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
    browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('renders every operation of /openapi.json from local assets only, without console errors', async () => {
    const spec = (await (await fetch(`${origin}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    const operationIds = Object.values(spec.paths).flatMap((item) =>
      Object.values(item).map((op) => op.operationId),
    );
    expect(operationIds.length).toBeGreaterThan(0);

    const page = await browser.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('requestfailed', (request) => errors.push(`failed: ${request.url()}`));

    const response = await page.goto(`${origin}/docs`, { waitUntil: 'networkidle0' });
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    await page.waitForFunction(
      (ids: string[]) => {
        const shown = [...document.querySelectorAll('.opblock-summary-operation-id')].map(
          (e) => e.textContent,
        );
        return ids.every((id) => shown.includes(id));
      },
      { timeout: 20_000 },
      operationIds,
    );
    // Opening an operation renders its parameters and schemas (the models section uses them too).
    await page.click('.opblock-summary');
    await page.waitForSelector('.opblock-body', { timeout: 10_000 });

    expect(requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'))).toEqual([]);
    expect(requests).toContain(`${origin}/openapi.json`);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
