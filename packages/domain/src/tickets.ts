import { err, ok, type Result } from 'neverthrow';
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
  type ReferenceProblem,
  referenceProblem,
  type TicketChanged,
  type TicketNotFound,
  ticketChanged,
  ticketNotFound,
  type UnknownSubject,
  unknownSubject,
  type WispHubDisabled,
  wisphubDisabled,
  type ZoneFull,
} from './errors.js';
import { type Page, pageOf, pageRequest } from './paging.js';
import type {
  Clock,
  CreateContext,
  CreateDecision,
  CreateOutcome,
  TicketRefs,
  TicketStore,
  UpdateDecision,
} from './ports.js';
import type { CreateTicketInput, ListTicketsQuery, PageQuery, UpdateTicketInput } from './schemas.js';
import type { SubjectCatalogue } from './subjects.js';
import { INITIAL_STATUS, type Ticket, type TicketEvent, type TicketStatus, type Zone } from './ticket.js';
import { newTicket, requeueDelivery, setStatus } from './ticket-changes.js';

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
export type UpdateTicketError = TicketNotFound | ZoneFull | TicketChanged;
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
  /** Moves a ticket to a status; moving into an active status is refused in a full zone. */
  updateTicket(
    ticketId: number,
    input: UpdateTicketInput,
    options?: UpdateTicketOptions,
  ): Promise<Result<Ticket, UpdateTicketError>>;
  /** Puts a ticket whose delivery to WispHub failed back in line for WispHub. */
  retryDelivery(ticketId: number, options?: ChangeOptions): Promise<Result<Ticket, RetryDeliveryError>>;
  getTicket(ticketId: number): Promise<Result<Ticket, TicketNotFound>>;
  /** A ticket's changes, oldest first, a page at a time. */
  ticketHistory(ticketId: number, query?: PageQuery): Promise<Result<Page<TicketEvent>, TicketNotFound>>;
  listTickets(query: ListTicketsQuery): Promise<Page<Ticket>>;
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
  const technicianId = refs.technician_id;
  if (technician === undefined) {
    problems.push(
      referenceProblem('technician_id', 'unknown_technician', technicianId, `no technician ${technicianId}`),
    );
  } else if (!technician.active) {
    const inactive = `technician ${technicianId} is inactive`;
    problems.push(referenceProblem('technician_id', 'inactive_technician', technicianId, inactive));
  }
  if (zone === undefined) problems.push(unknownZone(refs.zone_id));
  return zone === undefined || problems.length > 0
    ? err(invalidReferences(problems))
    : ok({ ...context, zone });
}

/** The input of a create as one exact string, for comparing a retry with the first request. */
export function createFingerprint(input: CreateTicketInput): string {
  return JSON.stringify([
    input.service_id,
    input.technician_id,
    input.zone_id,
    input.subject,
    input.description,
  ]);
}

export function createTickets(deps: TicketsDeps): Tickets {
  const { store, clock, calendar, subjects, capacity, resolutionDays } = deps;
  const deliveries = deps.deliveries ?? noDeliveries;
  const delivers = deliveries.wisphub || deliveries.webhooks.length > 0;
  /** Passes a result on, telling `onDeliveries` when it wrote something to deliver. */
  const told = <T, E>(result: Result<T, E>): Result<T, E> => {
    if (delivers && result.isOk()) deps.onDeliveries?.();
    return result;
  };
  const newTicketsAreActive = capacity.isActive(INITIAL_STATUS);
  // The same for every create: a WispHub delivery when the connector is on.
  const newTicketOutbox: readonly OutboxMessage[] = deliveries.wisphub ? [{ channel: 'wisphub' }] : [];

  return {
    async createTicket(input, options = {}) {
      const priority = subjects.priorityOf(input.subject);
      if (priority === undefined) return err(unknownSubject(input.subject));
      const at = clock.now();
      const { ticket, events } = newTicket(input, {
        priority,
        at,
        endDate: calendar.addBusinessDays(at, resolutionDays),
        actor: options.actor ?? null,
        toWispHub: deliveries.wisphub,
      });
      const insert: CreateDecision = {
        kind: 'insert',
        ticket,
        events,
        outbox: [...newTicketOutbox, ...announce(deliveries, events)],
      };
      const claim = options.idempotency;
      const idempotency = claim && {
        client: claim.client,
        key: claim.key,
        fingerprint: createFingerprint(input),
      };
      const request = {
        service_id: input.service_id,
        technician_id: input.technician_id,
        zone_id: input.zone_id,
        idempotency,
      };
      const created = await store.createTicket<CreateTicketError>(request, capacity, (context) => {
        if (context.previous !== undefined && idempotency !== undefined) {
          return context.previous.fingerprint === idempotency.fingerprint
            ? ok({ kind: 'replay', ticket: context.previous.ticket })
            : err(idempotencyKeyReused(idempotency.key));
        }
        return checkReferences(input, context)
          .andThen(({ zone, activeTickets }) =>
            newTicketsAreActive ? admitActiveTicket(capacity, zone, activeTickets) : ok(undefined),
          )
          .map(() => insert);
      });
      return created.isOk() && created.value.replayed ? created : told(created);
    },

    async updateTicket(ticketId, input, options = {}) {
      const now = clock.now();
      const actor = options.actor ?? null;
      return told(
        await store.updateTicket<UpdateTicketError>(ticketId, capacity, ({ ticket, zone, activeTickets }) => {
          const expected = options.expectedVersion;
          if (expected !== undefined && expected !== ticket.version) return err(ticketChanged(ticket));
          const entersActive = capacity.isActive(input.status) && !capacity.isActive(ticket.status);
          return (entersActive ? admitActiveTicket(capacity, zone, activeTickets) : ok(undefined)).map(
            (): UpdateDecision => withAnnouncements(deliveries, setStatus(ticket, input, now, actor)),
          );
        }),
      );
    },

    async retryDelivery(ticketId, options = {}) {
      if (!deliveries.wisphub) return err(wisphubDisabled);
      const now = clock.now();
      const actor = options.actor ?? null;
      return told(
        await store.updateTicket<RetryDeliveryError>(ticketId, capacity, ({ ticket }) =>
          requeueDelivery(ticket, now, actor).map(
            (change): UpdateDecision => withAnnouncements(deliveries, change, [{ channel: 'wisphub' }]),
          ),
        ),
      );
    },

    async getTicket(ticketId) {
      const ticket = await store.getTicket(ticketId);
      return ticket === undefined ? err(ticketNotFound(ticketId)) : ok(ticket);
    },

    async ticketHistory(ticketId, query = {}) {
      const ticket = await store.getTicket(ticketId);
      if (ticket === undefined) return err(ticketNotFound(ticketId));
      const request = pageRequest(query);
      return ok(pageOf(await store.listTicketEvents(ticketId, request), request, (event) => event.event_id));
    },

    async listTickets(query) {
      const request = pageRequest(query);
      const rows = await store.listTickets({ ...request, zone_id: query.zone_id, status: query.status });
      return pageOf(rows, request, (t) => t.ticket_id);
    },
  };
}
