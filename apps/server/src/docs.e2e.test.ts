import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions, requireChromium } from '@tickets/testing';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from './testing/server-process.js';

const artifacts = fileURLToPath(new URL('../.artifacts/', import.meta.url));

describe.skipIf(!requireChromium())('the API reference at /docs, in a browser', () => {
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    server = await startServer({ env: { DATABASE_URL: 'memory:' } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('renders every operation from /openapi.json, loading nothing from another origin', async () => {
    if (server === undefined) throw new Error('the server did not start');
    browser = await chromium.launch(chromiumLaunchOptions());
    const origin = new URL(server.baseUrl).origin;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol.startsWith('http') && url.origin !== origin)
        problems.push(`request to another origin: ${request.url()}`);
    });
    page.on('requestfailed', (request) =>
      problems.push(`failed request: ${request.url()} (${request.failure()?.errorText})`),
    );
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
    });

    const response = await page.goto(`${server.baseUrl}/docs`);
    expect(response?.status()).toBe(200);
    await page
      .getByText('Open a ticket, unless its zone already holds its maximum of active tickets')
      .waitFor({ state: 'visible', timeout: 15_000 });

    // One block per documented operation, the health checks included.
    const document = (await (await fetch(`${server.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: object }>>;
    };
    const operationCount = Object.values(document.paths).reduce(
      (count, item) => count + Object.keys(item).length,
      0,
    );
    await expect.poll(() => page.locator('.opblock').count()).toBe(operationCount);
    expect(await page.locator('.info .title').textContent()).toContain('tickets');
    await expect.poll(() => page.locator('button.authorize').count()).toBe(1);

    // The overview, every operation listed, for a person to look at.
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: `${artifacts}docs.png`, fullPage: true });

    // Opening an operation shows its responses, the zone-full 409 among them.
    const create = page.locator('#operations-Tickets-createTicket');
    await create.locator('.opblock-summary-control').click();
    await create.locator('tr.response[data-code="409"]').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await create.locator('tr.response').count()).toBe(
      Object.keys(document.paths['/api/v1/tickets']?.post?.responses ?? {}).length,
    );

    expect(problems).toEqual([]);
  }, 60_000);
});
