/**
 * The SPARQL query page in a real browser (Debian's chromium, puppeteer-core), on the demo data: a
 * researcher types a token, picks an example research query, runs it and gets the results table;
 * every request stays on this server and nothing breaks the CSP or logs an error. A hostile
 * literal in a result is shown as text, never run.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../hmis-api/helpers.ts';
import { openSparqlServer, type SparqlServer } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('the /sparql query page in chromium', () => {
  let server: SparqlServer;
  let origin: string;
  let browser: Browser;
  let token: string;
  let page: Page;
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    server = await openSparqlServer(DEMO_DIR);
    origin = await server.listen();
    token = await server.users.add('researcher', 'researcher');
    // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
    browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage();
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('requestfailed', (request) => errors.push(`failed: ${request.url()}`));
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const run = async () => {
    await page.click('#run');
    await page.waitForFunction(
      () => /result|ASK|^\d{3}:/.test(document.querySelector('#status')?.textContent ?? ''),
      {
        timeout: 30_000,
      },
    );
  };

  it('runs an example research query and shows its table, from local assets only', async () => {
    const response = await page.goto(`${origin}/sparql`, { waitUntil: 'networkidle0' });
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    await page.type('#token', token);
    const option = await page.$eval('#examples', (select) => {
      const s = select as HTMLSelectElement;
      const found = [...s.options].find((o) => o.textContent?.startsWith('Exits by destination'));
      return found?.value ?? '';
    });
    expect(option).toContain('hmis:Destination');
    await page.select('#examples', option);
    await run();
    const headers = await page.$$eval('#results th', (ths) => ths.map((th) => th.textContent));
    expect(headers).toEqual(['destination', 'exits', 'clients']);
    const rows = await page.$$eval('#results tbody tr', (trs) => trs.length);
    expect(rows).toBeGreaterThan(0);
    expect(await page.$eval('#status', (s) => s.textContent)).toMatch(/result\(s\)/);
    expect(requests.every((url) => url.startsWith(origin))).toBe(true);
    expect(errors, errors.join('\n')).toEqual([]);
  }, 60_000);

  it('shows errors from the server, e.g. a forbidden SERVICE', async () => {
    await page.$eval('#query', (area) => {
      (area as HTMLTextAreaElement).value =
        'SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }';
    });
    await run();
    expect(await page.$eval('#status', (s) => s.textContent)).toMatch(/^403: .*SERVICE/);
  }, 60_000);

  it('renders a hostile literal as text', async () => {
    await page.$eval('#query', (area) => {
      (area as HTMLTextAreaElement).value =
        'SELECT ?x WHERE { BIND("<img src=x onerror=window.__pwned=1><script>window.__pwned=1</script>" AS ?x) }';
    });
    await run();
    const cell = await page.$eval('#results td', (td) => ({
      text: td.textContent,
      children: td.children.length,
    }));
    expect(cell.text).toContain('<img src=x');
    expect(cell.children).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  }, 60_000);
});
