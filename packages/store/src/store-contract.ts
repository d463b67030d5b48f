import {
  admitQueued,
  affectedAddedEvent,
  type ConnectorStore,
  type CreateContext,
  type CreateDecision,
  type CreateOutcome,
  createCapacityRule,
  type IdempotencyClaim,
  type NewQueuedRequest,
  type NewTicket,
  type NewTicketEvent,
  type OutboxMessage,
  type PageRequest,
  type PlannedInsert,
  queueEntryNotFound,
  queueEntryNotWaiting,
  snapshotOf,
  summaryOf,
  type Ticket,
  type TicketDesk,
  type TicketStore,
  ticketNotFound,
  type UpdateContext,
  type UpdateDecision,
  type ZoneRule,
  zoneFull,
} from '@tickets/domain';
import { createTestDesk, TEST_NOW } from '@tickets/testing';
import { err, ok, type Result } from 'neverthrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openedTicket } from './testing/opened-ticket.js';

/** A store under test and how to dispose of it. */
export interface StoreFixture {
  readonly store: TicketStore & ConnectorStore;
  /**
   * Another store over the same storage, as another process or machine would open it (closed
   * with the fixture); absent for a store whose storage is its process's memory.
   */
  readonly another?: () => TicketStore & ConnectorStore;
  close(): Promise<void>;
}

/** When the contract's tickets are opened: the test desk's clock. */
const NOW = TEST_NOW;

const refs = { service_id: 100, technician_id: 5, zone_id: 2 };
/** A ticket for `refs`, opened now, as decide returns it to the store. */
const draft = (overrides: Partial<NewTicket> = {}): NewTicket => ({
  ...openedTicket(refs, NOW),
  ...overrides,
});
/** The ticket a create made (or answered with again); throws when it put the request in a line. */
const createdTicket = (result: Result<CreateOutcome, unknown>): Ticket => {
  const outcome = result._unsafeUnwrap();
  if (outcome.kind !== 'created') throw new Error(`a create ${outcome.kind} its request, made no ticket`);
  return outcome.ticket;
};
/** What the use-case tests ask the desk to create. */
const input = { ...refs, subject: 'Falla Masiva', description: 'Sin servicio' };

const insert = (
  ticket: NewTicket,
  events: readonly NewTicketEvent[] = [],
  outbox: readonly OutboxMessage[] = [],
): CreateDecision => ({ kind: 'insert', ticket, events, outbox });
const plannedInsert = (
  ticket: NewTicket,
  events: readonly NewTicketEvent[] = [],
  outbox: readonly OutboxMessage[] = [],
): PlannedInsert => ({ kind: 'insert', ticket, events, outbox });
const change = (
  ticket: Ticket,
  status: 1 | 2 | 3 | 4,
  answer_text: string | null = null,
  events: readonly NewTicketEvent[] = [],
  outbox: readonly OutboxMessage[] = [],
): UpdateDecision => ({
  ticket: { ...ticket, status, answer_text, updated_at: NOW + 60_000 },
  events,
  outbox,
});
const event = (kind: NewTicketEvent['kind'], overrides: Partial<NewTicketEvent> = {}): NewTicketEvent => ({
  kind,
  at: NOW,
  actor: null,
  before: null,
  after: {},
  note: null,
  ...overrides,
});

/**
 * The behaviour every TicketStore must have, run against each adapter (memory, SQLite, PostgreSQL).
 * `open` gives a fresh, empty, migrated store for every test.
 */
