import { describe, expect, it } from 'vitest';
import { bogota } from '../api-fixture.js';
import { expectStatus, fieldsOf, type Suite } from './open.js';
import type { Query } from './transport.js';

/** What the dispatcher's console reads and changes (issue #14): sorts, filters, search, counters, workload, reassigning. */
export function describeDispatching({ seeded }: Suite): void {
  describe('the list in the order a dispatcher needs', () => {
    it('sorts by urgency, filters by due, technician and search, and names each row', async () => {
      const { api, setNow, createTicket } = await seeded();
      const old = await createTicket(1);
      setNow(bogota(2026, 3, 2, 9));
      const recent = await createTicket(3, { subject: 'Internet Lento' });
      await api.saveTechnician(2, { name: 'Luis Pérez', active: true });
      await api.updateTicket(recent.ticket_id, { technician_id: 2 });
      await api.saveService(3, { zone_id: 3, customer_name: 'José Muñoz' });
      setNow(bogota(2026, 3, 3, 11));
      const urgent = await api.listTickets({ sort: 'urgent' });
      expectStatus(urgent, 200);
      expect(urgent.body.data.tickets.map((t) => [t.ticket_id, t.is_overdue, t.customer_name])).toEqual([
        [old.ticket_id, true, 'C1'],
        [recent.ticket_id, false, 'José Muñoz'],
      ]);
      const ids = async (query: Query) =>
        (await api.listTickets(query)).body.data.tickets.map((t) => t.ticket_id);
      expect(await ids({})).toEqual([recent.ticket_id, old.ticket_id]);
      expect(await ids({ due: 'overdue' })).toEqual([old.ticket_id]);
      expect(await ids({ due: 'today' })).toEqual([]);
      expect(await ids({ technician_id: 2 })).toEqual([recent.ticket_id]);
      expect(await ids({ q: 'MUNOZ' })).toEqual([recent.ticket_id]);
      expect(await ids({ q: String(old.ticket_id), technician_id: 1 })).toEqual([old.ticket_id]);
      const counts = await api.ticketCounts({});
      expectStatus(counts, 200);
      expect(counts.body).toMatchObject({
        ok: true,
        action: 'ticket_counts',
        data: { open: 2, overdue: 1, due_today: 0 },
      });
      expect((await api.ticketCounts({ zone_id: 3 })).body.data).toEqual({
        open: 1,
        overdue: 0,
        due_today: 0,
      });
      expect((await api.zoneCapacity(1)).body.data).toMatchObject({ active_tickets: 1, overdue: 1 });
      const workload = await api.technicianWorkload();
      expectStatus(workload, 200);
      expect(workload.body.data).toEqual({
        technicians: [
          { technician_id: 1, name: 'Ana Gómez', active: true, open: 1, in_progress: 0, overdue: 1 },
          { technician_id: 2, name: 'Luis Pérez', active: true, open: 1, in_progress: 0, overdue: 0 },
        ],
        next_cursor: null,
      });
    });

    it('pages through a sort with its own cursors, and refuses a cursor of another sort', async () => {
      const { api, refusedInput, createTicket } = await seeded();
      for (let i = 0; i < 5; i += 1) await createTicket(3);
      const first = await api.listTickets({ sort: 'due', limit: 2 });
      const cursor = first.body.data.next_cursor ?? 'none';
      expect(cursor).toMatch(/^due\./);
      const rest = await api.listTickets({ sort: 'due', cursor });
      expect([...first.body.data.tickets, ...rest.body.data.tickets].map((t) => t.ticket_id)).toEqual([
        1, 2, 3, 4, 5,
      ]);
      const newest = (await api.listTickets({ limit: 2 })).body.data.next_cursor ?? 'none';
      const mixed = await refusedInput(() => api.listTickets({ sort: 'priority', cursor: newest }));
      expect(fieldsOf(mixed)).toEqual(['cursor']);
      expect(mixed.message).toContain('cursor: is a cursor of sort=newest, not of sort=priority');
      const back = await refusedInput(() => api.listTickets({ cursor }));
      expect(back.message).toContain('cursor: is a cursor of sort=due, not of sort=newest');
    });

    it.each<[Query, string[]]>([
      [{ sort: 'oldest' }, ['sort']],
      [{ sort: '' }, ['sort']],
      [{ due: 'tomorrow' }, ['due']],
      [{ due: 1 }, ['due']],
      [{ technician_id: 0 }, ['technician_id']],
      [{ technician_id: 'ana' }, ['technician_id']],
      [{ q: '   ' }, ['q']],
      [{ q: 'x'.repeat(201) }, ['q']],
      [{ sort: 'urgent', cursor: 'urgent.1.2' }, ['cursor']],
      [{ sort: 'urgent', cursor: 'urgent.a.b.c.d' }, ['cursor']],
      [{ sort: 'due', cursor: 'due.99999999999999999.1' }, ['cursor']],
      [{ cursor: 'due.1.1' }, ['cursor']],
      [{ sort: 'due', cursor: '12' }, ['cursor']],
      [{ sort: 'due', cursor: 'x'.repeat(101) }, ['cursor']],
      [{ sort: 'sideways', due: 'never' }, ['due', 'sort']],
    ])('refuses the list query %j, naming %j', async (query, fields) => {
      const { api, refusedInput, createTicket } = await seeded();
      await createTicket(1);
      const refusal = await refusedInput(() => api.listTickets(query));
      expect(fieldsOf(refusal).sort()).toEqual(fields);
      for (const field of fields) expect(refusal.message).toContain(`${field}:`);
    });

    it.each<[Query, string[]]>([
      [{ zone_id: 'norte' }, ['zone_id']],
      [{ status: 9 }, ['status']],
      [{ q: '' }, ['q']],
    ])('refuses the counters query %j, naming %j', async (query, fields) => {
      const { api, refusedInput } = await seeded();
      expect(fieldsOf(await refusedInput(() => api.ticketCounts(query)))).toEqual(fields);
    });

    it('refuses a workload page it cannot give', async () => {
      const { api, refusedInput } = await seeded();
      expect(fieldsOf(await refusedInput(() => api.technicianWorkload({ limit: 0 })))).toEqual(['limit']);
      expect(fieldsOf(await refusedInput(() => api.technicianWorkload({ cursor: 'urgent.1' })))).toEqual([
        'cursor',
      ]);
    });
  });

  describe("reassigning a ticket's technician", () => {
    it('reassigns it, records the change in its history and shows the new name on its page', async () => {
      const { api, createTicket } = await seeded();
      await api.saveTechnician(3, { name: 'Marta Ríos' });
      const ticket = await createTicket(1);
      const answer = await api.updateTicket(ticket.ticket_id, { technician_id: 3 }, ticket.version);
      expectStatus(answer, 200);
      expect(answer.body.data).toEqual({ ...ticket, technician_id: 3, version: 2 });
      const page = await api.getTicket(ticket.ticket_id);
      expect(page.body.data).toMatchObject({
        description: ticket.description,
        service_id: 1,
        customer_name: 'C1',
        technician_id: 3,
        technician_name: 'Marta Ríos',
        created_at: ticket.created_at,
        end_date: ticket.end_date,
        updated_at: ticket.updated_at,
        version: 2,
      });
      const history = (await api.ticketHistory(ticket.ticket_id)).body.data.events;
      expect(history.map(({ kind, actor, before, after }) => ({ kind, actor, before, after }))).toEqual([
        expect.objectContaining({ kind: 'created' }),
        {
          kind: 'technician_changed',
          actor: null,
          before: { technician_id: 1 },
          after: { technician_id: 3 },
        },
      ]);
    });

    it.each<[string, number, string]>([
      ['an unknown technician', 40, 'technician_id: unknown_technician'],
      ['an inactive technician', 2, 'technician_id: inactive_technician'],
    ])(
      'refuses %s as a create does, with a 422 naming technician_id',
      async (_what, technician_id, error) => {
        const { api, refused, createTicket } = await seeded();
        const ticket = await createTicket(1);
        const answer = await refused(() => api.updateTicket(ticket.ticket_id, { technician_id, status: 2 }));
        expectStatus(answer, 422);
        expect(answer.body).toMatchObject({
          ok: false,
          type: 'error',
          action: 'ticket_update_failed',
          data: null,
        });
        expect(answer.body.meta?.errors.map((e) => `${e.field}: ${e.code}`)).toEqual([error]);
      },
    );

    it('refuses a reassignment made against a stale version, with the ticket as it is now', async () => {
      const { api, refused, createTicket } = await seeded();
      await api.saveTechnician(3, { name: 'Marta Ríos' });
      const ticket = await createTicket(1);
      await api.updateTicket(ticket.ticket_id, { status: 2 });
      const answer = await refused(() =>
        api.updateTicket(ticket.ticket_id, { technician_id: 3 }, ticket.version),
      );
      expectStatus(answer, 412);
      expect(answer.body).toMatchObject({ action: 'ticket_changed', data: { technician_id: 1, version: 2 } });
    });

    it.each([
      { what: 'a technician_id of 0', change: { technician_id: 0 } },
      { what: 'a technician_id given as text', change: { technician_id: '3' } },
      { what: 'a fractional technician_id', change: { technician_id: 1.5 } },
    ])('refuses $what, naming technician_id', async ({ change }) => {
      const { api, refusedInput, createTicket } = await seeded();
      const ticket = await createTicket(1);
      expect(fieldsOf(await refusedInput(() => api.updateTicket(ticket.ticket_id, change)))).toEqual([
        'technician_id',
      ]);
    });

    it('changes the answer alone, and removes it with null', async () => {
      const { api, createTicket } = await seeded();
      const ticket = await createTicket(1);
      const answered = await api.updateTicket(ticket.ticket_id, { answer_text: 'En camino' });
      expect(answered.body.data).toMatchObject({ status: 1, answer_text: 'En camino', version: 2 });
      const removed = await api.updateTicket(ticket.ticket_id, { answer_text: null });
      expect(removed.body.data).toMatchObject({ answer_text: null, version: 3 });
    });
  });
}
