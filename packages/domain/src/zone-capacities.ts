import { err, ok, type Result } from 'neverthrow';
import type { BusinessCalendar } from './calendar/business-calendar.js';
import { type CapacityRule, capacityOf, type ZoneCapacity } from './capacity.js';
import { type ZoneNotFound, zoneNotFound } from './errors.js';
import { type Page, pageOf, pageRequest } from './paging.js';
import type { Clock, TicketStore } from './ports.js';
import type { PageQuery } from './schemas.js';
import { DEFAULT_DONE_STATUSES } from './statuses.js';
import type { TicketStatus } from './ticket.js';
import { countsByGroup, type DueBounds, dueBounds } from './urgency.js';

/** How full zones are: what dispatchers watch before opening one more ticket. */
export interface ZoneCapacities {
  zoneCapacity(zoneId: number): Promise<Result<ZoneCapacity, ZoneNotFound>>;
  /** Zones by id, a page at a time, each with its active tickets against its limit. */
  listZoneCapacities(query: PageQuery): Promise<Page<ZoneCapacity>>;
}

/** What tells a zone's overdue tickets: the time, its zone, and which statuses are done. */
export interface OverdueSettings {
  readonly clock: Clock;
  readonly calendar: BusinessCalendar;
  readonly doneStatuses?: readonly TicketStatus[] | undefined;
}

/** Overdue open tickets per zone (zones with none absent), for the zones' capacities. */
export async function overdueByZone(
  store: TicketStore,
  done: readonly TicketStatus[],
  bounds: DueBounds,
  zoneId?: number,
): Promise<Map<number, number>> {
  const tallies = await store.tallyOpenTickets({ zone_id: zoneId }, { done, bounds, groupBy: 'zone_id' });
  const overdue = new Map<number, number>();
  for (const [group, counts] of countsByGroup(tallies))
    if (group !== null) overdue.set(group, counts.overdue);
  return overdue;
}

export function createZoneCapacities(
  store: TicketStore,
  rule: CapacityRule,
  settings: OverdueSettings,
): ZoneCapacities {
  const done = settings.doneStatuses ?? DEFAULT_DONE_STATUSES;
  const overdueIn = (zoneId?: number) =>
    overdueByZone(store, done, dueBounds(settings.calendar, settings.clock.now()), zoneId);
  return {
    async zoneCapacity(zoneId) {
      const zone = await store.getZone(zoneId);
      if (zone === undefined) return err(zoneNotFound(zoneId));
      const [active, waiting, overdue] = await Promise.all([
        store.countActiveTickets(zoneId, rule.activeStatuses),
        store.countWaitingIn([zoneId]),
        overdueIn(zoneId),
      ]);
      return ok(capacityOf(rule, zone, active, waiting.get(zoneId) ?? 0, overdue.get(zoneId) ?? 0));
    },

    async listZoneCapacities(query) {
      const request = pageRequest(query);
      const zones = await store.listZones(request);
      const ids = zones.map((zone) => zone.zone_id);
      const [counts, waiting, overdue] = await Promise.all([
        store.countActiveTicketsIn(ids, rule.activeStatuses),
        store.countWaitingIn(ids),
        overdueIn(),
      ]);
      const capacities = zones.map((zone) =>
        capacityOf(
          rule,
          zone,
          counts.get(zone.zone_id) ?? 0,
          waiting.get(zone.zone_id) ?? 0,
          overdue.get(zone.zone_id) ?? 0,
        ),
      );
      return pageOf(capacities, request, (capacity) => capacity.zone_id);
    },
  };
}
