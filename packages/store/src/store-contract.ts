import {
  type CapacityRule,
  createBusinessCalendar,
  createCapacityRule,
  createSubjectCatalogue,
  createTicketDesk,
  defaultSubjects,
  type NewTicket,
  noHolidays,
  type TicketDesk,
  type TicketStore,
  ticketNotFound,
  zoneFull,
} from '@tickets/domain';
import { err, ok } from 'neverthrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** A store under test and how to dispose of it. */
export interface StoreFixture {
  readonly store: TicketStore;
  close(): Promise<void>;
}

const NOW = Date.UTC(2026, 1, 26, 15, 0);

const draft = (overrides: Partial<NewTicket> = {}): NewTicket => ({
  service_id: 100,
  zone_id: 2,
  technician_id: 5,
  subject: 'Falla Masiva',
  priority: 3,
  description: 'Cliente reporta intermitencia',
  status: 1,
  created_at: NOW,
  end_date: NOW + 5 * 86_400_000,
  answer_text: null,
  updated_at: NOW,
  ...overrides,
});

const refs = { service_id: 100, technician_id: 5, zone_id: 2 };

function deskOver(store: TicketStore, capacity: CapacityRule): TicketDesk {
  return createTicketDesk({
    store,
    clock: { now: () => NOW },
    calendar: createBusinessCalendar({
      timeZone: 'America/Bogota',
      weekdays: [1, 2, 3, 4, 5],
      holidays: noHolidays,
    })._unsafeUnwrap(),
    subjects: createSubjectCatalogue(defaultSubjects)._unsafeUnwrap(),
    capacity,
    resolutionDays: 3,
  });
}

/**
 * The behaviour every TicketStore must have, run against each adapter (memory, SQLite, PostgreSQL).
 * `open` gives a fresh, empty, migrated store for every test.
 */
