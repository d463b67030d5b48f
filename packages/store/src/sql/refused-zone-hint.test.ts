import {
  type CreateContext,
  type CreateDecision,
  createCapacityRule,
  type NewQueuedRequest,
  type TicketRefs,
  type TicketStore,
  type ZoneRule,
} from '@tickets/domain';
import { err, ok, type Result } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { createMemoryTicketStore } from '../memory-ticket-store.js';
import { openedTicket } from '../testing/opened-ticket.js';
import { withRefusedZoneHint } from './refused-zone-hint.js';

const rule = createCapacityRule({ maxActiveTicketsPerZone: 1, activeStatuses: [1] });

const request = (zone_id: number): TicketRefs => ({ zone_id, service_id: 1, technician_id: 1 });

/** Admits a ticket into a zone with room, as the desk does. */
const decide = (context: CreateContext): Result<CreateDecision, 'zone_full'> =>
  context.zone === undefined || context.activeTickets >= rule.limitFor(context.zone)
    ? err('zone_full')
    : ok({ kind: 'insert', ticket: openedTicket(request(context.zone.zone_id)), events: [], outbox: [] });

/** The same rule, with the power to admit waiting requests. */
const admitting: ZoneRule = {
  ...rule,
  admit: (waiting) => ({ ticket: openedTicket(request(waiting.zone_id)), events: [], outbox: [] }),
};

const waitingRequest = (zone_id: number): NewQueuedRequest => ({
  ...request(zone_id),
  subject: 'Falla Masiva',
  priority: 3,
  description: 'x',
  queued_at: 0,
  actor: null,
});

/** As `decide`, for a create that asks to wait in a full zone's line (queue_if_full). */
const decideOrWait = (context: CreateContext): Result<CreateDecision, 'zone_full'> =>
  decide(context).orElse(() =>
    context.zone === undefined
      ? err('zone_full')
      : ok<CreateDecision, 'zone_full'>({ kind: 'enqueue', request: waitingRequest(context.zone.zone_id) }),
  );

/**
 * The memory store behind the hint, counting the creates that reach it (the locked path) and the
 * unlocked reads the hint makes instead.
 */
async function hinted() {
  const inner = createMemoryTicketStore();
  await inner.saveZone({ zone_id: 1, name: 'Z1', max_active_tickets: null });
  await inner.saveZone({ zone_id: 2, name: 'Z2', max_active_tickets: null });
  const counts = { locked: 0, unlocked: 0 };
  const locked: TicketStore['createTicket'] = (creation, capacity, decideIt) => {
    counts.locked += 1;
    return inner.createTicket(creation, capacity, decideIt);
  };
  const store = withRefusedZoneHint({ ...inner, createTicket: locked }, async (creation, capacity) => {
    counts.unlocked += 1;
    return {
      zone: await inner.getZone(creation.zone_id),
      service: undefined,
      technician: undefined,
      activeTickets: await inner.countActiveTickets(creation.zone_id, capacity.activeStatuses),
      waiting: (await inner.countWaitingIn([creation.zone_id])).get(creation.zone_id) ?? 0,
      previous: undefined,
      existing: undefined,
    };
  });
  const create = (zoneId: number) => store.createTicket(request(zoneId), rule, decide);
  const admitted = async (zoneId: number) => (await create(zoneId)).isOk();
  return { inner, store, counts, create, admitted };
}

