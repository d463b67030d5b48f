import type { ActiveTicketSummary, Ticket, TicketStatus } from './ticket.js';

/** A reference a create or save names that the directory refuses. */
export interface ReferenceProblem {
  readonly field: 'service_id' | 'technician_id' | 'zone_id';
  readonly code:
    | 'unknown_service'
    | 'unknown_technician'
    | 'inactive_technician'
    | 'unknown_zone'
    | 'service_in_other_zone';
  readonly id: number;
  /** The problem in a sentence that names the field. */
  readonly message: string;
}

/** A problem with what `field` refers to (its id `id`); the message starts with the field's name. */
export const referenceProblem = (
  field: ReferenceProblem['field'],
  code: ReferenceProblem['code'],
  id: number,
  detail: string,
): ReferenceProblem => ({ field, code, id, message: `${field}: ${detail}` });

export interface UnknownSubject {
  readonly type: 'unknown_subject';
  readonly subject: string;
}

export interface InvalidReferences {
  readonly type: 'invalid_references';
  readonly problems: readonly ReferenceProblem[];
}

export interface ZoneFull {
  readonly type: 'zone_full';
  readonly zone_id: number;
  readonly active_tickets: number;
  readonly max_tickets: number;
  /** The zone's active tickets, newest first (at most 50): is the customer's fault one of these? */
  readonly tickets: readonly ActiveTicketSummary[];
  /** Requests waiting in the zone's line. */
  readonly waiting: number;
}

export interface TicketNotFound {
  readonly type: 'ticket_not_found';
  readonly ticket_id: number;
}

export interface ZoneNotFound {
  readonly type: 'zone_not_found';
  readonly zone_id: number;
}

/** An idempotency key already used for a create with a different body. */
export interface IdempotencyKeyReused {
  readonly type: 'idempotency_key_reused';
  readonly key: string;
}

/** A retry of a delivery to WispHub for a ticket whose delivery has not failed. */
export interface DeliveryNotFailed {
  readonly type: 'delivery_not_failed';
  readonly ticket_id: number;
  /** Where its delivery stands instead (null: the ticket was never meant for WispHub). */
  readonly wisphub_sync: 'pending' | 'delivered' | 'failed' | null;
}

/** A change made against a version of the ticket that is no longer its latest. */
export interface TicketChanged {
  readonly type: 'ticket_changed';
  /** The ticket as it is now. */
  readonly ticket: Ticket;
}

/** An affected customer recorded on a ticket that no longer counts against its zone. */
export interface TicketNotActive {
  readonly type: 'ticket_not_active';
  readonly ticket_id: number;
  readonly status: TicketStatus;
}

/** No request in a waiting line has this id. */
export interface QueueEntryNotFound {
  readonly type: 'queue_entry_not_found';
  readonly queue_id: number;
}

/** A withdrawal of a request that no longer waits: admitted (its ticket given) or withdrawn. */
export interface QueueEntryNotWaiting {
  readonly type: 'queue_entry_not_waiting';
  readonly queue_id: number;
  readonly state: 'admitted' | 'withdrawn';
  readonly ticket_id: number | null;
}

/** A WispHub operation while the connector is off (WISPHUB_URL unset). */
export interface WispHubDisabled {
  readonly type: 'wisphub_disabled';
}

/** Every expected refusal of the ticket use cases. */
export type TicketError =
  | UnknownSubject
  | InvalidReferences
  | ZoneFull
  | TicketNotFound
  | ZoneNotFound
  | IdempotencyKeyReused
  | DeliveryNotFailed
  | WispHubDisabled
  | TicketChanged
  | TicketNotActive
  | QueueEntryNotFound
  | QueueEntryNotWaiting;

export const unknownSubject = (subject: string): UnknownSubject => ({
  type: 'unknown_subject',
  subject,
});

export const invalidReferences = (problems: readonly ReferenceProblem[]): InvalidReferences => ({
  type: 'invalid_references',
  problems,
});

export const zoneFull = (
  zone_id: number,
  active_tickets: number,
  max_tickets: number,
  tickets: readonly ActiveTicketSummary[] = [],
  waiting = 0,
): ZoneFull => ({ type: 'zone_full', zone_id, active_tickets, max_tickets, tickets, waiting });

export const ticketNotFound = (ticket_id: number): TicketNotFound => ({
  type: 'ticket_not_found',
  ticket_id,
});

export const zoneNotFound = (zone_id: number): ZoneNotFound => ({ type: 'zone_not_found', zone_id });

export const idempotencyKeyReused = (key: string): IdempotencyKeyReused => ({
  type: 'idempotency_key_reused',
  key,
});

export const deliveryNotFailed = (
  ticket_id: number,
  wisphub_sync: DeliveryNotFailed['wisphub_sync'],
): DeliveryNotFailed => ({ type: 'delivery_not_failed', ticket_id, wisphub_sync });

export const wisphubDisabled: WispHubDisabled = { type: 'wisphub_disabled' };

export const ticketChanged = (ticket: Ticket): TicketChanged => ({ type: 'ticket_changed', ticket });

export const ticketNotActive = (ticket_id: number, status: TicketStatus): TicketNotActive => ({
  type: 'ticket_not_active',
  ticket_id,
  status,
});

export const queueEntryNotFound = (queue_id: number): QueueEntryNotFound => ({
  type: 'queue_entry_not_found',
  queue_id,
});

export const queueEntryNotWaiting = (
  queue_id: number,
  state: QueueEntryNotWaiting['state'],
  ticket_id: number | null,
): QueueEntryNotWaiting => ({ type: 'queue_entry_not_waiting', queue_id, state, ticket_id });
