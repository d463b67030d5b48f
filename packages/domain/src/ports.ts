import type { Result } from 'neverthrow';
import type { CapacityRule } from './capacity.js';
import type { TicketNotFound } from './errors.js';
import type { NewTicket, Service, Technician, Ticket, TicketChange, TicketStatus, Zone } from './ticket.js';

/** The current time. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The ids a new ticket refers to. */
export interface TicketRefs {
  readonly service_id: number;
  readonly technician_id: number;
  readonly zone_id: number;
}

/** What a create decides on: the referenced records and the zone's load, read under the zone's lock. */
export interface CreateContext {
  readonly zone: Zone | undefined;
  readonly service: Service | undefined;
  readonly technician: Technician | undefined;
  /** Active tickets in the zone, counted up to the zone's limit (0 when the zone is unknown). */
  readonly activeTickets: number;
}

/** What a status change decides on, read under the lock of the ticket's zone. */
export interface UpdateContext {
  readonly ticket: Ticket;
  readonly zone: Zone;
  /** Active tickets in the zone, counted up to the zone's limit. */
  readonly activeTickets: number;
}

/** A page request: ids after `after` in the listing's order, at most `limit` of them. */
export interface PageRequest {
  readonly limit: number;
  readonly after?: number | undefined;
}

export interface TicketFilter extends PageRequest {
  readonly zone_id?: number | undefined;
  readonly status?: TicketStatus | undefined;
}

/**
 * Tickets and the directory they refer to (zones, technicians, services). Zones are never deleted,
 * and a ticket's zone never changes.
 */
export interface TicketStore {
  /**
   * Reads the create context and, in one step that no other create or change in the same zone can
   * interleave with (across processes), inserts the ticket `decide` returns with a new, increasing
   * id. Writes nothing when `decide` returns an error, and returns that error.
   */
  createTicket<E>(
    refs: TicketRefs,
    rule: CapacityRule,
    decide: (context: CreateContext) => Result<NewTicket, E>,
  ): Promise<Result<Ticket, E>>;
  /** Like `createTicket`, for a change to an existing ticket; `ticket_not_found` when there is none. */
  updateTicket<E>(
    ticketId: number,
    rule: CapacityRule,
    decide: (context: UpdateContext) => Result<TicketChange, E>,
  ): Promise<Result<Ticket, E | TicketNotFound>>;
  /** The ticket with this id, if any. */
  getTicket(ticketId: number): Promise<Ticket | undefined>;
  /** Tickets matching the filter, newest first; `after` is a ticket id and lists older ones. */
  listTickets(filter: TicketFilter): Promise<readonly Ticket[]>;
  /** All active tickets of a zone, without a cap. */
  countActiveTickets(zoneId: number, activeStatuses: readonly TicketStatus[]): Promise<number>;
  /** Inserts or replaces a zone. */
  saveZone(zone: Zone): Promise<Zone>;
  getZone(zoneId: number): Promise<Zone | undefined>;
  /** Zones by ascending id; `after` is a zone id. */
  listZones(page: PageRequest): Promise<readonly Zone[]>;
  /** Inserts or replaces a technician. */
  saveTechnician(technician: Technician): Promise<Technician>;
  /** Technicians by ascending id; `after` is a technician id. */
  listTechnicians(page: PageRequest): Promise<readonly Technician[]>;
  /** Inserts or replaces a service; its zone exists. */
  saveService(service: Service): Promise<Service>;
  /** Services by ascending id; `after` is a service id. */
  listServices(page: PageRequest): Promise<readonly Service[]>;
}

/**
 * Thrown by a store that cannot reach its storage for now (down, unreachable, overloaded, a lock
 * not granted in time). Not a refusal of the request: it may be retried, and HTTP answers 503.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}
