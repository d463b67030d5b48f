import { err, ok, type Result } from 'neverthrow';
import type { BusinessCalendar } from './calendar/business-calendar.js';
import { admitActiveTicket, type CapacityRule } from './capacity.js';
import { announce, type DeliverySettings, noDeliveries, type OutboxMessage } from './delivery.js';
import {
  type DeliveryNotFailed,
  type IdempotencyKeyReused,
  type InvalidReferences,
  idempotencyKeyReused,
  invalidReferences,
  type ReferenceProblem,
  type TicketChanged,
  type TicketNotFound,
  ticketChanged,
  ticketNotFound,
  type UnknownSubject,
  unknownSubject,
  type WispHubDisabled,
  wisphubDisabled,
  type ZoneFull,
  type ZoneNotFound,
  zoneNotFound,
} from './errors.js';
import type {
  Clock,
  CreateContext,
  CreateDecision,
  CreateOutcome,
  PageRequest,
  TicketRefs,
  TicketStore,
  UpdateDecision,
} from './ports.js';
import type {
  CreateTicketInput,
  ListTicketsQuery,
  PageQuery,
  SaveServiceInput,
  SaveTechnicianInput,
  SaveZoneInput,
  UpdateTicketInput,
} from './schemas.js';
import type { SubjectCatalogue } from './subjects.js';
import type { NewTicket, Service, Technician, Ticket, TicketEvent, Zone } from './ticket.js';
import { type Change, createdEvent, requeueDelivery, setStatus } from './ticket-changes.js';

export interface TicketDeskDeps {
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
}

/** One page of a listing; `next_cursor` asks for the next one, null on the last. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next_cursor: string | null;
}

export interface ZoneCapacity {
  readonly zone_id: number;
  readonly active_tickets: number;
  readonly max_tickets: number;
  readonly is_blocked: boolean;
}

/** A zone with its load, for a board of every zone. */
export interface ZoneLoad extends ZoneCapacity {
  readonly name: string;
}

export type OpenTicketError = UnknownSubject | InvalidReferences | ZoneFull | IdempotencyKeyReused;
export type ChangeStatusError = TicketNotFound | ZoneFull | TicketChanged;
export type RetryDeliveryError = TicketNotFound | DeliveryNotFailed | WispHubDisabled;

/** Who makes a change (an API key's name, or null without keys), recorded in the audit trail. */
export interface ChangeOptions {
  readonly actor?: string | null | undefined;
}

export interface ChangeStatusOptions extends ChangeOptions {
  /**
   * The version of the ticket the change was made against (If-Match): when the ticket has changed
   * since, the change is refused with the ticket as it is now. Unset, the last change wins.
   */
  readonly expectedVersion?: number | undefined;
}

export interface OpenTicketOptions extends ChangeOptions {
  /**
   * A retry of a create with the same key (per `client`) and the same input answers with the
   * ticket the first one created, and creates nothing; with another input it is refused.
   */
  readonly idempotency?: { readonly client: string; readonly key: string } | undefined;
}

/** What a bulk import did: how many records it saved, and which rows (by index) it refused. */
export interface ImportReport {
  readonly saved: number;
  readonly rejected: readonly { readonly index: number; readonly problems: readonly ReferenceProblem[] }[];
}

/** The ticket use cases, over the ports they are given. */
export interface TicketDesk {
  readonly subjects: SubjectCatalogue;
  readonly calendar: BusinessCalendar;
  readonly clock: Clock;
  /** Opens a ticket (status 1) when its subject, references and zone capacity allow it. */
  openTicket(
    input: CreateTicketInput,
    options?: OpenTicketOptions,
  ): Promise<Result<CreateOutcome, OpenTicketError>>;
  /** Moves a ticket to a status; moving into an active status is refused in a full zone. */
  changeStatus(
    ticketId: number,
    input: UpdateTicketInput,
    options?: ChangeStatusOptions,
  ): Promise<Result<Ticket, ChangeStatusError>>;
  /** Puts a ticket whose delivery to WispHub failed back in line for WispHub. */
  retryDelivery(ticketId: number, options?: ChangeOptions): Promise<Result<Ticket, RetryDeliveryError>>;
  getTicket(ticketId: number): Promise<Result<Ticket, TicketNotFound>>;
  /** A ticket's changes, oldest first, a page at a time. */
  ticketHistory(ticketId: number, query?: PageQuery): Promise<Result<Page<TicketEvent>, TicketNotFound>>;
  listTickets(query: ListTicketsQuery): Promise<Result<Page<Ticket>, never>>;
  zoneCapacity(zoneId: number): Promise<Result<ZoneCapacity, ZoneNotFound>>;
  /** Zones by id, a page at a time, each with its active tickets against its limit. */
  listZoneLoads(query: PageQuery): Promise<Result<Page<ZoneLoad>, never>>;
  saveZone(zoneId: number, input: SaveZoneInput): Promise<Result<Zone, never>>;
  listZones(query: PageQuery): Promise<Result<Page<Zone>, never>>;
  saveTechnician(technicianId: number, input: SaveTechnicianInput): Promise<Result<Technician, never>>;
  listTechnicians(query: PageQuery): Promise<Result<Page<Technician>, never>>;
  saveService(serviceId: number, input: SaveServiceInput): Promise<Result<Service, InvalidReferences>>;
  listServices(query: PageQuery): Promise<Result<Page<Service>, never>>;
  /** Saves many zones at once (rows already valid). */
  importZones(
    zones: readonly { readonly zone_id: number; readonly input: SaveZoneInput }[],
  ): Promise<Result<ImportReport, never>>;
  /** Saves many technicians at once (rows already valid). */
  importTechnicians(
    technicians: readonly { readonly technician_id: number; readonly input: SaveTechnicianInput }[],
  ): Promise<Result<ImportReport, never>>;
  /** Saves many services at once, refusing those whose zone does not exist. */
  importServices(
    services: readonly { readonly service_id: number; readonly input: SaveServiceInput }[],
  ): Promise<Result<ImportReport, never>>;
}

