import {
  createCapacityRule,
  type NamedTicket,
  type NewTicket,
  type Ticket,
  type TicketSort,
  type TicketStore,
  ticketSorts,
} from '@tickets/domain';
import { createTestClock, createTestDesk, type TestClock, type TestDesk } from '@tickets/testing';
import fc from 'fast-check';
import { ok } from 'neverthrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreFixture } from './store-contract.js';
import { openedTicket } from './testing/opened-ticket.js';

/** An instant given as wall-clock time in Bogotá (UTC−5 all year). */
const bogota = (day: number, hour: number, minute = 0, second = 0) =>
  Date.UTC(2026, 2, day, hour + 5, minute, second);

/** Wednesday 2026-03-04 23:59 in Bogotá: a minute before midnight. */
const BEFORE_MIDNIGHT = bogota(4, 23, 59);

const HOUR = 3_600_000;

/** What a test ticket may set; the rest is what the desk opens. */
interface Fields {
  readonly zone_id?: number;
  readonly service_id?: number;
  readonly technician_id?: number | null;
  readonly status?: 1 | 2 | 3 | 4;
  readonly priority?: 1 | 2 | 3 | 4;
  readonly end_date?: number;
}

/** The orders of the four sorts, written out plainly, with statuses 3 and 4 done. */
const oracle: Record<TicketSort, (a: Ticket, b: Ticket) => number> = {
  newest: (a, b) => b.ticket_id - a.ticket_id,
  urgent: (a, b) =>
    Number(a.status >= 3) - Number(b.status >= 3) ||
    a.end_date - b.end_date ||
    b.priority - a.priority ||
    a.ticket_id - b.ticket_id,
  due: (a, b) => a.end_date - b.end_date || a.ticket_id - b.ticket_id,
  priority: (a, b) => b.priority - a.priority || a.end_date - b.end_date || a.ticket_id - b.ticket_id,
};

const ids = (tickets: readonly { readonly ticket_id: number }[]) => tickets.map((t) => t.ticket_id);

/**
 * What the dispatcher's console reads (issue #14), run against each adapter: sorts and their
 * cursors, due filters in the business time zone, one search, counters, zones' overdue tickets and
 * technicians' workload, and reassigning a technician.
 */
