import { describe, expect, it } from 'vitest';
import { bogota, ticketIn } from '../api-fixture.js';
import { expectNotFound, expectStatus, expectZoneFull, fieldsOf, type Suite } from './open.js';
import type { Answer } from './transport.js';

/** The data of a create that was queued (the transport types a create's data as a ticket). */
const queuedOf = (answer: Answer) => answer.body.data as { queue_id: number; position: number | null };

const customer = (service_id: number) => ({ service_id, description: 'Sin internet, igual que los vecinos' });

/** A full zone: the same fault recorded on an active ticket, or a place in the zone's waiting line. */
export function describeWaiting({ seeded }: Suite): void {
  describe('a full zone', () => {
    it("lists the zone's active tickets, newest first, with how many customers each has", async () => {
      const { api, createTicket, refused } = await seeded();
      const first = await createTicket(1);
      const second = await createTicket(1, { subject: 'Internet Lento' });
      await createTicket(1);
      await api.saveService(4, { zone_id: 1 });
      expectStatus(await api.addAffected(second.ticket_id, customer(4)), 201);
      const full = await refused(() => api.createTicket(ticketIn(1)));
      expectZoneFull(full, 1, 3, 3);
      const { tickets } = full.body.data as unknown as {
        tickets: { ticket_id: number; subject: string; created_at: string; affected_count: number }[];
      };
      expect(tickets[2]).toEqual({
        ticket_id: first.ticket_id,
        subject: 'Falla Masiva',
        created_at: first.created_at,
        affected_count: 0,
      });
      expect(tickets[1]).toMatchObject({ ticket_id: second.ticket_id, affected_count: 1 });
    });
  });

  describe('customers affected by the same fault', () => {
    it('records a customer on an active ticket of their zone once, without a slot, and lists them', async () => {
      const { api, createTicket, setNow } = await seeded();
      const ticket = await createTicket(2);
      await api.saveService(5, { zone_id: 2, customer_name: 'Marta' });
      setNow(bogota(2026, 2, 26, 11, 30));
      const added = await api.addAffected(ticket.ticket_id, customer(5));
      expectStatus(added, 201);
      expect(added.body).toMatchObject({ ok: true, action: 'affected_added', meta: null });
      expect(added.body.data).toEqual({
        affected: {
          ticket_id: ticket.ticket_id,
          service_id: 5,
          description: 'Sin internet, igual que los vecinos',
          added_at: '2026-02-26 11:30',
          actor: null,
          resolved_at: null,
          answer_text: null,
        },
        affected_count: 1,
      });
      // The same customer again is the same record.
      const again = await api.addAffected(ticket.ticket_id, { ...customer(5), description: 'otra vez' });
      expect(again.body).toMatchObject({ ok: true, action: 'affected_added', meta: { replayed: true } });
      expect(again.body.data).toEqual(added.body.data);
      const read = (await api.getTicket(ticket.ticket_id)).body.data;
      expect(read).toMatchObject({ affected_count: 1, version: ticket.version });
      const list = await api.listAffected(ticket.ticket_id);
      expect(list.body.data).toEqual({
        ticket_id: ticket.ticket_id,
        affected: [added.body.data.affected],
        next_cursor: null,
      });
      // No slot was taken: zone 2 (limit 1) is full with its one ticket, as before.
      expect((await api.zoneCapacity(2)).body.data).toMatchObject({ active_tickets: 1, max_tickets: 1 });
    });

    it('refuses an unknown service, a service of another zone, an inactive or unknown ticket', async () => {
      const { api, createTicket, refused, refusedInput } = await seeded();
      const ticket = await createTicket(1);
      const unknown = await refused(() => api.addAffected(ticket.ticket_id, customer(99)));
      expectStatus(unknown, 422);
      expect(unknown.body).toMatchObject({
        action: 'affected_add_failed',
        meta: { errors: [{ field: 'service_id', code: 'unknown_service' }] },
      });
      const elsewhere = await refused(() => api.addAffected(ticket.ticket_id, customer(3)));
      expectStatus(elsewhere, 422);
      expect(elsewhere.body.meta).toMatchObject({
        errors: [{ field: 'service_id', code: 'service_in_other_zone' }],
      });
      await api.updateTicket(ticket.ticket_id, { status: 3 });
      const resolved = await refused(() => api.addAffected(ticket.ticket_id, customer(1)));
      expectStatus(resolved, 409);
      expect(resolved.body.action).toBe('ticket_not_active');
      expectNotFound(
        await refused(() => api.addAffected(99, customer(1))),
        'ticket_not_found',
        'ticket_id: no ticket 99',
      );
      expectNotFound(
        await refused(() => api.listAffected(99)),
        'ticket_not_found',
        'ticket_id: no ticket 99',
      );
      const blank = await refusedInput(() =>
        api.addAffected(ticket.ticket_id, { service_id: 1, description: ' ' }),
      );
      expect(fieldsOf(blank)).toEqual(['description']);
    });

    it('resolves its customers with the ticket, with its answer, each in the history', async () => {
      const { api, createTicket } = await seeded();
      const ticket = await createTicket(1);
      await api.saveService(4, { zone_id: 1 });
      await api.addAffected(ticket.ticket_id, customer(1));
      await api.addAffected(ticket.ticket_id, customer(4));
      await api.updateTicket(ticket.ticket_id, { status: 3, answer_text: 'Se cambió el amplificador' });
      const list = (await api.listAffected(ticket.ticket_id)).body.data.affected;
      expect(list.map((a) => [a.service_id, a.answer_text, a.resolved_at !== null])).toEqual([
        [1, 'Se cambió el amplificador', true],
        [4, 'Se cambió el amplificador', true],
      ]);
      const kinds = (await api.ticketHistory(ticket.ticket_id)).body.data.events.map((e) => [
        e.kind,
        e.after.affected_service_id,
      ]);
      expect(kinds).toEqual([
        ['created', undefined],
        ['affected_added', 1],
        ['affected_added', 4],
        ['status_changed', undefined],
        ['answered', undefined],
        ['affected_resolved', 1],
        ['affected_resolved', 4],
      ]);
    });
  });

  describe("a zone's waiting line", () => {
    it('queues a create that asks to wait in a full zone, and admits it the moment a slot frees', async () => {
      const { api, createTicket, setNow } = await seeded();
      const holding = await createTicket(2);
      const first = await api.createTicket(ticketIn(2, { queue_if_full: true }));
      expectStatus(first, 202);
      expect(first.body).toMatchObject({ ok: true, action: 'ticket_queued', meta: null });
      expect(first.body.data).toMatchObject({ zone_id: 2, state: 'waiting', position: 1, ticket_id: null });
      const queueId = queuedOf(first).queue_id;
      const second = await api.createTicket(ticketIn(2, { queue_if_full: true, description: 'Otro corte' }));
      expect(second.body.data).toMatchObject({ position: 2 });
      expect((await api.zoneCapacity(2)).body.data).toMatchObject({ active_tickets: 1, waiting: 2 });
      expect((await api.listQueue(2)).body.data.queue.map((q) => q.position)).toEqual([1, 2]);

      setNow(bogota(2026, 2, 27, 9, 0));
      await api.updateTicket(holding.ticket_id, { status: 3 });
      const admitted = (await api.getQueued(queueId)).body.data;
      expect(admitted).toMatchObject({ state: 'admitted', position: null, settled_at: '2026-02-27 09:00' });
      const ticket = (await api.getTicket(admitted.ticket_id as number)).body.data;
      // Opened at admission, so due three business days after it.
      expect(ticket).toMatchObject({
        status: 1,
        created_at: '2026-02-27 09:00',
        end_date: '2026-03-04 09:00',
      });
      const created = (await api.ticketHistory(ticket.ticket_id)).body.data.events[0];
      expect(created?.after).toMatchObject({ queue_id: queueId, queued_at: '2026-02-26 10:00' });
      expect((await api.listQueue(2)).body.data.queue.map((q) => q.position)).toEqual([1]);
      expect((await api.zoneCapacity(2)).body.data).toMatchObject({ active_tickets: 1, waiting: 1 });
    });

    it('creates at once, without queueing, when the zone has room', async () => {
      const { api } = await seeded();
      expectStatus(await api.createTicket(ticketIn(1, { queue_if_full: true })), 201);
    });

    it('withdraws a waiting request once; not one admitted or unknown', async () => {
      const { api, createTicket, refused } = await seeded();
      const holding = await createTicket(2);
      const waiting = queuedOf(await api.createTicket(ticketIn(2, { queue_if_full: true })));
      const admittedLater = queuedOf(await api.createTicket(ticketIn(2, { queue_if_full: true })));
      const withdrawn = await api.withdrawQueued(waiting.queue_id);
      expectStatus(withdrawn, 200);
      expect(withdrawn.body).toMatchObject({
        action: 'queue_entry_withdrawn',
        data: { state: 'withdrawn', position: null },
      });
      const twice = await refused(() => api.withdrawQueued(waiting.queue_id));
      expectStatus(twice, 409);
      expect(twice.body).toMatchObject({
        action: 'queue_entry_not_waiting',
        data: { queue_id: waiting.queue_id, state: 'withdrawn', ticket_id: null },
      });
      await api.updateTicket(holding.ticket_id, { status: 4 });
      const admitted = (await api.getQueued(admittedLater.queue_id)).body.data;
      expect(admitted.state).toBe('admitted');
      const tooLate = await refused(() => api.withdrawQueued(admittedLater.queue_id));
      expect(tooLate.body.data).toMatchObject({ state: 'admitted', ticket_id: admitted.ticket_id });
      const unknown = await refused(() => api.withdrawQueued(999));
      expectStatus(unknown, 404);
      expect(unknown.body.action).toBe('queue_entry_not_found');
      expectNotFound(await refused(() => api.listQueue(99)), 'zone_not_found', 'zone_id: no zone 99');
    });

    it('admits as many as a higher limit frees, first in first out', async () => {
      const { api, createTicket } = await seeded();
      await createTicket(2);
      const ids: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const queued = await api.createTicket(
          ticketIn(2, { queue_if_full: true, description: `corte ${i}` }),
        );
        ids.push(queuedOf(queued).queue_id);
      }
      await api.saveZone(2, { name: 'Torre Norte', max_active_tickets: 3 });
      const states = await Promise.all(ids.map(async (id) => (await api.getQueued(id)).body.data.state));
      expect(states).toEqual(['admitted', 'admitted', 'waiting']);
      expect((await api.zoneCapacity(2)).body.data).toMatchObject({ active_tickets: 3, waiting: 1 });
    });
  });
}
