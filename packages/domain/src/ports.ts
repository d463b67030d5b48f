import type { Result } from 'neverthrow';
import type { AffectedCustomer, AffectedResolution, NewAffected } from './affected.js';
import type { Delivery, DeliveryChannel, DeliveryStats, OutboxMessage } from './delivery.js';
import type { QueueEntryNotFound, QueueEntryNotWaiting, TicketNotFound } from './errors.js';
import type {
  NamedTicket,
  NewTicket,
  NewTicketEvent,
  Service,
  Technician,
  Ticket,
  TicketEvent,
  TicketStatus,
  Zone,
} from './ticket.js';
import type { TicketSort } from './ticket-order.js';
import type { TicketSearch } from './ticket-search.js';
import type { DueBounds, TicketTally } from './urgency.js';
import type { NewQueuedRequest, QueuedRequest, QueuePlace, ZoneRule } from './waiting-line.js';

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

export interface CreateRequest extends Omit<TicketRefs, 'technician_id'> {
  /** Null only for a ticket brought in from WispHub without a technician. */
  readonly technician_id: number | null;
  readonly idempotency?: IdempotencyClaim | undefined;
  /** For a ticket brought in from WispHub: its id there, to find one brought in already. */
  readonly wisphub_ticket_id?: number | undefined;
  /**
   * The insert `decide` returns whenever the zone is known, the service is in it, the technician
   * is active, no earlier create used the key, nobody waits in the zone and it has a free slot
   * under the rule. A store may write it on those conditions in the same step that reads the
   * context (PostgreSQL: one round trip), then asks `decide`, which must return it.
   */
  readonly planned?: PlannedInsert | undefined;
}

/** A create's insert decision, known before its context is read. */
export type PlannedInsert = Extract<CreateDecision, { readonly kind: 'insert' }>;

/** What a create decides on, read under the zone's lock. */
export interface CreateContext {
  readonly zone: Zone | undefined;
  readonly service: Service | undefined;
  readonly technician: Technician | undefined;
  /** Active tickets in the zone (0 when the zone is unknown), kept at a cost that does not grow with the zone. */
  readonly activeTickets: number;
  /**
   * What a create with the same idempotency key recorded earlier, with that create's fingerprint:
   * its ticket, or its place in the zone's waiting line (and the ticket, once admitted).
   */
  readonly previous:
    | {
        readonly fingerprint: string;
        readonly ticket: Ticket | undefined;
        readonly queued: QueuedRequest | undefined;
      }
    | undefined;
  /** Requests waiting in the zone's line (after any the step admitted first). */
  readonly waiting: number;
  /** The ticket that already holds the request's `wisphub_ticket_id`, if any. */
  readonly existing: Ticket | undefined;
}

/**
 * A create's decision: insert a ticket with its audit events and its outbox messages (deliveries
 * to make once it is committed); put the request in its zone's waiting line; or answer with what
 * an earlier request with the same key recorded.
 */
export type CreateDecision =
  | {
      readonly kind: 'insert';
      readonly ticket: NewTicket;
      readonly events: readonly NewTicketEvent[];
      readonly outbox: readonly OutboxMessage[];
    }
  | { readonly kind: 'enqueue'; readonly request: NewQueuedRequest }
  | { readonly kind: 'replay'; readonly ticket: Ticket }
  | { readonly kind: 'replay_queued'; readonly queued: QueuedRequest };

/** What a create did: a ticket, or a place in its zone's line; `replayed` when an earlier request with the key did it. */
export type CreateOutcome =
  | { readonly kind: 'created'; readonly ticket: Ticket; readonly replayed: boolean }
  | {
      readonly kind: 'queued';
      readonly queued: QueuedRequest;
      /** 1 for the next to be admitted; null once it no longer waits (a replay of an admitted one answers its ticket). */
      readonly position: number | null;
      readonly replayed: boolean;
    };

/** What a status change decides on, read under the lock of the ticket's zone. */
export interface UpdateContext {
  readonly ticket: Ticket;
  readonly zone: Zone;
  /** Active tickets in the zone. */
  readonly activeTickets: number;
  /** Its affected customers not yet resolved (none read when `ticket.affected_count` is 0). */
  readonly unresolved: readonly AffectedCustomer[];
}

/** A change's decision: the ticket as it is to be, the audit events that describe it, its outbox messages. */
export interface UpdateDecision {
  /** The same ticket (id, zone, service and creation unchanged) with its new values. */
  readonly ticket: Ticket;
  readonly events: readonly NewTicketEvent[];
  readonly outbox: readonly OutboxMessage[];
  /** Affected customers resolved with the ticket, in the same transaction. */
  readonly resolveAffected?: AffectedResolution | undefined;
}

