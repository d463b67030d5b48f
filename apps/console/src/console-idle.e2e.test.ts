// @vitest-environment node
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumLaunchOptions, requireChromium } from '@tickets/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../../server/src/testing/server-process.js';
import { POLL_MS } from './queries.js';
import { artifacts, board, buildIfStale, list, rest, text, watch, zoneCard } from './testing/e2e.js';

/**
 * A console left open all day, in Chromium against the real server: what it costs to keep it
 * open when nothing changes (bytes on the wire, from Chromium's own accounting), and what it
 * shows when the server cannot be reached. The console's clock is Playwright's, moved 5 minutes
 * in poll-sized steps; TICKETS_IDLE_REAL_TIME=1 waits the 5 minutes for real instead.
 */

const REAL_TIME = process.env.TICKETS_IDLE_REAL_TIME === '1';
const IDLE_MINUTES = 5;
/** The most an idle console may transfer in an hour (issue #14). */
const MAX_BYTES_PER_HOUR = 2_000_000;

interface Transfer {
  /** Bytes received (headers and bodies, as sent: compressed), from Network.loadingFinished. */
  bytes: number;
  requests: number;
  /** Requests the browser sent with If-None-Match, and those answered 304. */
  conditional: number;
  notModified: number;
}

/** Counts what the page receives through the Chrome DevTools Protocol; `idle()` waits until nothing is in flight. */
async function meter(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const inFlight = new Set<string>();
  const transfer: Transfer = { bytes: 0, requests: 0, conditional: 0, notModified: 0 };
  cdp.on('Network.requestWillBeSent', ({ requestId }) => {
    inFlight.add(requestId);
    transfer.requests += 1;
  });
  cdp.on('Network.requestWillBeSentExtraInfo', ({ headers }) => {
    if (Object.keys(headers).some((name) => name.toLowerCase() === 'if-none-match'))
      transfer.conditional += 1;
  });
  // The raw answer's status: the page itself sees the cached 200 a 304 revalidated.
  cdp.on('Network.responseReceivedExtraInfo', ({ statusCode }) => {
    if (statusCode === 304) transfer.notModified += 1;
  });
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    inFlight.delete(requestId);
    transfer.bytes += encodedDataLength;
  });
  cdp.on('Network.loadingFailed', ({ requestId }) => inFlight.delete(requestId));
  return {
    transfer,
    reset() {
      Object.assign(transfer, { bytes: 0, requests: 0, conditional: 0, notModified: 0 });
    },
    /** Resolves once no request has been in flight for 100 ms (a round's second page follows its first). */
    async idle() {
      let quiet = 0;
      while (quiet < 5) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        quiet = inFlight.size === 0 ? quiet + 1 : 0;
      }
    },
  };
}

/** Leaves the console alone for IDLE_MINUTES and reports what it transferred, per hour too. */
async function idleTransfer(page: Page): Promise<Transfer & { perHour: number }> {
  const network = await meter(page);
  await network.idle();
  network.reset();
  if (REAL_TIME) {
    await page.waitForTimeout(IDLE_MINUTES * 60_000);
  } else {
    for (let elapsed = 0; elapsed < IDLE_MINUTES * 60_000; elapsed += POLL_MS) {
      await page.clock.runFor(POLL_MS);
      await network.idle();
    }
  }
  await network.idle();
  return { ...network.transfer, perHour: (network.transfer.bytes * 60) / IDLE_MINUTES };
}

const mb = (bytes: number) => (bytes / 1_000_000).toFixed(3);

