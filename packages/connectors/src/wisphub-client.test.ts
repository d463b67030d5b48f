import { createBusinessCalendar, newTicket, noHolidays, type Ticket, type WispHub } from '@tickets/domain';
import { createWispHubSimulator, type WispHubSimulatorOptions } from '@tickets/wisphub-sim';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createWispHubClient, type WispHubClientOptions } from './wisphub-client.js';
import { instantOfWispHubDate, statusOf, wisphubDate } from './wisphub-records.js';

const calendar = createBusinessCalendar({
  timeZone: 'America/Bogota',
  weekdays: [1, 2, 3, 4, 5],
  holidays: noHolidays,
})._unsafeUnwrap();

/** Thursday 2026-02-26 10:00 in Bogotá. */
const OPENED = Date.UTC(2026, 1, 26, 15);

/** Ticket 12 as the desk opens it on Thursday with three business days, its delivery pending. */
const ticket = (overrides: Partial<Ticket> = {}): Ticket => ({
  ticket_id: 12,
  ...newTicket(
    {
      service_id: 7,
      zone_id: 1,
      technician_id: 2,
      subject: 'Falla Masiva',
      description: 'Sin servicio desde las 9',
    },
    { priority: 3, at: OPENED, endDate: calendar.addBusinessDays(OPENED, 3), actor: null, toWispHub: true },
  ).ticket,
  ...overrides,
});

/** A simulator for the test and a client of it; `client` replaces the client's options. */
async function connected(options: WispHubSimulatorOptions = {}, client: Partial<WispHubClientOptions> = {}) {
  const sim = createWispHubSimulator({ clients: 120, zones: 6, technicians: 4, pageSize: 25, ...options });
  const { url } = await sim.start();
  onTestFinished(() => sim.close());
  const wisphub: WispHub = createWispHubClient({
    url,
    apiKey: sim.apiKey,
    calendar,
    newStatus: 1,
    department: 'Soporte Técnico',
    timeoutMs: 2_000,
    ...client,
  });
  return { sim, client: wisphub };
}