/** What recording an affected customer decides on, read under the lock of the ticket's zone. */
export interface AffectedContext {
  readonly ticket: Ticket;
  readonly service: Service | undefined;
  /** The record of this service on this ticket, if it is there already. */
  readonly existing: AffectedCustomer | undefined;
}

/** Record the customer (with the ticket's event and its deliveries), or answer with the record there. */
export type AffectedDecision =
  | {
      readonly kind: 'insert';
      readonly affected: NewAffected;
      readonly events: readonly NewTicketEvent[];
      readonly outbox: readonly OutboxMessage[];
    }
  | { readonly kind: 'replay'; readonly affected: AffectedCustomer };

export interface AffectedOutcome {
  readonly affected: AffectedCustomer;
  /** The ticket as it is now, its `affected_count` counting the record. */
  readonly ticket: Ticket;
  /** True when the record was there already. */
  readonly replayed: boolean;
}

/** A page request: ids after `after` in the listing's order, at most `limit` of them. */
export interface PageRequest {
  readonly limit: number;
  readonly after?: number | undefined;
}

/** Which tickets a listing or a tally takes: those that match every field given. */
export interface TicketMatch {
  readonly zone_id?: number | undefined;
  readonly status?: TicketStatus | undefined;
  /** Only tickets in one of these statuses. */
  readonly statuses?: readonly TicketStatus[] | undefined;
  readonly technician_id?: number | undefined;
  /** Only tickets in none of these statuses. */
  readonly excluded_statuses?: readonly TicketStatus[] | undefined;
  /** Only tickets whose end_date is at or after this instant. */
  readonly end_from?: number | undefined;
  /** Only tickets whose end_date is before this instant. */
  readonly end_before?: number | undefined;
  /** Only tickets matching this search (see matchesSearch). */
  readonly search?: TicketSearch | undefined;
}

/** A page of tickets in the order `sort` asks for: newest first (`after` a ticket id) unless it names another. */
export interface TicketFilter extends PageRequest, TicketMatch {
  readonly sort?: TicketOrder | undefined;
}

/** A listing's order other than newest first, and where its page starts. */
export interface TicketOrder {
  readonly by: Exclude<TicketSort, 'newest'>;
  /** The statuses in which a ticket counts as done (`urgent` puts them last). */
  readonly done: readonly TicketStatus[];
  /** The sort key (sortKeyOf) of the ticket the page starts after; the first page without it. */
  readonly after?: readonly number[] | undefined;
}

/** What a tally counts: open tickets (in none of `done`), grouped, with their end_date against `bounds`. */
export interface TallyRequest {
  readonly done: readonly TicketStatus[];
  readonly bounds: DueBounds;
  /** Counted per zone or per technician; all together (group null) when absent. */
  readonly groupBy?: 'zone_id' | 'technician_id' | undefined;
}

/**
 * Tickets, their audit trail, idempotency keys, affected customers, zones' waiting lines, and the
 * directory they refer to (zones, technicians, services). Zones are never deleted, and a
 * ticket's zone never changes.
 *
 * **Admission.** Every step below that holds a zone's lock (createTicket, updateTicket,
 * saveZone with a rule, a delivery's change) ends, when its rule can `admit`, by admitting the
 * zone's oldest waiting requests while the zone has a free slot: each becomes the ticket
 * `rule.admit` makes of it (its events and outbox written with it), its record is marked
 * admitted with the ticket's id, and its idempotency key, if any, answers that ticket from then
 * on. createTicket admits before it reads the context, so a new request never takes a slot ahead
 * of one waiting.
 */
