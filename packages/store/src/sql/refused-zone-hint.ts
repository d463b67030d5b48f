import type { CapacityRule, CreateContext, CreateRequest, TicketStore } from '@tickets/domain';
import { err, ok } from 'neverthrow';

// Zones remembered at most; past this many the memory starts again, empty.
const MAX_REFUSED_ZONES = 10_000;

/**
 * The same store, where a create into a zone whose last create here was refused (full, most
 * likely) first decides on `readContext`, an unlocked read of what the create would decide on. A
 * refusal from it is as good as one under the zone's lock (it refuses on a state that was
 * committed), and it takes no lock, so an outage storm of refused creates does not queue on the
 * zone's lock: on PostgreSQL it is one round trip instead of a transaction. A create that the read
 * would accept goes to `store.createTicket`, which takes the lock and decides again. An accepted
 * create or a ticket change in the zone forgets it. Only a hint: a stale entry costs one read,
 * never correctness.
 */
export function withRefusedZoneHint<S extends Pick<TicketStore, 'createTicket' | 'updateTicket'>>(
  store: S,
  readContext: (request: CreateRequest, rule: CapacityRule) => Promise<CreateContext>,
): S {
  const refusedZones = new Set<number>();
  const remember = (zoneId: number, refused: boolean) => {
    if (!refused) refusedZones.delete(zoneId);
    else {
      if (refusedZones.size >= MAX_REFUSED_ZONES) refusedZones.clear();
      refusedZones.add(zoneId);
    }
  };

  const createTicket: TicketStore['createTicket'] = async (request, rule, decide) => {
    if (refusedZones.has(request.zone_id)) {
      const decision = decide(await readContext(request, rule));
      if (decision.isErr()) return err(decision.error);
      if (decision.value.kind === 'replay') return ok({ ticket: decision.value.ticket, replayed: true });
    }
    const result = await store.createTicket(request, rule, decide);
    remember(request.zone_id, result.isErr());
    return result;
  };

  const updateTicket: TicketStore['updateTicket'] = async (ticketId, rule, decide) => {
    const result = await store.updateTicket(ticketId, rule, decide);
    // A change may have made room in the zone (a ticket never changes zone).
    if (result.isOk()) refusedZones.delete(result.value.zone_id);
    return result;
  };

  return { ...store, createTicket, updateTicket };
}