describe('the WispHub client, against the simulator over HTTP', () => {
  it('opens a ticket as multipart/form-data with every field WispHub takes, and answers its id there', async () => {
    const { sim, client } = await connected();
    const opened = await client.createTicket(ticket());
    const stored = sim.tickets();
    expect(stored).toHaveLength(1);
    expect(opened._unsafeUnwrap()).toBe(stored[0]?.id_ticket);
    expect(stored[0]?.form).toEqual({
      servicio: '7',
      asunto: 'Falla Masiva',
      asuntos_default: 'Falla Masiva',
      tecnico: '2',
      // multipart/form-data carries line breaks as CRLF.
      descripcion: 'Sin servicio desde las 9\r\n\r\nRef. tickets #12',
      estado: '1',
      prioridad: '3',
      fecha_inicio: '26/02/2026 10:00',
      fecha_final: '03/03/2026 10:00',
      departamento: 'Soporte Técnico',
      departamentos_default: 'Soporte Técnico',
    });
    expect(sim.requests().map((r) => [r.method, r.path, r.status])).toEqual([['POST', '/api/tickets/', 201]]);
  });

  it('leaves tecnico out for a ticket without a technician', async () => {
    const { sim, client } = await connected();
    expect((await client.createTicket(ticket({ technician_id: null }))).isOk()).toBe(true);
    expect(sim.tickets()[0]?.form).not.toHaveProperty('tecnico');
  });

  it("finds the ticket that carries our reference among the service's tickets, and only that one", async () => {
    const { sim, client } = await connected({ pageSize: 2 });
    for (const descripcion of ['otro', 'Ref. tickets #120', 'antes\n\nRef. tickets #12', 'Ref. tickets #1']) {
      sim.openTicket({ servicio: 7, asunto: 'x', descripcion, estado: 1, prioridad: 2 });
    }
    sim.openTicket({ servicio: 8, asunto: 'x', descripcion: 'Ref. tickets #13', estado: 1, prioridad: 2 });
    const ours = sim.tickets().find((t) => t.descripcion.endsWith('#12'));
    expect((await client.findTicket(ticket()))._unsafeUnwrap()).toBe(ours?.id_ticket);
    expect((await client.findTicket(ticket({ ticket_id: 13 })))._unsafeUnwrap()).toBeNull();
    expect(
      (await client.findTicket(ticket({ ticket_id: 13, service_id: 8 })))._unsafeUnwrap(),
    ).not.toBeNull();
  });

  it('reads every page of the tickets in some statuses, given as codes or labels', async () => {
    const { sim, client } = await connected({ pageSize: 3, statusFormat: 'mixed' });
    for (let i = 0; i < 10; i += 1) {
      sim.openTicket({
        servicio: 10 + i,
        asunto: `Asunto ${i}`,
        descripcion: `d${i}`,
        estado: i % 2 === 0 ? 1 : 3,
        prioridad: 4,
        tecnico: 1,
        fecha_inicio: '26/02/2026 10:00',
        fecha_final: '03/03/2026 10:00',
      });
    }
    const open = (await client.listTickets([1]))._unsafeUnwrap();
    expect(open.map((t) => t.description).sort()).toEqual(['d0', 'd2', 'd4', 'd6', 'd8']);
    const first = open.find((t) => t.description === 'd0');
    const client10 = sim.client(10);
    expect(first).toEqual({
      wisphub_ticket_id: expect.any(Number),
      status: 1,
      description: 'd0',
      subject: 'Asunto 0',
      priority: 4,
      service: {
        service_id: 10,
        customer_name: client10?.nombre,
        zone: client10?.zona == null ? null : { zone_id: client10.zona.id, name: client10.zona.nombre },
      },
      technician: { technician_id: 1, name: expect.any(String) },
      created_at: OPENED,
      end_date: calendar.addBusinessDays(OPENED, 3),
    });
    expect((await client.listTickets([1, 3]))._unsafeUnwrap()).toHaveLength(10);
  });

  it('reads one ticket, and null for one WispHub does not have', async () => {
    const { sim, client } = await connected();
    const stored = sim.openTicket({
      servicio: 3,
      asunto: 'a',
      descripcion: 'b',
      estado: 'Resuelto',
      prioridad: 1,
    });
    expect((await client.getTicket(stored.id_ticket))._unsafeUnwrap()?.status).toBe(3);
    expect((await client.getTicket(9999))._unsafeUnwrap()).toBeNull();
  });

  it('reads every client page by page, with the total', async () => {
    const { client } = await connected({ clients: 1200, pageSize: 50 });
    let pages = 0;
    const ids = new Set<number>();
    for await (const page of client.clientPages()) {
      const { clients, count, skipped } = page._unsafeUnwrap();
      expect(count).toBe(1200);
      expect(skipped).toBe(0);
      for (const c of clients) ids.add(c.service_id);
      pages += 1;
    }
    expect(pages).toBe(24);
    expect(ids.size).toBe(1200);
  });

  describe('when WispHub is not well', () => {
    it('waits out a 429 for as long as WispHub asks, the create never having arrived', async () => {
      const { sim, client } = await connected();
      sim.setFault({ kind: 'status', status: 429, retryAfterSeconds: 7 });
      expect((await client.createTicket(ticket()))._unsafeUnwrapErr()).toEqual({
        type: 'unavailable',
        detail: 'WispHub is limiting requests (429)',
        retry_after_ms: 7_000,
        may_have_arrived: false,
      });
      expect(sim.tickets()).toEqual([]);
    });

    it('tells a 503 (not processed) from a 500 (perhaps processed)', async () => {
      const { sim, client } = await connected();
      sim.setFault({ kind: 'status', status: 503 });
      expect((await client.createTicket(ticket()))._unsafeUnwrapErr()).toMatchObject({
        type: 'unavailable',
        may_have_arrived: false,
      });
      sim.setFault({ kind: 'status', status: 500 });
      expect((await client.createTicket(ticket()))._unsafeUnwrapErr()).toMatchObject({
        type: 'unavailable',
        may_have_arrived: true,
      });
    });

    it('counts a create that got no answer in time, or lost its connection, as perhaps arrived', async () => {
      const { sim, client } = await connected({}, { timeoutMs: 300 });
      sim.setFault({ kind: 'slow', delayMs: 1_000, times: 1 });
      expect((await client.createTicket(ticket()))._unsafeUnwrapErr()).toEqual({
        type: 'unavailable',
        detail: 'no answer within 300 ms',
        retry_after_ms: null,
        may_have_arrived: true,
      });
      // It did arrive.
      expect(sim.tickets()).toHaveLength(1);
      sim.setFault({ kind: 'drop', when: 'after', times: 1 });
      expect((await client.createTicket(ticket()))._unsafeUnwrapErr()).toMatchObject({
        may_have_arrived: true,
      });
      sim.setFault({ kind: 'hang', times: 1 });
      expect((await client.listTickets([1]))._unsafeUnwrapErr()).toMatchObject({ type: 'unavailable' });
    });

    it('refuses a ticket WispHub refuses, with its answer', async () => {
      const { client } = await connected();
      const refusedTicket = await client.createTicket(ticket({ service_id: 99_999 }));
      expect(refusedTicket._unsafeUnwrapErr()).toMatchObject({ type: 'refused', status: 400 });
      expect(refusedTicket._unsafeUnwrapErr()).toHaveProperty('detail', expect.stringContaining('servicio'));
    });

    it('waits out a refused API key instead of refusing the ticket', async () => {
      const { sim, client: wrongKey } = await connected({}, { apiKey: 'not-the-key' });
      expect((await wrongKey.createTicket(ticket()))._unsafeUnwrapErr()).toMatchObject({
        type: 'unavailable',
        detail: expect.stringContaining('WISPHUB_API_KEY'),
        may_have_arrived: false,
      });
      expect(sim.tickets()).toEqual([]);
    });

    it('knows that a WispHub it cannot connect to never got the request', async () => {
      const { sim, client: unreachable } = await connected();
      // Nothing listens on its port any more.
      await sim.close();
      expect((await unreachable.createTicket(ticket()))._unsafeUnwrapErr()).toMatchObject({
        type: 'unavailable',
        may_have_arrived: false,
      });
      const pages = [];
      for await (const page of unreachable.clientPages()) pages.push(page);
      expect(pages).toHaveLength(1);
      expect(pages[0]?.isErr()).toBe(true);
    });
  });
});

describe("WispHub's records", () => {
  it('reads a status from its code or its label', () => {
    expect(
      [1, '2', 'Nuevo', 'abierto', ' En Progreso ', 'RESUELTO', 'Cerrado', 5, 'Pendiente'].map(statusOf),
    ).toEqual([1, 2, 1, 1, 2, 3, 4, undefined, undefined]);
  });

  it('writes and reads dates as DD/MM/YYYY HH:MM in the business time zone', () => {
    expect(wisphubDate(calendar, OPENED)).toBe('26/02/2026 10:00');
    expect(instantOfWispHubDate(calendar, '26/02/2026 10:00')).toBe(OPENED);
    expect(instantOfWispHubDate(calendar, '2026-02-26')).toBeNull();
    expect(instantOfWispHubDate(calendar, null)).toBeNull();
  });
});