export interface TicketStore {
  /**
   * Reads the create context (with what the request's idempotency key recorded, if any) and, in
   * one step that no other create or change in the same zone can interleave with (across
   * processes), carries out what `decide` returns: an insert writes the ticket with a new,
   * increasing id, its events, its idempotency key and its outbox messages, all or nothing; an
   * enqueue writes the request at the end of its zone's line, with its idempotency key.
   * Writes nothing when `decide` returns an error, and returns that error.
   */
  createTicket<E>(
    request: CreateRequest,
    rule: ZoneRule,
    decide: (context: CreateContext) => Result<CreateDecision, E>,
  ): Promise<Result<CreateOutcome, E>>;
  /**
   * Like `createTicket`, for a change to an existing ticket, its events and its outbox messages
   * (and the affected customers it resolves); `ticket_not_found` when there is none.
   */
  updateTicket<E>(
    ticketId: number,
    rule: ZoneRule,
    decide: (context: UpdateContext) => Result<UpdateDecision, E>,
  ): Promise<Result<Ticket, E | TicketNotFound>>;
  /**
   * Records a customer's service as affected by a ticket, under the lock of the ticket's zone:
   * what `decide` returns is written with the ticket's `affected_count` one higher (its `version`
   * unchanged); `ticket_not_found` when there is no such ticket.
   */
  addAffected<E>(
    ticketId: number,
    serviceId: number,
    decide: (context: AffectedContext) => Result<AffectedDecision, E>,
  ): Promise<Result<AffectedOutcome, E | TicketNotFound>>;
  /** A ticket's affected customers by service id; `after` is a service id. */
  listAffected(ticketId: number, page: PageRequest): Promise<readonly AffectedCustomer[]>;
  /** A request of a waiting line, with its place while it waits. */
  getQueued(queueId: number): Promise<QueuePlace | undefined>;
  /** Takes a waiting request out of its zone's line, under the zone's lock. */
  withdrawQueued(
    queueId: number,
    at: number,
  ): Promise<Result<QueuedRequest, QueueEntryNotFound | QueueEntryNotWaiting>>;
  /** A zone's waiting requests with their places, first in line first; `after` is a queue id. */
  listQueue(zoneId: number, page: PageRequest): Promise<readonly QueuePlace[]>;
  /** How many requests wait in each of these zones (0 for a zone with none). */
  countWaitingIn(zoneIds: readonly number[]): Promise<ReadonlyMap<number, number>>;
  /** The ticket with this id, if any. */
  getTicket(ticketId: number): Promise<Ticket | undefined>;
  /**
   * Tickets matching the filter, with their customer's and technician's names: newest first
   * (`after` a ticket id lists older ones), or in the order `sort` names (see sortTerms).
   */
  listTickets(filter: TicketFilter): Promise<readonly NamedTicket[]>;
  /** Open tickets matching, counted by group, status and where their end_date stands (none listed where there are none). */
  tallyOpenTickets(match: TicketMatch, request: TallyRequest): Promise<readonly TicketTally[]>;
  /** A ticket's audit events, oldest first; `after` is an event id. */
  listTicketEvents(ticketId: number, page: PageRequest): Promise<readonly TicketEvent[]>;
  /** All active tickets of a zone. */
  countActiveTickets(zoneId: number, activeStatuses: readonly TicketStatus[]): Promise<number>;
  /** The active tickets of each of these zones (0 for a zone with none), in one go. */
  countActiveTicketsIn(
    zoneIds: readonly number[],
    activeStatuses: readonly TicketStatus[],
  ): Promise<ReadonlyMap<number, number>>;
  /** Forgets idempotency keys recorded before this time; returns how many. */
  purgeIdempotencyKeys(recordedBefore: number): Promise<number>;
  /**
   * Inserts or replaces a zone; with a rule that can admit, under the zone's lock, admitting
   * waiting requests into the slots a higher limit frees.
   */
  saveZone(zone: Zone, rule?: ZoneRule): Promise<Zone>;
  /** Inserts or replaces many zones in one transaction. */
  saveZones(zones: readonly Zone[]): Promise<void>;
  getZone(zoneId: number): Promise<Zone | undefined>;
  /** Zones by ascending id; `after` is a zone id. */
  listZones(page: PageRequest): Promise<readonly Zone[]>;
  /** Inserts or replaces a technician. */
  saveTechnician(technician: Technician): Promise<Technician>;
  /** Inserts or replaces many technicians in one transaction. */
  saveTechnicians(technicians: readonly Technician[]): Promise<void>;
  getTechnician(technicianId: number): Promise<Technician | undefined>;
  /** Technicians by ascending id; `after` is a technician id. */
  listTechnicians(page: PageRequest): Promise<readonly Technician[]>;
  /** Inserts or replaces a service; its zone exists. */
  saveService(service: Service): Promise<Service>;
  /** Inserts or replaces many services in one transaction; their zones exist. */
  saveServices(services: readonly Service[]): Promise<void>;
  getService(serviceId: number): Promise<Service | undefined>;
  /** Services by ascending id; `after` is a service id. */
  listServices(page: PageRequest): Promise<readonly Service[]>;
}

