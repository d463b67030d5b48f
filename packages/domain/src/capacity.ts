import { err, ok, type Result } from 'neverthrow';
import { type ZoneFull, zoneFull } from './errors.js';
import type { TicketStatus, Zone } from './ticket.js';

/** Which tickets count against a zone, and how many may. Built once from configuration. */
export interface CapacityRule {
  readonly activeStatuses: readonly TicketStatus[];
  isActive(status: TicketStatus): boolean;
  /** The zone's own limit when it has one, else the default. */
  limitFor(zone: Zone): number;
}

export interface CapacitySettings {
  /** Limit for zones without their own (MAX_ACTIVE_TICKETS_PER_ZONE). */
  readonly maxActiveTicketsPerZone: number;
  /** Statuses that count as active (ACTIVE_TICKET_STATES). */
  readonly activeStatuses: readonly TicketStatus[];
}

export function createCapacityRule(settings: CapacitySettings): CapacityRule {
  const active = new Set(settings.activeStatuses);
  return {
    activeStatuses: [...active].sort(),
    isActive: (status) => active.has(status),
    limitFor: (zone) => zone.max_active_tickets ?? settings.maxActiveTicketsPerZone,
  };
}

/** Refuses one more active ticket in a zone that already holds its limit. */
export function admitActiveTicket(
  rule: CapacityRule,
  zone: Zone,
  activeTickets: number,
): Result<void, ZoneFull> {
  const limit = rule.limitFor(zone);
  return activeTickets >= limit ? err(zoneFull(zone.zone_id, activeTickets, limit)) : ok(undefined);
}
