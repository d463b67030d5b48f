import { err, ok, type Result } from 'neverthrow';
import { type AffectedCustomer, affectedAddedEvent, resolveAffected } from './affected.js';
import type { BusinessCalendar } from './calendar/business-calendar.js';
import { admitActiveTicket, type CapacityRule } from './capacity.js';
import {
  announce,
  type DeliverySettings,
  noDeliveries,
  type OutboxMessage,
  withAnnouncements,
} from './delivery.js';
import { unknownZone } from './directory.js';
import {
  type DeliveryNotFailed,
  type IdempotencyKeyReused,
  type InvalidReferences,
  idempotencyKeyReused,
  invalidReferences,
  type QueueEntryNotFound,
  type QueueEntryNotWaiting,
  queueEntryNotFound,
  type ReferenceProblem,
  referenceProblem,
  type TicketChanged,
  type TicketNotActive,
  type TicketNotFound,
  ticketChanged,
  ticketNotActive,
  ticketNotFound,
  type UnknownSubject,
  unknownSubject,
  type WispHubDisabled,
  wisphubDisabled,
  type ZoneFull,
  type ZoneNotFound,
  zoneFull,
  zoneNotFound,
} from './errors.js';
import { type Page, pageOf, pageRequest } from './paging.js';
import type {
  AffectedOutcome,
  Clock,
  CreateContext,
  CreateDecision,
  CreateOutcome,
  CreateRequest,
  PlannedInsert,
  TicketRefs,
  TicketStore,
  UpdateContext,
  UpdateDecision,
} from './ports.js';
import type { AddAffectedInput, CreateTicketInput, PageQuery, UpdateTicketInput } from './schemas.js';
import { DEFAULT_DONE_STATUSES } from './statuses.js';
import type { SubjectCatalogue } from './subjects.js';
import {
  INITIAL_STATUS,
  type Technician,
  type Ticket,
  type TicketEvent,
  type TicketStatus,
  type Zone,
} from './ticket.js';
import { type Change, changeTicket, newTicket, requeueDelivery } from './ticket-changes.js';
import { admittingRule, type QueuePlace, summaryOf } from './waiting-line.js';

export interface TicketsDeps {
  readonly store: TicketStore;
  readonly clock: Clock;
  readonly calendar: BusinessCalendar;
  readonly subjects: SubjectCatalogue;
  readonly capacity: CapacityRule;
  /** Business days from creation to a ticket's `end_date` (MAX_TICKET_RESOLUTION_DAYS), at least 1. */
  readonly resolutionDays: number;
  /** Where tickets and their events are delivered (WispHub, webhooks); none by default. */
  readonly deliveries?: DeliverySettings;
  /** Told after a change that recorded deliveries was written, so they can be made at once. */
  readonly onDeliveries?: () => void;
  /** Statuses in which a ticket's work is finished (DONE_TICKET_STATES); 3 and 4 by default. */
  readonly doneStatuses?: readonly TicketStatus[];
}

export type CreateTicketError = UnknownSubject | InvalidReferences | ZoneFull | IdempotencyKeyReused;
export type AddAffectedError = TicketNotFound | TicketNotActive | InvalidReferences;
export type UpdateTicketError = TicketNotFound | ZoneFull | TicketChanged | InvalidReferences;
export type RetryDeliveryError = TicketNotFound | DeliveryNotFailed | WispHubDisabled;

/** Who makes a change (an API key's name, or null without keys), recorded in the audit trail. */
export interface ChangeOptions {
  readonly actor?: string | null | undefined;
}

export interface UpdateTicketOptions extends ChangeOptions {
  /**
   * The version of the ticket the change was made against (If-Match): when the ticket has changed
   * since, the change is refused with the ticket as it is now. Unset, the last change wins.
   */
  readonly expectedVersion?: number | undefined;
}

export interface CreateTicketOptions extends ChangeOptions {
  /**
   * A retry of a create with the same key (per `client`) and the same input answers with the
   * ticket the first one created, and creates nothing; with another input it is refused.
   */
  readonly idempotency?: { readonly client: string; readonly key: string } | undefined;
}