describe.skipIf(!requireChromium())('the console left open all day, in Chromium', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-idle-'));
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  const url = () => server?.baseUrl ?? '';

  beforeAll(async () => {
    buildIfStale();
    [server, browser] = await Promise.all([
      startServer({ env: { DATABASE_URL: `sqlite:${join(dir, 'idle.db')}` } }),
      chromium.launch(chromiumLaunchOptions()),
    ]);
    await rest(url(), 'PUT', '/api/v1/zones/1', { name: 'Centro', max_active_tickets: 2 });
    await rest(url(), 'PUT', '/api/v1/zones/2', { name: 'Norte', max_active_tickets: 1_000 });
    await rest(url(), 'PUT', '/api/v1/technicians/5', { name: 'Ana Gómez' });
    await rest(url(), 'PUT', '/api/v1/services/100', { zone_id: 1, customer_name: 'Luis Pérez' });
    await rest(url(), 'PUT', '/api/v1/services/101', { zone_id: 2, customer_name: 'Carmen Ortiz' });
    for (const [service_id, zone_id, subject] of [
      [100, 1, 'Falla Masiva'],
      [100, 1, 'Antena Dañada'],
      [101, 2, 'Internet Lento'],
    ] as const) {
      await rest(url(), 'POST', '/api/v1/tickets', {
        service_id,
        zone_id,
        technician_id: 5,
        subject,
        description: 'Sin servicio',
      });
    }
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(width: number): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    if (browser === undefined) throw new Error('set-up failed');
    const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'es-CO' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const problems = watch(page);
    if (!REAL_TIME) await page.clock.install();
    await page.goto(`${url()}/`);
    await list(page).locator('tbody tr.ticket').first().waitFor();
    return { context, page, problems };
  }

  it.each([1366, 375])(
    'keeps an idle console under 2 MB an hour, revalidating each poll (%i px)',
    async (width) => {
      const { context, page, problems } = await open(width);
      try {
        const idle = await idleTransfer(page);
        console.log(
          `idle console, 3 tickets, ${width} px, ${REAL_TIME ? 'real time' : "Playwright's clock"}: ${idle.bytes} bytes in ${IDLE_MINUTES} min → ${mb(idle.perHour)} MB/h (${idle.requests} requests, ${idle.conditional} with If-None-Match, ${idle.notModified} answered 304)`,
        );
        const rounds = (IDLE_MINUTES * 60_000) / POLL_MS;
        expect(idle.requests).toBeGreaterThanOrEqual(rounds - 2);
        // Every poll but the first of a query the browser had not cached yet asks If-None-Match, and gets a 304.
        expect(idle.conditional).toBeGreaterThanOrEqual(idle.requests - 2);
        expect(idle.notModified).toBeGreaterThanOrEqual(idle.requests - 2);
        expect(idle.perHour).toBeLessThanOrEqual(MAX_BYTES_PER_HOUR);
        // Still up to date: the tab counts the active tickets.
        expect(await page.title()).toBe('(3) tickets · Consola de despacho');
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
    REAL_TIME ? 7 * 60_000 : 60_000,
  );

  it(
    'keeps an idle console with 500 tickets loaded under 2 MB an hour',
    async () => {
      for (let batch = 0; batch < 497; batch += 71) {
        await Promise.all(
          Array.from({ length: 71 }, (_, i) =>
            rest(url(), 'POST', '/api/v1/tickets', {
              service_id: 101,
              zone_id: 2,
              technician_id: 5,
              subject: 'Internet Intermitente',
              description: `Corte ${batch + i}: la conexión se cae cada pocos minutos desde ayer en la tarde`,
            }),
          ),
        );
      }
      const { context, page, problems } = await open(1366);
      try {
        const rows = list(page).locator('tbody tr.ticket');
        while ((await rows.count()) < 500) {
          const shown = await rows.count();
          await list(page).getByRole('button', { name: 'Cargar más' }).click();
          await expect.poll(() => rows.count()).toBeGreaterThan(shown);
        }
        expect(await list(page).getByRole('button', { name: 'Cargar más' }).count()).toBe(0);
        const idle = await idleTransfer(page);
        console.log(
          `idle console, 500 tickets loaded, ${REAL_TIME ? 'real time' : "Playwright's clock"}: ${idle.bytes} bytes in ${IDLE_MINUTES} min → ${mb(idle.perHour)} MB/h (${idle.requests} requests, ${idle.conditional} with If-None-Match, ${idle.notModified} answered 304)`,
        );
        expect(idle.notModified).toBeGreaterThanOrEqual(idle.requests - 2);
        expect(idle.perHour).toBeLessThanOrEqual(MAX_BYTES_PER_HOUR);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
    // Each round the server reads and hashes 500 tickets to answer 304: slow on a busy machine.
    REAL_TIME ? 8 * 60_000 : 300_000,
  );

  it("sends the console's scripts gzip-compressed", async () => {
    const context = await browser?.newContext();
    const page = await context?.newPage();
    if (page === undefined) throw new Error('set-up failed');
    const scripts: { encoding: string | null; length: number }[] = [];
    page.on('response', async (response) => {
      if (response.url().includes('/assets/') && response.url().endsWith('.js')) {
        scripts.push({
          encoding: await response.headerValue('content-encoding'),
          length: (await response.body()).length,
        });
      }
    });
    await page.goto(`${url()}/`);
    await list(page).locator('tbody tr.ticket').first().waitFor();
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script.encoding).toBe('gzip');
    await context?.close();
  });

  it.each([1366, 375])(
    'says when the server cannot be reached, and how old the data on screen is (%i px)',
    async (width) => {
      if (REAL_TIME) return;
      const { context, page, problems } = await open(width);
      try {
        const banner = page.locator('.offline');
        const age = async () => Number(/hace (\d+) s/.exec(await text(banner))?.[1]);
        await zoneCard(page, 'Centro').getByText('2/2').waitFor();

        // The network goes.
        await context.setOffline(true);
        await page.clock.runFor(POLL_MS);
        await banner.waitFor();
        expect(await text(banner.getByRole('alert'))).toBe(
          'Sin conexión con el servidor. La consola reintenta sola cada pocos segundos.',
        );
        const first = await age();
        await page.clock.runFor(10_000);
        await expect.poll(age).toBeGreaterThanOrEqual(first + 10);
        // The numbers stay, marked as old; the tab says so too.
        expect(await text(zoneCard(page, 'Centro').locator('.meter-text'))).toBe('2/2');
        expect(await page.title()).toBe('Sin conexión · (500) tickets · Consola de despacho');
        await page.screenshot({ path: join(artifacts, `idle-offline-${width}.png`) });
        await context.setOffline(false);
        await page.clock.runFor(POLL_MS);
        await banner.waitFor({ state: 'detached' });

        // The server goes: its port refuses, while the network is up.
        const port = new URL(url()).port;
        await server?.stop();
        await page.clock.runFor(POLL_MS);
        // Each poll is tried three times (a second, then two, apart) before it counts as failed.
        for (let i = 0; i < 4; i += 1) await page.clock.runFor(1_000);
        await banner.waitFor();
        expect(await text(banner)).toMatch(/actualizado hace \d+ s\.$/);
        expect(await text(board(page).locator('.panel-note'))).toBe('2 zonas · 1 llena');
        server = await startServer({ env: { DATABASE_URL: `sqlite:${join(dir, 'idle.db')}`, PORT: port } });
        await page.clock.runFor(POLL_MS);
        await banner.waitFor({ state: 'detached' });
        expect(await page.title()).toBe('(500) tickets · Consola de despacho');
        // What failed while the server was away, and only that.
        for (const problem of problems)
          expect(problem).toMatch(/ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED/);
      } finally {
        await context.close();
      }
    },
  );
  it('keeps polling a tab out of sight, less often, so that its title counts what is new', async () => {
    if (REAL_TIME) return;
    const { context, page } = await open(1366);
    try {
      await expect.poll(() => page.title()).toBe('(500) tickets · Consola de despacho');
      await page.evaluate(() => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
        document.dispatchEvent(new Event('visibilitychange'));
      });
      await rest(url(), 'POST', '/api/v1/tickets', {
        service_id: 101,
        zone_id: 2,
        technician_id: 5,
        subject: 'Internet Lento',
        description: 'Lento desde ayer',
      });
      await page.clock.runFor(POLL_MS * 2);
      await page.waitForTimeout(300);
      expect(await page.title()).toBe('(500) tickets · Consola de despacho');
      await page.clock.runFor(POLL_MS * 3);
      await expect.poll(() => page.title()).toBe('(501) tickets · Consola de despacho');
    } finally {
      await context.close();
    }
  });
});
