// @vitest-environment node
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumLaunchOptions, requireChromium } from '@tickets/testing';
import { createWispHubSimulator } from '@tickets/wisphub-sim';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../../server/src/testing/server-process.js';
import {
  artifacts,
  axeViolations,
  board,
  buildIfStale,
  createTicket,
  distDir,
  form,
  list,
  pickService,
  rest,
  text,
  watch,
  zoneCard,
} from './testing/e2e.js';

/**
 * The console in Debian's Chromium, against the real server (`pnpm start`) on a temporary SQLite
 * file: fill a zone through the form, see the refusal with the zone's max_tickets, resolve a
 * ticket in the list, and create again; record a customer of a full zone on the same fault, or
 * leave them waiting until a slot frees; then the same console behind API keys.
 */

const ADMIN_KEY = 'ops-0123456789abcdef';
const TICKETS_KEY = 'bot-fedcba9876543210';

/** Three zones (Centro holds 2 active tickets), two technicians, a service in each zone. */
async function seed(baseUrl: string, key?: string): Promise<void> {
  const put = (path: string, body: unknown) => rest(baseUrl, 'PUT', path, body, key);
  await put('/api/v1/zones/1', { name: 'Centro', max_active_tickets: 2 });
  await put('/api/v1/zones/2', { name: 'Norte' });
  await put('/api/v1/zones/3', { name: 'Sur' });
  await put('/api/v1/technicians/5', { name: 'Ana Gómez' });
  await put('/api/v1/technicians/6', { name: 'Luis Rojas' });
  await put('/api/v1/services/100', { zone_id: 1, customer_name: 'Luis Pérez' });
  await put('/api/v1/services/101', { zone_id: 2, customer_name: 'María José Rodríguez' });
  await put('/api/v1/services/102', { zone_id: 3, customer_name: 'Jorge Núñez' });
}

