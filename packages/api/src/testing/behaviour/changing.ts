import { describe, expect, it } from 'vitest';
import { bogota } from '../api-fixture.js';
import { expectNotFound, expectStatus, expectZoneFull, fieldsOf, type Suite } from './open.js';
import type { Value } from './transport.js';

/** Changing a ticket: statuses, answers, full zones, and the version a change was made against. */
export function describeChanging({ seeded }: Suite): void {
  describe('changing a ticket', () => {
    it('changes the status and records the trimmed answer_text and the time of the change', async () => {
      const { api, setNow, createTicket } = await seeded();
      const ticket = await createTicket(1);
      setNow(bogota(2026, 2, 27, 16, 45));
      const answer = await api.updateTicket(ticket.ticket_id, {
        status: 3,
        answer_text: '  Se reemplazó el conector RJ45 ',
      });
      expectStatus(answer, 200);
      expect(answer.body).toMatchObject({ ok: true, type: 'success', action: 'ticket_updated' });
      expect(answer.body.data).toEqual({
        ...ticket,
        status: 3,
        status_ticket: 'Resuelto',
        answer_text: 'Se reemplazó el conector RJ45',
        updated_at: '2026-02-27 16:45',
        // Friday afternoon: Monday and Tuesday are left.
        business_days_left: 2,
        version: 2,
      });
      expect((await api.getTicket(ticket.ticket_id)).body.data).toEqual({
        ...answer.body.data,
        customer_name: 'C1',
        technician_name: 'Ana Gómez',
      });
    });

    it('keeps the earlier answer when a later change gives none, and labels every status', async () => {
      const { api, createTicket } = await seeded();
      const { ticket_id } = await createTicket(1);
      expect(
        (await api.updateTicket(ticket_id, { status: 2, answer_text: 'En camino' })).body.data,
      ).toMatchObject({ status_ticket: 'En Progreso', answer_text: 'En camino' });
      expect((await api.updateTicket(ticket_id, { status: 3 })).body.data).toMatchObject({
        status_ticket: 'Resuelto',
        answer_text: 'En camino',
      });
      expect((await api.updateTicket(ticket_id, { status: 4, unknown: true })).body.data).toMatchObject({
        status: 4,
        status_ticket: 'Cerrado',
      });
      expect((await api.updateTicket(ticket_id, { status: 1 })).body.data).toMatchObject({
        status_ticket: 'Abierto',
      });
    });

    it('removes the answer when answer_text is null, and records it in the history', async () => {
      const { api, createTicket } = await seeded();
      const { ticket_id } = await createTicket(1);
      await api.updateTicket(ticket_id, { status: 3, answer_text: 'Se cambió el conector' });
      const cleared = await api.updateTicket(ticket_id, { status: 3, answer_text: null });
      expectStatus(cleared, 200);
      expect(cleared.body.data).toMatchObject({ status: 3, answer_text: null, version: 3 });
      expect((await api.getTicket(ticket_id)).body.data.answer_text).toBeNull();
      const history = await api.ticketHistory(ticket_id);
      expect(history.body.data.events.at(-1)).toMatchObject({
        kind: 'answered',
        before: { answer_text: 'Se cambió el conector' },
        after: { answer_text: null },
      });
    });

    it('answers ticket_not_found for an id no ticket has', async () => {
      const { api, refused } = await seeded();
      const answer = await refused(() => api.updateTicket(9, { status: 3 }));
      expectNotFound(answer, 'ticket_not_found', 'ticket_id: no ticket 9');
    });

    it.each([
      { what: 'a status outside 1 to 4', change: { status: 5 }, fields: ['status'] },
      { what: 'a status given as text', change: { status: '3' }, fields: ['status'] },
      { what: 'nothing to change', change: {}, fields: ['body'] },
      { what: 'only unknown fields', change: { priority: 4 }, fields: ['body'] },
      { what: 'a blank answer_text', change: { status: 3, answer_text: '   ' }, fields: ['answer_text'] },
      { what: 'a numeric answer_text', change: { status: 3, answer_text: 42 }, fields: ['answer_text'] },
    ])('refuses a change with $what, naming the field', async ({ change, fields }) => {
      const { api, refusedInput, createTicket } = await seeded();
      const ticket = await createTicket(1);
      const refusal = await refusedInput(() => api.updateTicket(ticket.ticket_id, change));
      expect(fieldsOf(refusal)).toEqual(fields);
    });

    it.each<Value>([1.5, -1, 'uno'])('refuses a change of ticket %j, naming ticket_id', async (id) => {
      const { api, refusedInput, createTicket } = await seeded();
      await createTicket(1);
      const refusal = await refusedInput(() => api.updateTicket(id, { status: 3 }));
      expect(fieldsOf(refusal)).toEqual(['ticket_id']);
    });

    it('refuses to reopen a resolved ticket into a full zone with a 409 info envelope', async () => {
      const { api, refused, createTicket } = await seeded();
      const resolved = await createTicket(2);
      await api.updateTicket(resolved.ticket_id, { status: 3 });
      await createTicket(2);
      for (const status of [1, 2]) {
        expectZoneFull(await refused(() => api.updateTicket(resolved.ticket_id, { status })), 2, 1, 1);
      }
      expect((await api.getTicket(resolved.ticket_id)).body.data.status).toBe(3);
    });

    it('reopens a resolved ticket when its zone has room, and then counts it', async () => {
      const { api, createTicket } = await seeded();
      const ticket = await createTicket(2);
      await api.updateTicket(ticket.ticket_id, { status: 4 });
      expectStatus(await api.updateTicket(ticket.ticket_id, { status: 1 }), 200);
      expect((await api.zoneCapacity(2)).body.data).toMatchObject({ active_tickets: 1, is_blocked: true });
    });

    it('moves a ticket between active statuses in a full zone', async () => {
      const { api, createTicket } = await seeded();
      const ticket = await createTicket(2);
      const answer = await api.updateTicket(ticket.ticket_id, { status: 2 });
      expectStatus(answer, 200);
      expect(answer.body.data.status_ticket).toBe('En Progreso');
      expectStatus(await api.updateTicket(ticket.ticket_id, { status: 1 }), 200);
    });

    it("refuses a dispatcher's change to a ticket another changed meanwhile, answering the ticket as it is now", async () => {
      const { api, refused, createTicket } = await seeded();
      const ticket = await createTicket(1);
      // Both read version 1; the first resolves it with a reply.
      const first = await api.updateTicket(
        ticket.ticket_id,
        { status: 3, answer_text: 'Se cambió el conector' },
        1,
      );
      expectStatus(first, 200);
      expect(first.body.data.version).toBe(2);
      // The second, whose form still says "Abierto", saves.
      const second = await refused(() => api.updateTicket(ticket.ticket_id, { status: 1 }, 1));
      expectStatus(second, 412);
      expect(second.body).toMatchObject({ ok: false, type: 'error', action: 'ticket_changed' });
      expect(second.body.data).toEqual(first.body.data);
      expect(second.body.message).toContain('version 2');
      const now = await api.getTicket(ticket.ticket_id);
      expect(now.body.data).toMatchObject({ status: 3, answer_text: 'Se cambió el conector', version: 2 });
    });

    it('lets the last change win when none gives the version it was made against', async () => {
      const { api, createTicket } = await seeded();
      const ticket = await createTicket(1);
      expectStatus(await api.updateTicket(ticket.ticket_id, { status: 2 }, 1), 200);
      expectStatus(await api.updateTicket(ticket.ticket_id, { status: 3 }), 200);
      const blind = await api.updateTicket(ticket.ticket_id, { status: 4 });
      expect([blind.body.data.status, blind.body.data.version]).toEqual([4, 4]);
    });
  });
}