export function describeTicketStoreContract(name: string, open: () => Promise<StoreFixture>): void {
  describe(`TicketStore contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: TicketStore & ConnectorStore;
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

    /** The whole directory, as the store lists it. */
    const directory = async () => ({
      zones: await store.listZones({ limit: 100 }),
      technicians: await store.listTechnicians({ limit: 100 }),
      services: await store.listServices({ limit: 100 }),
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
        const first = await store.createTicket(refs, rule, () => ok(insert(draft())));
        const second = await store.createTicket(refs, rule, () => ok(insert(draft({ description: 'otra' }))));
        const a = createdTicket(first);
        const b = createdTicket(second);
        expect(first._unsafeUnwrap().replayed).toBe(false);
        expect(a).toEqual({ ...draft(), ticket_id: a.ticket_id });
        expect(b.ticket_id).toBeGreaterThan(a.ticket_id);
        expect(await store.getTicket(a.ticket_id)).toEqual(a);
        expect(await store.getTicket(b.ticket_id)).toEqual(b);
        expect(await store.getTicket(b.ticket_id + 1000)).toBeUndefined();
      });

      it("shows decide the referenced records and the zone's active tickets", async () => {
        const seen: unknown[] = [];
        await store.createTicket(refs, rule, (context) => {
          seen.push(context);
          return ok(insert(draft()));
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
            previous: undefined,
            waiting: 0,
            existing: undefined,
          },
          {
            zone: undefined,
            service: undefined,
            technician: undefined,
            activeTickets: 0,
            previous: undefined,
            waiting: 0,
            existing: undefined,
          },
        ]);
      });

      it('counts only active tickets, all of them, beyond the zone limit too', async () => {
        const counts: number[] = [];
        const wide = createCapacityRule({ maxActiveTicketsPerZone: 100, activeStatuses: [1] });
        for (const status of [1, 1, 1, 1, 3, 4] as const) {
          await store.createTicket(refs, wide, () => ok(insert(draft({ status }))));
        }
        await store.createTicket(refs, wide, (context) => {
          counts.push(context.activeTickets);
          return err('stop');
        });
        await store.createTicket(refs, rule, (context) => {
          counts.push(context.activeTickets);
          return err('stop');
        });
        expect(counts).toEqual([4, 4]);
        expect(await store.countActiveTickets(2, [1])).toBe(4);
        expect(await store.countActiveTickets(2, [1, 3, 4])).toBe(6);
        expect(await store.countActiveTickets(3, [1])).toBe(0);
        expect(await store.countActiveTicketsIn([2, 3, 99], [1])).toEqual(
          new Map([
            [2, 4],
            [3, 0],
            [99, 0],
          ]),
        );
        expect(await store.countActiveTicketsIn([], [1])).toEqual(new Map());
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
        // decide must run: one of these assertions is inside it.
        expect.assertions(4);
        const ticket = createdTicket(await store.createTicket(refs, rule, () => ok(insert(draft()))));
        const changed = { status: 3 as const, answer_text: 'Listo', updated_at: NOW + 60_000 };
        const updated = await store.updateTicket(ticket.ticket_id, rule, (context) => {
          expect(context).toEqual({
            ticket,
            zone: { zone_id: 2, name: 'Centro', max_active_tickets: null },
            activeTickets: 1,
            unresolved: [],
          });
          return ok(change(ticket, 3, 'Listo'));
        });
        expect(updated).toEqual(ok({ ...ticket, ...changed }));
        expect(await store.getTicket(ticket.ticket_id)).toEqual({ ...ticket, ...changed });
        expect(await store.countActiveTickets(2, [1])).toBe(0);
      });

      it('removes an answer when decide clears it, and reads it back without one', async () => {
        const ticket = createdTicket(await store.createTicket(refs, rule, () => ok(insert(draft()))));
        await store.updateTicket(ticket.ticket_id, rule, () => ok(change(ticket, 3, 'Listo')));
        const answered = { ...ticket, status: 3 as const, answer_text: 'Listo', updated_at: NOW + 60_000 };
        const cleared = await store.updateTicket(ticket.ticket_id, rule, () => ok(change(answered, 2, null)));
        expect(cleared).toEqual(ok({ ...answered, status: 2, answer_text: null }));
        expect(await store.getTicket(ticket.ticket_id)).toEqual({
          ...answered,
          status: 2,
          answer_text: null,
        });
      });

      it('answers ticket_not_found for an unknown id', async () => {
        expect(await store.updateTicket(4242, rule, (context) => ok(change(context.ticket, 3)))).toEqual(
          err(ticketNotFound(4242)),
        );
      });

      it('leaves the ticket unchanged when decide refuses', async () => {
        const ticket = createdTicket(await store.createTicket(refs, rule, () => ok(insert(draft()))));
        expect(await store.updateTicket(ticket.ticket_id, rule, () => err('no'))).toEqual(err('no'));
        expect(await store.getTicket(ticket.ticket_id)).toEqual(ticket);
      });
    });

    describe('audit events', () => {
      it('keeps the events decide returns with the ticket they belong to, oldest first', async () => {
        const created = event('created', { actor: 'crm', after: { status: 1 } });
        const ticket = createdTicket(
          await store.createTicket(refs, rule, () => ok(insert(draft(), [created]))),
        );
        const resolved = event('status_changed', {
          at: NOW + 60_000,
          before: { status: 1 },
          after: { status: 3 },
        });
        const answered = event('answered', {
          at: NOW + 60_000,
          before: { answer_text: null },
          after: { answer_text: 'Listo' },
          note: 'con nota',
        });
        await store.updateTicket(ticket.ticket_id, rule, () =>
          ok(change(ticket, 3, 'Listo', [resolved, answered])),
        );
        const history = await store.listTicketEvents(ticket.ticket_id, { limit: 100 });
        expect(history.map(({ event_id: _, ...event }) => event)).toEqual(
          [created, resolved, answered].map((event) => ({ ...event, ticket_id: ticket.ticket_id })),
        );
        expect(history[1]?.event_id).toBeGreaterThan(history[0]?.event_id ?? Number.POSITIVE_INFINITY);
        expect(await store.listTicketEvents(ticket.ticket_id + 1, { limit: 100 })).toEqual([]);
      });

      it("lists a ticket's events a page at a time, after an event id", async () => {
        const ticket = createdTicket(
          await store.createTicket(refs, rule, () =>
            ok(insert(draft(), [event('created'), event('answered'), event('status_changed')])),
          ),
        );
        const all = await store.listTicketEvents(ticket.ticket_id, { limit: 100 });
        expect(all.map((e) => e.kind)).toEqual(['created', 'answered', 'status_changed']);
        const page = await store.listTicketEvents(ticket.ticket_id, { limit: 1, after: all[0]?.event_id });
        expect(page.map((e) => e.kind)).toEqual(['answered']);
      });

      it('keeps no event of a refused create or change', async () => {
        await store.createTicket(refs, rule, () => err('no'));
        const ticket = createdTicket(
          await store.createTicket(refs, rule, () => ok(insert(draft(), [event('created')]))),
        );
        await store.updateTicket(ticket.ticket_id, rule, () => err('no'));
        expect(await store.listTicketEvents(ticket.ticket_id, { limit: 100 })).toHaveLength(1);
      });
    });

    describe('idempotency keys', () => {
      const claim = { client: 'crm', key: 'abc-1', fingerprint: 'body-1' };

      it('shows a create the ticket recorded under its key, per client', async () => {
        // decide must run: one of these assertions is inside it.
        expect.assertions(6);
        const first = await store.createTicket({ ...refs, idempotency: claim }, rule, (context) => {
          expect(context.previous).toBeUndefined();
          return ok(insert(draft()));
        });
        const ticket = createdTicket(first);
        const seen: unknown[] = [];
        const replay = await store.createTicket({ ...refs, idempotency: claim }, rule, (context) => {
          seen.push(context.previous);
          return ok({ kind: 'replay', ticket: context.previous?.ticket ?? ticket });
        });
        expect(seen).toEqual([{ fingerprint: 'body-1', ticket }]);
        expect(replay).toEqual(ok({ kind: 'created', ticket, replayed: true }));
        await store.createTicket(
          { ...refs, idempotency: { ...claim, client: 'chatbot' } },
          rule,
          (context) => {
            seen.push(context.previous);
            return err('stop');
          },
        );
        expect(seen).toHaveLength(2);
        expect(seen[1]).toBeUndefined();
        expect(await store.listTickets({ limit: 10 })).toHaveLength(1);
      });

      it('records no key for a refused create', async () => {
        // decide must run: the only assertion is inside it.
        expect.assertions(1);
        await store.createTicket({ ...refs, idempotency: claim }, rule, () => err('full'));
        await store.createTicket({ ...refs, idempotency: claim }, rule, (context) => {
          expect(context.previous).toBeUndefined();
          return err('stop');
        });
      });

      it('forgets keys recorded before a time', async () => {
        // decide must run: one of these assertions is inside it.
        expect.assertions(3);
        await store.createTicket({ ...refs, idempotency: claim }, rule, () => ok(insert(draft())));
        expect(await store.purgeIdempotencyKeys(NOW)).toBe(0);
        expect(await store.purgeIdempotencyKeys(NOW + 1)).toBe(1);
        await store.createTicket({ ...refs, idempotency: claim }, rule, (context) => {
          expect(context.previous).toBeUndefined();
          return err('stop');
        });
      });
    });

    describe('planned creates', () => {
      /** Decides as the use case does: the plan while the zone has a free slot, else a refusal. */
      const byCapacity =
        (planned: PlannedInsert, seen: CreateContext[] = []) =>
        (context: CreateContext): Result<CreateDecision, 'full' | 'unknown'> => {
          seen.push(context);
          const previous = context.previous;
          if (previous?.ticket !== undefined) return ok({ kind: 'replay', ticket: previous.ticket });
          if (context.zone === undefined || context.service === undefined) return err('unknown');
          return context.activeTickets < rule.limitFor(context.zone) ? ok(planned) : err('full');
        };

      it('writes a planned create with its events, deliveries and key, and shows decide the context it was read on', async () => {
        const claim = { client: 'crm', key: 'p-1', fingerprint: 'body-p' };
        const planned = plannedInsert(
          draft(),
          [event('created', { actor: 'crm', after: { status: 1 } })],
          [{ channel: 'wisphub' }, { channel: 'webhook', endpoint: 'https://a', event: 0 }],
        );
        const seen: CreateContext[] = [];
        const request = { ...refs, idempotency: claim, planned };
        const ticket = createdTicket(await store.createTicket(request, rule, byCapacity(planned, seen)));
        expect(ticket).toEqual({ ...draft(), ticket_id: ticket.ticket_id });
        expect(seen).toEqual([
          {
            zone: { zone_id: 2, name: 'Centro', max_active_tickets: null },
            service: { service_id: 100, zone_id: 2, customer_name: 'Luis Pérez' },
            technician: { technician_id: 5, name: 'Ana Gómez', active: true },
            activeTickets: 0,
            previous: undefined,
            waiting: 0,
            existing: undefined,
          },
        ]);
        expect(await store.getTicket(ticket.ticket_id)).toEqual(ticket);
        expect(await store.countActiveTickets(2, [1])).toBe(1);
        const [created] = await store.listTicketEvents(ticket.ticket_id, { limit: 10 });
        expect(created).toEqual({
          ...event('created', { actor: 'crm', after: { status: 1 } }),
          event_id: expect.any(Number),
          ticket_id: ticket.ticket_id,
        });
        const lease = { holder: 'w1', now: NOW, leaseMs: 30_000, limit: 10 };
        const [wisphub] = await store.claimDeliveries({ channel: 'wisphub', ...lease });
        expect(wisphub).toMatchObject({ channel: 'wisphub', endpoint: null, ticket, event: null });
        const [webhook] = await store.claimDeliveries({
          channel: 'webhook',
          endpoint: 'https://a',
          ...lease,
        });
        expect(webhook).toMatchObject({ channel: 'webhook', endpoint: 'https://a', ticket, event: created });
        const replay = await store.createTicket(request, rule, byCapacity(planned, seen));
        expect(replay).toEqual(ok({ kind: 'created', ticket, replayed: true }));
        expect(seen[1]?.previous).toEqual({ fingerprint: 'body-p', ticket });
      });

      it("decides as usual on a context outside the plan's conditions: a full zone, an unknown service", async () => {
        const norte = { service_id: 300, technician_id: 5, zone_id: 3 };
        const planned = plannedInsert(draft(norte));
        const only = createdTicket(
          await store.createTicket({ ...norte, planned }, rule, byCapacity(planned)),
        );
        const seen: CreateContext[] = [];
        const full = await store.createTicket({ ...norte, planned }, rule, byCapacity(planned, seen));
        expect(full).toEqual(err('full'));
        expect(seen.at(-1)?.activeTickets).toBe(1);
        const unknown = { ...refs, service_id: 999 };
        const other = plannedInsert(draft(unknown));
        expect(
          await store.createTicket({ ...unknown, planned: other }, rule, byCapacity(other, seen)),
        ).toEqual(err('unknown'));
        expect(seen.at(-1)?.service).toBeUndefined();
        // A decide that inserts beyond the plan's conditions is still carried out.
        const beyond = await store.createTicket({ ...norte, planned }, rule, () => ok(planned));
        expect(createdTicket(beyond).ticket_id).toBeGreaterThan(only.ticket_id);
        expect(await store.listTickets({ limit: 10 })).toHaveLength(2);
      });

      it('never lets planned creates from several stores at once take more than the free slots, while tickets are resolved', async () => {
        const stores = [store, ...Array.from({ length: 2 }, () => fixture.another?.() ?? store)];
        const on = (i: number) => stores[i % stores.length] as TicketStore;
        const creates = (from: number, count: number) =>
          Promise.all(
            Array.from({ length: count }, (_, i) => {
              const planned = plannedInsert(draft({ description: `p${from + i}` }));
              return on(from + i).createTicket({ ...refs, planned }, rule, byCapacity(planned));
            }),
          );
        const first = await creates(0, 60);
        expect(first.filter((r) => r.isOk())).toHaveLength(3);
        expect(await store.countActiveTickets(2, [1])).toBe(3);
        const open = await store.listTickets({ zone_id: 2, status: 1, limit: 10 });
        const [second, resolved] = await Promise.all([
          creates(60, 40),
          Promise.all(
            open.map((t, i) => on(i + 1).updateTicket(t.ticket_id, rule, (c) => ok(change(c.ticket, 3)))),
          ),
        ]);
        expect(resolved.every((r) => r.isOk())).toBe(true);
        const createdAgain = second.filter((r) => r.isOk()).length;
        expect(createdAgain).toBeLessThanOrEqual(3);
        expect(await store.countActiveTickets(2, [1])).toBe(createdAgain);
        expect(await store.listTickets({ zone_id: 2, status: 1, limit: 10 })).toHaveLength(createdAgain);
      });

      it('creates one ticket for concurrent planned creates with one key from several stores', async () => {
        const stores = [store, ...Array.from({ length: 2 }, () => fixture.another?.() ?? store)];
        const claim = { client: 'crm', key: 'p-2', fingerprint: 'body-p' };
        const planned = plannedInsert(draft());
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (stores[i % stores.length] as TicketStore).createTicket(
              { ...refs, idempotency: claim, planned },
              rule,
              byCapacity(planned),
            ),
          ),
        );
        expect(new Set(results.map((r) => createdTicket(r).ticket_id)).size).toBe(1);
        expect(results.filter((r) => !r._unsafeUnwrap().replayed)).toHaveLength(1);
        expect(await store.listTickets({ limit: 10 })).toHaveLength(1);
        expect(await store.countActiveTickets(2, [1])).toBe(1);
      });
    });

    describe('bulk saves', () => {
      it('saves and replaces many records at once', async () => {
        const zones = Array.from({ length: 2500 }, (_, i) => ({
          zone_id: 1000 + i,
          name: `Zona ${i}`,
          max_active_tickets: i % 2 === 0 ? null : i,
        }));
        await store.saveZones(zones);
        await store.saveServices(
          zones.map((z) => ({ service_id: z.zone_id, zone_id: z.zone_id, customer_name: null })),
        );
        await store.saveTechnicians([
          { technician_id: 5, name: 'Ana Gómez', active: false },
          { technician_id: 6, name: 'Beto', active: true },
        ]);
        expect(await store.getZone(3499)).toEqual({
          zone_id: 3499,
          name: 'Zona 2499',
          max_active_tickets: 2499,
        });
        expect((await store.listZones({ limit: 5000 })).length).toBe(2502);
        expect((await store.listServices({ limit: 5000 })).length).toBe(2502);
        expect(await store.listTechnicians({ limit: 10 })).toEqual([
          { technician_id: 5, name: 'Ana Gómez', active: false },
          { technician_id: 6, name: 'Beto', active: true },
        ]);
        await store.saveZones([]);
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
            createdTicket(
              await store.createTicket({ ...refs, zone_id, service_id }, rule, () =>
                ok(insert(draft({ zone_id, service_id, status }))),
              ),
            ).ticket_id,
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

    describe('the outbox', () => {
      const lease = { leaseMs: 30_000, limit: 10 };
      const claim = (
        holder: string,
        now = NOW,
        channel: 'wisphub' | 'webhook' = 'wisphub',
        endpoint?: string,
      ) => store.claimDeliveries({ channel, endpoint, holder, now, ...lease });
      const open = async (outbox: readonly OutboxMessage[], events = [event('created')], overrides = {}) =>
        createdTicket(
          await store.createTicket(refs, rule, () => ok(insert(draft(overrides), events, outbox))),
        );

      it("records a create's deliveries with its ticket, and none of a refused one", async () => {
        await store.createTicket(refs, rule, () => err('full'));
        const ticket = await open([
          { channel: 'wisphub' },
          { channel: 'webhook', endpoint: 'https://a', event: 0 },
        ]);
        const [wisphub] = await claim('w1');
        expect(wisphub).toEqual({
          delivery_id: expect.any(Number),
          channel: 'wisphub',
          endpoint: null,
          ticket,
          event: null,
          attempts: 0,
          in_doubt: false,
          created_at: NOW,
        });
        const [webhook] = await claim('w1', NOW, 'webhook', 'https://a');
        expect(webhook?.event).toEqual({
          ...event('created'),
          event_id: expect.any(Number),
          ticket_id: ticket.ticket_id,
        });
        expect(webhook?.ticket).toEqual(ticket);
        expect(await claim('w1', NOW, 'webhook', 'https://b')).toEqual([]);
        expect(await store.deliveryStats('wisphub')).toEqual({
          pending: 1,
          failed: 0,
          oldest_pending_at: NOW,
        });
      });

      it('leases a delivery to one holder until its lease runs out', async () => {
        await open([{ channel: 'wisphub' }]);
        const [taken] = await claim('w1');
        expect(taken).toBeDefined();
        expect(await claim('w2', NOW + 29_999)).toEqual([]);
        expect((await claim('w2', NOW + 30_000)).map((d) => d.delivery_id)).toEqual([taken?.delivery_id]);
        // The first holder lost it: it can neither begin an attempt nor settle.
        const id = taken?.delivery_id ?? 0;
        expect(await store.beginAttempt(id, 'w1', NOW + 60_001)).toBe(false);
        expect(
          await store.settleDelivery(id, 'w1', { state: 'delivered', at: NOW, wisphub_ticket_id: 7 }),
        ).toEqual(ok(false));
        expect(await store.beginAttempt(id, 'w2', NOW + 90_000)).toBe(true);
        // The attempt renewed the lease.
        expect(await claim('w3', NOW + 89_999)).toEqual([]);
        expect(await claim('w3', NOW + 90_000)).toHaveLength(1);
      });

      it('never gives one delivery to two of many concurrent claims', async () => {
        for (let i = 0; i < 30; i += 1) await open([{ channel: 'wisphub' }]);
        const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => claim(`w${i}`)));
        const ids = claims.flat().map((d) => d.delivery_id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length).toBeGreaterThanOrEqual(10);
        expect(ids.length).toBeLessThanOrEqual(30);
      });

      it('counts attempts, keeps a delivery in doubt, and puts it back for later', async () => {
        await open([{ channel: 'wisphub' }]);
        const [taken] = await claim('w1');
        const id = taken?.delivery_id ?? 0;
        expect(await store.beginAttempt(id, 'w1', NOW + 30_000)).toBe(true);
        const later = {
          state: 'pending' as const,
          next_attempt_at: NOW + 5_000,
          error: 'timeout',
          in_doubt: true,
        };
        expect(await store.settleDelivery(id, 'w1', later)).toEqual(ok(true));
        expect(await claim('w2', NOW + 4_999)).toEqual([]);
        const [again] = await claim('w2', NOW + 5_000);
        expect(again).toMatchObject({ delivery_id: id, attempts: 1, in_doubt: true });
        const refused = { state: 'pending' as const, next_attempt_at: NOW, error: '503', in_doubt: false };
        expect(await store.settleDelivery(id, 'w2', refused)).toEqual(ok(true));
        expect((await claim('w3', NOW + 5_000))[0]).toMatchObject({ attempts: 1, in_doubt: false });
      });

      it('settles a delivery and changes its ticket in one step, or neither', async () => {
        const ticket = await open([{ channel: 'wisphub' }]);
        const [taken] = await claim('w1');
        const id = taken?.delivery_id ?? 0;
        const delivered = { state: 'delivered' as const, at: NOW + 1, wisphub_ticket_id: 900 };
        const refusal = await store.settleDelivery(id, 'w1', delivered, { rule, decide: () => err('no') });
        expect(refusal).toEqual(err('no'));
        expect((await store.deliveryStats('wisphub')).pending).toBe(1);
        const settled = await store.settleDelivery(id, 'w1', delivered, {
          rule,
          decide: (context) =>
            ok({
              ticket: { ...context.ticket, wisphub_ticket_id: 900, wisphub_sync: 'delivered' as const },
              events: [event('delivered', { after: { wisphub_ticket_id: 900 } })],
              outbox: [{ channel: 'webhook' as const, endpoint: 'https://a', event: 0 }],
            }),
        });
        expect(settled).toEqual(ok(true));
        const stored = { ...ticket, wisphub_ticket_id: 900, wisphub_sync: 'delivered' as const };
        expect(await store.getTicket(ticket.ticket_id)).toEqual(stored);
        expect(await store.findByWispHubId(900)).toEqual(stored);
        expect(await store.findByWispHubId(901)).toBeUndefined();
        expect((await store.listTicketEvents(ticket.ticket_id, { limit: 100 })).map((e) => e.kind)).toEqual([
          'created',
          'delivered',
        ]);
        expect(await store.deliveryStats('wisphub')).toEqual({
          pending: 0,
          failed: 0,
          oldest_pending_at: null,
        });
        expect(await claim('w2', NOW + 60_000)).toEqual([]);
        const [webhook] = await claim('w2', NOW, 'webhook', 'https://a');
        expect(webhook?.ticket).toEqual(stored);
        expect(webhook?.event?.kind).toBe('delivered');
        // Settled once: a second settlement changes nothing.
        expect(await store.settleDelivery(id, 'w1', delivered)).toEqual(ok(false));
      });

      it('counts failed deliveries, and never claims them again', async () => {
        await open([{ channel: 'wisphub' }]);
        await open([{ channel: 'wisphub' }], [event('created')], {
          created_at: NOW + 5,
          updated_at: NOW + 5,
        });
        const [first] = await claim('w1', NOW, 'wisphub');
        await store.settleDelivery(first?.delivery_id ?? 0, 'w1', { state: 'failed', at: NOW, error: '400' });
        expect(await store.deliveryStats('wisphub')).toEqual({
          pending: 1,
          failed: 1,
          oldest_pending_at: NOW + 5,
        });
        expect((await claim('w2', NOW + 60_000)).map((d) => d.ticket.created_at)).toEqual([NOW + 5]);
      });

      it("hands out a ticket's webhooks to an endpoint one at a time, in order", async () => {
        const hook = (index: number) => ({
          channel: 'webhook' as const,
          endpoint: 'https://a',
          event: index,
        });
        const ticket = await open([hook(0)]);
        await store.updateTicket(ticket.ticket_id, rule, (context) =>
          ok(
            change(
              context.ticket,
              3,
              'Listo',
              [event('status_changed'), event('answered')],
              [hook(0), hook(1)],
            ),
          ),
        );
        const other = await open([hook(0)]);
        const first = await claim('w1', NOW, 'webhook', 'https://a');
        expect(first.map((d) => [d.ticket.ticket_id, d.event?.kind])).toEqual([
          [ticket.ticket_id, 'created'],
          [other.ticket_id, 'created'],
        ]);
        expect(first[0]?.ticket.status).toBe(1);
        // The next of the first ticket waits until the first is settled, even once its lease ran out.
        expect(await claim('w2', NOW + 60_000, 'webhook', 'https://a')).toHaveLength(2);
        const [resend] = await claim('w3', NOW + 120_000, 'webhook', 'https://a');
        await store.settleDelivery(resend?.delivery_id ?? 0, 'w3', {
          state: 'delivered',
          at: NOW,
          wisphub_ticket_id: null,
        });
        const next = await claim('w4', NOW + 120_000, 'webhook', 'https://a');
        expect(next.map((d) => [d.ticket.ticket_id, d.event?.kind, d.ticket.status])).toEqual([
          [ticket.ticket_id, 'status_changed', 3],
        ]);
      });
    });

    describe('WispHub bookkeeping', () => {
      it('finds the ticket brought in under a WispHub id when creating again', async () => {
        // decide must run for both creates: each holds one of the assertions.
        expect.assertions(2);
        const imported = { ...refs, wisphub_ticket_id: 77 };
        const first = await store.createTicket(imported, rule, (context) => {
          expect(context.existing).toBeUndefined();
          return ok(insert(draft({ source: 'wisphub', wisphub_ticket_id: 77, wisphub_sync: 'delivered' })));
        });
        const ticket = createdTicket(first);
        await store.createTicket(imported, rule, (context) => {
          expect(context.existing).toEqual(ticket);
          return err('stop');
        });
      });

      it('takes a ticket without a technician', async () => {
        // decide must run: one of these assertions is inside it.
        expect.assertions(2);
        const ticket = createdTicket(
          await store.createTicket({ ...refs, technician_id: null }, rule, (context) => {
            expect(context.technician).toBeUndefined();
            return ok(insert(draft({ technician_id: null })));
          }),
        );
        expect(await store.getTicket(ticket.ticket_id)).toEqual({ ...ticket, technician_id: null });
      });

      it('lists the tickets WispHub holds in some statuses, by id', async () => {
        const ids: number[] = [];
        for (const [wisphub_ticket_id, status] of [
          [10, 1],
          [null, 1],
          [11, 3],
          [12, 1],
        ] as const) {
          const created = await store.createTicket(refs, rule, () =>
            ok(insert(draft({ wisphub_ticket_id, status }))),
          );
          ids.push(createdTicket(created).ticket_id);
        }
        const listed = async (page: { limit: number; after?: number }, statuses: (1 | 3)[] = [1]) =>
          (await store.listWispHubTickets(statuses, page)).map((t) => t.wisphub_ticket_id);
        expect(await listed({ limit: 10 })).toEqual([10, 12]);
        expect(await listed({ limit: 10 }, [1, 3])).toEqual([10, 11, 12]);
        expect(await listed({ limit: 1, after: ids[0] }, [1, 3])).toEqual([11]);
      });

      it("merges WispHub's directory, keeping a zone's limit, a technician's state and a known customer name", async () => {
        await store.saveZone({ zone_id: 3, name: 'Norte', max_active_tickets: 1 });
        await store.saveTechnician({ technician_id: 5, name: 'Ana Gómez', active: false });
        await store.mergeDirectory({
          zones: [
            { zone_id: 3, name: 'Norte Alto' },
            { zone_id: 8, name: 'Nueva' },
          ],
          technicians: [
            { technician_id: 5, name: 'Ana G.', active: true },
            { technician_id: 6, name: 'Beto', active: true },
          ],
          services: [
            { service_id: 100, zone_id: 8, customer_name: null },
            { service_id: 101, zone_id: 3, customer_name: 'Eva' },
          ],
        });
        expect(await directory()).toEqual({
          zones: [
            { zone_id: 2, name: 'Centro', max_active_tickets: null },
            { zone_id: 3, name: 'Norte Alto', max_active_tickets: 1 },
            { zone_id: 8, name: 'Nueva', max_active_tickets: null },
          ],
          technicians: [
            { technician_id: 5, name: 'Ana G.', active: false },
            { technician_id: 6, name: 'Beto', active: true },
          ],
          services: [
            { service_id: 100, zone_id: 8, customer_name: 'Luis Pérez' },
            { service_id: 101, zone_id: 3, customer_name: 'Eva' },
            { service_id: 300, zone_id: 3, customer_name: null },
          ],
        });
      });

      it('runs a periodic job in one holder at a time, at most once per interval', async () => {
        const timing = { leaseMs: 10_000, everyMs: 60_000 };
        expect(await store.jobRun('pull')).toBeUndefined();
        expect(await store.startJob('pull', 'a', NOW, timing)).toBe(true);
        expect(await store.startJob('pull', 'b', NOW + 1, { ...timing, everyMs: 0 })).toBe(false);
        expect(await store.jobRun('pull')).toEqual({
          name: 'pull',
          started_at: NOW,
          finished_at: null,
          ok: null,
          detail: null,
        });
        await store.finishJob('pull', 'b', NOW + 2, { ok: false, detail: 'not mine' });
        await store.finishJob('pull', 'a', NOW + 2, { ok: true, detail: '{"updated":1}' });
        expect(await store.startJob('pull', 'b', NOW + 59_999, timing)).toBe(false);
        expect(await store.startJob('pull', 'b', NOW + 60_000, timing)).toBe(true);
        expect(await store.jobRun('pull')).toEqual({
          name: 'pull',
          started_at: NOW + 60_000,
          finished_at: NOW + 2,
          ok: true,
          detail: '{"updated":1}',
        });
        // A holder that died mid-run leaves its lease to run out.
        expect(await store.startJob('pull', 'c', NOW + 69_999, { ...timing, everyMs: 0 })).toBe(false);
        expect(await store.startJob('pull', 'c', NOW + 70_000, { ...timing, everyMs: 0 })).toBe(true);
      });
    });

    describe('waiting lines', () => {
      /** Zone 3, whose own limit is 1. */
      const norte = { service_id: 300, technician_id: 5, zone_id: 3 };
      let admittedAt = NOW;
      /** The rule with the power to admit: a waiting request becomes a ticket opened at `admittedAt`. */
      const admitting: ZoneRule = {
        ...rule,
        admit: (waiting) => ({
          ...admitQueued(waiting, { at: admittedAt, endDate: admittedAt + 1, toWispHub: false }),
          outbox: [],
        }),
      };
      const request = (overrides: Partial<NewQueuedRequest> = {}): NewQueuedRequest => ({
        ...norte,
        subject: 'Falla Masiva',
        priority: 3,
        description: 'Sin servicio',
        queued_at: NOW,
        actor: 'crm',
        ...overrides,
      });
      const queuedOf = (result: Result<CreateOutcome, unknown>) => {
        const outcome = result._unsafeUnwrap();
        if (outcome.kind !== 'queued') throw new Error('a create made a ticket, put nothing in a line');
        return outcome;
      };
      /** Puts a request in zone 3's line. */
      const enqueue = async (overrides: Partial<NewQueuedRequest> = {}, idempotency?: IdempotencyClaim) =>
        queuedOf(
          await store.createTicket({ ...norte, idempotency }, admitting, () =>
            ok({ kind: 'enqueue', request: request(overrides) }),
          ),
        );
      /** Opens the ticket that fills zone 3. */
      const fill = async () =>
        createdTicket(await store.createTicket(norte, admitting, () => ok(insert(draft(norte)))));
      const resolve = async (ticketId: number, on: TicketStore = store) =>
        on.updateTicket(ticketId, admitting, (context) =>
          context.ticket.status === 1 ? ok(change(context.ticket, 3)) : err('not active' as const),
        );
      const ticketOf = async (queueId: number) => (await store.getQueued(queueId))?.queued.ticket_id ?? 0;

      beforeEach(() => {
        admittedAt = NOW;
      });

      it('admits waiting requests first in first out, one into each slot that frees', async () => {
        const open = await fill();
        const line = [await enqueue({ description: 'a' }), await enqueue({ description: 'b' })];
        line.push(await enqueue({ description: 'c' }));
        expect(line.map((o) => [o.queued.state, o.position, o.replayed])).toEqual([
          ['waiting', 1, false],
          ['waiting', 2, false],
          ['waiting', 3, false],
        ]);
        const ids = line.map((o) => o.queued.queue_id);
        const [a, b, c] = ids as [number, number, number];
        expect(b).toBeGreaterThan(a);
        expect(c).toBeGreaterThan(b);
        expect(await store.countActiveTickets(3, [1])).toBe(1);
        (await resolve(open.ticket_id))._unsafeUnwrap();
        expect((await store.getQueued(a))?.queued.state).toBe('admitted');
        expect((await store.getQueued(b))?.position).toBe(1);
        (await resolve(await ticketOf(a)))._unsafeUnwrap();
        (await resolve(await ticketOf(b)))._unsafeUnwrap();
        const admitted = await Promise.all(ids.map(ticketOf));
        expect(admitted[1]).toBeGreaterThan(admitted[0] ?? Number.POSITIVE_INFINITY);
        expect(admitted[2]).toBeGreaterThan(admitted[1] ?? Number.POSITIVE_INFINITY);
        const tickets = await Promise.all(admitted.map((id) => store.getTicket(id)));
        expect(tickets.map((t) => [t?.description, t?.status])).toEqual([
          ['a', 3],
          ['b', 3],
          ['c', 1],
        ]);
        expect(await store.countActiveTickets(3, [1])).toBe(1);
        expect(await store.countWaitingIn([3])).toEqual(new Map([[3, 0]]));
      });

      it('admits in the change that frees the slot: the ticket is there at once, opened then, its history saying since when it waited', async () => {
        const open = await fill();
        const { queued } = await enqueue({ queued_at: NOW + 5 });
        admittedAt = NOW + 60_000;
        (await resolve(open.ticket_id))._unsafeUnwrap();
        const ticketId = await ticketOf(queued.queue_id);
        expect(await store.getQueued(queued.queue_id)).toEqual({
          queued: { ...queued, state: 'admitted', ticket_id: ticketId, settled_at: NOW + 60_000 },
          position: null,
        });
        expect(await store.getTicket(ticketId)).toMatchObject({
          ticket_id: ticketId,
          zone_id: 3,
          service_id: 300,
          technician_id: 5,
          description: 'Sin servicio',
          status: 1,
          created_at: NOW + 60_000,
          updated_at: NOW + 60_000,
          version: 1,
          affected_count: 0,
        });
        const history = await store.listTicketEvents(ticketId, { limit: 10 });
        expect(history).toHaveLength(1);
        expect(history[0]).toMatchObject({
          kind: 'created',
          at: NOW + 60_000,
          actor: 'crm',
          after: { status: 1, queue_id: queued.queue_id, queued_at: NOW + 5 },
        });
        expect(await store.countActiveTickets(3, [1])).toBe(1);
        expect(await store.countWaitingIn([3])).toEqual(new Map([[3, 0]]));
      });

      it('admits as many as a raised limit frees when the zone is saved with its rule, and none without it', async () => {
        await fill();
        const ids: number[] = [];
        for (let i = 0; i < 4; i += 1) ids.push((await enqueue()).queued.queue_id);
        await store.saveZone({ zone_id: 3, name: 'Norte', max_active_tickets: 2 });
        expect(await store.countWaitingIn([3])).toEqual(new Map([[3, 4]]));
        expect(await store.countActiveTickets(3, [1])).toBe(1);
        const zone = { zone_id: 3, name: 'Norte', max_active_tickets: 4 };
        expect(await store.saveZone(zone, admitting)).toEqual(zone);
        const places = await Promise.all(ids.map((id) => store.getQueued(id)));
        expect(places.map((p) => [p?.queued.state, p?.position])).toEqual([
          ['admitted', null],
          ['admitted', null],
          ['admitted', null],
          ['waiting', 1],
        ]);
        expect(await store.countActiveTickets(3, [1])).toBe(4);
        expect(await store.getZone(3)).toEqual(zone);
      });

      it("admits in the same step when a delivery's change frees the slot", async () => {
        const open = createdTicket(
          await store.createTicket(norte, admitting, () =>
            ok(insert(draft(norte), [], [{ channel: 'wisphub' }])),
          ),
        );
        const { queued } = await enqueue();
        const [delivery] = await store.claimDeliveries({
          channel: 'wisphub',
          holder: 'w1',
          now: NOW,
          leaseMs: 30_000,
          limit: 10,
        });
        expect(delivery?.ticket.ticket_id).toBe(open.ticket_id);
        const settled = await store.settleDelivery(
          delivery?.delivery_id ?? 0,
          'w1',
          { state: 'delivered', at: NOW, wisphub_ticket_id: 900 },
          { rule: admitting, decide: (context) => ok(change(context.ticket, 3)) },
        );
        expect(settled).toEqual(ok(true));
        const ticketId = await ticketOf(queued.queue_id);
        expect(await store.getTicket(ticketId)).toMatchObject({ zone_id: 3, status: 1 });
        expect(await store.countActiveTickets(3, [1])).toBe(1);
      });

      it('admits waiting requests before a create decides, so that no create takes a slot ahead of them', async () => {
        // decide must run: one of these assertions is inside it.
        expect.assertions(4);
        const open = await fill();
        const { queued } = await enqueue();
        // Freed by a rule that cannot admit: the slot is free and the request still waits.
        await store.updateTicket(open.ticket_id, rule, (context) => ok(change(context.ticket, 3)));
        expect(await store.countWaitingIn([3])).toEqual(new Map([[3, 1]]));
        const refused = await store.createTicket(norte, admitting, (context) => {
          expect(context).toMatchObject({ activeTickets: 1, waiting: 0 });
          return err('zone_full');
        });
        expect(refused).toEqual(err('zone_full'));
        // The refusal keeps what admission wrote: the request holds its slot.
        expect(await store.getTicket(await ticketOf(queued.queue_id))).toMatchObject({ status: 1 });
      });

      it('admits waiting requests before a planned create, which then decides on what admission left', async () => {
        const open = await fill();
        const { queued } = await enqueue();
        await store.updateTicket(open.ticket_id, rule, (context) => ok(change(context.ticket, 3)));
        const planned = plannedInsert(draft(norte));
        const seen: CreateContext[] = [];
        const refused = await store.createTicket({ ...norte, planned }, admitting, (context) => {
          seen.push(context);
          return context.activeTickets < 1 ? ok(planned) : err('zone_full');
        });
        expect(refused).toEqual(err('zone_full'));
        expect(seen.at(-1)).toMatchObject({ activeTickets: 1, waiting: 0 });
        expect(await store.getTicket(await ticketOf(queued.queue_id))).toMatchObject({ status: 1 });
        expect(await store.countActiveTickets(3, [1])).toBe(1);
      });

      it('withdraws a waiting request, and refuses to withdraw one admitted, withdrawn or unknown', async () => {
        const open = await fill();
        const [a, b, c] = [await enqueue(), await enqueue(), await enqueue()];
        const withdrawn = { ...b.queued, state: 'withdrawn' as const, settled_at: NOW + 10 };
        expect(await store.withdrawQueued(b.queued.queue_id, NOW + 10)).toEqual(ok(withdrawn));
        expect(await store.getQueued(b.queued.queue_id)).toEqual({ queued: withdrawn, position: null });
        expect(await store.withdrawQueued(b.queued.queue_id, NOW + 11)).toEqual(
          err(queueEntryNotWaiting(b.queued.queue_id, 'withdrawn', null)),
        );
        expect((await store.getQueued(c.queued.queue_id))?.position).toBe(2);
        expect(await store.countWaitingIn([3])).toEqual(new Map([[3, 2]]));
        (await resolve(open.ticket_id))._unsafeUnwrap();
        const ticketId = await ticketOf(a.queued.queue_id);
        expect(ticketId).toBeGreaterThan(open.ticket_id);
        expect(await store.withdrawQueued(a.queued.queue_id, NOW + 12)).toEqual(
          err(queueEntryNotWaiting(a.queued.queue_id, 'admitted', ticketId)),
        );
        expect(await store.withdrawQueued(9999, NOW)).toEqual(err(queueEntryNotFound(9999)));
        expect(await store.getQueued(9999)).toBeUndefined();
        expect((await store.getQueued(c.queued.queue_id))?.position).toBe(1);
      });

      it('lists a line first in line first, a page at a time, with places that move up as those ahead leave it', async () => {
        const open = await fill();
        const ids: number[] = [];
        for (let i = 0; i < 5; i += 1) ids.push((await enqueue({ description: `r${i}` })).queued.queue_id);
        const line = async (page: PageRequest) =>
          (await store.listQueue(3, page)).map((place) => [place.queued.queue_id, place.position]);
        expect(await line({ limit: 10 })).toEqual(ids.map((id, i) => [id, i + 1]));
        expect(await line({ limit: 2, after: ids[1] })).toEqual([
          [ids[2], 3],
          [ids[3], 4],
        ]);
        const [first] = await store.listQueue(3, { limit: 1 });
        expect(first?.queued).toMatchObject({ description: 'r0', state: 'waiting', zone_id: 3 });
        await store.withdrawQueued(ids[1] ?? 0, NOW);
        (await resolve(open.ticket_id))._unsafeUnwrap();
        expect(await line({ limit: 10 })).toEqual([
          [ids[2], 1],
          [ids[3], 2],
          [ids[4], 3],
        ]);
        expect(await line({ limit: 10, after: ids[2] })).toEqual([
          [ids[3], 2],
          [ids[4], 3],
        ]);
        expect((await store.getQueued(ids[4] ?? 0))?.position).toBe(3);
        expect(await store.listQueue(2, { limit: 10 })).toEqual([]);
      });

      it('counts the requests waiting in each zone', async () => {
        await fill();
        await enqueue();
        await enqueue();
        expect(await store.countWaitingIn([2, 3, 99])).toEqual(
          new Map([
            [2, 0],
            [3, 2],
            [99, 0],
          ]),
        );
        expect(await store.countWaitingIn([])).toEqual(new Map());
      });

      it('answers a retry of a queued create with its place in line, and once it is admitted with its ticket', async () => {
        const claim = { client: 'crm', key: 'q-1', fingerprint: 'body-q' };
        const open = await fill();
        await enqueue({ description: 'ahead' });
        const { queued } = await enqueue({}, claim);
        // What each retry's decide was shown (a store may decide more than once per create).
        const seen: unknown[] = [];
        const retry = () =>
          store.createTicket({ ...norte, idempotency: claim }, admitting, (context) => {
            const previous = context.previous;
            seen.push(previous?.fingerprint);
            if (previous?.ticket !== undefined) return ok({ kind: 'replay', ticket: previous.ticket });
            if (previous?.queued !== undefined) return ok({ kind: 'replay_queued', queued: previous.queued });
            return err('no key');
          });
        expect(await retry()).toEqual(ok({ kind: 'queued', queued, position: 2, replayed: true }));
        (await resolve(open.ticket_id))._unsafeUnwrap();
        expect(await retry()).toEqual(ok({ kind: 'queued', queued, position: 1, replayed: true }));
        const [ahead] = await store.listTickets({ zone_id: 3, status: 1, limit: 1 });
        (await resolve(ahead?.ticket_id ?? 0))._unsafeUnwrap();
        const ticket = await store.getTicket(await ticketOf(queued.queue_id));
        expect(await retry()).toEqual(ok({ kind: 'created', ticket, replayed: true }));
        expect(seen.length).toBeGreaterThanOrEqual(3);
        expect(new Set(seen)).toEqual(new Set(['body-q']));
      });

      it('admits each waiting request exactly once, first in first out and never over the limit, under concurrent creates and resolutions from several stores', async () => {
        const stores = [store, ...Array.from({ length: 3 }, () => fixture.another?.() ?? store)];
        const on = (i: number) => stores[i % stores.length] as TicketStore;
        const limit = rule.limitFor({ zone_id: 2, name: 'Centro', max_active_tickets: null });
        const createOrWait = (i: number) =>
          on(i).createTicket(refs, admitting, (context) =>
            ok<CreateDecision, never>(
              context.activeTickets < limit
                ? insert(draft({ description: `t${i}` }))
                : { kind: 'enqueue', request: request({ ...refs, description: `q${i}` }) },
            ),
          );
        const creates = async (from: number, count: number) =>
          (await Promise.all(Array.from({ length: count }, (_, i) => createOrWait(from + i)))).map((r) =>
            r._unsafeUnwrap(),
          );
        const resolveActive = async () => {
          const active = await store.listTickets({ zone_id: 2, status: 1, limit: 100 });
          const results = await Promise.all(active.map((t, i) => resolve(t.ticket_id, on(i + 1))));
          expect(results.filter((r) => r.isErr())).toEqual([]);
        };
        const zone = async () => ({
          active: await store.countActiveTickets(2, [1]),
          listed: (await store.listTickets({ zone_id: 2, status: 1, limit: 100 })).length,
          waiting: (await store.countWaitingIn([2])).get(2) ?? 0,
        });

        const first = await creates(0, 30);
        expect(first.filter((o) => o.kind === 'created')).toHaveLength(limit);
        expect(await zone()).toEqual({ active: limit, listed: limit, waiting: 30 - limit });
        // Slots free while more requests arrive: the waiting take them, the newcomers wait.
        const [second] = await Promise.all([creates(30, 20), resolveActive()]);
        expect(second.every((o) => o.kind === 'queued')).toBe(true);
        expect(await zone()).toEqual({ active: limit, listed: limit, waiting: 50 - 2 * limit });
        for (let before = await zone(); before.waiting > 0; before = await zone()) {
          await resolveActive();
          const after = await zone();
          expect(after).toEqual({
            active: Math.min(limit, before.waiting),
            listed: Math.min(limit, before.waiting),
            waiting: Math.max(0, before.waiting - limit),
          });
        }
        expect((await zone()).waiting).toBe(0);
        const queuedIds = [...first, ...second]
          .flatMap((o) => (o.kind === 'queued' ? [o.queued.queue_id] : []))
          .sort((a, b) => a - b);
        expect(queuedIds).toHaveLength(50 - limit);
        const places = await Promise.all(queuedIds.map((id) => store.getQueued(id)));
        expect(places.every((p) => p?.queued.state === 'admitted')).toBe(true);
        const admitted = places.map((p) => p?.queued.ticket_id ?? 0);
        // First in first out: each admitted after the one queued before it.
        expect(admitted).toEqual([...admitted].sort((a, b) => a - b));
        expect(new Set(admitted).size).toBe(queuedIds.length);
        const created = await Promise.all(
          admitted.map(async (id) => (await store.listTicketEvents(id, { limit: 1 }))[0]?.after.queue_id),
        );
        expect(created).toEqual(queuedIds);
        expect(await store.listTickets({ zone_id: 2, limit: 100 })).toHaveLength(50);
      });
    });

    describe('affected customers', () => {
      /** Records `serviceId` on an active ticket, or answers the record there. */
      const record = (
        ticketId: number,
        serviceId: number,
        description = 'Sin internet',
        on: TicketStore = store,
      ) =>
        on.addAffected(ticketId, serviceId, (context) => {
          if (context.existing !== undefined) return ok({ kind: 'replay', affected: context.existing });
          if (context.ticket.status !== 1) return err('not active' as const);
          const affected = {
            ticket_id: context.ticket.ticket_id,
            service_id: serviceId,
            description,
            added_at: NOW + 1_000,
            actor: 'crm',
          };
          return ok({
            kind: 'insert',
            affected,
            events: [affectedAddedEvent(context.ticket, affected)],
            outbox: [],
          });
        });
      const resolution = (context: UpdateContext, serviceIds = context.unresolved.map((a) => a.service_id)) =>
        ok({
          ...change(
            context.ticket,
            3,
            'Reparado',
            serviceIds.map((service_id) =>
              event('affected_resolved', {
                before: { affected_service_id: service_id },
                after: { affected_service_id: service_id, answer_text: 'Reparado' },
              }),
            ),
          ),
          resolveAffected: { service_ids: serviceIds, at: NOW + 60_000, answer_text: 'Reparado' },
        });
      const services = (ids: readonly number[]) =>
        store.saveServices(ids.map((service_id) => ({ service_id, zone_id: 2, customer_name: null })));

      it('records a customer on a ticket, counted without a new version, and the same service twice as one record', async () => {
        // decide must run: one of these assertions is inside it.
        expect.assertions(6);
        const ticket = createdTicket(await store.createTicket(refs, rule, () => ok(insert(draft()))));
        const affected = {
          ticket_id: ticket.ticket_id,
          service_id: 100,
          description: 'Sin internet',
          added_at: NOW + 1_000,
          actor: 'crm',
          resolved_at: null,
          answer_text: null,
        };
        const counted = { ...ticket, affected_count: 1 };
        expect(await record(ticket.ticket_id, 100)).toEqual(
          ok({ affected, ticket: counted, replayed: false }),
        );
        expect(await store.getTicket(ticket.ticket_id)).toEqual(counted);
        const again = await store.addAffected(ticket.ticket_id, 100, (context) => {
          expect(context).toEqual({
            ticket: counted,
            service: { service_id: 100, zone_id: 2, customer_name: 'Luis Pérez' },
            existing: affected,
          });
          return ok({ kind: 'replay', affected: context.existing ?? affected });
        });
        expect(again).toEqual(ok({ affected, ticket: counted, replayed: true }));
        expect(
          (await store.listTicketEvents(ticket.ticket_id, { limit: 10 })).map(({ kind, after }) => [
            kind,
            after,
          ]),
        ).toEqual([['affected_added', { affected_count: 1, affected_service_id: 100 }]]);
        expect(await store.addAffected(4242, 100, () => err('never'))).toEqual(err(ticketNotFound(4242)));
      });

      it("lists a ticket's affected customers by service id, a page at a time", async () => {
        await services([101, 102]);
        const ticket = createdTicket(await store.createTicket(refs, rule, () => ok(insert(draft()))));
        const other = createdTicket(await store.createTicket(refs, rule, () => ok(insert(draft()))));
        for (const id of [102, 100, 101]) await record(ticket.ticket_id, id, `s${id}`);
        await record(other.ticket_id, 101);
        const listed = async (page: PageRequest) =>
          (await store.listAffected(ticket.ticket_id, page)).map((a) => [a.service_id, a.description]);
        expect(await listed({ limit: 10 })).toEqual([
          [100, 's100'],
          [101, 's101'],
          [102, 's102'],
        ]);
        expect(await listed({ limit: 1, after: 100 })).toEqual([[101, 's101']]);
        expect(await store.listAffected(4242, { limit: 10 })).toEqual([]);
        expect((await store.getTicket(ticket.ticket_id))?.affected_count).toBe(3);
      });

      it('resolves the affected customers a change names, with the ticket, in the same step', async () => {
        // decide must run: two of these assertions are inside it.
        expect.assertions(5);
        await services([101, 102]);
        const ticket = createdTicket(await store.createTicket(refs, rule, () => ok(insert(draft()))));
        for (const id of [102, 100, 101]) await record(ticket.ticket_id, id);
        const resolved = await store.updateTicket(ticket.ticket_id, rule, (context) => {
          expect(context.unresolved.map((a) => a.service_id)).toEqual([100, 101, 102]);
          return resolution(context, [100, 102]);
        });
        expect(resolved.map((t) => [t.status, t.affected_count])).toEqual(ok([3, 3]));
        expect(
          (await store.listAffected(ticket.ticket_id, { limit: 10 })).map((a) => [
            a.service_id,
            a.resolved_at,
            a.answer_text,
          ]),
        ).toEqual([
          [100, NOW + 60_000, 'Reparado'],
          [101, null, null],
          [102, NOW + 60_000, 'Reparado'],
        ]);
        expect(
          (await store.listTicketEvents(ticket.ticket_id, { limit: 10 })).map((e) => [
            e.kind,
            e.after.affected_service_id,
          ]),
        ).toEqual([
          ['affected_added', 102],
          ['affected_added', 100],
          ['affected_added', 101],
          ['affected_resolved', 100],
          ['affected_resolved', 102],
        ]);
        await store.updateTicket(ticket.ticket_id, rule, (context) => {
          expect(context.unresolved.map((a) => a.service_id)).toEqual([101]);
          return err('stop');
        });
      });

      it('never leaves a customer unresolved on a ticket resolved at the same moment from another store', async () => {
        const ids = Array.from({ length: 20 }, (_, i) => 101 + i);
        await services(ids);
        const stores = [store, ...Array.from({ length: 2 }, () => fixture.another?.() ?? store)];
        const on = (i: number) => stores[i % stores.length] as TicketStore;
        const ticket = createdTicket(await store.createTicket(refs, rule, () => ok(insert(draft()))));
        const additions = ids.map((id, i) => record(ticket.ticket_id, id, 'Sin internet', on(i)));
        const resolved = on(1).updateTicket(ticket.ticket_id, rule, (context) => resolution(context));
        const results = await Promise.all([...additions.slice(0, 10), resolved, ...additions.slice(10)]);
        expect(results[10]?.isOk()).toBe(true);
        const affected = await store.listAffected(ticket.ticket_id, { limit: 100 });
        expect(affected.filter((a) => a.resolved_at !== NOW + 60_000)).toEqual([]);
        expect(results.filter((r) => r.isOk())).toHaveLength(affected.length + 1);
        expect((await store.getTicket(ticket.ticket_id))?.affected_count).toBe(affected.length);
      });
    });

    describe('zone capacity through the use cases', () => {
      let desk: TicketDesk;

      beforeEach(() => {
        desk = createTestDesk({ store });
      });

      /** A zone's active tickets as its refusal lists them: newest first. */
      const listed = (tickets: readonly Ticket[]) =>
        [...tickets].sort((a, b) => b.ticket_id - a.ticket_id).map(summaryOf);

      it('lets exactly 3 of 100 parallel creates into a zone of limit 3 through', async () => {
        const results = await Promise.all(Array.from({ length: 100 }, () => desk.createTicket(input)));
        const created = results.filter((r) => r.isOk());
        const refused = results.filter((r) => r.isErr());
        expect(created).toHaveLength(3);
        expect(new Set(created.map((r) => createdTicket(r).ticket_id)).size).toBe(3);
        expect(refused).toHaveLength(97);
        const full = zoneFull(2, 3, 3, listed(created.map(createdTicket)), 0);
        for (const r of refused) expect(r).toEqual(err(full));
        expect(await store.countActiveTickets(2, [1])).toBe(3);
      });

      it('refuses a fourth active ticket, then takes one once a ticket is resolved', async () => {
        const opened = [];
        for (let i = 0; i < 3; i += 1) opened.push(createdTicket(await desk.createTicket(input)));
        expect(await desk.createTicket(input)).toEqual(err(zoneFull(2, 3, 3, listed(opened), 0)));
        const [first, ...others] = opened;
        if (first === undefined) throw new Error('no ticket');
        expect((await desk.updateTicket(first.ticket_id, { status: 3 })).isOk()).toBe(true);
        const fourth = createdTicket(await desk.createTicket(input));
        expect(await desk.createTicket(input)).toEqual(
          err(zoneFull(2, 3, 3, listed([...others, fourth]), 0)),
        );
      });

      it('refuses to reopen a resolved ticket into a full zone, and reopens it when there is room', async () => {
        const opened = [];
        for (let i = 0; i < 3; i += 1) opened.push(createdTicket(await desk.createTicket(input)));
        const [first, second] = opened;
        if (first === undefined || second === undefined) throw new Error('no ticket');
        await desk.updateTicket(first.ticket_id, { status: 3 });
        const fourth = createdTicket(await desk.createTicket(input));
        expect(await desk.updateTicket(first.ticket_id, { status: 1 })).toEqual(
          err(zoneFull(2, 3, 3, listed([...opened.slice(1), fourth]), 0)),
        );
        expect((await store.getTicket(first.ticket_id))?.status).toBe(3);
        await desk.updateTicket(second.ticket_id, { status: 4 });
        const reopened = await desk.updateTicket(first.ticket_id, { status: 1 });
        expect(reopened.map((t) => t.status)).toEqual(ok(1));
      });

      it('holds a zone to its own limit when it has one', async () => {
        const norte = { ...input, service_id: 300, zone_id: 3 };
        const only = createdTicket(await desk.createTicket(norte));
        expect(await desk.createTicket(norte)).toEqual(err(zoneFull(3, 1, 1, listed([only]), 0)));
      });

      it('refuses a full zone on what another store over the same storage has just changed in it, never on what it read before', async () => {
        const norte = { ...input, service_id: 300, zone_id: 3 };
        const elsewhere = createTestDesk({ store: fixture.another?.() ?? store });
        const only = createdTicket(await desk.createTicket(norte));
        // Refused again and again: the same answer, from the same state.
        for (let i = 0; i < 3; i += 1) {
          expect(await desk.createTicket(norte)).toEqual(err(zoneFull(3, 1, 1, listed([only]), 0)));
        }
        const waiting = await elsewhere.createTicket({ ...norte, queue_if_full: true });
        expect(waiting._unsafeUnwrap()).toMatchObject({ kind: 'queued', position: 1 });
        expect(await desk.createTicket(norte)).toEqual(err(zoneFull(3, 1, 1, listed([only]), 1)));
        expect(
          await elsewhere.addAffected(only.ticket_id, { service_id: 300, description: 'x' }),
        ).toMatchObject(ok({ replayed: false }));
        const counted = { ...only, affected_count: 1 };
        expect(await desk.createTicket(norte)).toEqual(err(zoneFull(3, 1, 1, listed([counted]), 1)));
        // The slot frees there: the waiting request takes it, and this store lists it at once.
        (await elsewhere.updateTicket(only.ticket_id, { status: 3 }))._unsafeUnwrap();
        const [admitted] = await store.listTickets({ zone_id: 3, statuses: [1], limit: 50 });
        expect(admitted?.ticket_id).toBeGreaterThan(only.ticket_id);
        expect(await desk.createTicket(norte)).toEqual(
          err(zoneFull(3, 1, 1, listed([admitted as Ticket]), 0)),
        );
        // A higher limit saved there admits the next create here.
        await elsewhere.saveZone(3, { name: 'Norte', max_active_tickets: 2 });
        expect((await desk.createTicket(norte)).isOk()).toBe(true);
      });

      it('lets parallel reopenings of resolved tickets fill a zone only to its limit', async () => {
        const wide = createTestDesk({ store, maxActiveTicketsPerZone: 30 });
        const ids = [];
        for (let i = 0; i < 20; i += 1) ids.push(createdTicket(await wide.createTicket(input)).ticket_id);
        for (const id of ids) await wide.updateTicket(id, { status: 3 });
        const results = await Promise.all(ids.map((id) => desk.updateTicket(id, { status: 1 })));
        expect(results.filter((r) => r.isOk())).toHaveLength(3);
        expect(await store.countActiveTickets(2, [1])).toBe(3);
      });
    });

    describe('idempotent creates and history through the use cases', () => {
      const keyed = (key: string) => ({ actor: 'crm', idempotency: { client: 'crm', key } });

      it('answers 20 concurrent retries of one key with one ticket, created once', async () => {
        const desk = createTestDesk({ store });
        const results = await Promise.all(
          Array.from({ length: 20 }, () => desk.createTicket(input, keyed('k-1'))),
        );
        expect(new Set(results.map((r) => createdTicket(r).ticket_id)).size).toBe(1);
        expect(results.filter((r) => !r._unsafeUnwrap().replayed)).toHaveLength(1);
        expect(await store.listTickets({ limit: 100 })).toHaveLength(1);
      });

      it('refuses a key reused with another body, even for another zone at the same moment', async () => {
        const desk = createTestDesk({ store });
        const other = { ...input, service_id: 300, zone_id: 3 };
        const results = await Promise.all([
          desk.createTicket(input, keyed('k-2')),
          desk.createTicket(other, keyed('k-2')),
          desk.createTicket(input, keyed('k-2')),
          desk.createTicket(other, keyed('k-2')),
        ]);
        const created = await store.listTickets({ limit: 100 });
        expect(created).toHaveLength(1);
        const winner = await store.getTicket(created[0]?.ticket_id ?? 0);
        for (const result of results) {
          if (result.isOk()) expect(createdTicket(result)).toEqual(winner);
          else expect(result.error).toEqual({ type: 'idempotency_key_reused', key: 'k-2' });
        }
        expect(results.filter((r) => r.isErr())).toHaveLength(2);
      });

      it('keeps each ticket change in its history, with its time and who made it', async () => {
        const desk = createTestDesk({ store });
        const ticket = createdTicket(await desk.createTicket(input, { actor: 'crm' }));
        expect(ticket).toMatchObject(input);
        await desk.updateTicket(ticket.ticket_id, { status: 2 }, { actor: 'dispatcher' });
        await desk.updateTicket(
          ticket.ticket_id,
          { status: 3, answer_text: 'Conector cambiado' },
          { actor: null },
        );
        await desk.updateTicket(ticket.ticket_id, { status: 3 }, { actor: 'dispatcher' });
        const history = (await desk.ticketHistory(ticket.ticket_id))._unsafeUnwrap().items;
        expect(history.map(({ event_id: _, ...event }) => event)).toEqual(
          [
            event('created', { actor: 'crm', after: snapshotOf(ticket) }),
            event('status_changed', { actor: 'dispatcher', before: { status: 1 }, after: { status: 2 } }),
            event('status_changed', { before: { status: 2 }, after: { status: 3 } }),
            event('answered', { before: { answer_text: null }, after: { answer_text: 'Conector cambiado' } }),
          ].map((event) => ({ ...event, ticket_id: ticket.ticket_id })),
        );
        expect((await desk.ticketHistory(9999))._unsafeUnwrapErr()).toEqual(ticketNotFound(9999));
      });
    });
  });
}
