// @vitest-environment node
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumLaunchOptions, requireChromium } from '@tickets/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../../server/src/testing/server-process.js';
import {
  artifacts,
  axeViolations,
  board,
  buildIfStale,
  createTicket,
  form,
  list,
  pickService,
  rest,
  text,
  watch,
  zoneCard,
} from './testing/e2e.js';

/**
 * What a dispatcher found wrong in a day's work (issue #14), each checked in Chromium against the
 * real server, on a laptop (1366 px) and on a phone (375 px), with an axe audit (WCAG 2.2 AA) of
 * every screen on the way: the empty console, the form's errors, the list and board, a full
 * zone's choices, a zone's waiting line, a refused save and the offline banner.
 */

const LONG_ZONE = 'Urbanización Villa del Río Occidental Sector Tres';

const viewports = [
  { name: 'a laptop', width: 1366, height: 900, phone: false },
  { name: 'a phone', width: 375, height: 812, phone: true },
] as const;

const activeElementText = (page: Page) =>
  page.evaluate(() => (document.activeElement?.textContent ?? '').replace(/\s+/g, ' ').trim());

async function expectNoAxeViolations(page: Page, screen: string): Promise<void> {
  expect(await axeViolations(page), screen).toEqual([]);
}

describe.skipIf(!requireChromium())('the console fixed (issue #14), in Chromium', { timeout: 30_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-defects-'));
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
    const shot = (name: string) => page.screenshot({ path: join(artifacts, `defects-${width}-${name}.png`) });

    beforeAll(async () => {
      server = await startServer({ env: { DATABASE_URL: `sqlite:${join(dir, `console-${width}.db`)}` } });
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

    it('shows empty screens without API paths or commands', async () => {
      await page.goto(`${url()}/`);
      await board(page).getByText('No hay zonas todavía: pida a un administrador que las cargue.').waitFor();
      await list(page).getByText('Todavía no hay tickets.').waitFor();
      await form(page)
        .getByText('No hay servicios todavía: pida a un administrador que los cargue.')
        .waitFor();
      const shown = await text(page.locator('body'));
      expect(shown).not.toMatch(/\/api|pnpm|PUT |import /);
      await expectNoAxeViolations(page, 'the empty console');
      expect(problems).toEqual([]);
    });

    it("says in Spanish what the form lacks, instead of the browser's bubbles, and moves the focus there", async () => {
      await rest(url(), 'PUT', '/api/v1/zones/1', { name: 'Centro', max_active_tickets: 2 });
      await rest(url(), 'PUT', '/api/v1/zones/2', { name: LONG_ZONE, max_active_tickets: 1 });
      await rest(url(), 'PUT', '/api/v1/technicians/5', { name: 'Ana Gómez' });
      await rest(url(), 'PUT', '/api/v1/services/100', { zone_id: 1, customer_name: 'Luis Pérez' });
      await rest(url(), 'PUT', '/api/v1/services/101', { zone_id: 2, customer_name: 'Carmen Ortiz' });
      await page.reload();
      // The services are listed: the field is their picker.
      await form(page).getByPlaceholder('Número o nombre del cliente').waitFor();

      await form(page).getByRole('button', { name: 'Crear ticket' }).click();
      const service = form(page).getByLabel('Servicio');
      await expect.poll(() => service.evaluate((el) => el === document.activeElement)).toBe(true);
      const errors = await form(page).locator('.field-error').allTextContents();
      expect(errors).toEqual([
        'Elija el servicio del cliente.',
        'Elija el técnico.',
        'Elija un asunto del catálogo.',
        'Escriba qué reporta el cliente.',
      ]);
      expect(await service.getAttribute('aria-invalid')).toBe('true');
      await expectNoAxeViolations(page, "the form's missing fields");

      // What only the server can say (a description of blanks) comes back in Spanish, by its code.
      await createTicket(page, {
        service: '100',
        technician: '5',
        subject: 'Falla Masiva',
        description: '   ',
      });
      const alert = form(page).getByRole('alert');
      await alert.waitFor();
      expect(await text(alert)).toBe('No se creó el ticket. No puede quedar en blanco.');
      expect(await text(form(page).locator('#f-description-error'))).toBe('No puede quedar en blanco.');
      expect(await activeElementText(page)).toBe('No se creó el ticket. No puede quedar en blanco.');
      await shot('blank-description');
      // The server's 400 for the blank description is the one problem.
      expect(problems.every((problem) => problem.includes('400'))).toBe(true);
      problems.length = 0;
    });

    it('says in Spanish that the server cannot be reached, with a banner while it cannot', async () => {
      await context?.setOffline(true);
      await form(page).getByLabel('Descripción').fill('Sin señal desde la mañana');
      await form(page).getByRole('button', { name: 'Crear ticket' }).click();
      const alert = form(page).getByRole('alert');
      await alert.getByText('No hay conexión').waitFor();
      expect(await text(alert)).toBe(
        'No se creó el ticket. No hay conexión con el servidor. Revise la red e intente de nuevo.',
      );
      const banner = page.locator('.offline');
      await banner.waitFor();
      expect(await text(banner.getByRole('alert'))).toBe(
        'Sin conexión con el servidor. La consola reintenta sola cada pocos segundos.',
      );
      expect(await text(banner)).toMatch(/actualizado hace \d+ s\.$/);
      expect(await page.title()).toMatch(/^Sin conexión · /);
      await shot('offline');
      await expectNoAxeViolations(page, 'the offline banner');
      await context?.setOffline(false);
      // Sent again, the same ticket goes through.
      await form(page).getByRole('button', { name: 'Crear ticket' }).click();
      await form(page).getByText('Ticket #1 creado').waitFor();
      await banner.waitFor({ state: 'detached' });
      problems.length = 0;
    });

    it('moves the focus to the ticket created, which is read out', async () => {
      await createTicket(page, {
        service: '100',
        technician: '5',
        subject: 'Troncal Dañado',
        description: 'El troncal de la calle 5 se cortó',
      });
      const created = form(page).getByText('Ticket #2 creado');
      await created.waitFor();
      await expect
        .poll(() => activeElementText(page))
        .toMatch(/^Ticket #2 creado \(Troncal Dañado\)\. Vence el /);
      expect(await page.evaluate(() => document.activeElement?.closest('[role="status"]') !== null)).toBe(
        true,
      );
      expect(problems).toEqual([]);
    });

    it('shows a full zone by one name, Zona llena, and its whole name beside the badge', async () => {
      await createTicket(page, {
        service: '101',
        technician: '5',
        subject: 'Internet Lento',
        description: 'Lento de noche',
      });
      await form(page).getByText('Ticket #3 creado').waitFor();
      const tile = zoneCard(page, LONG_ZONE);
      await tile.getByText('Zona llena', { exact: true }).waitFor();
      const name = tile.locator('.zone-name');
      expect(await text(name)).toBe(LONG_ZONE);
      // Nothing of the name is cut: no overflow hidden, nothing under the badge.
      expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      const nameBox = await name.boundingBox();
      const badgeBox = await tile.locator('.badge-full').boundingBox();
      const tileBox = await tile.boundingBox();
      if (nameBox === null || badgeBox === null || tileBox === null) throw new Error('not laid out');
      const overlaps =
        nameBox.x < badgeBox.x + badgeBox.width &&
        badgeBox.x < nameBox.x + nameBox.width &&
        nameBox.y < badgeBox.y + badgeBox.height &&
        badgeBox.y < nameBox.y + nameBox.height;
      expect(overlaps).toBe(false);
      expect(nameBox.x + nameBox.width).toBeLessThanOrEqual(tileBox.x + tileBox.width);
      expect(await text(board(page).locator('.panel-note'))).toBe('2 zonas · 2 llenas');
      await pickService(page, '101');
      await form(page).getByText('1 de 1 ticket activo: zona llena, no admite tickets nuevos').waitFor();
      await tile.screenshot({ path: join(artifacts, `defects-${width}-zone-full.png`) });
      expect(problems).toEqual([]);
    });

    it('fits the list on the screen: no sideways scroll, Responder inside an En progreso card', async () => {
      await rest(url(), 'PATCH', '/api/v1/tickets/2', { status: 2 });
      const rows = list(page).locator('tbody tr.ticket');
      const inProgress = rows.filter({ hasText: '#2' }).first();
      await expect
        .poll(() => text(inProgress.locator('td[data-label="Estado"] .badge')), { timeout: 10_000 })
        .toBe('En progreso');
      expect(await text(inProgress.locator('td[data-label="Prioridad"]'))).toBe('Muy alta');
      const button = inProgress.getByRole('button', { name: 'Responder el ticket 2' });
      const buttonBox = await button.boundingBox();
      const rowBox = await inProgress.boundingBox();
      if (buttonBox === null || rowBox === null) throw new Error('not laid out');
      expect(buttonBox.x).toBeGreaterThanOrEqual(rowBox.x);
      expect(buttonBox.x + buttonBox.width).toBeLessThanOrEqual(rowBox.x + rowBox.width);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      const wrap = list(page).locator('.table-wrap');
      expect(await wrap.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      await list(page).screenshot({ path: join(artifacts, `defects-${width}-list.png`) });
      await expectNoAxeViolations(page, 'the board, the form and the list');
      expect(problems).toEqual([]);
    });

    it('words statuses, priorities and quotes the Spanish way, and keeps the catalogue spelling', async () => {
      const shown = await text(page.locator('body'));
      for (const wrong of ['En Progreso', 'Muy Alta', 'Bloqueada', 'bloqueada', 'BLOQUEADA', '«', '»']) {
        expect(shown).not.toContain(wrong);
      }
      // Spelled as the catalogue spells them (the list's order, most urgent first, is checked elsewhere).
      const subjects = await list(page).locator('.subject').allTextContents();
      expect(subjects.toSorted()).toEqual(['Falla Masiva', 'Internet Lento', 'Troncal Dañado']);
      const groups = await form(page)
        .locator('optgroup')
        .evaluateAll((els) => els.map((el) => el.getAttribute('label')));
      expect(groups).toEqual(['Prioridad muy alta', 'Prioridad alta', 'Prioridad normal', 'Prioridad baja']);
      expect(await list(page).getByLabel('Estado').locator('option').allTextContents()).toEqual([
        'Todos',
        'Abierto',
        'En progreso',
        'Resuelto',
        'Cerrado',
      ]);
    });

    it('moves the focus to why a save was refused, quoting the other answer “like this”', async () => {
      const row = list(page).locator('tbody tr.ticket').filter({ hasText: '#1' }).first();
      await row.getByRole('button', { name: 'Responder el ticket 1' }).click();
      const answerForm = list(page).getByRole('form', { name: 'Atender el ticket 1' });
      await answerForm.getByLabel('Estado').selectOption('2');
      await answerForm.getByLabel('Respuesta al cliente').fill('Técnico en camino');
      await rest(url(), 'PATCH', '/api/v1/tickets/1', { status: 3, answer_text: 'Se reinició el router' });
      await answerForm.getByRole('button', { name: 'Guardar' }).click();
      const alert = answerForm.getByRole('alert');
      await alert.waitFor();
      const why =
        'Otra persona cambió el ticket #1 mientras usted lo atendía: ahora está resuelto, con la respuesta “Se reinició el router”. No se guardó nada; su texto sigue aquí para revisarlo y guardarlo de nuevo.';
      expect(await text(alert)).toBe(why);
      await expect.poll(() => activeElementText(page)).toBe(why);
      await shot('save-refused');
      await expectNoAxeViolations(page, 'a refused save');
      await answerForm.getByRole('button', { name: 'Cancelar' }).click();
      expect(problems).toEqual([]);
    });

    it('removes an answer when its box is emptied, over the API', async () => {
      const row = list(page).locator('tbody tr.ticket').filter({ hasText: '#1' }).first();
      await expect
        .poll(() => text(row.locator('.answer')), { timeout: 10_000 })
        .toBe('Respuesta: Se reinició el router');
      await row.getByRole('button', { name: 'Responder el ticket 1' }).click();
      const answerForm = list(page).getByRole('form', { name: 'Atender el ticket 1' });
      await answerForm.getByLabel('Respuesta al cliente').fill('');
      await answerForm.getByRole('button', { name: 'Guardar' }).click();
      await list(page).getByText('Ticket #1 guardado: Resuelto, sin respuesta.').waitFor();
      await expect.poll(() => row.locator('.answer').count()).toBe(0);
      const stored = (await (await fetch(`${url()}/api/v1/tickets/1`)).json()) as {
        data: { answer_text: string | null };
      };
      expect(stored.data.answer_text).toBeNull();
      expect(problems).toEqual([]);
    });

    it("offers a full zone's choices and its waiting line, accessible too", async () => {
      // Centro: #2 is in progress, which does not count (ACTIVE_TICKET_STATES is 1); two more fill it.
      for (const subject of ['Falla Masiva', 'Antena Dañada']) {
        await rest(url(), 'POST', '/api/v1/tickets', {
          service_id: 100,
          technician_id: 5,
          zone_id: 1,
          subject,
          description: 'Sin señal en la cuadra',
        });
      }
      await createTicket(page, {
        service: '100',
        technician: '5',
        subject: 'No Tiene Internet',
        description: 'Caído desde anoche',
      });
      const sameFault = form(page).getByRole('group', { name: '¿Es la misma falla?' });
      await sameFault.waitFor();
      await shot('zone-full-choices');
      await expectNoAxeViolations(page, "a full zone's choices");
      await form(page).getByRole('button', { name: 'Dejar en espera' }).click();
      await form(page).getByText('En espera: posición 1 en la fila de la zona Centro').waitFor();
      await zoneCard(page, 'Centro').getByRole('button', { name: '1 en espera en Centro' }).click();
      await zoneCard(page, 'Centro').getByRole('list', { name: 'Fila de espera de Centro' }).waitFor();
      await shot('zone-queue');
      await expectNoAxeViolations(page, "a zone's waiting line");
      expect(problems).toEqual([]);
    });

    it('counts the active tickets in the tab title', async () => {
      // Centro 2 open (#4, #5), the long zone 1 (#3); #1 is resolved, #2 in progress (not active).
      await expect.poll(() => page.title(), { timeout: 10_000 }).toBe('(3) tickets · Consola de despacho');
      await rest(url(), 'PATCH', '/api/v1/tickets/3', { status: 3 });
      // Resolving #3 frees nothing in Centro; the title follows within a poll.
      await expect.poll(() => page.title(), { timeout: 10_000 }).toBe('(2) tickets · Consola de despacho');
    });
  });
});