describe.skipIf(!requireChromium())('the dispatcher console, in Chromium, against the real server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-console-'));
  let open: ServerProcess | undefined;
  let locked: ServerProcess | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    buildIfStale();
    mkdirSync(artifacts, { recursive: true });
    [open, locked, browser] = await Promise.all([
      startServer({ env: { DATABASE_URL: `sqlite:${join(dir, 'console.db')}` } }),
      startServer({
        env: {
          DATABASE_URL: `sqlite:${join(dir, 'keys.db')}`,
          API_KEYS: `ops:${ADMIN_KEY}:admin,bot:${TICKETS_KEY}:tickets`,
        },
      }),
      chromium.launch(chromiumLaunchOptions()),
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([open?.stop(), locked?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('is a bundle without server code, typed by the router alone', () => {
    const scripts = readdirSync(join(distDir, 'assets')).filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const name of scripts) {
      const code = readFileSync(join(distDir, 'assets', name), 'utf8');
      for (const serverOnly of ['better-sqlite3', 'kysely', 'hono', 'neverthrow', 'pino', 'date-holidays']) {
        expect(code.includes(serverOnly), `${name} contains "${serverOnly}"`).toBe(false);
      }
    }
  });

  it('fills a zone, shows the refusal with max_tickets, resolves a ticket and creates again', async () => {
    if (open === undefined || browser === undefined) throw new Error('set-up failed');
    await seed(open.baseUrl);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-CO' });
    const page = await context.newPage();
    const problems = watch(page);

    const response = await page.goto(`${open.baseUrl}/`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toMatch(/tickets · Consola de despacho$/);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    await zoneCard(page, 'Centro').getByText('0/2').waitFor();
    expect(await board(page).getByRole('listitem').count()).toBe(3);
    await list(page).getByText('Todavía no hay tickets.').waitFor();

    // The zone and its capacity, before sending.
    await pickService(page, '100');
    expect(await text(form(page).getByLabel('Zona'))).toBe('Centro (#1)');
    await form(page).getByText('0 de 2 tickets activos').waitFor();

    // Keyboard: from the service, Tab reaches every field and the button, in order.
    await form(page).getByLabel('Servicio').focus();
    const order: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent || ''),
      );
    }
    expect(order).toEqual(['f-technician_id', 'f-subject', 'f-description', 'Crear ticket']);

    // Fill Centro: two tickets.
    await createTicket(page, {
      service: '100',
      technician: '5',
      subject: 'Falla Masiva',
      description: 'Sin servicio en todo el edificio desde las 9',
    });
    await form(page).getByText('Ticket #1 creado').waitFor();
    await createTicket(page, {
      service: '100',
      technician: '6',
      subject: 'Internet Lento',
      description: 'Velocidad muy baja en la noche',
    });
    await form(page).getByText('Ticket #2 creado').waitFor();
    await zoneCard(page, 'Centro').getByText('Zona llena').waitFor();
    expect(await text(zoneCard(page, 'Centro').locator('.meter-text'))).toBe('2/2');
    await form(page).getByText('2 de 2 tickets activos: zona llena, no admite tickets nuevos').waitFor();

    // The third is refused, with the zone's limit.
    const third = {
      service: '100',
      technician: '5',
      subject: 'Antena Desalineada',
      description: 'Señal débil',
    };
    await createTicket(page, third);
    const alert = form(page).getByRole('alert');
    await alert.waitFor();
    expect(await text(alert)).toBe(
      'Zona llena. La zona Centro alcanzó su máximo de 2 tickets activos. Espere a que se resuelva uno antes de abrir otro.',
    );
    await page.screenshot({ path: join(artifacts, 'console-zone-full.png') });

    // The list shows both, newest first, with their dates and business days left.
    const rows = list(page).locator('tbody tr.ticket');
    await expect.poll(() => rows.count()).toBe(2);
    const first = rows.filter({ hasText: '#1' });
    expect(await text(first.locator('td[data-label="Asunto"] .subject'))).toBe('Falla Masiva');
    expect(await text(first.locator('td[data-label="Prioridad"]'))).toBe('Alta');
    expect(await text(first.locator('td[data-label="Técnico"]'))).toBe('Ana Gómez');
    expect(await text(first.locator('td[data-label="Estado"] .badge'))).toBe('Abierto');
    expect(await text(first.locator('td[data-label="Días hábiles restantes"]'))).toBe('3 días hábiles');
    expect(await first.locator('td[data-label="Vence"] time').getAttribute('datetime')).toMatch(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/,
    );

    // Resolve ticket 1 in place, by keyboard: its status and an answer.
    const respond = first.getByRole('button', { name: 'Responder el ticket 1' });
    await respond.focus();
    await page.keyboard.press('Enter');
    const answerForm = list(page).getByRole('form', { name: 'Atender el ticket 1' });
    const status = answerForm.getByLabel('Estado');
    await expect.poll(() => status.evaluate((el) => el === document.activeElement)).toBe(true);
    await status.selectOption('3');
    await answerForm.getByLabel('Respuesta al cliente').fill('Se reemplazó el conector de la antena');
    await answerForm.getByRole('button', { name: 'Guardar' }).click();
    await list(page).getByText('Ticket #1 guardado: Resuelto, con respuesta.').waitFor();
    await expect.poll(() => text(first.locator('td[data-label="Estado"] .badge'))).toBe('Resuelto');
    expect(await text(first.locator('.answer'))).toBe('Respuesta: Se reemplazó el conector de la antena');

    // Centro has room again: the board, the form's capacity, and a create that goes through.
    await expect.poll(() => text(zoneCard(page, 'Centro').locator('.meter-text'))).toBe('1/2');
    expect(await zoneCard(page, 'Centro').getByText('Zona llena').count()).toBe(0);
    await form(page).getByText('1 de 2 tickets activos', { exact: true }).waitFor();
    await createTicket(page, third);
    await form(page).getByText('Ticket #3 creado').waitFor();
    expect(await form(page).getByRole('alert').count()).toBe(0);
    await zoneCard(page, 'Centro').getByText('Zona llena').waitFor();

    // One more zone with a ticket, then the filters.
    await createTicket(page, {
      service: '101',
      technician: '6',
      subject: 'Caja Nap Dañada',
      description: 'La caja NAP de la esquina quedó abierta y sin señal',
    });
    await form(page).getByText('Ticket #4 creado').waitFor();
    await expect.poll(() => rows.count()).toBe(4);
    await list(page).getByLabel('Zona').selectOption('2');
    await expect.poll(() => rows.count()).toBe(1);
    await list(page).getByLabel('Zona').selectOption('');
    await list(page).getByLabel('Estado').selectOption('3');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await text(rows.first().locator('.num'))).toBe('#1');
    await list(page).getByLabel('Estado').selectOption('');
    await expect.poll(() => rows.count()).toBe(4);
    await expect.poll(() => text(zoneCard(page, 'Norte').locator('.meter-text'))).toBe('1/3');

    // The screenshot the README shows: board, form and list, Centro full again and refusing, with
    // its choices (the same fault, or waiting) below.
    await createTicket(page, {
      service: '100',
      technician: '6',
      subject: 'No Tiene Internet',
      description: 'Sin conexión desde la mañana',
    });
    await form(page).getByRole('alert').getByText('máximo de 2 tickets activos', { exact: false }).waitFor();
    await form(page).getByText('2 de 2 tickets activos: zona llena, no admite tickets nuevos').waitFor();
    await form(page).getByRole('group', { name: 'Dejar en espera' }).waitFor();
    // The choices took the focus, and scrolled the page to them: back to the top, unfocused.
    await page.evaluate(() => {
      (document.activeElement as HTMLElement | null)?.blur();
      window.scrollTo(0, 0);
    });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(artifacts, 'console.png'), fullPage: true });

    // A phone: one column, nothing wider than the screen.
    const phone = await browser.newContext({
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'es-CO',
    });
    const phonePage = await phone.newPage();
    const phoneProblems = watch(phonePage);
    await phonePage.goto(`${open.baseUrl}/`);
    await list(phonePage).locator('tbody tr.ticket').first().waitFor();
    expect(await phonePage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await phonePage.screenshot({ path: join(artifacts, 'console-phone.png'), fullPage: true });
    await phone.close();

    expect(problems).toEqual([]);
    expect(phoneProblems).toEqual([]);
    await context.close();
  }, 60_000);

  it('asks for the API key when keys are on, keeps it for the session, and works with it', async () => {
    if (locked === undefined || browser === undefined) throw new Error('set-up failed');
    await seed(locked.baseUrl, ADMIN_KEY);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-CO' });
    const page = await context.newPage();
    // Without a key, and with a `tickets` key for admin listings, the server says no.
    const problems = watch(page, [401, 403]);

    await page.goto(`${locked.baseUrl}/`);
    const key = page.getByLabel('Clave de API');
    await key.waitFor();
    expect(await board(page).count()).toBe(0);
    // Sent empty: the form says what it needs in Spanish (not the browser's bubble), and axe finds nothing.
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByText('Escriba la clave de API.').waitFor();
    expect(await key.getAttribute('aria-invalid')).toBe('true');
    for (const width of [1366, 375]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await axeViolations(page), `the key form at ${width} px`).toEqual([]);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await key.fill('not-a-key-000000000000');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByRole('alert').getByText('La clave no es válida').waitFor();
    await page.screenshot({ path: join(artifacts, 'console-key-prompt.png') });

    // A `tickets` key may not list services and technicians: the form asks for their numbers.
    await page.getByLabel('Clave de API').fill(TICKETS_KEY);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await zoneCard(page, 'Centro').getByText('0/2').waitFor();
    await form(page)
      .getByText(/no permite listar servicios ni técnicos/)
      .waitFor();
    await form(page).getByRole('spinbutton', { name: 'Servicio' }).fill('101');
    await form(page).getByRole('combobox', { name: 'Zona' }).selectOption('2');
    await form(page).getByText('0 de 3 tickets activos').waitFor();
    await form(page).getByRole('spinbutton', { name: 'Técnico' }).fill('5');
    await form(page).getByLabel('Asunto').selectOption('Internet Lento');
    await form(page).getByLabel('Descripción').fill('Lento desde ayer');
    await form(page).getByRole('button', { name: 'Crear ticket' }).click();
    await form(page).getByText('Ticket #1 creado').waitFor();
    // The list names the technician all the same: each ticket carries its name.
    await list(page).getByRole('cell', { name: 'Ana Gómez' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('tickets.apiKey'))).toBe(TICKETS_KEY);

    // "Salir" forgets the key; an admin key lists the directory.
    await page.getByRole('button', { name: 'Salir' }).click();
    await page.getByLabel('Clave de API').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await form(page).getByRole('combobox', { name: 'Servicio' }).waitFor();
    await list(page).getByRole('cell', { name: 'Ana Gómez' }).waitFor();

    // The key lasts for the session: a reload does not ask again.
    await page.reload();
    await list(page).getByRole('cell', { name: 'Ana Gómez' }).waitFor();
    expect(await page.getByLabel('Clave de API').count()).toBe(0);
    await page.screenshot({ path: join(artifacts, 'console-with-key.png') });

    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  it('never overwrites a change another dispatcher made meanwhile, and keeps the text typed', async () => {
    if (browser === undefined) throw new Error('set-up failed');
    const server = await startServer({ env: { DATABASE_URL: `sqlite:${join(dir, 'versions.db')}` } });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-CO' });
    try {
      await seed(server.baseUrl);
      await rest(server.baseUrl, 'POST', '/api/v1/tickets', {
        service_id: 101,
        technician_id: 5,
        zone_id: 2,
        subject: 'Internet Lento',
        description: 'Lento de noche',
      });
      const page = await context.newPage();
      const problems = watch(page);
      await page.goto(`${server.baseUrl}/`);
      const row = list(page).locator('tbody tr.ticket').first();
      await row.getByRole('button', { name: 'Responder el ticket 1' }).click();
      const answerForm = list(page).getByRole('form', { name: 'Atender el ticket 1' });
      await answerForm.getByLabel('Estado').selectOption('2');
      await answerForm.getByLabel('Respuesta al cliente').fill('Técnico en camino');
      // Meanwhile, another dispatcher resolves it.
      await rest(server.baseUrl, 'PATCH', '/api/v1/tickets/1', {
        status: 3,
        answer_text: 'Se reinició el router',
      });
      await answerForm.getByRole('button', { name: 'Guardar' }).click();
      const alert = answerForm.getByRole('alert');
      await alert.waitFor();
      expect(await text(alert)).toBe(
        'Otra persona cambió el ticket #1 mientras usted lo atendía: ahora está resuelto, con la respuesta “Se reinició el router”. No se guardó nada; su texto sigue aquí para revisarlo y guardarlo de nuevo.',
      );
      expect(await answerForm.getByLabel('Respuesta al cliente').inputValue()).toBe('Técnico en camino');
      await page.screenshot({ path: join(artifacts, 'console-ticket-changed.png') });
      const stored = await (await fetch(`${server.baseUrl}/api/v1/tickets/1`)).json();
      expect(stored.data).toMatchObject({ status: 3, answer_text: 'Se reinició el router', version: 2 });
      // Having seen it, the dispatcher saves again on purpose.
      await expect.poll(() => text(row.locator('.answer'))).toBe('Respuesta: Se reinició el router');
      await answerForm.getByRole('button', { name: 'Guardar' }).click();
      await list(page).getByText('Ticket #1 guardado: En progreso, con respuesta.').waitFor();
      expect(problems).toEqual([]);
    } finally {
      await context.close();
      await server.stop();
    }
  }, 60_000);

  it('records a customer of a full zone on the same fault, or leaves them waiting until a slot frees', async () => {
    if (browser === undefined) throw new Error('set-up failed');
    const server = await startServer({ env: { DATABASE_URL: `sqlite:${join(dir, 'waiting.db')}` } });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-CO' });
    try {
      await seed(server.baseUrl);
      await rest(server.baseUrl, 'PUT', '/api/v1/services/103', {
        zone_id: 1,
        customer_name: 'Carmen Ortiz',
      });
      // Centro full: its two tickets.
      for (const subject of ['Falla Masiva', 'Caja Nap Dañada']) {
        await rest(server.baseUrl, 'POST', '/api/v1/tickets', {
          service_id: 100,
          technician_id: 5,
          zone_id: 1,
          subject,
          description: 'Sin señal en la cuadra',
        });
      }
      const page = await context.newPage();
      const problems = watch(page);
      await page.goto(`${server.baseUrl}/`);
      await zoneCard(page, 'Centro').getByText('Zona llena').waitFor();
      const rows = list(page).locator('tbody tr.ticket');
      const row = (id: number) => rows.filter({ hasText: `#${id}` }).first();
      await expect.poll(() => rows.count()).toBe(2);

      // Another customer of Centro calls: refused, with both choices, the focus on the first.
      const neighbour = {
        service: '103',
        technician: '5',
        subject: 'Falla Masiva',
        description: 'Sin internet desde las 9, como el vecino',
      };
      await createTicket(page, neighbour);
      await form(page)
        .getByRole('alert')
        .getByText('máximo de 2 tickets activos', { exact: false })
        .waitFor();
      const sameFault = form(page).getByRole('group', { name: '¿Es la misma falla?' });
      await sameFault.waitFor();
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.textContent ?? ''))
        .toBe('¿Es la misma falla?');
      const offered = sameFault.getByRole('listitem');
      expect(await offered.count()).toBe(2);
      expect(await text(offered.first().locator('.active-ticket'))).toMatch(
        /^#2 Caja Nap Dañada \S+ \d+ \S+ \d{4}, \d{2}:\d{2} · 0 afectados$/,
      );
      await form(page).getByRole('group', { name: 'Dejar en espera' }).waitFor();
      await page.screenshot({ path: join(artifacts, 'console-zone-full-choices.png') });
      // On a phone, the choices fit the screen too.
      await page.setViewportSize({ width: 375, height: 812 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await sameFault.screenshot({ path: join(artifacts, 'console-zone-full-choices-phone.png') });
      await page.setViewportSize({ width: 1280, height: 900 });

      // The same fault as ticket #1: recorded on it, no ticket opened.
      await sameFault.getByRole('button', { name: 'Agregar cliente al ticket 1' }).click();
      await form(page).getByText('Cliente agregado al ticket #1: ahora es 1 afectado.').waitFor();
      expect(await sameFault.count()).toBe(0);
      await row(1).getByText('1 afectado', { exact: true }).waitFor();
      expect(await rows.count()).toBe(2);

      // Another fault: left waiting in Centro's line.
      await createTicket(page, { ...neighbour, subject: 'Internet Lento', description: 'Lento desde ayer' });
      await form(page).getByRole('button', { name: 'Dejar en espera' }).click();
      await form(page).getByText('En espera: posición 1 en la fila de la zona Centro').waitFor();
      await zoneCard(page, 'Centro').getByRole('button', { name: '1 en espera en Centro' }).waitFor();
      await page.screenshot({ path: join(artifacts, 'console-queued.png') });

      // Ticket #2 resolved in the list: the request is admitted at once as ticket #3.
      await row(2).getByRole('button', { name: 'Responder el ticket 2' }).click();
      const answerForm = list(page).getByRole('form', { name: 'Atender el ticket 2' });
      await answerForm.getByLabel('Estado').selectOption('3');
      await answerForm.getByRole('button', { name: 'Guardar' }).click();
      await list(page).getByText('Ticket #2 guardado: Resuelto.').waitFor();
      await expect.poll(() => rows.count()).toBe(3);
      expect(await text(row(3).locator('.subject'))).toBe('Internet Lento');
      expect(await text(row(3).locator('td[data-label="Asunto"] .muted'))).toBe('Centro · servicio 103');
      await form(page).getByText('Solicitud #1 admitida: ticket #3 creado').waitFor();
      await expect.poll(() => text(zoneCard(page, 'Centro').locator('.meter-text'))).toBe('2/2');
      expect(await zoneCard(page, 'Centro').getByText('en espera').count()).toBe(0);

      // One more waits, and is withdrawn from the zone's tile.
      await createTicket(page, { ...neighbour, subject: 'No Tiene Internet', description: 'Caído' });
      await form(page).getByRole('button', { name: 'Dejar en espera' }).click();
      await form(page).getByText('En espera: posición 1 en la fila de la zona Centro').waitFor();
      await zoneCard(page, 'Centro').getByRole('button', { name: '1 en espera en Centro' }).click();
      const line = zoneCard(page, 'Centro').getByRole('list', { name: 'Fila de espera de Centro' });
      expect(await text(line.locator('.queued-subject'))).toBe('1. No Tiene Internet');
      await line.getByRole('button', { name: 'Retirar la solicitud 2 de la fila' }).click();
      await zoneCard(page, 'Centro')
        .getByRole('status')
        .getByText('Solicitud #2 retirada de la fila.')
        .waitFor();
      await form(page).getByText('Solicitud #2 retirada de la fila').waitFor();
      const stored = await (await fetch(`${server.baseUrl}/api/v1/queue/2`)).json();
      expect(stored.data).toMatchObject({ state: 'withdrawn', ticket_id: null });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
      await server.stop();
    }
  }, 60_000);

  it("shows each ticket's WispHub number, and sends one WispHub refused again", async () => {
    if (browser === undefined) throw new Error('set-up failed');
    const sim = createWispHubSimulator({ clients: 12, zones: 2, technicians: 2 });
    const { url } = await sim.start();
    const connected = await startServer({
      env: {
        DATABASE_URL: `sqlite:${join(dir, 'wisphub.db')}`,
        WISPHUB_URL: url,
        WISPHUB_API_KEY: sim.apiKey,
        WISPHUB_SYNC_SECONDS: '1',
        WISPHUB_REFERENCE_SYNC_SECONDS: '1',
      },
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-CO' });
    try {
      // WispHub's clients arrive with the first pull; a service saved only here is one WispHub refuses.
      await expect
        .poll(async () => (await fetch(`${connected.baseUrl}/api/v1/services/1`)).status)
        .not.toBe(500);
      await expect
        .poll(async () => {
          const answer = await fetch(`${connected.baseUrl}/api/v1/services?limit=50`);
          return ((await answer.json()) as { data: { services: unknown[] } }).data.services.length;
        })
        .toBeGreaterThan(5);
      const known = sim.clients().find((c) => c.zona?.id === 1 && c.tecnico !== null);
      await rest(connected.baseUrl, 'PUT', '/api/v1/services/900', {
        zone_id: 1,
        customer_name: 'Sin WispHub',
      });
      const page = await context.newPage();
      const problems = watch(page);
      await page.goto(`${connected.baseUrl}/`);
      await createTicket(page, {
        service: String(known?.id_servicio),
        technician: String(known?.tecnico?.id),
        subject: 'Falla Masiva',
        description: 'Sin servicio',
      });
      await createTicket(page, {
        service: '900',
        technician: String(known?.tecnico?.id),
        subject: 'Internet Lento',
        description: 'Lento en la noche',
      });
      const row = (id: number) =>
        list(page)
          .locator('tbody tr.ticket')
          .filter({ hasText: `#${id}` })
          .first();
      await row(1)
        .getByText(`WispHub #${sim.tickets()[0]?.id_ticket ?? 1}`)
        .waitFor({ timeout: 10_000 });
      await row(2).getByText('WispHub lo rechazó').waitFor({ timeout: 10_000 });
      await page.screenshot({ path: join(artifacts, 'console-wisphub-refused.png') });

      sim.addClient({
        id_servicio: 900,
        nombre: 'Sin WispHub',
        cedula: '1',
        telefono: '1',
        direccion: 'x',
        zona: known?.zona ?? null,
        tecnico: null,
      });
      await page.getByRole('button', { name: 'Reintentar el envío del ticket 2 a WispHub' }).click();
      await list(page).getByRole('status').getByText('Ticket #2 en cola para WispHub otra vez.').waitFor();
      await row(2)
        .getByText(/^WispHub #\d+$/)
        .waitFor({ timeout: 10_000 });
      expect(sim.tickets()).toHaveLength(2);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
      await connected.stop();
      await sim.close();
    }
  }, 60_000);
});
