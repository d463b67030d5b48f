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

/** A zone's active tickets against its limit. */
export interface ZoneCapacity {
  readonly zone_id: number;
  readonly name: string;
  readonly active_tickets: number;
  readonly max_tickets: number;
  /** Whether it holds its limit: one more active ticket is refused (or waits in line). */
  readonly is_blocked: boolean;
  /** Requests waiting in its line for a slot. */
  readonly waiting: number;
  /** Its open tickets (not done) past their end_date. */
  readonly overdue: number;
}

/** A zone's capacity, given how many of its tickets are active (and overdue) and how many requests wait. */
export function capacityOf(
  rule: CapacityRule,
  zone: Zone,
  activeTickets: number,
  waiting = 0,
  overdue = 0,
): ZoneCapacity {
  const limit = rule.limitFor(zone);
  return {
    zone_id: zone.zone_id,
    name: zone.name,
    active_tickets: activeTickets,
    max_tickets: limit,
    is_blocked: activeTickets >= limit,
    waiting,
    overdue,
  };
}

/** Refuses one more active ticket in a zone that already holds its limit (and `waiting` requests). */
export function admitActiveTicket(
  rule: CapacityRule,
  zone: Zone,
  activeTickets: number,
  waiting = 0,
): Result<void, ZoneFull> {
  const capacity = capacityOf(rule, zone, activeTickets, waiting);
  return capacity.is_blocked
    ? err(zoneFull(zone.zone_id, activeTickets, capacity.max_tickets, [], waiting))
    : ok(undefined);
}