const DEFAULT_PAGE_SIZE = 50;

/** Checks what a create refers to: a known service in the named zone, an active technician. */
export function checkReferences<C extends Pick<CreateContext, 'zone' | 'service' | 'technician'>>(
  refs: TicketRefs,
  context: C,
): Result<C & { readonly zone: Zone }, InvalidReferences> {
  const problems: ReferenceProblem[] = [];
  const { service, technician, zone } = context;
  if (service === undefined) {
    problems.push({
      field: 'service_id',
      code: 'unknown_service',
      id: refs.service_id,
      message: `service_id: no service ${refs.service_id}`,
    });
  } else if (service.zone_id !== refs.zone_id) {
    problems.push({
      field: 'zone_id',
      code: 'service_in_other_zone',
      id: refs.zone_id,
      message: `zone_id: service ${service.service_id} belongs to zone ${service.zone_id}, not ${refs.zone_id}`,
    });
  }
  if (technician === undefined) {
    problems.push({
      field: 'technician_id',
      code: 'unknown_technician',
      id: refs.technician_id,
      message: `technician_id: no technician ${refs.technician_id}`,
    });
  } else if (!technician.active) {
    problems.push({
      field: 'technician_id',
      code: 'inactive_technician',
      id: refs.technician_id,
      message: `technician_id: technician ${refs.technician_id} is inactive`,
    });
  }
  if (zone === undefined) {
    problems.push({
      field: 'zone_id',
      code: 'unknown_zone',
      id: refs.zone_id,
      message: `zone_id: no zone ${refs.zone_id}`,
    });
  }
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

const unknownZone = (zoneId: number): ReferenceProblem => ({
  field: 'zone_id',
  code: 'unknown_zone',
  id: zoneId,
  message: `zone_id: no zone ${zoneId}`,
});

/** A change as a store writes it, with the webhook messages that announce its events. */
export function withAnnouncements(
  settings: DeliverySettings,
  change: Change,
  extra: readonly OutboxMessage[] = [],
) {
  return {
    ticket: change.ticket,
    events: change.events,
    outbox: [...extra, ...announce(settings, change.events)],
  };
}

function page<T>(rows: readonly T[], limit: number, idOf: (row: T) => number): Page<T> {
  if (rows.length <= limit) return { items: rows, next_cursor: null };
  const items = rows.slice(0, limit);
  return { items, next_cursor: String(idOf(items[limit - 1] as T)) };
}

function pageRequest(query: PageQuery): PageRequest & { readonly limit: number } {
  // One row more than asked tells whether there is a next page.
  return {
    limit: (query.limit ?? DEFAULT_PAGE_SIZE) + 1,
    after: query.cursor === undefined ? undefined : Number(query.cursor),
  };
}

export function createTicketDesk(deps: TicketDeskDeps): TicketDesk {
  const { store, clock, calendar, subjects, capacity, resolutionDays } = deps;
  const deliveries = deps.deliveries ?? noDeliveries;
  const delivers = deliveries.wisphub || deliveries.webhooks.length > 0;
  /** Passes a result on, telling `onDeliveries` when it wrote something to deliver. */
  const told = <T, E>(result: Result<T, E>): Result<T, E> => {
    if (delivers && result.isOk()) deps.onDeliveries?.();
    return result;
  };
  const newTicketsAreActive = capacity.isActive(1);
  // The same for every create: a WispHub delivery when the connector is on.
  const newTicketOutbox: readonly OutboxMessage[] = deliveries.wisphub ? [{ channel: 'wisphub' }] : [];

  return {
    subjects,
    calendar,
    clock,

    async openTicket(input, options = {}) {
      const priority = subjects.priorityOf(input.subject);
      if (priority === undefined) return err(unknownSubject(input.subject));
      const now = clock.now();
      const actor = options.actor ?? null;
      const ticket: NewTicket = {
        service_id: input.service_id,
        zone_id: input.zone_id,
        technician_id: input.technician_id,
        subject: input.subject,
        priority,
        description: input.description,
        status: 1,
        created_at: now,
        end_date: calendar.addBusinessDays(now, resolutionDays),
        answer_text: null,
        updated_at: now,
        source: 'api',
        wisphub_ticket_id: null,
        wisphub_sync: deliveries.wisphub ? 'pending' : null,
        wisphub_status: null,
        version: 1,
      };
      const events = [createdEvent(ticket, actor)];
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
      const created = await store.createTicket<OpenTicketError>(request, capacity, (context) => {
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

    async changeStatus(ticketId, input, options = {}) {
      const now = clock.now();
      const actor = options.actor ?? null;
      return told(
        await store.updateTicket<ChangeStatusError>(ticketId, capacity, ({ ticket, zone, activeTickets }) => {
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
      const events = await store.listTicketEvents(ticketId, request);
      return ok(page(events, request.limit - 1, (event) => event.event_id));
    },

    async listTickets(query) {
      const request = pageRequest(query);
      const rows = await store.listTickets({ ...request, zone_id: query.zone_id, status: query.status });
      return ok(page(rows, request.limit - 1, (t) => t.ticket_id));
    },

    async zoneCapacity(zoneId) {
      const zone = await store.getZone(zoneId);
      if (zone === undefined) return err(zoneNotFound(zoneId));
      const active = await store.countActiveTickets(zoneId, capacity.activeStatuses);
      const limit = capacity.limitFor(zone);
      return ok({ zone_id: zoneId, active_tickets: active, max_tickets: limit, is_blocked: active >= limit });
    },

    async listZoneLoads(query) {
      const request = pageRequest(query);
      const zones = await store.listZones(request);
      const counts = await store.countActiveTicketsIn(
        zones.map((zone) => zone.zone_id),
        capacity.activeStatuses,
      );
      const loads = zones.map((zone): ZoneLoad => {
        const active = counts.get(zone.zone_id) ?? 0;
        const limit = capacity.limitFor(zone);
        return {
          zone_id: zone.zone_id,
          name: zone.name,
          active_tickets: active,
          max_tickets: limit,
          is_blocked: active >= limit,
        };
      });
      return ok(page(loads, request.limit - 1, (load) => load.zone_id));
    },

    async saveZone(zoneId, input) {
      return ok(
        await store.saveZone({
          zone_id: zoneId,
          name: input.name,
          max_active_tickets: input.max_active_tickets ?? null,
        }),
      );
    },

    async listZones(query) {
      const request = pageRequest(query);
      return ok(page(await store.listZones(request), request.limit - 1, (z) => z.zone_id));
    },

    async saveTechnician(technicianId, input) {
      return ok(
        await store.saveTechnician({
          technician_id: technicianId,
          name: input.name,
          active: input.active ?? true,
        }),
      );
    },

    async listTechnicians(query) {
      const request = pageRequest(query);
      return ok(page(await store.listTechnicians(request), request.limit - 1, (t) => t.technician_id));
    },

    async saveService(serviceId, input) {
      if ((await store.getZone(input.zone_id)) === undefined) {
        return err(invalidReferences([unknownZone(input.zone_id)]));
      }
      return ok(
        await store.saveService({
          service_id: serviceId,
          zone_id: input.zone_id,
          customer_name: input.customer_name ?? null,
        }),
      );
    },

    async listServices(query) {
      const request = pageRequest(query);
      return ok(page(await store.listServices(request), request.limit - 1, (s) => s.service_id));
    },

    async importZones(rows) {
      await store.saveZones(
        rows.map(({ zone_id, input }) => ({
          zone_id,
          name: input.name,
          max_active_tickets: input.max_active_tickets ?? null,
        })),
      );
      return ok({ saved: rows.length, rejected: [] });
    },

    async importTechnicians(rows) {
      await store.saveTechnicians(
        rows.map(({ technician_id, input }) => ({
          technician_id,
          name: input.name,
          active: input.active ?? true,
        })),
      );
      return ok({ saved: rows.length, rejected: [] });
    },

    async importServices(rows) {
      const known = new Map<number, boolean>();
      for (const zoneId of new Set(rows.map((row) => row.input.zone_id))) {
        known.set(zoneId, (await store.getZone(zoneId)) !== undefined);
      }
      const accepted: Service[] = [];
      const rejected: { index: number; problems: ReferenceProblem[] }[] = [];
      rows.forEach(({ service_id, input }, index) => {
        if (known.get(input.zone_id) === true) {
          accepted.push({ service_id, zone_id: input.zone_id, customer_name: input.customer_name ?? null });
        } else {
          rejected.push({ index, problems: [unknownZone(input.zone_id)] });
        }
      });
      await store.saveServices(accepted);
      return ok({ saved: accepted.length, rejected });
    },
  };
}
