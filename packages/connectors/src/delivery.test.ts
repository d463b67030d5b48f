import type { CreateTicketInput } from '@tickets/domain';
import { createdTicket } from '@tickets/testing';
import { describe, expect, it } from 'vitest';
import { connectedDesk, webhookReceiver } from './testing/connected-desk.js';

type Connected = Awaited<ReturnType<typeof connectedDesk>>;

/** A create for one of the simulator's clients, in its zone, with its technician. */
function inputFor({ sim }: Connected, serviceId: number): CreateTicketInput {
  const client = sim.client(serviceId);
  if (client?.zona == null || client.tecnico == null)
    throw new Error(`client ${serviceId} has no zone or technician`);
  return {
    service_id: serviceId,
    zone_id: client.zona.id,
    technician_id: client.tecnico.id,
    subject: 'Falla Masiva',
    description: 'Sin servicio',
  };
}

async function opened(connected: Connected, serviceId = 1) {
  return createdTicket(await connected.desk.createTicket(inputFor(connected, serviceId)));
}

const postsOf = ({ sim }: Connected) => sim.requests().filter((r) => r.method === 'POST');

describe('delivering tickets to WispHub', () => {
  it('delivers an admitted ticket once, and records its WispHub id and a delivered event', async () => {
    const connected = await connectedDesk();
    await connected.sync.pullReferences();
    const ticket = await opened(connected);
    expect(ticket).toMatchObject({ wisphub_sync: 'pending', wisphub_ticket_id: null, source: 'api' });
    expect(await connected.worker.deliverDue('wisphub')).toEqual({
      claimed: 1,
      delivered: 1,
      unavailable: null,
    });
    const [remote] = connected.sim.tickets();
    expect(await connected.store.getTicket(ticket.ticket_id)).toMatchObject({
      wisphub_sync: 'delivered',
      wisphub_ticket_id: remote?.id_ticket,
      wisphub_status: 1,
    });
    const history = (await connected.desk.ticketHistory(ticket.ticket_id))._unsafeUnwrap().items;
    expect(history.map((e) => [e.kind, e.actor])).toEqual([
      ['created', null],
      ['delivered', 'wisphub'],
    ]);
    expect(await connected.worker.deliverDue('wisphub')).toEqual({
      claimed: 0,
      delivered: 0,
      unavailable: null,
    });
    expect(postsOf(connected)).toHaveLength(1);
  });

  it('retries after a 503 without looking first, since WispHub did not take it', async () => {
    const connected = await connectedDesk();
    await connected.sync.pullReferences();
    const ticket = await opened(connected);
    connected.sim.setFault({ kind: 'status', status: 503, times: 1 });
    const first = await connected.worker.deliverDue('wisphub');
    expect(first).toMatchObject({ claimed: 1, delivered: 0, unavailable: { may_have_arrived: false } });
    // Not due before its backoff (1 s at the first attempt, jittered to 0.75 s).
    expect((await connected.worker.deliverDue('wisphub')).claimed).toBe(0);
    connected.advance(750);
    connected.sim.clearRequests();
    expect(await connected.worker.deliverDue('wisphub')).toMatchObject({ delivered: 1 });
    expect(connected.sim.requests().map((r) => r.method)).toEqual(['POST']);
    expect(connected.sim.tickets()).toHaveLength(1);
    expect((await connected.store.getTicket(ticket.ticket_id))?.wisphub_sync).toBe('delivered');
  });

  it('finds the ticket an unanswered attempt created, instead of opening a second one', async () => {
    const connected = await connectedDesk({ timeoutMs: 300 });
    await connected.sync.pullReferences();
    const ticket = await opened(connected);
    connected.sim.setFault({ kind: 'slow', delayMs: 1_000, times: 1 });
    expect(await connected.worker.deliverDue('wisphub')).toMatchObject({
      delivered: 0,
      unavailable: { may_have_arrived: true },
    });
    expect(connected.sim.tickets()).toHaveLength(1);
    connected.advance(60_000);
    expect(await connected.worker.deliverDue('wisphub')).toMatchObject({ delivered: 1 });
    expect(connected.sim.tickets()).toHaveLength(1);
    expect(postsOf(connected)).toHaveLength(1);
    expect(await connected.store.getTicket(ticket.ticket_id)).toMatchObject({
      wisphub_sync: 'delivered',
      wisphub_ticket_id: connected.sim.tickets()[0]?.id_ticket,
    });
  });

  it('marks a ticket WispHub refuses failed, with its answer in the history, and delivers it on a retry', async () => {
    const connected = await connectedDesk();
    await connected.sync.pullReferences();
    // A service WispHub no longer knows.
    await connected.desk.saveService(5_000, { zone_id: 1 });
    const refusedTicket = createdTicket(
      await connected.desk.createTicket({ ...inputFor(connected, 1), service_id: 5_000 }),
    );
    expect(await connected.worker.deliverDue('wisphub')).toMatchObject({
      claimed: 1,
      delivered: 0,
      unavailable: null,
    });
    expect((await connected.store.getTicket(refusedTicket.ticket_id))?.wisphub_sync).toBe('failed');
    const failed = (await connected.desk.ticketHistory(refusedTicket.ticket_id))._unsafeUnwrap().items.at(-1);
    expect(failed).toMatchObject({ kind: 'delivery_failed', actor: 'wisphub' });
    expect(failed?.note).toMatch(/^WispHub answered 400: .*servicio/);
    expect(await connected.store.deliveryStats('wisphub')).toEqual({
      pending: 0,
      failed: 1,
      oldest_pending_at: null,
    });
    expect(await connected.worker.deliverDue('wisphub')).toMatchObject({ claimed: 0 });

    connected.sim.addClient({
      id_servicio: 5_000,
      nombre: 'Nueva',
      cedula: '1',
      telefono: '1',
      direccion: 'x',
      zona: { id: 1, nombre: 'Zona 1' },
      tecnico: null,
    });
    const retried = await connected.desk.retryDelivery(refusedTicket.ticket_id, { actor: 'despacho' });
    expect(retried._unsafeUnwrap().wisphub_sync).toBe('pending');
    expect((await connected.desk.retryDelivery(refusedTicket.ticket_id))._unsafeUnwrapErr()).toEqual({
      type: 'delivery_not_failed',
      ticket_id: refusedTicket.ticket_id,
      wisphub_sync: 'pending',
    });
    expect(await connected.worker.deliverDue('wisphub')).toMatchObject({ delivered: 1 });
    const kinds = (await connected.desk.ticketHistory(refusedTicket.ticket_id))
      ._unsafeUnwrap()
      .items.map((e) => e.kind);
    expect(kinds).toEqual(['created', 'delivery_failed', 'delivery_retried', 'delivered']);
  });

  it('never opens two WispHub tickets when workers race for the same deliveries', async () => {
    const connected = await connectedDesk({ maxActiveTicketsPerZone: 100 });
    await connected.sync.pullReferences();
    for (let i = 0; i < 40; i += 1) await opened(connected, 1 + (i % 20));
    const workers = ['a', 'b', 'c', 'd'].map((holder) => connected.workerFor(holder));
    for (let round = 0; round < 10; round += 1) {
      await Promise.all(workers.map((worker) => worker.deliverDue('wisphub')));
    }
    expect(connected.sim.tickets()).toHaveLength(40);
    expect(postsOf(connected)).toHaveLength(40);
    expect(await connected.store.deliveryStats('wisphub')).toEqual({
      pending: 0,
      failed: 0,
      oldest_pending_at: null,
    });
  });

  it('retries a refusal from a key WispHub does not accept, never failing the ticket', async () => {
    const connected = await connectedDesk({ apiKey: 'another-key-entirely' });
    await connected.desk.saveZone(1, { name: 'Z' });
    await connected.desk.saveTechnician(1, { name: 'T' });
    await connected.desk.saveService(1, { zone_id: 1 });
    const ticket = createdTicket(
      await connected.desk.createTicket({
        service_id: 1,
        zone_id: 1,
        technician_id: 1,
        subject: 'Falla Masiva',
        description: 'x',
      }),
    );
    expect(await connected.worker.deliverDue('wisphub')).toMatchObject({
      unavailable: { type: 'unavailable' },
    });
    expect((await connected.store.getTicket(ticket.ticket_id))?.wisphub_sync).toBe('pending');
  });
});