describe('the refused-zone hint', () => {
  it('refuses a create into a zone that refused the last one on an unlocked read, without the lock', async () => {
    const { counts, create, admitted } = await hinted();
    expect(await admitted(1)).toBe(true);
    expect(await create(1)).toEqual(err('zone_full'));
    expect(counts).toEqual({ locked: 2, unlocked: 0 });
    expect(await create(1)).toEqual(err('zone_full'));
    expect(await create(1)).toEqual(err('zone_full'));
    expect(counts).toEqual({ locked: 2, unlocked: 2 });
  });

  it('reads first only in the zone that refused', async () => {
    const { counts, create, admitted } = await hinted();
    await create(1);
    await create(1);
    expect(await admitted(2)).toBe(true);
    expect(counts).toEqual({ locked: 3, unlocked: 0 });
  });

  it('takes the lock and decides again when the unlocked read would accept, then forgets the zone', async () => {
    const { inner, counts, create, admitted } = await hinted();
    await create(1);
    await create(1);
    // Room made behind the hint's back: the stale entry costs one read.
    const [ticket] = await inner.listTickets({ zone_id: 1, limit: 1 });
    if (ticket === undefined) throw new Error('no ticket in zone 1');
    await inner.updateTicket(ticket.ticket_id, rule, () =>
      ok({ ticket: { ...ticket, status: 3 }, events: [], outbox: [] }),
    );
    expect(await admitted(1)).toBe(true);
    expect(counts).toEqual({ locked: 3, unlocked: 1 });
    // Accepted: the zone is forgotten, and the next refusal is decided under the lock.
    expect(await create(1)).toEqual(err('zone_full'));
    expect(counts).toEqual({ locked: 4, unlocked: 1 });
  });

  it('forgets a zone once a ticket in it changes through the store', async () => {
    const { store, inner, counts, create, admitted } = await hinted();
    await create(1);
    await create(1);
    const [ticket] = await inner.listTickets({ zone_id: 1, limit: 1 });
    if (ticket === undefined) throw new Error('no ticket in zone 1');
    const changed = await store.updateTicket(ticket.ticket_id, rule, () =>
      ok({ ticket: { ...ticket, status: 3 }, events: [], outbox: [] }),
    );
    expect(changed.isOk()).toBe(true);
    expect(await admitted(1)).toBe(true);
    expect(counts).toEqual({ locked: 3, unlocked: 0 });
  });

  it('puts a create that asks to wait in the line under the lock, even in a zone that refused the last create', async () => {
    const { store, inner, counts, create, admitted } = await hinted();
    expect(await admitted(1)).toBe(true);
    expect(await create(1)).toEqual(err('zone_full'));
    const queued = await store.createTicket(request(1), admitting, decideOrWait);
    expect(queued._unsafeUnwrap()).toMatchObject({ kind: 'queued', position: 1, replayed: false });
    expect(counts).toEqual({ locked: 3, unlocked: 1 });
    expect(await inner.countWaitingIn([1])).toEqual(new Map([[1, 1]]));
  });

  it('remembers a zone whose last create waited in its line: it was full', async () => {
    const { store, counts, admitted, create } = await hinted();
    expect(await admitted(1)).toBe(true);
    await store.createTicket(request(1), admitting, decideOrWait);
    expect(counts).toEqual({ locked: 2, unlocked: 0 });
    expect(await create(1)).toEqual(err('zone_full'));
    expect(counts).toEqual({ locked: 2, unlocked: 1 });
  });

  it('takes the lock whenever the unlocked read shows a free slot with requests waiting for it, so they are admitted first', async () => {
    const { store, inner, counts, admitted } = await hinted();
    expect(await admitted(1)).toBe(true);
    const queued = (await store.createTicket(request(1), admitting, decideOrWait))._unsafeUnwrap();
    if (queued.kind !== 'queued') throw new Error('not queued');
    // A slot freed by a rule that cannot admit, behind the hint's back: the request still waits.
    const [ticket] = await inner.listTickets({ zone_id: 1, limit: 1 });
    if (ticket === undefined) throw new Error('no ticket in zone 1');
    await inner.updateTicket(ticket.ticket_id, rule, () =>
      ok({ ticket: { ...ticket, status: 3 }, events: [], outbox: [] }),
    );
    // A refusal the unlocked read could have given: the locked path gives it too, after admitting.
    expect(await store.createTicket(request(1), admitting, () => err('invalid_references'))).toEqual(
      err('invalid_references'),
    );
    expect(counts).toEqual({ locked: 3, unlocked: 1 });
    expect((await inner.getQueued(queued.queued.queue_id))?.queued.state).toBe('admitted');
  });

  it('forgets a zone once it is saved: its limit may have risen', async () => {
    const { store, counts, create, admitted } = await hinted();
    expect(await admitted(1)).toBe(true);
    await create(1);
    await store.saveZone({ zone_id: 1, name: 'Z1', max_active_tickets: 2 }, admitting);
    expect(await admitted(1)).toBe(true);
    expect(counts).toEqual({ locked: 3, unlocked: 0 });
  });
});
