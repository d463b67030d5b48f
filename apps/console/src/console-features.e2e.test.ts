// @vitest-environment node
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions, requireChromium, requireFaketime } from '@tickets/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../../server/src/testing/server-process.js';
import {
  artifacts,
  axeViolations,
  board,
  buildIfStale,
  form,
  list,
  rest,
  text,
  watch,
  zoneCard,
} from './testing/e2e.js';

/**
 * Issue #14's features in Chromium against the real server, on a laptop (1366 px) and a phone
 * (375 px), with an axe audit (WCAG 2.2 AA) of each new screen: the most urgent first with the
 * counters, tiles and orders; the search and the service picker; a ticket's page with its history
 * and reassignment (a stale version refused); the technicians' workload and their filter.
 *
 * The tickets are opened by servers whose clock libfaketime sets (times in UTC; Bogotá is UTC-5),
 * and the console then runs on Friday 27 February 2026 at 8:00 in Bogotá: ticket #1 (Monday's,
 * due Thursday 9:00) is overdue, #2 (Tuesday's, due Friday 10:00) is due today, #3 (Friday's) is not.
 */

/** The README's pictures, rewritten on request (UPDATE_SCREENSHOTS=1) or when missing. */
const readmeShot = (name: string) => fileURLToPath(new URL(`../../../docs/${name}`, import.meta.url));
const updateReadme = (name: string) =>
  process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(readmeShot(name));

const viewports = [
  { name: 'a laptop', width: 1366, height: 900, phone: false },
  { name: 'a phone', width: 375, height: 812, phone: true },
] as const;

const MONDAY_9 = '2026-02-23 14:00:00';
const TUESDAY_10 = '2026-02-24 15:00:00';
const FRIDAY_8 = '2026-02-27 13:00:00';

async function opened(dbFile: string, fakeTime: string, open: (baseUrl: string) => Promise<void>) {
  const server = await startServer({
    env: { TZ: 'UTC', DATABASE_URL: `sqlite:${dbFile}` },
    fakeTime,
    via: 'node',
  });
  try {
    await open(server.baseUrl);
  } finally {
    await server.stop();
  }
}

const ticket = (service_id: number, zone_id: number, subject: string, description: string) => ({
  service_id,
  zone_id,
  technician_id: 5,
  subject,
  description,
});

/** Ticket #1 on Monday, #2 on Tuesday; the console's server, on Friday, opens #3. */
async function seedOverTheWeek(dbFile: string): Promise<ServerProcess> {
  await opened(dbFile, MONDAY_9, async (url) => {
    await rest(url, 'PUT', '/api/v1/zones/1', { name: 'Centro', max_active_tickets: 5 });
    await rest(url, 'PUT', '/api/v1/zones/2', { name: 'Norte' });
    await rest(url, 'PUT', '/api/v1/zones/3', { name: 'Sur' });
    await rest(url, 'PUT', '/api/v1/technicians/5', { name: 'Ana Gómez' });
    await rest(url, 'PUT', '/api/v1/technicians/6', { name: 'Rosa Díaz' });
    await rest(url, 'PUT', '/api/v1/services/100', { zone_id: 1, customer_name: 'Luis Pérez' });
    await rest(url, 'PUT', '/api/v1/services/101', { zone_id: 2, customer_name: 'Camilo Muñoz' });
    await rest(url, 'PUT', '/api/v1/services/102', { zone_id: 3, customer_name: 'Ana María Núñez' });
    await rest(url, 'POST', '/api/v1/tickets', ticket(100, 1, 'Falla Masiva', 'Sin servicio en la cuadra'));
  });
  await opened(dbFile, TUESDAY_10, async (url) => {
    await rest(url, 'POST', '/api/v1/tickets', ticket(101, 2, 'No Tiene Internet', 'Caído desde anoche'));
  });
  const server = await startServer({
    env: { TZ: 'UTC', DATABASE_URL: `sqlite:${dbFile}` },
    fakeTime: FRIDAY_8,
    via: 'node',
  });
  await rest(
    server.baseUrl,
    'POST',
    '/api/v1/tickets',
    ticket(102, 3, 'Internet Lento', 'Velocidad muy baja'),
  );
  return server;
}

const rowNumbers = async (page: Page) =>
  (await list(page).locator('tbody tr.ticket td.num').allTextContents()).map((t) => t.replace(/\D/g, ''));

async function expectNoAxeViolations(page: Page, screen: string): Promise<void> {
  expect(await axeViolations(page), screen).toEqual([]);
}