/** Opening, changing and reading tickets. */
export interface Tickets {
  /** Opens a ticket (INITIAL_STATUS) when its subject, references and zone capacity allow it. */
  createTicket(
    input: CreateTicketInput,
    options?: CreateTicketOptions,
  ): Promise<Result<CreateOutcome, CreateTicketError>>;
  /**
   * Changes a ticket's status, answer or technician (checked as a create checks it); moving into
   * an active status is refused in a full zone.
   */
  updateTicket(
    ticketId: number,
    input: UpdateTicketInput,
    options?: UpdateTicketOptions,
  ): Promise<Result<Ticket, UpdateTicketError>>;
  /** Puts a ticket whose delivery to WispHub failed back in line for WispHub. */
  retryDelivery(ticketId: number, options?: ChangeOptions): Promise<Result<Ticket, RetryDeliveryError>>;
  /** A ticket's changes, oldest first, a page at a time. */
  ticketHistory(ticketId: number, query?: PageQuery): Promise<Result<Page<TicketEvent>, TicketNotFound>>;
  /**
   * Records a customer's service as affected by an active ticket of its zone (the same fault):
   * no zone slot is taken, and the same service twice is one record.
   */
  addAffected(
    ticketId: number,
    input: AddAffectedInput,
    options?: ChangeOptions,
  ): Promise<Result<AffectedOutcome, AddAffectedError>>;
  /** A ticket's affected customers in the order they were recorded, a page at a time. */
  listAffected(ticketId: number, query?: PageQuery): Promise<Result<Page<AffectedCustomer>, TicketNotFound>>;
  /** A request of a waiting line: its place while it waits, its ticket once admitted. */
  getQueued(queueId: number): Promise<Result<QueuePlace, QueueEntryNotFound>>;
  /** Takes a waiting request out of its zone's line. */
  withdrawQueued(queueId: number): Promise<Result<QueuePlace, QueueEntryNotFound | QueueEntryNotWaiting>>;
  /** A zone's waiting line, first in line first, a page at a time. */
  listQueue(zoneId: number, query?: PageQuery): Promise<Result<Page<QueuePlace>, ZoneNotFound>>;
}

/** Checks what a create refers to: a known service in the named zone, an active technician. */
export function checkReferences<C extends Pick<CreateContext, 'zone' | 'service' | 'technician'>>(
  refs: TicketRefs,
  context: C,
): Result<C & { readonly zone: Zone }, InvalidReferences> {
  const problems: ReferenceProblem[] = [];
  const { service, technician, zone } = context;
  if (service === undefined) {
    problems.push(
      referenceProblem('service_id', 'unknown_service', refs.service_id, `no service ${refs.service_id}`),
    );
  } else if (service.zone_id !== refs.zone_id) {
    const where = `service ${service.service_id} belongs to zone ${service.zone_id}, not ${refs.zone_id}`;
    problems.push(referenceProblem('zone_id', 'service_in_other_zone', refs.zone_id, where));
  }
  const assigned = technicianProblem(refs.technician_id, technician);
  if (assigned !== undefined) problems.push(assigned);
  if (zone === undefined) problems.push(unknownZone(refs.zone_id));
  return zone === undefined || problems.length > 0
    ? err(invalidReferences(problems))
    : ok({ ...context, zone });
}

/** What is wrong with assigning a ticket to this technician (known and active), if anything. */
export function technicianProblem(
  technicianId: number,
  technician: Technician | undefined,
): ReferenceProblem | undefined {
  if (technician === undefined)
    return referenceProblem(
      'technician_id',
      'unknown_technician',
      technicianId,
      `no technician ${technicianId}`,
    );
  if (!technician.active) {
    const inactive = `technician ${technicianId} is inactive`;
    return referenceProblem('technician_id', 'inactive_technician', technicianId, inactive);
  }
  return undefined;
}

/** The input of a create as one exact string, for comparing a retry with the first request. */
export function createFingerprint(input: CreateTicketInput): string {
  const fields = [input.service_id, input.technician_id, input.zone_id, input.subject, input.description];
  // Asking to wait is part of the request; without it, the fingerprint is what it always was.
  return JSON.stringify(input.queue_if_full === true ? [...fields, 'queue_if_full'] : fields);
}

/**
 * The decision of a change to a ticket: its events announced, and, when it moves the ticket into a
 * status whose work is done, its affected customers resolved with it.
 */
export function changeDecision(
  context: UpdateContext,
  change: Change,
  how: {
    readonly deliveries: DeliverySettings;
    readonly isDone: (status: TicketStatus) => boolean;
    readonly at: number;
    readonly actor: string | null;
    readonly extra?: readonly OutboxMessage[];
  },
): UpdateDecision {
  const resolved = resolveAffected(
    context.ticket,
    change.ticket,
    context.unresolved,
    how.isDone,
    how.at,
    how.actor,
  );
  const events = [...change.events, ...resolved.events];
  return {
    ...withAnnouncements(how.deliveries, { ticket: change.ticket, events }, how.extra),
    resolveAffected: resolved.resolution,
  };
}

