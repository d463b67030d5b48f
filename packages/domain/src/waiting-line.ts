import type { BusinessCalendar } from './calendar/business-calendar.js';
import type { CapacityRule } from './capacity.js';
import { announce, type DeliverySettings, type OutboxMessage } from './delivery.js';
import type { Clock } from './ports.js';
import type { ActiveTicketSummary, NewTicket, NewTicketEvent, Priority, Ticket } from './ticket.js';
import { newTicket } from './ticket-changes.js';

/** Where a request waiting for a slot in its zone stands. */
export type QueueState = 'waiting' | 'admitted' | 'withdrawn';

/**
 * A create that found its zone full and asked to wait (`queue_if_full`): the ticket it asks for,
 * kept in its zone's line until a slot frees, first in first out.
 */
export interface QueuedRequest {
  readonly queue_id: number;
  readonly zone_id: number;
  readonly service_id: number;
  readonly technician_id: number;
  readonly subject: string;
  readonly priority: Priority;
  readonly description: string;
  readonly queued_at: number;
  /** Who asked (an API key's name, or null without keys); the ticket is opened in their name. */
  readonly actor: string | null;
  readonly state: QueueState;
  /** The ticket it became, once admitted. */
  readonly ticket_id: number | null;
  /** When it was admitted or withdrawn. */
  readonly settled_at: number | null;
}

/** A request before the store has given it an id: it is waiting. */
export type NewQueuedRequest = Omit<QueuedRequest, 'queue_id' | 'state' | 'ticket_id' | 'settled_at'>;

/** A queued request with its place: 1 for the next to be admitted; null once it no longer waits. */
export interface QueuePlace {
  readonly queued: QueuedRequest;
  readonly position: number | null;
}

/** What admitting a waiting request writes: its ticket, the ticket's events and deliveries. */
export interface Admission {
  readonly ticket: NewTicket;
  readonly events: readonly NewTicketEvent[];
  readonly outbox: readonly OutboxMessage[];
}

/**
 * The zone rule with the power to admit: when a slot frees in a zone (a ticket leaves the active
 * statuses, the zone's limit rises) the store admits the oldest waiting request of that zone in
 * the same transaction, with the ticket `admit` makes of it. Without `admit`, nothing is admitted.
 */
export interface ZoneRule extends CapacityRule {
  readonly admit?: (waiting: QueuedRequest) => Admission;
}

/** The ticket a waiting request becomes when admitted `at`: opened then, its history saying since when it waited. */
export function admitQueued(
  waiting: QueuedRequest,
  opening: { readonly at: number; readonly endDate: number; readonly toWispHub: boolean },
): { readonly ticket: NewTicket; readonly events: readonly NewTicketEvent[] } {
  const { ticket, events } = newTicket(waiting, {
    ...opening,
    priority: waiting.priority,
    actor: waiting.actor,
  });
  const created = events.map((event) => ({
    ...event,
    after: { ...event.after, queue_id: waiting.queue_id, queued_at: waiting.queued_at },
  }));
  return { ticket, events: created };
}

export interface AdmissionDeps {
  readonly clock: Clock;
  readonly calendar: BusinessCalendar;
  readonly resolutionDays: number;
  readonly deliveries: DeliverySettings;
}

/** The zone rule that admits waiting requests as tickets opened at the moment of admission. */
export function admittingRule(rule: CapacityRule, deps: AdmissionDeps): ZoneRule {
  const { clock, calendar, resolutionDays, deliveries } = deps;
  return {
    activeStatuses: rule.activeStatuses,
    isActive: rule.isActive,
    limitFor: rule.limitFor,
    admit(waiting) {
      const at = clock.now();
      const { ticket, events } = admitQueued(waiting, {
        at,
        endDate: calendar.addBusinessDays(at, resolutionDays),
        toWispHub: deliveries.wisphub,
      });
      const outbox: OutboxMessage[] = deliveries.wisphub ? [{ channel: 'wisphub' }] : [];
      return { ticket, events, outbox: [...outbox, ...announce(deliveries, events)] };
    },
  };
}

export const summaryOf = (ticket: Ticket): ActiveTicketSummary => ({
  ticket_id: ticket.ticket_id,
  subject: ticket.subject,
  created_at: ticket.created_at,
  affected_count: ticket.affected_count,
});