/** Nothing wider than the window: no sideways scroll. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(client);
}

describe.skipIf(!requireChromium() || !requireFaketime())(
  "the console's round-2 features (issue #14), in Chromium",
  { timeout: 40_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickets-features-'));
    let browser: Browser | undefined;

    beforeAll(async () => {
      buildIfStale();
      mkdirSync(artifacts, { recursive: true });
      browser = await chromium.launch(chromiumLaunchOptions());
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    describe.each(viewports)('on $name ($width px)', ({ width, height, phone }) => {
      let server: ServerProcess | undefined;
      let context: BrowserContext | undefined;
      let page: Page;
      let problems: string[] = [];
      const url = () => server?.baseUrl ?? '';
      const shot = (name: string) =>
        page.screenshot({ path: join(artifacts, `features-${width}-${name}.png`), fullPage: true });

      beforeAll(async () => {
        server = await seedOverTheWeek(join(dir, `week-${width}.db`));
        context = await browser?.newContext({
          viewport: { width, height },
          locale: 'es-CO',
          ...(phone ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
        });
        if (context === undefined) throw new Error('set-up failed');
        context.setDefaultTimeout(10_000);
        page = await context.newPage();
        problems = watch(page);
      }, 60_000);

      afterAll(async () => {
        await context?.close();
        await server?.stop();
      });

      it('puts the most urgent first, with counters, tiles and orders that filter and sort the list', async () => {
        await page.goto(`${url()}/`);
        const overdue = page.getByRole('button', { name: 'Vencidos 1' });
        const today = page.getByRole('button', { name: 'Vencen hoy 1' });
        await overdue.waitFor();
        await today.waitFor();
        await expect.poll(() => rowNumbers(page)).toEqual(['1', '2', '3']);
        expect(await list(page).getByLabel('Ordenar por').inputValue()).toBe('urgent');
        expect(await text(zoneCard(page, 'Centro').locator('.zone-overdue'))).toBe('1 vencido');
        expect(await zoneCard(page, 'Norte').locator('.zone-overdue').count()).toBe(0);
        await expectNoAxeViolations(page, 'the desk, the most urgent first');
        await expectNoSidewaysScroll(page);
        await shot('urgent');
        if (!phone && updateReadme('console.png')) {
          await page.mouse.move(0, 0);
          await page.screenshot({ path: readmeShot('console.png'), fullPage: true });
        }

        await today.click();
        await expect.poll(() => rowNumbers(page)).toEqual(['2']);
        expect(await today.getAttribute('aria-pressed')).toBe('true');
        expect(new URL(page.url()).hash).toBe('#/?vence=today');
        await expectNoAxeViolations(page, 'the list of those due today');
        await today.click();
        await expect.poll(() => rowNumbers(page)).toEqual(['1', '2', '3']);

        await board(page).getByRole('button', { name: 'Ver los tickets de Sur' }).click();
        await expect.poll(() => rowNumbers(page)).toEqual(['3']);
        await page.getByRole('button', { name: 'Vencidos 0' }).waitFor();
        await board(page).getByRole('button', { name: 'Ver los tickets de Sur' }).click();
        await expect.poll(() => rowNumbers(page)).toEqual(['1', '2', '3']);

        await list(page).getByLabel('Ordenar por').selectOption('newest');
        await expect.poll(() => rowNumbers(page)).toEqual(['3', '2', '1']);
        // Back undoes the order, as it does every change of the list.
        await page.goBack();
        await expect.poll(() => rowNumbers(page)).toEqual(['1', '2', '3']);
        expect(problems).toEqual([]);
      });

      it("finds tickets by the customer's name, and the form's service by name, from the keyboard", async () => {
        await page.goto(`${url()}/`);
        await list(page).getByRole('searchbox', { name: 'Buscar' }).fill('munoz');
        await expect.poll(() => rowNumbers(page)).toEqual(['2']);
        expect(await text(list(page).locator('tbody tr.ticket .customer'))).toBe('Camilo Muñoz');
        await list(page).getByRole('searchbox', { name: 'Buscar' }).fill('100');
        await expect.poll(() => rowNumbers(page)).toEqual(['1']);
        await list(page).getByRole('searchbox', { name: 'Buscar' }).fill('');
        await expect.poll(() => rowNumbers(page)).toEqual(['1', '2', '3']);

        const service = form(page).getByRole('combobox', { name: 'Servicio' });
        await service.focus();
        await page.keyboard.type('nunez');
        const option = form(page).getByRole('option', { name: '102 · Ana María Núñez · Sur' });
        await option.waitFor();
        expect(await service.getAttribute('aria-activedescendant')).toBe(await option.getAttribute('id'));
        await expectNoAxeViolations(page, "the service picker's matches");
        await shot('picker');
        await page.keyboard.press('Enter');
        expect(await service.inputValue()).toBe('102 · Ana María Núñez · Sur');
        expect(await text(form(page).getByLabel('Zona'))).toBe('Sur (#3)');
        await expectNoSidewaysScroll(page);
        expect(problems).toEqual([]);
      });

      it("opens a ticket's page with its history, reassigns it, and never overwrites a change not seen", async () => {
        await page.goto(`${url()}/`);
        await list(page).getByRole('link', { name: 'Ver el ticket #1' }).click();
        const heading = page.getByRole('heading', { name: 'Ticket #1: Falla Masiva' });
        await heading.waitFor();
        expect(new URL(page.url()).hash).toBe('#/ticket/1');
        // The page alone: the desk is kept, hidden, for the way back.
        expect(await form(page).isVisible()).toBe(false);
        expect(await list(page).isVisible()).toBe(false);
        const ticketPage = page.getByRole('region', { name: 'Ticket #1: Falla Masiva' });
        await ticketPage.getByText('Sin servicio en la cuadra').waitFor();
        await ticketPage.getByText('Luis Pérez').waitFor();
        await page
          .getByRole('region', { name: 'Historial' })
          .getByText('Creó el ticket (prioridad alta).')
          .waitFor();
        await expectNoAxeViolations(page, "a ticket's page");
        await expectNoSidewaysScroll(page);
        await shot('ticket');
        if (phone && updateReadme('console-phone.png')) {
          await page.screenshot({ path: readmeShot('console-phone.png'), fullPage: true });
        }

        const technician = ticketPage.getByLabel('Nuevo técnico');
        await technician.selectOption('6');
        await ticketPage.getByRole('button', { name: 'Reasignar' }).click();
        await ticketPage.getByText('Ticket #1 reasignado a Rosa Díaz.').waitFor();
        await page
          .getByRole('region', { name: 'Historial' })
          .getByText('Reasignó el ticket de Ana Gómez a Rosa Díaz.')
          .waitFor();

        // Chosen, then someone else changes the ticket before the click.
        await technician.selectOption('5');
        await rest(url(), 'PATCH', '/api/v1/tickets/1', { status: 2 });
        await ticketPage.getByRole('button', { name: 'Reasignar' }).click();
        const refusal = ticketPage.getByRole('alert').filter({ hasText: 'No se reasignó' });
        await refusal.waitFor();
        expect(await text(refusal.locator('p'))).toBe(
          'No se reasignó: otra persona cambió el ticket #1 mientras usted lo veía. Ahora está en progreso, con Rosa Díaz como técnico, sin respuesta. Los datos de esta página ya son los nuevos.',
        );
        await expectNoAxeViolations(page, "a ticket's page, a reassignment refused");
        await shot('ticket-changed');
        await ticketPage.getByRole('button', { name: 'Reasignar de todos modos a Ana Gómez' }).click();
        await ticketPage.getByText('Ticket #1 reasignado a Ana Gómez.').waitFor();

        await page.goBack();
        await expect.poll(() => rowNumbers(page)).toEqual(['1', '2', '3']);
        expect(['', '#/']).toContain(new URL(page.url()).hash);
        expect(problems).toEqual([]);
      });

      it("shows the technicians' workload, and a technician's name filters the list", async () => {
        await page.goto(`${url()}/`);
        await page
          .getByRole('navigation', { name: 'Secciones' })
          .getByRole('link', { name: 'Técnicos' })
          .click();
        const workload = page.getByRole('region', { name: 'Carga de los técnicos' });
        const ana = workload.getByRole('row').filter({ hasText: 'Ana Gómez' });
        await ana.waitFor();
        // #1 (in progress, overdue), #2 and #3.
        expect(await ana.getByRole('cell').allTextContents()).toEqual(['3', '1', '1']);
        await expectNoAxeViolations(page, "the technicians' workload");
        await expectNoSidewaysScroll(page);
        await shot('workload');

        await workload.getByRole('link', { name: 'Ver los tickets de Ana Gómez' }).click();
        await expect.poll(() => rowNumbers(page)).toEqual(['1', '2', '3']);
        expect(await list(page).getByLabel('Técnico').inputValue()).toBe('5');
        await list(page).getByLabel('Técnico').selectOption('6');
        await list(page).getByText('No hay tickets con estos filtros.').waitFor();
        await expectNoAxeViolations(page, 'the list filtered by a technician');
        expect(problems).toEqual([]);
      });
    });
  },
);
