import type { Result } from 'neverthrow';
import type { CapacityRule } from './capacity.js';
import type { TicketNotFound } from './errors.js';
import type {
  NewTicket,
  NewTicketEvent,
  Service,
  Technician,
  Ticket,
  TicketChange,
  TicketEvent,
  TicketStatus,
  Zone,
} from './ticket.js';

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

/** A create's idempotency key: `key` is unique per `client` (an API key's name, or '' without keys). */
export interface IdempotencyClaim {
  readonly client: string;
  readonly key: string;
  /** What the request asked for, compared exactly with the request that first used the key. */
  readonly fingerprint: string;
}

export interface CreateRequest extends TicketRefs {
  readonly idempotency?: IdempotencyClaim | undefined;
}

/** What a create decides on, read under the zone's lock. */
export interface CreateContext {
  readonly zone: Zone | undefined;
  readonly service: Service | undefined;
  readonly technician: Technician | undefined;
  /** Active tickets in the zone (0 when the zone is unknown), kept at a cost that does not grow with the zone. */
  readonly activeTickets: number;
  /** The ticket a create with the same idempotency key recorded earlier, with that create's fingerprint. */
  readonly previous: { readonly fingerprint: string; readonly ticket: Ticket } | undefined;
}

/** A create's decision: insert a ticket with its audit events, or answer with the one recorded earlier. */
export type CreateDecision =
  | { readonly kind: 'insert'; readonly ticket: NewTicket; readonly events: readonly NewTicketEvent[] }
  | { readonly kind: 'replay'; readonly ticket: Ticket };

export interface CreateOutcome {
  readonly ticket: Ticket;
  /** True when the ticket was created by an earlier request with the same idempotency key. */
  readonly replayed: boolean;
}

/** What a status change decides on, read under the lock of the ticket's zone. */
export interface UpdateContext {
  readonly ticket: Ticket;
  readonly zone: Zone;
  /** Active tickets in the zone. */
  readonly activeTickets: number;
}

/** A change's decision: the new values, and the audit events that describe it. */
export interface UpdateDecision {
  readonly change: TicketChange;
  readonly events: readonly NewTicketEvent[];
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
 * Tickets, their audit trail, idempotency keys, and the directory they refer to (zones,
 * technicians, services). Zones are never deleted, and a ticket's zone never changes.
 */
export interface TicketStore {
  /**
   * Reads the create context (with the ticket recorded under the request's idempotency key, if any)
   * and, in one step that no other create or change in the same zone can interleave with (across
   * processes), carries out what `decide` returns: an insert writes the ticket with a new,
   * increasing id, its events, and its idempotency key, all or nothing. Writes nothing when
   * `decide` returns an error, and returns that error.
   */
  createTicket<E>(
    request: CreateRequest,
    rule: CapacityRule,
    decide: (context: CreateContext) => Result<CreateDecision, E>,
  ): Promise<Result<CreateOutcome, E>>;
  /** Like `createTicket`, for a change to an existing ticket and its events; `ticket_not_found` when there is none. */
  updateTicket<E>(
    ticketId: number,
    rule: CapacityRule,
    decide: (context: UpdateContext) => Result<UpdateDecision, E>,
  ): Promise<Result<Ticket, E | TicketNotFound>>;
  /** The ticket with this id, if any. */
  getTicket(ticketId: number): Promise<Ticket | undefined>;
  /** Tickets matching the filter, newest first; `after` is a ticket id and lists older ones. */
  listTickets(filter: TicketFilter): Promise<readonly Ticket[]>;
  /** A ticket's audit events, oldest first. */
  listTicketEvents(ticketId: number): Promise<readonly TicketEvent[]>;
  /** All active tickets of a zone. */
  countActiveTickets(zoneId: number, activeStatuses: readonly TicketStatus[]): Promise<number>;
  /** The active tickets of each of these zones (0 for a zone with none), in one go. */
  countActiveTicketsIn(
    zoneIds: readonly number[],
    activeStatuses: readonly TicketStatus[],
  ): Promise<ReadonlyMap<number, number>>;
  /** Forgets idempotency keys recorded before this time; returns how many. */
  purgeIdempotencyKeys(recordedBefore: number): Promise<number>;
  /** Inserts or replaces a zone. */
  saveZone(zone: Zone): Promise<Zone>;
  /** Inserts or replaces many zones in one transaction. */
  saveZones(zones: readonly Zone[]): Promise<void>;
  getZone(zoneId: number): Promise<Zone | undefined>;
  /** Zones by ascending id; `after` is a zone id. */
  listZones(page: PageRequest): Promise<readonly Zone[]>;
  /** Inserts or replaces a technician. */
  saveTechnician(technician: Technician): Promise<Technician>;
  /** Inserts or replaces many technicians in one transaction. */
  saveTechnicians(technicians: readonly Technician[]): Promise<void>;
  /** Technicians by ascending id; `after` is a technician id. */
  listTechnicians(page: PageRequest): Promise<readonly Technician[]>;
  /** Inserts or replaces a service; its zone exists. */
  saveService(service: Service): Promise<Service>;
  /** Inserts or replaces many services in one transaction; their zones exist. */
  saveServices(services: readonly Service[]): Promise<void>;
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