export function describeTicketStoreContract(name: string, open: () => Promise<StoreFixture>): void {
  describe(`TicketStore contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: TicketStore;
    const rule = createCapacityRule({ maxActiveTicketsPerZone: 3, activeStatuses: [1] });

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
      await store.saveZone({ zone_id: 2, name: 'Centro', max_active_tickets: null });
      await store.saveZone({ zone_id: 3, name: 'Norte', max_active_tickets: 1 });
      await store.saveService({ service_id: 100, zone_id: 2, customer_name: 'Luis Pérez' });
      await store.saveService({ service_id: 300, zone_id: 3, customer_name: null });
      await store.saveTechnician({ technician_id: 5, name: 'Ana Gómez', active: true });
    });

    afterEach(async () => {
      await fixture.close();
    });

    describe('directory', () => {
      it('reads back a saved zone, and replaces it on a second save', async () => {
        expect(await store.getZone(2)).toEqual({ zone_id: 2, name: 'Centro', max_active_tickets: null });
        await store.saveZone({ zone_id: 2, name: 'Centro Histórico', max_active_tickets: 7 });
        expect(await store.getZone(2)).toEqual({
          zone_id: 2,
          name: 'Centro Histórico',
          max_active_tickets: 7,
        });
        expect(await store.getZone(99)).toBeUndefined();
      });

      it('lists zones, technicians and services by ascending id, a page at a time', async () => {
        for (const id of [9, 7, 8])
          await store.saveZone({ zone_id: id, name: `Z${id}`, max_active_tickets: null });
        expect((await store.listZones({ limit: 3 })).map((z) => z.zone_id)).toEqual([2, 3, 7]);
        expect((await store.listZones({ limit: 3, after: 7 })).map((z) => z.zone_id)).toEqual([8, 9]);
        await store.saveTechnician({ technician_id: 1, name: 'Beto', active: false });
        expect(await store.listTechnicians({ limit: 10 })).toEqual([
          { technician_id: 1, name: 'Beto', active: false },
          { technician_id: 5, name: 'Ana Gómez', active: true },
        ]);
        expect(await store.listServices({ limit: 10, after: 100 })).toEqual([
          { service_id: 300, zone_id: 3, customer_name: null },
        ]);
      });

      it('keeps a technician inactive once saved so', async () => {
        await store.saveTechnician({ technician_id: 5, name: 'Ana Gómez', active: false });
        expect(await store.listTechnicians({ limit: 1 })).toEqual([
          { technician_id: 5, name: 'Ana Gómez', active: false },
        ]);
      });
    });

    describe('createTicket', () => {
      it('inserts what decide returns, with increasing ids, and reads it back', async () => {
        const first = await store.createTicket(refs, rule, () => ok(draft()));
        const second = await store.createTicket(refs, rule, () => ok(draft({ description: 'otra' })));
        const a = first._unsafeUnwrap();
        const b = second._unsafeUnwrap();
        expect(a).toEqual({ ...draft(), ticket_id: a.ticket_id });
        expect(b.ticket_id).toBeGreaterThan(a.ticket_id);
        expect(await store.getTicket(a.ticket_id)).toEqual(a);
        expect(await store.getTicket(b.ticket_id)).toEqual(b);
        expect(await store.getTicket(b.ticket_id + 1000)).toBeUndefined();
      });

      it('shows decide the referenced records and the zone load', async () => {
        const seen: unknown[] = [];
        await store.createTicket(refs, rule, (context) => {
          seen.push(context);
          return ok(draft());
        });
        await store.createTicket({ service_id: 1, technician_id: 2, zone_id: 99 }, rule, (context) => {
          seen.push(context);
          return err('refused');
        });
        expect(seen).toEqual([
          {
            zone: { zone_id: 2, name: 'Centro', max_active_tickets: null },
            service: { service_id: 100, zone_id: 2, customer_name: 'Luis Pérez' },
            technician: { technician_id: 5, name: 'Ana Gómez', active: true },
            activeTickets: 0,
          },
          { zone: undefined, service: undefined, technician: undefined, activeTickets: 0 },
        ]);
      });

      it('counts only active tickets, and only up to the zone limit', async () => {
        const counts: number[] = [];
        const wide = createCapacityRule({ maxActiveTicketsPerZone: 100, activeStatuses: [1] });
        for (const status of [1, 1, 1, 1, 3, 4] as const) {
          await store.createTicket(refs, wide, () => ok(draft({ status })));
        }
        await store.createTicket(refs, wide, (context) => {
          counts.push(context.activeTickets);
          return err('stop');
        });
        await store.createTicket(refs, rule, (context) => {
          counts.push(context.activeTickets);
          return err('stop');
        });
        expect(counts).toEqual([4, 3]);
        expect(await store.countActiveTickets(2, [1])).toBe(4);
        expect(await store.countActiveTickets(2, [1, 3, 4])).toBe(6);
        expect(await store.countActiveTickets(3, [1])).toBe(0);
      });

      it('writes nothing when decide refuses', async () => {
        const refused = await store.createTicket(refs, rule, () => err({ type: 'nope' as const }));
        expect(refused).toEqual(err({ type: 'nope' }));
        expect(await store.listTickets({ limit: 10 })).toEqual([]);
        expect(await store.countActiveTickets(2, [1, 2, 3, 4])).toBe(0);
      });
    });

    describe('updateTicket', () => {
      it('applies the change decide returns and reads it back', async () => {
        const ticket = (await store.createTicket(refs, rule, () => ok(draft())))._unsafeUnwrap();
        const change = { status: 3 as const, answer_text: 'Listo', updated_at: NOW + 60_000 };
        const updated = await store.updateTicket(ticket.ticket_id, rule, (context) => {
          expect(context).toEqual({
            ticket,
            zone: { zone_id: 2, name: 'Centro', max_active_tickets: null },
            activeTickets: 1,
          });
          return ok(change);
        });
        expect(updated).toEqual(ok({ ...ticket, ...change }));
        expect(await store.getTicket(ticket.ticket_id)).toEqual({ ...ticket, ...change });
        expect(await store.countActiveTickets(2, [1])).toBe(0);
      });

      it('answers ticket_not_found for an unknown id', async () => {
        expect(
          await store.updateTicket(4242, rule, () => ok({ status: 3, answer_text: null, updated_at: NOW })),
        ).toEqual(err(ticketNotFound(4242)));
      });

      it('leaves the ticket unchanged when decide refuses', async () => {
        const ticket = (await store.createTicket(refs, rule, () => ok(draft())))._unsafeUnwrap();
        expect(await store.updateTicket(ticket.ticket_id, rule, () => err('no'))).toEqual(err('no'));
        expect(await store.getTicket(ticket.ticket_id)).toEqual(ticket);
      });
    });

    describe('listTickets', () => {
      it('lists newest first, filtered by zone and status, a page at a time', async () => {
        const made = [];
        for (const [zone_id, service_id, status] of [
          [2, 100, 1],
          [3, 300, 1],
          [2, 100, 3],
          [2, 100, 1],
          [3, 300, 4],
        ] as const) {
          made.push(
            (
              await store.createTicket({ ...refs, zone_id, service_id }, rule, () =>
                ok(draft({ zone_id, service_id, status })),
              )
            )._unsafeUnwrap().ticket_id,
          );
        }
        const ids = async (filter: Parameters<TicketStore['listTickets']>[0]) =>
          (await store.listTickets(filter)).map((t) => t.ticket_id);
        expect(await ids({ limit: 10 })).toEqual([...made].reverse());
        expect(await ids({ limit: 2 })).toEqual([made[4], made[3]]);
        expect(await ids({ limit: 2, after: made[3] })).toEqual([made[2], made[1]]);
        expect(await ids({ limit: 10, zone_id: 2 })).toEqual([made[3], made[2], made[0]]);
        expect(await ids({ limit: 10, zone_id: 2, status: 1 })).toEqual([made[3], made[0]]);
        expect(await ids({ limit: 10, status: 4 })).toEqual([made[4]]);
        expect(await ids({ limit: 10, zone_id: 3, after: made[1] })).toEqual([]);
      });
    });

    describe('zone capacity through the use cases', () => {
      let desk: TicketDesk;
      const input = {
        service_id: 100,
        technician_id: 5,
        zone_id: 2,
        subject: 'Falla Masiva',
        description: 'Sin servicio',
      };

      beforeEach(() => {
        desk = deskOver(store, rule);
      });

      it('lets exactly 3 of 100 parallel creates into a zone of limit 3 through', async () => {
        const results = await Promise.all(Array.from({ length: 100 }, () => desk.openTicket(input)));
        const created = results.filter((r) => r.isOk());
        const refused = results.filter((r) => r.isErr());
        expect(created).toHaveLength(3);
        expect(new Set(created.map((r) => r._unsafeUnwrap().ticket_id)).size).toBe(3);
        expect(refused).toHaveLength(97);
        for (const r of refused) expect(r).toEqual(err(zoneFull(2, 3, 3)));
        expect(await store.countActiveTickets(2, [1])).toBe(3);
      });

      it('refuses a fourth active ticket, then takes one once a ticket is resolved', async () => {
        const opened = [];
        for (let i = 0; i < 3; i += 1) opened.push((await desk.openTicket(input))._unsafeUnwrap());
        expect(await desk.openTicket(input)).toEqual(err(zoneFull(2, 3, 3)));
        const first = opened[0];
        if (first === undefined) throw new Error('no ticket');
        expect((await desk.changeStatus(first.ticket_id, { status: 3 })).isOk()).toBe(true);
        expect((await desk.openTicket(input)).isOk()).toBe(true);
        expect(await desk.openTicket(input)).toEqual(err(zoneFull(2, 3, 3)));
      });

      it('refuses to reopen a resolved ticket into a full zone, and reopens it when there is room', async () => {
        const opened = [];
        for (let i = 0; i < 3; i += 1) opened.push((await desk.openTicket(input))._unsafeUnwrap());
        const [first, second] = opened;
        if (first === undefined || second === undefined) throw new Error('no ticket');
        await desk.changeStatus(first.ticket_id, { status: 3 });
        expect((await desk.openTicket(input)).isOk()).toBe(true);
        expect(await desk.changeStatus(first.ticket_id, { status: 1 })).toEqual(err(zoneFull(2, 3, 3)));
        expect((await store.getTicket(first.ticket_id))?.status).toBe(3);
        await desk.changeStatus(second.ticket_id, { status: 4 });
        const reopened = await desk.changeStatus(first.ticket_id, { status: 1 });
        expect(reopened.map((t) => t.status)).toEqual(ok(1));
      });

      it('holds a zone to its own limit when it has one', async () => {
        const norte = { ...input, service_id: 300, zone_id: 3 };
        expect((await desk.openTicket(norte)).isOk()).toBe(true);
        expect(await desk.openTicket(norte)).toEqual(err(zoneFull(3, 1, 1)));
      });

      it('lets parallel reopenings of resolved tickets fill a zone only to its limit', async () => {
        const wide = deskOver(
          store,
          createCapacityRule({ maxActiveTicketsPerZone: 30, activeStatuses: [1] }),
        );
        const ids = [];
        for (let i = 0; i < 20; i += 1) ids.push((await wide.openTicket(input))._unsafeUnwrap().ticket_id);
        for (const id of ids) await wide.changeStatus(id, { status: 3 });
        const results = await Promise.all(ids.map((id) => desk.changeStatus(id, { status: 1 })));
        expect(results.filter((r) => r.isOk())).toHaveLength(3);
        expect(await store.countActiveTickets(2, [1])).toBe(3);
      });
    });
  });
}