/** At most this many of a full zone's active tickets are listed with its refusal. */
const LISTED_ACTIVE_TICKETS = 50;

export function createTickets(deps: TicketsDeps): Tickets {
  const { store, clock, calendar, subjects, capacity, resolutionDays } = deps;
  const deliveries = deps.deliveries ?? noDeliveries;
  const delivers = deliveries.wisphub || deliveries.webhooks.length > 0;
  /** Passes a result on, telling `onDeliveries` when it wrote something to deliver. */
  const told = <T, E>(result: Result<T, E>): Result<T, E> => {
    if (delivers && result.isOk()) deps.onDeliveries?.();
    return result;
  };
  const done = new Set(deps.doneStatuses ?? DEFAULT_DONE_STATUSES);
  const isDone = (status: TicketStatus) => done.has(status);
  const rule = admittingRule(capacity, { clock, calendar, resolutionDays, deliveries });
  const newTicketsAreActive = capacity.isActive(INITIAL_STATUS);
  // The same for every create: a WispHub delivery when the connector is on.
  const newTicketOutbox: readonly OutboxMessage[] = deliveries.wisphub ? [{ channel: 'wisphub' }] : [];

  /**
   * A full zone's refusal, with the zone's active tickets read after the refusal, and its line:
   * as the refusal counted it when `counted`, read after it otherwise.
   */
  async function listed<T, E extends { readonly type: string }>(
    result: Result<T, E | ZoneFull>,
    counted = false,
  ): Promise<Result<T, E | ZoneFull>> {
    if (result.isOk() || result.error.type !== 'zone_full') return result;
    const full = result.error as ZoneFull;
    const [tickets, waiting] = await Promise.all([
      store.listTickets({
        zone_id: full.zone_id,
        statuses: capacity.activeStatuses,
        limit: LISTED_ACTIVE_TICKETS,
      }),
      counted
        ? full.waiting
        : store.countWaitingIn([full.zone_id]).then((counts) => counts.get(full.zone_id) ?? 0),
    ]);
    return err(
      zoneFull(full.zone_id, full.active_tickets, full.max_tickets, tickets.map(summaryOf), waiting),
    );
  }

  return {
    async createTicket(input, options = {}) {
      const priority = subjects.priorityOf(input.subject);
      if (priority === undefined) return err(unknownSubject(input.subject));
      const at = clock.now();
      const actor = options.actor ?? null;
      const { ticket, events } = newTicket(input, {
        priority,
        at,
        endDate: calendar.addBusinessDays(at, resolutionDays),
        actor,
        toWispHub: deliveries.wisphub,
      });
      const planned: PlannedInsert = {
        kind: 'insert',
        ticket,
        events,
        outbox: [...newTicketOutbox, ...announce(deliveries, events)],
      };
      // Every store is given the insert up front (PostgreSQL writes it in the call that reads the
      // context); decide answers with that same object.
      const insert = (): CreateDecision => planned;
      const enqueue = (): CreateDecision => ({
        kind: 'enqueue',
        request: {
          zone_id: input.zone_id,
          service_id: input.service_id,
          technician_id: input.technician_id,
          subject: input.subject,
          priority,
          description: input.description,
          queued_at: at,
          actor,
        },
      });
      const claim = options.idempotency;
      const idempotency = claim && {
        client: claim.client,
        key: claim.key,
        fingerprint: createFingerprint(input),
      };
      const request: CreateRequest = {
        service_id: input.service_id,
        technician_id: input.technician_id,
        zone_id: input.zone_id,
        idempotency,
        // What decide below answers on a context that meets the plan's conditions.
        planned,
      };
      const created = await store.createTicket<CreateTicketError>(request, rule, (context) => {
        const previous = context.previous;
        if (previous !== undefined && idempotency !== undefined) {
          if (previous.fingerprint !== idempotency.fingerprint)
            return err(idempotencyKeyReused(idempotency.key));
          if (previous.ticket !== undefined) return ok({ kind: 'replay', ticket: previous.ticket });
          if (previous.queued !== undefined) return ok({ kind: 'replay_queued', queued: previous.queued });
        }
        return checkReferences(input, context).andThen(({ zone, activeTickets, waiting }) => {
          if (!newTicketsAreActive) return ok(insert());
          const admitted = admitActiveTicket(capacity, zone, activeTickets, waiting);
          if (admitted.isOk()) return ok(insert());
          return input.queue_if_full === true
            ? ok(enqueue())
            : err<CreateDecision, CreateTicketError>(admitted.error);
        });
      });
      if (created.isOk() && created.value.replayed) return created;
      return told(await listed(created, true));
    },

    async updateTicket(ticketId, input, options = {}) {
      const now = clock.now();
      const actor = options.actor ?? null;
      const technicianId = input.technician_id;
      // Technicians are never deleted: one read before the change is one the change can rely on.
      const technician = technicianId === undefined ? undefined : await store.getTechnician(technicianId);
      const updated = await store.updateTicket<UpdateTicketError>(ticketId, rule, (context) => {
        const { ticket, zone, activeTickets } = context;
        const expected = options.expectedVersion;
        if (expected !== undefined && expected !== ticket.version) return err(ticketChanged(ticket));
        if (technicianId !== undefined && technicianId !== ticket.technician_id) {
          const problem = technicianProblem(technicianId, technician);
          if (problem !== undefined) return err(invalidReferences([problem]));
        }
        const status = input.status ?? ticket.status;
        const entersActive = capacity.isActive(status) && !capacity.isActive(ticket.status);
        return (entersActive ? admitActiveTicket(capacity, zone, activeTickets) : ok(undefined)).map(() =>
          changeDecision(context, changeTicket(ticket, input, now, actor), {
            deliveries,
            isDone,
            at: now,
            actor,
          }),
        );
      });
      return told(await listed(updated));
    },
    async retryDelivery(ticketId, options = {}) {
      if (!deliveries.wisphub) return err(wisphubDisabled);
      const now = clock.now();
      const actor = options.actor ?? null;
      return told(
        await store.updateTicket<RetryDeliveryError>(ticketId, rule, ({ ticket }) =>
          requeueDelivery(ticket, now, actor).map(
            (change): UpdateDecision => withAnnouncements(deliveries, change, [{ channel: 'wisphub' }]),
          ),
        ),
      );
    },

    async ticketHistory(ticketId, query = {}) {
      const ticket = await store.getTicket(ticketId);
      if (ticket === undefined) return err(ticketNotFound(ticketId));
      const request = pageRequest(query);
      return ok(pageOf(await store.listTicketEvents(ticketId, request), request, (event) => event.event_id));
    },

    async addAffected(ticketId, input, options = {}) {
      const at = clock.now();
      const actor = options.actor ?? null;
      return told(
        await store.addAffected<AddAffectedError>(
          ticketId,
          input.service_id,
          ({ ticket, service, existing }) => {
            if (!capacity.isActive(ticket.status))
              return err(ticketNotActive(ticket.ticket_id, ticket.status));
            if (service === undefined) {
              const unknown = `no service ${input.service_id}`;
              return err(
                invalidReferences([
                  referenceProblem('service_id', 'unknown_service', input.service_id, unknown),
                ]),
              );
            }
            if (service.zone_id !== ticket.zone_id) {
              const where = `service ${service.service_id} belongs to zone ${service.zone_id}, not ${ticket.zone_id} of ticket ${ticket.ticket_id}`;
              return err(
                invalidReferences([
                  referenceProblem('service_id', 'service_in_other_zone', service.service_id, where),
                ]),
              );
            }
            if (existing !== undefined) return ok({ kind: 'replay', affected: existing });
            const affected = {
              ticket_id: ticket.ticket_id,
              service_id: service.service_id,
              description: input.description,
              added_at: at,
              actor,
            };
            const events = [affectedAddedEvent(ticket, affected)];
            return ok({ kind: 'insert', affected, events, outbox: announce(deliveries, events) });
          },
        ),
      );
    },

    async listAffected(ticketId, query = {}) {
      if ((await store.getTicket(ticketId)) === undefined) return err(ticketNotFound(ticketId));
      const request = pageRequest(query);
      return ok(pageOf(await store.listAffected(ticketId, request), request, (a) => a.service_id));
    },

    async getQueued(queueId) {
      const place = await store.getQueued(queueId);
      return place === undefined ? err(queueEntryNotFound(queueId)) : ok(place);
    },

    async withdrawQueued(queueId) {
      const withdrawn = await store.withdrawQueued(queueId, clock.now());
      return withdrawn.map((queued) => ({ queued, position: null }));
    },

    async listQueue(zoneId, query = {}) {
      if ((await store.getZone(zoneId)) === undefined) return err(zoneNotFound(zoneId));
      const request = pageRequest(query);
      return ok(pageOf(await store.listQueue(zoneId, request), request, (place) => place.queued.queue_id));
    },
  };
}
