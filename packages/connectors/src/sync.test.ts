import { type CreateTicketInput, runJob, WISPHUB_JOBS } from '@tickets/domain';
import { createdTicket } from '@tickets/testing';
import { describe, expect, it } from 'vitest';
import { connectedDesk } from './testing/connected-desk.js';

type Connected = Awaited<ReturnType<typeof connectedDesk>>;

/** A client of the simulator in `zone`, with a technician. */
function clientIn({ sim }: Connected, zone: number) {
  const client = sim.clients().find((c) => c.zona?.id === zone && c.tecnico !== null);
  if (client === undefined) throw new Error(`no client in zone ${zone}`);
  return client;
}

/** A create for the client `clientIn` finds in `zone`, with its technician. */
function inputIn(connected: Connected, zone: number): CreateTicketInput {
  const client = clientIn(connected, zone);
  return {
    service_id: client.id_servicio,
    zone_id: zone,
    technician_id: client.tecnico?.id ?? 0,
    subject: 'Falla Masiva',
    description: 'x',
  };
}

/** Opens a ticket in WispHub's own screens for a client. */
const openInWispHub = (connected: Connected, serviceId: number, estado: 1 | 2 | 3 | 4 = 1) =>
  connected.sim.openTicket({
    servicio: serviceId,
    asunto: 'Sin Internet',
    descripcion: 'Abierto en WispHub',
    estado,
    prioridad: 4,
    tecnico: 1,
    fecha_inicio: '25/02/2026 08:30',
    fecha_final: '02/03/2026 08:30',
  });

describe("pulling WispHub's clients", () => {
  it('brings in every zone, technician and service of 1,200 clients over many pages', async () => {
    const connected = await connectedDesk({
      sim: { clients: 1200, zones: 30, technicians: 9, pageSize: 50 },
    });
    const pages: number[] = [];
    const pulled = await connected.sync.pullReferences(({ clients }) => pages.push(clients));
    const withZone = connected.sim.clients().filter((c) => c.zona !== null);
    expect(pulled._unsafeUnwrap()).toEqual({
      pages: 24,
      clients: 1200,
      zones: 30,
      technicians: 9,
      services: withZone.length,
      without_zone: 1200 - withZone.length,
      unreadable: 0,
    });
    expect(pages.at(-1)).toBe(1200);
    expect(await connected.store.listServices({ limit: 2000 })).toHaveLength(withZone.length);
    expect(await connected.store.listZones({ limit: 100 })).toHaveLength(30);
    expect(await connected.store.listTechnicians({ limit: 100 })).toHaveLength(9);
  });

  it("moves a service whose zone changed in WispHub, and keeps a zone's own limit", async () => {
    const connected = await connectedDesk();
    await connected.sync.pullReferences();
    await connected.desk.saveZone(2, { name: 'Zona 2', max_active_tickets: 7 });
    const client = clientIn(connected, 1);
    connected.sim.updateClient(client.id_servicio, { zona: { id: 2, nombre: 'Zona 2' } });
    await connected.sync.pullReferences();
    const services = await connected.store.listServices({ limit: 100 });
    expect(services.find((s) => s.service_id === client.id_servicio)?.zone_id).toBe(2);
    expect(await connected.store.getZone(2)).toEqual({ zone_id: 2, name: 'Zona 2', max_active_tickets: 7 });
  });

  it('stops at a page WispHub does not answer, saying why', async () => {
    const connected = await connectedDesk();
    connected.sim.setFault({ kind: 'status', status: 500, match: { path: '/api/clientes' } });
    expect((await connected.sync.pullReferences())._unsafeUnwrapErr()).toMatchObject({ type: 'unavailable' });
  });
});

