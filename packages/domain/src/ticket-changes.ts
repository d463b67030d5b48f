import { err, ok, type Result } from 'neverthrow';
import { type DeliveryNotFailed, deliveryNotFailed } from './errors.js';
import type { CreateTicketInput } from './schemas.js';
import {
  INITIAL_STATUS,
  type NewTicket,
  type NewTicketEvent,
  type Priority,
  type Ticket,
  type TicketSnapshot,
  type TicketStatus,
} from './ticket.js';

/** A ticket's new state and the audit events that describe how it got there. */
export interface Change {
  readonly ticket: Ticket;
  readonly events: readonly NewTicketEvent[];
}

/** The actor of changes that WispHub reports. */
export const WISPHUB_ACTOR = 'wisphub';

/** The fields a new ticket starts with, for its `created` event. */
export function snapshotOf(ticket: NewTicket): TicketSnapshot {
  // Field by field: a rest spread would make a slower, larger object, kept for as long as the event.
  return {
    service_id: ticket.service_id,
    zone_id: ticket.zone_id,
    technician_id: ticket.technician_id,
    subject: ticket.subject,
    priority: ticket.priority,
    description: ticket.description,
    status: ticket.status,
    end_date: ticket.end_date,
    answer_text: ticket.answer_text,
  };
}

/** The `created` event of a new ticket. */
export const createdEvent = (ticket: NewTicket, actor: string | null): NewTicketEvent => ({
  kind: 'created',
  at: ticket.created_at,
  actor,
  before: null,
  after: snapshotOf(ticket),
  note: null,
});

/** What a new ticket needs besides its input. */
export interface Opening {
  /** Its subject's priority. */
  readonly priority: Priority;
  readonly at: number;
  /** When it should be resolved: `at` plus the resolution's business days. */
  readonly endDate: number;
  readonly actor: string | null;
  /** Whether it is to be delivered to WispHub (the connector is on). */
  readonly toWispHub: boolean;
}

/** A ticket opened now, with status INITIAL_STATUS and version 1, and its `created` event. */
export function newTicket(
  input: CreateTicketInput,
  { priority, at, endDate, actor, toWispHub }: Opening,
): { readonly ticket: NewTicket; readonly events: readonly NewTicketEvent[] } {
  const ticket: NewTicket = {
    service_id: input.service_id,
    zone_id: input.zone_id,
    technician_id: input.technician_id,
    subject: input.subject,
    priority,
    description: input.description,
    status: INITIAL_STATUS,
    created_at: at,
    end_date: endDate,
    answer_text: null,
    updated_at: at,
    source: 'api',
    wisphub_ticket_id: null,
    wisphub_sync: toWispHub ? 'pending' : null,
    wisphub_status: null,
    version: 1,
    affected_count: 0,
  };
  return { ticket, events: [createdEvent(ticket, actor)] };
}

const unchanged = (ticket: Ticket): Change => ({ ticket, events: [] });

/** What a change to a ticket may name; what it leaves undefined stays as it is. */
export interface TicketChangeInput {
  readonly status?: TicketStatus | undefined;
  /** Null removes the answer. */
  readonly answer_text?: string | null | undefined;
  readonly technician_id?: number | undefined;
}

/**
 * Moves a ticket to a status, gives or removes its answer, reassigns its technician: one event for
 * each of these it changes, and one version more. A request that changes nothing leaves the
 * ticket, its `updated_at` included, as it was.
 */
export function changeTicket(
  ticket: Ticket,
  input: TicketChangeInput,
  at: number,
  actor: string | null,
): Change {
  const status = input.status ?? ticket.status;
  const answer = input.answer_text === undefined ? ticket.answer_text : input.answer_text;
  const technician = input.technician_id ?? ticket.technician_id;
  const events: NewTicketEvent[] = [];
  const record = (kind: NewTicketEvent['kind'], before: TicketSnapshot, after: TicketSnapshot) =>
    events.push({ kind, at, actor, before, after, note: null });
  if (status !== ticket.status) record('status_changed', { status: ticket.status }, { status });
  if (answer !== ticket.answer_text)
    record('answered', { answer_text: ticket.answer_text }, { answer_text: answer });
  if (technician !== ticket.technician_id) {
    record('technician_changed', { technician_id: ticket.technician_id }, { technician_id: technician });
  }
  if (events.length === 0) return unchanged(ticket);
  return {
    ticket: {
      ...ticket,
      status,
      answer_text: answer,
      technician_id: technician,
      updated_at: at,
      version: ticket.version + 1,
    },
    events,
  };
}

/**
 * Applies the status WispHub reports, when it changed in WispHub since it last reported (or was
 * sent) one: a change made here and not in WispHub stays.
 */
export function applyWispHubStatus(ticket: Ticket, reported: TicketStatus, at: number): Change {
  if (reported === ticket.wisphub_status) return unchanged(ticket);
  const moved = changeTicket(ticket, { status: reported }, at, WISPHUB_ACTOR);
  return { ticket: { ...moved.ticket, wisphub_status: reported }, events: moved.events };
}

/** Records that WispHub holds the ticket under this id, created there with status `sentStatus`. */
export function markDelivered(
  ticket: Ticket,
  wisphubTicketId: number,
  sentStatus: TicketStatus,
  at: number,
): Change {
  return {
    ticket: {
      ...ticket,
      wisphub_ticket_id: wisphubTicketId,
      wisphub_sync: 'delivered',
      wisphub_status: ticket.wisphub_status ?? sentStatus,
      updated_at: at,
      version: ticket.version + 1,
    },
    events: [
      {
        kind: 'delivered',
        at,
        actor: WISPHUB_ACTOR,
        before: { wisphub_ticket_id: ticket.wisphub_ticket_id, wisphub_sync: ticket.wisphub_sync },
        after: { wisphub_ticket_id: wisphubTicketId, wisphub_sync: 'delivered' },
        note: null,
      },
    ],
  };
}

/** Records that WispHub refused the ticket, with WispHub's answer. */
export function markDeliveryFailed(ticket: Ticket, answer: string, at: number): Change {
  return {
    ticket: { ...ticket, wisphub_sync: 'failed', updated_at: at, version: ticket.version + 1 },
    events: [
      {
        kind: 'delivery_failed',
        at,
        actor: WISPHUB_ACTOR,
        before: { wisphub_sync: ticket.wisphub_sync },
        after: { wisphub_sync: 'failed' },
        note: answer,
      },
    ],
  };
}

/** Puts a ticket whose delivery failed back in line for WispHub (a dispatcher's retry). */
export function requeueDelivery(
  ticket: Ticket,
  at: number,
  actor: string | null,
): Result<Change, DeliveryNotFailed> {
  if (ticket.wisphub_sync !== 'failed') return err(deliveryNotFailed(ticket.ticket_id, ticket.wisphub_sync));
  return ok({
    ticket: { ...ticket, wisphub_sync: 'pending', updated_at: at, version: ticket.version + 1 },
    events: [
      {
        kind: 'delivery_retried',
        at,
        actor,
        before: { wisphub_sync: 'failed' },
        after: { wisphub_sync: 'pending' },
        note: null,
      },
    ],
  });
}
