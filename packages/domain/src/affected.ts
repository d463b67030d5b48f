import type { NewTicketEvent, Ticket } from './ticket.js';

/**
 * A customer whose service is down with the fault an active ticket of their zone is about: recorded
 * on that ticket instead of opening another, so the provider knows how many are affected, and
 * resolved with it.
 */
export interface AffectedCustomer {
  readonly ticket_id: number;
  readonly service_id: number;
  /** What the customer reported. */
  readonly description: string;
  readonly added_at: number;
  /** Who recorded it (an API key's name, or null without keys). */
  readonly actor: string | null;
  /** When its ticket was resolved, and the answer it was given; null until then. */
  readonly resolved_at: number | null;
  readonly answer_text: string | null;
}

/** A customer as first recorded: not resolved yet. */
export type NewAffected = Omit<AffectedCustomer, 'resolved_at' | 'answer_text'>;

/** The event that records a customer on a ticket: the ticket's count of them goes up by one. */
export function affectedAddedEvent(ticket: Ticket, affected: NewAffected): NewTicketEvent {
  return {
    kind: 'affected_added',
    at: affected.added_at,
    actor: affected.actor,
    before: { affected_count: ticket.affected_count },
    after: { affected_count: ticket.affected_count + 1, affected_service_id: affected.service_id },
    note: affected.description,
  };
}

/** Which affected customers a change resolves, and when, with what answer. */
export interface AffectedResolution {
  readonly service_ids: readonly number[];
  readonly at: number;
  readonly answer_text: string | null;
}

/**
 * When a change moves a ticket into a status whose work is done, its affected customers not yet
 * resolved are resolved with it, with its answer: one event each. Otherwise nothing.
 */
export function resolveAffected(
  before: Ticket,
  after: Ticket,
  unresolved: readonly AffectedCustomer[],
  isDone: (status: Ticket['status']) => boolean,
  at: number,
  actor: string | null,
): { readonly events: readonly NewTicketEvent[]; readonly resolution: AffectedResolution | undefined } {
  if (unresolved.length === 0 || !isDone(after.status) || isDone(before.status)) {
    return { events: [], resolution: undefined };
  }
  const events = unresolved.map(
    (affected): NewTicketEvent => ({
      kind: 'affected_resolved',
      at,
      actor,
      before: { affected_service_id: affected.service_id },
      after: { affected_service_id: affected.service_id, answer_text: after.answer_text },
      note: null,
    }),
  );
  return {
    events,
    resolution: { service_ids: unresolved.map((a) => a.service_id), at, answer_text: after.answer_text },
  };
}