describe("pulling WispHub's ticket states", () => {
  it('counts tickets opened in WispHub against their zone, so the first create there is refused', async () => {
    const connected = await connectedDesk();
    await connected.sync.pullReferences();
    const client = clientIn(connected, 3);
    for (let i = 0; i < 3; i += 1) openInWispHub(connected, client.id_servicio);
    openInWispHub(connected, client.id_servicio, 3);
    expect((await connected.sync.pullStatuses())._unsafeUnwrap()).toEqual({
      checked: 3,
      updated: 0,
      imported: 3,
      adopted: 0,
      skipped: 0,
    });
    const refusal = await connected.desk.createTicket(inputIn(connected, 3));
    expect(refusal._unsafeUnwrapErr()).toMatchObject({
      type: 'zone_full',
      zone_id: 3,
      active_tickets: 3,
      max_tickets: 3,
      waiting: 0,
    });
    // The refusal lists the zone's active tickets, those brought in from WispHub among them.
    expect(refusal._unsafeUnwrapErr()).toHaveProperty('tickets.length', 3);
    const [imported] = await connected.store.listTickets({ limit: 1, zone_id: 3 });
    expect(imported).toMatchObject({
      source: 'wisphub',
      wisphub_sync: 'delivered',
      subject: 'Sin Internet',
      priority: 4,
      technician_id: 1,
      description: 'Abierto en WispHub',
      created_at: Date.UTC(2026, 1, 25, 13, 30),
    });
    // Brought in once, however many pulls.
    expect((await connected.sync.pullStatuses())._unsafeUnwrap()).toMatchObject({ imported: 0, checked: 3 });
    expect(await connected.store.countActiveTickets(3, [1])).toBe(3);
    // And never delivered back.
    expect(await connected.store.deliveryStats('wisphub')).toEqual({
      pending: 0,
      failed: 0,
      oldest_pending_at: null,
    });
  });

  it('frees the zone when a ticket is resolved in WispHub, with a wisphub entry in its history', async () => {
    const connected = await connectedDesk();
    await connected.sync.pullReferences();
    const input = inputIn(connected, 2);
    const tickets = [];
    for (let i = 0; i < 3; i += 1) tickets.push(createdTicket(await connected.desk.createTicket(input)));
    await connected.worker.deliverDue('wisphub');
    expect((await connected.desk.createTicket(input)).isErr()).toBe(true);
    const first = await connected.store.getTicket(tickets[0]?.ticket_id ?? 0);
    connected.sim.setTicketStatus(first?.wisphub_ticket_id ?? 0, 'Resuelto');
    expect((await connected.sync.pullStatuses())._unsafeUnwrap()).toMatchObject({ updated: 1, checked: 2 });
    expect((await connected.store.getTicket(first?.ticket_id ?? 0))?.status).toBe(3);
    const last = (await connected.desk.ticketHistory(first?.ticket_id ?? 0))._unsafeUnwrap().items.at(-1);
    expect(last).toMatchObject({ kind: 'status_changed', actor: 'wisphub', after: { status: 3 } });
    expect((await connected.desk.createTicket(input)).isOk()).toBe(true);
  });

  it('keeps a change made here that WispHub has not made, and applies a reopen in WispHub beyond the limit', async () => {
    const connected = await connectedDesk();
    await connected.sync.pullReferences();
    const input = inputIn(connected, 4);
    const first = createdTicket(await connected.desk.createTicket(input));
    await connected.worker.deliverDue('wisphub');
    await connected.desk.updateTicket(first.ticket_id, { status: 3, answer_text: 'Resuelto en sitio' });
    await connected.sync.pullStatuses();
    expect((await connected.store.getTicket(first.ticket_id))?.status).toBe(3);
    for (let i = 0; i < 3; i += 1) await connected.desk.createTicket(input);
    const remote = (await connected.store.getTicket(first.ticket_id))?.wisphub_ticket_id ?? 0;
    // Resolved, then reopened in WispHub: WispHub is the record.
    connected.sim.setTicketStatus(remote, 'Resuelto');
    await connected.sync.pullStatuses();
    connected.sim.setTicketStatus(remote, 'Nuevo');
    await connected.sync.pullStatuses();
    expect((await connected.store.getTicket(first.ticket_id))?.status).toBe(1);
    expect(await connected.store.countActiveTickets(4, [1])).toBe(4);
    expect((await connected.desk.createTicket(input))._unsafeUnwrapErr()).toMatchObject({
      type: 'zone_full',
      active_tickets: 4,
    });
  });

  it('closes here a ticket deleted in WispHub', async () => {
    const connected = await connectedDesk();
    await connected.sync.pullReferences();
    const client = clientIn(connected, 1);
    const remote = openInWispHub(connected, client.id_servicio);
    await connected.sync.pullStatuses();
    connected.sim.deleteTicket(remote.id_ticket);
    expect((await connected.sync.pullStatuses())._unsafeUnwrap()).toMatchObject({ updated: 1 });
    expect((await connected.store.findByWispHubId(remote.id_ticket))?.status).toBe(4);
  });

  it('adopts one of ours that WispHub holds before its delivery recorded it, never bringing it in twice', async () => {
    const connected = await connectedDesk({ timeoutMs: 300 });
    await connected.sync.pullReferences();
    const ticket = createdTicket(await connected.desk.createTicket(inputIn(connected, 1)));
    connected.sim.setFault({ kind: 'slow', delayMs: 1_000, times: 1 });
    await connected.worker.deliverDue('wisphub');
    expect((await connected.sync.pullStatuses())._unsafeUnwrap()).toMatchObject({ adopted: 1, imported: 0 });
    expect(await connected.store.getTicket(ticket.ticket_id)).toMatchObject({
      wisphub_sync: 'delivered',
      wisphub_ticket_id: connected.sim.tickets()[0]?.id_ticket,
    });
    // The delivery, still pending, settles without posting again.
    connected.advance(60_000);
    expect(await connected.worker.deliverDue('wisphub')).toMatchObject({ delivered: 1 });
    expect(connected.sim.tickets()).toHaveLength(1);
    expect(await connected.store.listTickets({ limit: 10 })).toHaveLength(1);
  });

  it('runs a pull once per interval across instances, and records how it went', async () => {
    const connected = await connectedDesk();
    const timing = { everyMs: 60_000, leaseMs: 30_000 };
    const clock = { now: () => Date.UTC(2026, 1, 26, 15) };
    const job = (holder: string) =>
      runJob(connected.store, clock, { name: WISPHUB_JOBS.statuses, holder, timing }, () =>
        connected.sync.pullStatuses(),
      );
    const runs = await Promise.all([job('a'), job('b'), job('c')]);
    expect(runs.filter((run) => run.ran)).toHaveLength(1);
    expect(await connected.store.jobRun(WISPHUB_JOBS.statuses)).toMatchObject({
      ok: true,
      detail: JSON.stringify({ checked: 0, updated: 0, imported: 0, adopted: 0, skipped: 0 }),
    });
    connected.sim.setFault({ kind: 'status', status: 503 });
    const later = { now: () => Date.UTC(2026, 1, 26, 15, 1) };
    await runJob(connected.store, later, { name: WISPHUB_JOBS.statuses, holder: 'b', timing }, () =>
      connected.sync.pullStatuses(),
    );
    expect(await connected.store.jobRun(WISPHUB_JOBS.statuses)).toMatchObject({
      ok: false,
      detail: 'WispHub is unavailable (503)',
    });
    // After a failure the next run is due sooner than the interval.
    connected.sim.setFault(null);
    const soon = { now: () => Date.UTC(2026, 1, 26, 15, 1, 10) };
    const retried = await runJob(
      connected.store,
      soon,
      { name: WISPHUB_JOBS.statuses, holder: 'c', timing: { ...timing, retryMs: 10_000 } },
      () => connected.sync.pullStatuses(),
    );
    expect(retried.ran).toBe(true);
    expect((await connected.store.jobRun(WISPHUB_JOBS.statuses))?.ok).toBe(true);
  });
});