/** A claim on due deliveries of one channel (and, for webhooks, one endpoint). */
export interface DeliveryClaim {
  readonly channel: DeliveryChannel;
  /** The webhook endpoint; ignored for WispHub. */
  readonly endpoint?: string | undefined;
  /** Who claims: unique per process. */
  readonly holder: string;
  readonly now: number;
  /** How long the claim keeps others off the deliveries it takes. */
  readonly leaseMs: number;
  readonly limit: number;
}

/** How a delivery ends, or waits for another attempt. */
export type DeliveryOutcome =
  | { readonly state: 'delivered'; readonly at: number; readonly wisphub_ticket_id: number | null }
  | { readonly state: 'failed'; readonly at: number; readonly error: string }
  | {
      readonly state: 'pending';
      readonly next_attempt_at: number;
      readonly error: string;
      /** The last attempt may have reached the other side: look before sending again. */
      readonly in_doubt: boolean;
    };

/** One run of a periodic job, as the last holder recorded it. */
export interface JobRun {
  readonly name: string;
  readonly started_at: number | null;
  readonly finished_at: number | null;
  /** Null while the first run is under way. */
  readonly ok: boolean | null;
  /** What the run did (counts), or why it failed. */
  readonly detail: string | null;
}

/** What the WispHub connector finds out about a zone, technician or service, merged into the directory. */
export interface DirectoryUpdate {
  /** Zones by id and name; a zone's own `max_active_tickets` is kept. */
  readonly zones: readonly { readonly zone_id: number; readonly name: string }[];
  readonly technicians: readonly Technician[];
  readonly services: readonly Service[];
}

/**
 * What delivering to WispHub and to webhooks needs beyond TicketStore: the transactional outbox
 * that createTicket and updateTicket write to, leases on periodic jobs shared by every instance,
 * and lookups by WispHub id.
 */
export interface ConnectorStore {
  /**
   * Takes up to `limit` pending deliveries of the claim's channel that are due and that no
   * other holder's lease covers, oldest first, and leases them to `holder`: on PostgreSQL
   * rows locked by another claim are skipped. For webhooks, only the oldest pending delivery of
   * each ticket is taken, so a ticket's events go out in order.
   */
  claimDeliveries(claim: DeliveryClaim): Promise<readonly Delivery[]>;
  /**
   * Records, before an attempt is made, that it is about to be: attempts + 1, in doubt until
   * settled, and the holder's lease renewed until `leaseUntil` (so the attempt fits in it). False
   * (and nothing written) when another holder took the delivery over or it is settled.
   */
  beginAttempt(deliveryId: number, holder: string, leaseUntil: number): Promise<boolean>;
  /**
   * Ends the holder's lease on a delivery with its outcome; with `decide`, in the same
   * transaction, changes the delivery's ticket as updateTicket does. Returns false (nothing
   * written) when the lease has run out or the delivery is settled already.
   */
  settleDelivery<E>(
    deliveryId: number,
    holder: string,
    outcome: DeliveryOutcome,
    change?: {
      readonly rule: ZoneRule;
      readonly decide: (context: UpdateContext) => Result<UpdateDecision, E>;
    },
  ): Promise<Result<boolean, E | TicketNotFound>>;
  /** Pending and failed deliveries of a channel, and when the oldest pending one was recorded. */
  deliveryStats(channel: DeliveryChannel): Promise<DeliveryStats>;
  /**
   * Starts a run of the job `name` for `holder` when no other holder's run is under way (or
   * its lease ran out) and the last run started at least `everyMs` before `now`; false otherwise.
   */
  startJob(
    name: string,
    holder: string,
    now: number,
    timing: { leaseMs: number; everyMs: number },
  ): Promise<boolean>;
  /** Records the end of the holder's run. */
  finishJob(
    name: string,
    holder: string,
    now: number,
    result: { ok: boolean; detail: string },
  ): Promise<void>;
  /** The job's last run, if it ever ran. */
  jobRun(name: string): Promise<JobRun | undefined>;
  /** The ticket that holds this WispHub id, if any. */
  findByWispHubId(wisphubTicketId: number): Promise<Ticket | undefined>;
  /**
   * Tickets WispHub holds whose status here, or whose status WispHub last reported, is one of
   * these, by id, a page at a time (`after` a ticket id).
   */
  listWispHubTickets(statuses: readonly TicketStatus[], page: PageRequest): Promise<readonly Ticket[]>;
  /** Merges what WispHub says of zones, technicians and services, in one transaction. */
  mergeDirectory(update: DirectoryUpdate): Promise<void>;
}

/**
 * Thrown by a store that cannot reach its storage for now (down, unreachable, overloaded, a lock
 * not granted in time). Not a refusal of the request: it may be retried, and HTTP answers 503.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}