describe('webhooks', () => {
  it("announces each ticket's events in order, and every one of them after the receiver was down", async () => {
    const hooks = await webhookReceiver();
    const connected = await connectedDesk({ webhooks: [hooks.url] });
    await connected.sync.pullReferences();
    const first = await opened(connected, 1);
    const second = await opened(connected, 2);
    hooks.answer(503);
    await connected.desk.updateTicket(first.ticket_id, { status: 3, answer_text: 'Listo' });
    await connected.worker.deliverDue('wisphub');
    for (let i = 0; i < 5; i += 1) {
      await connected.worker.deliverDue('webhook', hooks.url);
      connected.advance(60_000);
    }
    expect(hooks.received).toEqual([]);
    hooks.answer(204);
    for (let i = 0; i < 8; i += 1) {
      await connected.worker.deliverDue('webhook', hooks.url);
      connected.advance(60_000);
    }
    const of = (ticketId: number) =>
      hooks.received.filter((h) => h.ticket.ticket_id === ticketId).map((h) => [h.type, h.ticket.status]);
    expect(of(first.ticket_id)).toEqual([
      ['ticket.created', 1],
      ['ticket.status_changed', 3],
      ['ticket.answered', 3],
      ['ticket.delivered', 3],
    ]);
    expect(of(second.ticket_id)).toEqual([
      ['ticket.created', 1],
      ['ticket.delivered', 1],
    ]);
    expect(new Set(hooks.received.map((h) => h.id)).size).toBe(hooks.received.length);
    expect(await connected.store.deliveryStats('webhook')).toEqual({
      pending: 0,
      failed: 0,
      oldest_pending_at: null,
    });
  });
});
