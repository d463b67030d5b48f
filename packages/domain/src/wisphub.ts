import type { Result } from 'neverthrow';
import type { RemoteFailure } from './delivery.js';
import type { Priority, Ticket, TicketStatus } from './ticket.js';

/** A zone as WispHub names it. */
export interface WispHubZone {
  readonly zone_id: number;
  readonly name: string;
}

/** A technician as WispHub names it. */
export interface WispHubTechnician {
  readonly technician_id: number;
  readonly name: string;
}

/** A client's service as WispHub lists it: its zone and technician may be missing. */
export interface WispHubClient {
  readonly service_id: number;
  readonly customer_name: string | null;
  readonly zone: WispHubZone | null;
  readonly technician: WispHubTechnician | null;
}

/** A ticket as WispHub holds it. What WispHub leaves out is null. Times are epoch milliseconds. */
export interface WispHubTicket {
  readonly wisphub_ticket_id: number;
  readonly status: TicketStatus;
  readonly description: string;
  readonly subject: string | null;
  readonly priority: Priority | null;
  readonly service: {
    readonly service_id: number;
    readonly customer_name: string | null;
    readonly zone: WispHubZone | null;
  } | null;
  readonly technician: WispHubTechnician | null;
  readonly created_at: number | null;
  readonly end_date: number | null;
}

/** One page of WispHub's clients, and how many there are in all. */
export interface WispHubClientPage {
  readonly clients: readonly WispHubClient[];
  readonly count: number;
  /** Records of the page that could not be read. */
  readonly skipped: number;
}

/**
 * The WispHub account this service delivers tickets to and reads state from. Every call answers
 * a value: a refusal or an outage is a RemoteFailure, never a throw.
 */
export interface WispHub {
  /** Opens the ticket in WispHub (its description carrying `referenceOf(ticket)`); answers its id there. */
  createTicket(ticket: Ticket): Promise<Result<number, RemoteFailure>>;
  /** The id in WispHub of the ticket there that carries this ticket's reference, if one does. */
  findTicket(ticket: Ticket): Promise<Result<number | null, RemoteFailure>>;
  /** Every ticket in WispHub whose status is one of these, all pages. */
  listTickets(statuses: readonly TicketStatus[]): Promise<Result<readonly WispHubTicket[], RemoteFailure>>;
  /** One ticket; null when WispHub has none with this id. */
  getTicket(wisphubTicketId: number): Promise<Result<WispHubTicket | null, RemoteFailure>>;
  /** Every client, a page at a time; a failure ends the pages. */
  clientPages(): AsyncIterable<Result<WispHubClientPage, RemoteFailure>>;
}

/** The line a ticket delivered to WispHub carries in its description, so it can be found again. */
export const referenceOf = (ticketId: number): string => `Ref. tickets #${ticketId}`;

const REFERENCE = /Ref\. tickets #(\d{1,15})(?!\d)/g;

/** The ticket id a WispHub description refers to (its last reference), if it carries one. */
export function referencedTicketId(description: string): number | undefined {
  let found: number | undefined;
  for (const match of description.matchAll(REFERENCE)) found = Number(match[1]);
  return found;
}
