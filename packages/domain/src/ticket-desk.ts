import { err, ok, type Result } from 'neverthrow';
import type { BusinessCalendar } from './calendar/business-calendar.js';
import { admitActiveTicket, type CapacityRule } from './capacity.js';
import {
  type InvalidReferences,
  invalidReferences,
  type ReferenceProblem,
  type TicketNotFound,
  ticketNotFound,
  type UnknownSubject,
  unknownSubject,
  type ZoneFull,
  type ZoneNotFound,
  zoneNotFound,
} from './errors.js';
import type { Clock, CreateContext, PageRequest, TicketRefs, TicketStore } from './ports.js';
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
import type { NewTicket, Service, Technician, Ticket, Zone } from './ticket.js';

export interface TicketDeskDeps {
  readonly store: TicketStore;
  readonly clock: Clock;
  readonly calendar: BusinessCalendar;
  readonly subjects: SubjectCatalogue;
  readonly capacity: CapacityRule;
  /** Business days from creation to a ticket's `end_date` (MAX_TICKET_RESOLUTION_DAYS), at least 1. */
  readonly resolutionDays: number;
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

export type OpenTicketError = UnknownSubject | InvalidReferences | ZoneFull;
export type ChangeStatusError = TicketNotFound | ZoneFull;

/** The ticket use cases, over the ports they are given. */
export interface TicketDesk {
  readonly subjects: SubjectCatalogue;
  readonly calendar: BusinessCalendar;
  /** Opens a ticket (status 1) when its subject, references and zone capacity allow it. */
  openTicket(input: CreateTicketInput): Promise<Result<Ticket, OpenTicketError>>;
  /** Moves a ticket to a status; moving into an active status is refused in a full zone. */
  changeStatus(ticketId: number, input: UpdateTicketInput): Promise<Result<Ticket, ChangeStatusError>>;
  getTicket(ticketId: number): Promise<Result<Ticket, TicketNotFound>>;
  listTickets(query: ListTicketsQuery): Promise<Result<Page<Ticket>, never>>;
  zoneCapacity(zoneId: number): Promise<Result<ZoneCapacity, ZoneNotFound>>;
  saveZone(zoneId: number, input: SaveZoneInput): Promise<Result<Zone, never>>;
  listZones(query: PageQuery): Promise<Result<Page<Zone>, never>>;
  saveTechnician(technicianId: number, input: SaveTechnicianInput): Promise<Result<Technician, never>>;
  listTechnicians(query: PageQuery): Promise<Result<Page<Technician>, never>>;
  saveService(serviceId: number, input: SaveServiceInput): Promise<Result<Service, InvalidReferences>>;
  listServices(query: PageQuery): Promise<Result<Page<Service>, never>>;
}

const DEFAULT_PAGE_SIZE = 50;

/** Checks what a create refers to: a known service in the named zone, an active technician. */
export function checkReferences(
  refs: TicketRefs,
  context: CreateContext,
): Result<CreateContext & { readonly zone: Zone }, InvalidReferences> {
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
  const newTicketsAreActive = capacity.isActive(1);

  return {
    subjects,
    calendar,

    async openTicket(input) {
      const priority = subjects.priorityOf(input.subject);
      if (priority === undefined) return err(unknownSubject(input.subject));
      const now = clock.now();
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
      };
      return store.createTicket<OpenTicketError>(input, capacity, (context) =>
        checkReferences(input, context)
          .andThen(({ zone, activeTickets }) =>
            newTicketsAreActive ? admitActiveTicket(capacity, zone, activeTickets) : ok(undefined),
          )
          .map(() => ticket),
      );
    },

    changeStatus(ticketId, input) {
      const now = clock.now();
      return store.updateTicket<ChangeStatusError>(ticketId, capacity, ({ ticket, zone, activeTickets }) => {
        const entersActive = capacity.isActive(input.status) && !capacity.isActive(ticket.status);
        return (entersActive ? admitActiveTicket(capacity, zone, activeTickets) : ok(undefined)).map(() => ({
          status: input.status,
          answer_text: input.answer_text ?? ticket.answer_text,
          updated_at: now,
        }));
      });
    },

    async getTicket(ticketId) {
      const ticket = await store.getTicket(ticketId);
      return ticket === undefined ? err(ticketNotFound(ticketId)) : ok(ticket);
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
        return err(
          invalidReferences([
            {
              field: 'zone_id',
              code: 'unknown_zone',
              id: input.zone_id,
              message: `zone_id: no zone ${input.zone_id}`,
            },
          ]),
        );
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
  };
}
