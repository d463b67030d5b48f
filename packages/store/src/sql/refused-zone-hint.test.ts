import {
  type CreateContext,
  type CreateDecision,
  createCapacityRule,
  type TicketRefs,
  type TicketStore,
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
});