export function describeTicketListingContract(name: string, open: () => Promise<StoreFixture>): void {
  describe(`ticket listings and counters: ${name}`, () => {
    let fixture: StoreFixture;
    let store: TicketStore;
    let clock: TestClock;
    let desk: TestDesk;
    const rule = createCapacityRule({ maxActiveTicketsPerZone: 1000, activeStatuses: [1, 2] });

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
      clock = createTestClock(BEFORE_MIDNIGHT);
      desk = createTestDesk({ store, clock, activeStatuses: [1, 2], maxActiveTicketsPerZone: 1000 });
      for (const zone_id of [1, 2, 3])
        await store.saveZone({ zone_id, name: `Z${zone_id}`, max_active_tickets: null });
      await store.saveTechnicians([
        { technician_id: 1, name: 'Ana Gómez', active: true },
        { technician_id: 2, name: 'Beto Ruiz', active: true },
        { technician_id: 3, name: 'Carla Díaz', active: true },
        { technician_id: 4, name: 'Dora Paz', active: false },
      ]);
      await store.saveServices([
        { service_id: 100, zone_id: 1, customer_name: 'Luis Muñoz' },
        { service_id: 101, zone_id: 1, customer_name: 'MARÍA  José Núñez' },
        { service_id: 2345, zone_id: 2, customer_name: 'Pedro Pérez' },
        { service_id: 2399, zone_id: 2, customer_name: null },
        { service_id: 50, zone_id: 3, customer_name: 'Ana_100%' },
      ]);
    });

    afterEach(async () => {
      await fixture.close();
    });

    /** Stores a ticket with these fields, as a create would. */
    async function put(fields: Fields = {}): Promise<Ticket> {
      const refs = {
        zone_id: fields.zone_id ?? 1,
        service_id: fields.service_id ?? 100,
        technician_id: fields.technician_id === undefined ? 1 : fields.technician_id,
      };
      const ticket: NewTicket = {
        ...openedTicket({ ...refs, technician_id: refs.technician_id ?? 1 }, BEFORE_MIDNIGHT - HOUR),
        ...refs,
        status: fields.status ?? 1,
        priority: fields.priority ?? 3,
        end_date: fields.end_date ?? BEFORE_MIDNIGHT + 48 * HOUR,
      };
      const created = await store.createTicket(refs, rule, () =>
        ok({ kind: 'insert' as const, ticket, events: [], outbox: [] }),
      );
      const outcome = created._unsafeUnwrap();
      if (outcome.kind !== 'created') throw new Error('not created');
      return outcome.ticket;
    }

    /** Every ticket of a listing, page after page of `limit`, through the cursors it gives. */
    async function everyPage(query: Parameters<TestDesk['listTickets']>[0], limit: number) {
      const seen: NamedTicket[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 1000; pages += 1) {
        const page = await desk.listTickets({ ...query, limit, cursor });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items);
        if (page.next_cursor === null) return seen;
        cursor = page.next_cursor;
      }
      throw new Error('the pages never end');
    }

    describe('sorts', () => {
      it('lists in each sort: urgent puts open tickets first, the most overdue and the highest priority first', async () => {
        const made = [
          await put({ end_date: bogota(6, 10), priority: 2 }),
          await put({ end_date: bogota(3, 10), priority: 1, status: 3 }),
          await put({ end_date: bogota(3, 10), priority: 4, status: 2 }),
          await put({ end_date: bogota(3, 10), priority: 2 }),
          await put({ end_date: bogota(5, 9), priority: 4 }),
          await put({ end_date: bogota(1, 9), priority: 4, status: 4 }),
          await put({ end_date: bogota(3, 10), priority: 4 }),
        ];
        const [a, b, c, d, e, f, g] = ids(made);
        const listed = async (sort: TicketSort) => ids((await desk.listTickets({ sort, limit: 50 })).items);
        expect(await listed('newest')).toEqual([g, f, e, d, c, b, a]);
        expect(await listed('urgent')).toEqual([c, g, d, e, a, f, b]);
        expect(await listed('due')).toEqual([f, b, c, d, g, e, a]);
        expect(await listed('priority')).toEqual([f, c, g, e, d, a, b]);
        // Unchanged for clients that name no sort: newest first.
        expect(ids((await desk.listTickets({ limit: 50 })).items)).toEqual([g, f, e, d, c, b, a]);
      });

      it('pages through any sort, with any filter, giving every ticket exactly once and in order', async () => {
        const ticketArb = fc.record({
          status: fc.constantFrom(1, 2, 3, 4),
          priority: fc.constantFrom(1, 2, 3, 4),
          // Few distinct dates, so that ties are the rule and the tie-breakers are tested.
          end_date: fc.constantFrom(bogota(3, 10), bogota(4, 23, 59, 30), bogota(5, 0), bogota(9, 8)),
          technician_id: fc.constantFrom(1, 2),
        });
        let zone = 10;
        await fc.assert(
          fc.asyncProperty(
            fc.array(ticketArb, { maxLength: 12 }),
            fc.constantFrom(...ticketSorts),
            fc.integer({ min: 1, max: 5 }),
            fc.constantFrom(undefined, 'overdue', 'today'),
            async (drafts, sort, limit, due) => {
              zone += 1;
              await store.saveZone({ zone_id: zone, name: `Z${zone}`, max_active_tickets: null });
              const made: Ticket[] = [];
              for (const draft of drafts) made.push(await put({ ...draft, zone_id: zone, service_id: 100 }));
              const open = (t: Ticket) => t.status < 3;
              const expected = made
                .filter((t) =>
                  due === undefined
                    ? true
                    : due === 'overdue'
                      ? open(t) && t.end_date < BEFORE_MIDNIGHT
                      : open(t) && t.end_date >= BEFORE_MIDNIGHT && t.end_date < bogota(5, 0),
                )
                .sort(oracle[sort]);
              const seen = await everyPage({ zone_id: zone, sort, due }, limit);
              expect(ids(seen)).toEqual(ids(expected));
            },
          ),
          { numRuns: 40 },
        );
      });

      it('keeps a cursor valid while the tickets before it change', async () => {
        for (const priority of [1, 2, 3, 4] as const) await put({ priority });
        const first = await desk.listTickets({ sort: 'priority', limit: 2 });
        expect(first.items.map((t) => t.priority)).toEqual([4, 3]);
        await put({ priority: 4 });
        const rest = await desk.listTickets({ sort: 'priority', limit: 10, cursor: first.next_cursor ?? '' });
        expect(rest.items.map((t) => t.priority)).toEqual([2, 1]);
      });
    });

    describe('due filters in the business time zone', () => {
      it('tells overdue from due today around midnight, and leaves done tickets out', async () => {
        const late = await put({ end_date: BEFORE_MIDNIGHT - 60_000 });
        const lastMinute = await put({ end_date: bogota(4, 23, 59, 30) });
        const midnight = await put({ end_date: bogota(5, 0) });
        const tomorrow = await put({ end_date: bogota(5, 23, 59) });
        await put({ end_date: BEFORE_MIDNIGHT - HOUR, status: 3 });
        await put({ end_date: bogota(4, 23, 59, 40), status: 4 });
        const due = async (filter: 'overdue' | 'today') =>
          ids((await desk.listTickets({ due: filter, sort: 'due', limit: 50 })).items);
        expect(await due('overdue')).toEqual([late.ticket_id]);
        expect(await due('today')).toEqual([lastMinute.ticket_id]);
        expect(await desk.countTickets({})).toEqual({ open: 4, overdue: 1, due_today: 1 });
        clock.set(bogota(5, 0));
        expect(await due('overdue')).toEqual([late.ticket_id, lastMinute.ticket_id]);
        expect(await due('today')).toEqual([midnight.ticket_id, tomorrow.ticket_id]);
        expect(await desk.countTickets({})).toEqual({ open: 4, overdue: 2, due_today: 2 });
        clock.set(bogota(5, 0) + 1);
        expect(await due('overdue')).toEqual([late.ticket_id, lastMinute.ticket_id, midnight.ticket_id]);
        expect(await due('today')).toEqual([tomorrow.ticket_id]);
      });
    });

    describe('one search', () => {
      it("finds a customer's name whatever its accents, case and spaces", async () => {
        const munoz = await put({ service_id: 100 });
        const nunez = await put({ service_id: 101 });
        const perez = await put({ service_id: 2345, zone_id: 2 });
        const found = async (q: string) => ids((await desk.listTickets({ q, limit: 50 })).items);
        expect(await found('munoz')).toEqual([munoz.ticket_id]);
        expect(await found('MUÑOZ')).toEqual([munoz.ticket_id]);
        expect(await found('maria jose')).toEqual([nunez.ticket_id]);
        expect(await found('  núñez ')).toEqual([nunez.ticket_id]);
        expect(await found('pérez')).toEqual([perez.ticket_id]);
        expect(await found('z')).toEqual([perez.ticket_id, nunez.ticket_id, munoz.ticket_id]);
        expect(await found('gomez')).toEqual([]);
      });

      it('finds a ticket by its number and a service by its number or its first digits', async () => {
        const centro = await put({ service_id: 100 });
        const first = await put({ service_id: 2345, zone_id: 2 });
        const second = await put({ service_id: 2399, zone_id: 2 });
        const found = async (q: string) => ids((await desk.listTickets({ q, limit: 50 })).items);
        expect(await found('2345')).toEqual([first.ticket_id]);
        expect(await found('23')).toEqual([second.ticket_id, first.ticket_id]);
        expect(await found(String(centro.ticket_id))).toContain(centro.ticket_id);
        expect(await found(`#${second.ticket_id}`)).toContain(second.ticket_id);
        expect(await found('100')).toEqual([centro.ticket_id]);
        expect(await found('999999')).toEqual([]);
      });

      it('takes % and _ literally', async () => {
        const ana = await put({ service_id: 50, zone_id: 3 });
        await put({ service_id: 100 });
        const found = async (q: string) => ids((await desk.listTickets({ q, limit: 50 })).items);
        expect(await found('%')).toEqual([ana.ticket_id]);
        expect(await found('a_1')).toEqual([ana.ticket_id]);
        expect(await found('a%')).toEqual([]);
      });

      it("follows a customer's name when the service is saved again, one by one, in bulk or merged", async () => {
        const ticket = await put({ service_id: 2399, zone_id: 2 });
        const found = async (q: string) => ids((await desk.listTickets({ q, limit: 50 })).items);
        expect(await found('ines')).toEqual([]);
        await store.saveService({ service_id: 2399, zone_id: 2, customer_name: 'Inés Ortiz' });
        expect(await found('ines')).toEqual([ticket.ticket_id]);
        await store.saveServices([{ service_id: 2399, zone_id: 2, customer_name: 'Óscar Lara' }]);
        expect(await found('ines')).toEqual([]);
        expect(await found('oscar')).toEqual([ticket.ticket_id]);
        const connector = store as Partial<{ mergeDirectory: (u: unknown) => Promise<void> }>;
        if (connector.mergeDirectory !== undefined) {
          await connector.mergeDirectory({
            zones: [],
            technicians: [],
            services: [{ service_id: 2399, zone_id: 2, customer_name: 'Íñigo Vela' }],
          });
          expect(await found('inigo')).toEqual([ticket.ticket_id]);
          // A merge without a name keeps the one known.
          await connector.mergeDirectory({
            zones: [],
            technicians: [],
            services: [{ service_id: 2399, zone_id: 2, customer_name: null }],
          });
          expect(await found('inigo')).toEqual([ticket.ticket_id]);
        }
      });

      it("gives each row its customer's and technician's names, null where unknown", async () => {
        const named = await put({ service_id: 101, technician_id: 2 });
        const nameless = await put({ service_id: 2399, zone_id: 2, technician_id: null });
        const rows = (await desk.listTickets({ limit: 50 })).items;
        expect(rows.map((t) => [t.ticket_id, t.customer_name, t.technician_name])).toEqual([
          [nameless.ticket_id, null, null],
          [named.ticket_id, 'MARÍA  José Núñez', 'Beto Ruiz'],
        ]);
        expect((await desk.getTicket(named.ticket_id))._unsafeUnwrap()).toEqual({
          ...named,
          customer_name: 'MARÍA  José Núñez',
          technician_name: 'Beto Ruiz',
        });
      });
    });

    describe('counters', () => {
      it('counts open, overdue and due-today tickets with the filters of the list', async () => {
        await put({ end_date: bogota(3, 9), technician_id: 1 });
        await put({ end_date: bogota(4, 23, 59, 59), technician_id: 2, status: 2 });
        await put({ end_date: bogota(9, 9), technician_id: 2, zone_id: 2, service_id: 2345 });
        await put({ end_date: bogota(3, 9), status: 3 });
        expect(await desk.countTickets({})).toEqual({ open: 3, overdue: 1, due_today: 1 });
        expect(await desk.countTickets({ technician_id: 2 })).toEqual({ open: 2, overdue: 0, due_today: 1 });
        expect(await desk.countTickets({ zone_id: 2 })).toEqual({ open: 1, overdue: 0, due_today: 0 });
        expect(await desk.countTickets({ status: 2 })).toEqual({ open: 1, overdue: 0, due_today: 1 });
        expect(await desk.countTickets({ status: 3 })).toEqual({ open: 0, overdue: 0, due_today: 0 });
        expect(await desk.countTickets({ q: 'perez' })).toEqual({ open: 1, overdue: 0, due_today: 0 });
      });

      it("adds each zone's overdue open tickets to its capacity", async () => {
        await put({ end_date: bogota(3, 9) });
        await put({ end_date: bogota(3, 9), status: 2 });
        await put({ end_date: bogota(3, 9), status: 4 });
        await put({ end_date: bogota(9, 9) });
        await put({ end_date: bogota(2, 9), zone_id: 2, service_id: 2345 });
        expect((await desk.zoneCapacity(1))._unsafeUnwrap()).toMatchObject({ active_tickets: 3, overdue: 2 });
        expect((await desk.zoneCapacity(3))._unsafeUnwrap()).toMatchObject({ active_tickets: 0, overdue: 0 });
        const board = await desk.listZoneCapacities({});
        expect(board.items.map((z) => [z.zone_id, z.overdue])).toEqual([
          [1, 2],
          [2, 1],
          [3, 0],
        ]);
      });

      it("gives each technician's open, in-progress and overdue tickets, zeros for one with none", async () => {
        await put({ technician_id: 1, end_date: bogota(3, 9) });
        await put({ technician_id: 1, status: 2 });
        await put({ technician_id: 1, status: 3, end_date: bogota(3, 9) });
        await put({ technician_id: 2, status: 2, end_date: bogota(1, 9) });
        await put({ technician_id: null, zone_id: 2, service_id: 2399 });
        const workload = await desk.technicianWorkload({});
        expect(workload).toEqual({
          items: [
            { technician_id: 1, name: 'Ana Gómez', active: true, open: 2, in_progress: 1, overdue: 1 },
            { technician_id: 2, name: 'Beto Ruiz', active: true, open: 1, in_progress: 1, overdue: 1 },
            { technician_id: 3, name: 'Carla Díaz', active: true, open: 0, in_progress: 0, overdue: 0 },
            { technician_id: 4, name: 'Dora Paz', active: false, open: 0, in_progress: 0, overdue: 0 },
          ],
          next_cursor: null,
        });
        const page = await desk.technicianWorkload({ limit: 1, cursor: '2' });
        expect(page.items.map((t) => t.technician_id)).toEqual([3]);
      });
    });

    describe('reassigning a technician', () => {
      it('records who reassigned it, from whom and to whom, as one change of version', async () => {
        const ticket = await put({ technician_id: 1 });
        const moved = await desk.updateTicket(
          ticket.ticket_id,
          { technician_id: 2, status: 2 },
          { actor: 'dispatcher', expectedVersion: ticket.version },
        );
        expect(moved._unsafeUnwrap()).toMatchObject({
          technician_id: 2,
          status: 2,
          version: ticket.version + 1,
        });
        const history = (await desk.ticketHistory(ticket.ticket_id))._unsafeUnwrap().items;
        expect(history.map(({ kind, actor, before, after }) => ({ kind, actor, before, after }))).toEqual([
          { kind: 'status_changed', actor: 'dispatcher', before: { status: 1 }, after: { status: 2 } },
          {
            kind: 'technician_changed',
            actor: 'dispatcher',
            before: { technician_id: 1 },
            after: { technician_id: 2 },
          },
        ]);
        expect(ids((await desk.listTickets({ technician_id: 2, limit: 9 })).items)).toEqual([
          ticket.ticket_id,
        ]);
        expect((await desk.getTicket(ticket.ticket_id))._unsafeUnwrap().technician_name).toBe('Beto Ruiz');
      });

      it('refuses an unknown or inactive technician as a create does, and a stale version, writing nothing', async () => {
        const ticket = await put({ technician_id: 1 });
        expect((await desk.updateTicket(ticket.ticket_id, { technician_id: 99 }))._unsafeUnwrapErr()).toEqual(
          {
            type: 'invalid_references',
            problems: [
              {
                field: 'technician_id',
                code: 'unknown_technician',
                id: 99,
                message: 'technician_id: no technician 99',
              },
            ],
          },
        );
        expect(
          (await desk.updateTicket(ticket.ticket_id, { technician_id: 4 }))._unsafeUnwrapErr(),
        ).toMatchObject({ type: 'invalid_references', problems: [{ code: 'inactive_technician', id: 4 }] });
        expect(
          (
            await desk.updateTicket(
              ticket.ticket_id,
              { technician_id: 2 },
              { expectedVersion: ticket.version + 1 },
            )
          )._unsafeUnwrapErr(),
        ).toMatchObject({ type: 'ticket_changed' });
        expect(await store.getTicket(ticket.ticket_id)).toEqual(ticket);
        expect(await store.listTicketEvents(ticket.ticket_id, { limit: 10 })).toEqual([]);
        // The same technician again changes nothing.
        expect((await desk.updateTicket(ticket.ticket_id, { technician_id: 1 }))._unsafeUnwrap()).toEqual(
          ticket,
        );
      });
    });
  });
}
