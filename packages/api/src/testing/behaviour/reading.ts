import { describe, expect, it } from 'vitest';
import type { TicketView } from '../../views.js';
import { bogota } from '../api-fixture.js';
import { expectNotFound, expectStatus, fieldsOf, type Suite } from './open.js';
import type { Answer, Query, Value } from './transport.js';

/** Reading and listing tickets, and their history. */
export function describeReading({ open, seeded }: Suite): void {
  describe('reading a ticket', () => {
    it('reads a ticket by id', async () => {
      const { api, createTicket } = await seeded();
      const ticket = await createTicket(1);
      const answer = await api.getTicket(ticket.ticket_id);
      expectStatus(answer, 200);
      expect(answer.body).toMatchObject({
        ok: true,
        type: 'success',
        action: 'ticket_found',
        data: ticket,
      });
    });

    it('answers ticket_not_found for an id no ticket has', async () => {
      const { api, refused } = await seeded();
      expectNotFound(await refused(() => api.getTicket(7)), 'ticket_not_found', 'ticket_id: no ticket 7');
    });

    it.each<Value>([1.5, -1, 0, 'abc', '1e3', '9007199254740993'])(
      'refuses the ticket id %j, naming ticket_id',
      async (id) => {
        const { api, refusedInput, createTicket } = await seeded();
        await createTicket(1);
        const refusal = await refusedInput(() => api.getTicket(id));
        expect(fieldsOf(refusal)).toEqual(['ticket_id']);
        expect(refusal.message).toContain('ticket_id:');
      },
    );
  });

  describe('listing tickets', () => {
    const ids = (answer: Answer<{ tickets: TicketView[] }>) =>
      answer.body.data.tickets.map((t) => t.ticket_id);

    it('lists tickets newest first and pages through them with next_cursor', async () => {
      const { api, createTicket } = await seeded();
      for (let i = 0; i < 5; i += 1) await createTicket(3);
      const first = await api.listTickets({ limit: 2 });
      expectStatus(first, 200);
      expect(first.body.action).toBe('tickets_listed');
      expect(ids(first)).toEqual([5, 4]);
      expect(first.body.data.next_cursor).toBe('4');
      const second = await api.listTickets({ limit: 2, cursor: '4' });
      expect(ids(second)).toEqual([3, 2]);
      expect(second.body.data.next_cursor).toBe('2');
      const last = await api.listTickets({ limit: 2, cursor: '2' });
      expect(ids(last)).toEqual([1]);
      expect(last.body.data.next_cursor).toBeNull();
    });

    it('gives no next_cursor when the page holds exactly the remaining tickets', async () => {
      const { api, createTicket } = await seeded();
      for (let i = 0; i < 2; i += 1) await createTicket(3);
      const page = await api.listTickets({ limit: 2 });
      expect(ids(page)).toEqual([2, 1]);
      expect(page.body.data.next_cursor).toBeNull();
    });

    it('answers an empty page when there are no tickets', async () => {
      const { api } = open();
      expect((await api.listTickets()).body.data).toEqual({ tickets: [], next_cursor: null });
    });

    it('lists tickets, zones, technicians and services with the default page when asked for none', async () => {
      const { api, createTicket } = await seeded();
      await createTicket(1);
      expect(ids(await api.listTickets())).toEqual([1]);
      expect((await api.listZones()).body.data.zones).toHaveLength(3);
      expect((await api.listTechnicians()).body.data.technicians).toHaveLength(2);
      expect((await api.listServices()).body.data.services).toHaveLength(3);
    });

    it('filters by zone and status, and pages through the filtered tickets', async () => {
      const { api, createTicket } = await seeded();
      await createTicket(1);
      await createTicket(3);
      await createTicket(1);
      await createTicket(3);
      await api.updateTicket(3, { status: 4 });
      expect(ids(await api.listTickets({ zone_id: 1 }))).toEqual([3, 1]);
      expect(ids(await api.listTickets({ status: 1 }))).toEqual([4, 2, 1]);
      expect(ids(await api.listTickets({ zone_id: 1, status: 1 }))).toEqual([1]);
      expect(ids(await api.listTickets({ zone_id: 1, status: 4 }))).toEqual([3]);
      expect(ids(await api.listTickets({ zone_id: 2 }))).toEqual([]);
      const page = await api.listTickets({ zone_id: 3, limit: 1 });
      expect(ids(page)).toEqual([4]);
      const cursor = page.body.data.next_cursor ?? 'none';
      expect(ids(await api.listTickets({ zone_id: 3, cursor }))).toEqual([2]);
    });

    it.each<[Query, string[]]>([
      [{ zone_id: 1.5 }, ['zone_id']],
      [{ zone_id: -2 }, ['zone_id']],
      [{ zone_id: 0 }, ['zone_id']],
      [{ zone_id: 'abc' }, ['zone_id']],
      [{ zone_id: '' }, ['zone_id']],
      [{ status: 5 }, ['status']],
      [{ status: 0 }, ['status']],
      [{ status: 'abierto' }, ['status']],
      [{ status: 1.5 }, ['status']],
      [{ limit: 0 }, ['limit']],
      [{ limit: 501 }, ['limit']],
      [{ limit: 2.5 }, ['limit']],
      [{ limit: -1 }, ['limit']],
      [{ limit: 'many' }, ['limit']],
      [{ cursor: 'abc' }, ['cursor']],
      [{ cursor: '0' }, ['cursor']],
      [{ cursor: '-4' }, ['cursor']],
      [{ cursor: '1.5' }, ['cursor']],
      [{ status: 5, limit: 0 }, ['status', 'limit']],
    ])('refuses the list query %j, naming %j', async (query, fields) => {
      const { api, refusedInput } = await seeded();
      const refusal = await refusedInput(() => api.listTickets(query));
      expect(fieldsOf(refusal)).toEqual(fields);
      for (const field of fields) expect(refusal.message).toContain(`${field}:`);
    });
  });

  describe("a ticket's history", () => {
    it('pages through a long history oldest first with next_cursor', async () => {
      const { api, refusedInput, createTicket } = await seeded();
      const ticket = await createTicket(3);
      for (const status of [2, 3, 2, 3, 4]) await api.updateTicket(ticket.ticket_id, { status });
      const first = await api.ticketHistory(ticket.ticket_id, { limit: 4 });
      expectStatus(first, 200);
      expect(first.body.action).toBe('ticket_history');
      expect(first.body.data.events.map((e) => e.after.status ?? e.kind)).toEqual([1, 2, 3, 2]);
      const cursor = first.body.data.next_cursor;
      expect(cursor).not.toBeNull();
      const second = await api.ticketHistory(ticket.ticket_id, { limit: 4, cursor: cursor ?? 'none' });
      expect(second.body.data.events.map((e) => e.after.status)).toEqual([3, 4]);
      expect(second.body.data.next_cursor).toBeNull();
      const all = await api.ticketHistory(ticket.ticket_id);
      expect(all.body.data.events).toHaveLength(6);
      const one = await api.ticketHistory(ticket.ticket_id, { limit: 1 });
      expect([one.body.data.events.length, one.body.data.next_cursor]).toEqual([1, expect.any(String)]);
      const refusal = await refusedInput(() => api.ticketHistory(ticket.ticket_id, { limit: 501 }));
      expect(fieldsOf(refusal)).toEqual(['limit']);
    });

    it('counts the business days left to end_date, and marks a ticket overdue once it has passed', async () => {
      const { api, setNow, createTicket } = await seeded();
      const ticket = await createTicket(1);
      expect([ticket.business_days_left, ticket.is_overdue]).toEqual([3, false]);
      setNow(bogota(2026, 3, 3, 9, 0));
      const dueToday = (await api.getTicket(ticket.ticket_id)).body.data;
      expect([dueToday.business_days_left, dueToday.is_overdue]).toEqual([0, false]);
      setNow(bogota(2026, 3, 5, 9, 0));
      const late = (await api.getTicket(ticket.ticket_id)).body.data;
      expect([late.business_days_left, late.is_overdue]).toEqual([-2, true]);
    });
  });
}
