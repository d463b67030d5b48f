import { err, ok, type Result } from 'neverthrow';
import { type CapacityRule, capacityOf, type ZoneCapacity } from './capacity.js';
import { type ZoneNotFound, zoneNotFound } from './errors.js';
import { type Page, pageOf, pageRequest } from './paging.js';
import type { TicketStore } from './ports.js';
import type { PageQuery } from './schemas.js';

/** How full zones are: what dispatchers watch before opening one more ticket. */
export interface ZoneCapacities {
  zoneCapacity(zoneId: number): Promise<Result<ZoneCapacity, ZoneNotFound>>;
  /** Zones by id, a page at a time, each with its active tickets against its limit. */
  listZoneCapacities(query: PageQuery): Promise<Page<ZoneCapacity>>;
}

export function createZoneCapacities(store: TicketStore, rule: CapacityRule): ZoneCapacities {
  return {
    async zoneCapacity(zoneId) {
      const zone = await store.getZone(zoneId);
      if (zone === undefined) return err(zoneNotFound(zoneId));
      const [active, waiting] = await Promise.all([
        store.countActiveTickets(zoneId, rule.activeStatuses),
        store.countWaitingIn([zoneId]),
      ]);
      return ok(capacityOf(rule, zone, active, waiting.get(zoneId) ?? 0));
    },

    async listZoneCapacities(query) {
      const request = pageRequest(query);
      const zones = await store.listZones(request);
      const ids = zones.map((zone) => zone.zone_id);
      const [counts, waiting] = await Promise.all([
        store.countActiveTicketsIn(ids, rule.activeStatuses),
        store.countWaitingIn(ids),
      ]);
      const capacities = zones.map((zone) =>
        capacityOf(rule, zone, counts.get(zone.zone_id) ?? 0, waiting.get(zone.zone_id) ?? 0),
      );
      return pageOf(capacities, request, (capacity) => capacity.zone_id);
    },
  };
}
