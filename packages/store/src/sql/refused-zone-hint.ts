import type { CreateContext, CreateRequest, TicketStore, ZoneRule } from '@tickets/domain';
import { err, ok } from 'neverthrow';

// Zones remembered at most; past this many the memory starts again, empty.
const MAX_REFUSED_ZONES = 10_000;

/**
 * Whether a create under the zone's lock would first admit waiting requests: then only the
 * locked step may decide, since what it decides on is what admission leaves.
 */
export const admissionDue = (context: CreateContext, rule: ZoneRule): boolean =>
  rule.admit !== undefined &&
  context.zone !== undefined &&
  context.waiting > 0 &&
  context.activeTickets < rule.limitFor(context.zone);

/**
 * The same store, where a create into a zone whose last create here was refused (full, most
 * likely) first decides on `readContext`, an unlocked read of what the create would decide on. A
 * refusal from it is as good as one under the zone's lock (it refuses on a state that was
 * committed), and it takes no lock, so an outage storm of refused creates does not queue on the
 * zone's lock: on PostgreSQL it is one round trip instead of a transaction. A create that the read
 * would accept, or put in the zone's line, goes to `store.createTicket`, which takes the lock and
 * decides again; so does any create while the read shows a free slot with requests waiting for it
 * (admission comes first). A created ticket or a change in the zone, or a save of the zone,
 * forgets it; a request put in the line remembers it (the zone was full). Only a hint: a stale
 * entry costs one read, never correctness.
 */
export function withRefusedZoneHint<
  S extends Pick<TicketStore, 'createTicket' | 'updateTicket' | 'saveZone'>,
>(store: S, readContext: (request: CreateRequest, rule: ZoneRule) => Promise<CreateContext>): S {
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
      const context = await readContext(request, rule);
      if (!admissionDue(context, rule)) {
        const decision = decide(context);
        if (decision.isErr()) return err(decision.error);
        if (decision.value.kind === 'replay')
          return ok({ kind: 'created', ticket: decision.value.ticket, replayed: true });
      }
    }
    const result = await store.createTicket(request, rule, decide);
    remember(
      request.zone_id,
      result.isErr() || (result.value.kind === 'queued' && result.value.position !== null),
    );
    return result;
  };

  const updateTicket: TicketStore['updateTicket'] = async (ticketId, rule, decide) => {
    const result = await store.updateTicket(ticketId, rule, decide);
    // A change may have made room in the zone (a ticket never changes zone).
    if (result.isOk()) refusedZones.delete(result.value.zone_id);
    return result;
  };

  const saveZone: TicketStore['saveZone'] = async (zone, rule) => {
    const saved = await store.saveZone(zone, rule);
    // Its limit may have risen.
    refusedZones.delete(zone.zone_id);
    return saved;
  };

  return { ...store, createTicket, updateTicket, saveZone };
}
