import { err, ok, type Result } from 'neverthrow';
import type { BusinessCalendar } from './calendar/business-calendar.js';
import { type TicketNotFound, ticketNotFound } from './errors.js';
import { type Page, pageOf, pageRequest } from './paging.js';
import type { Clock, TicketMatch, TicketStore } from './ports.js';
import type { ListTicketsQuery, PageQuery, TicketCountsQuery } from './schemas.js';
import { DEFAULT_DONE_STATUSES } from './statuses.js';
import type { NamedTicket, TicketStatus } from './ticket.js';
import { readTicketCursor, sortKeyOf, ticketCursor } from './ticket-order.js';
import { ticketSearch } from './ticket-search.js';
import {
  countsByGroup,
  type DueFilter,
  dueBounds,
  dueRange,
  inProgressByGroup,
  type TechnicianWorkload,
  type TicketCounts,
} from './urgency.js';

export interface TicketQueriesDeps {
  readonly store: TicketStore;
  readonly clock: Clock;
  /** Whose time zone tells which tickets are due today. */
  readonly calendar: BusinessCalendar;
  /** Statuses in which a ticket's work is finished (DONE_TICKET_STATES); 3 and 4 by default. */
  readonly doneStatuses?: readonly TicketStatus[];
}

/** What a dispatcher reads: tickets with names, in the order they need, and the counters of what is urgent. */
export interface TicketQueries {
  /** A ticket with its customer's and technician's names. */
  getTicket(ticketId: number): Promise<Result<NamedTicket, TicketNotFound>>;
  /** Tickets matching the query's filters, in its sort, a page at a time (cursors are per sort). */
  listTickets(query: ListTicketsQuery): Promise<Page<NamedTicket>>;
  /** Open, overdue and due-today tickets among those matching the query's filters. */
  countTickets(query: TicketCountsQuery): Promise<TicketCounts>;
  /** Technicians by id, a page at a time, each with their open, in-progress and overdue tickets. */
  technicianWorkload(query: PageQuery): Promise<Page<TechnicianWorkload>>;
}

const NO_TICKETS: TicketCounts = { open: 0, overdue: 0, due_today: 0 };

export function createTicketQueries(deps: TicketQueriesDeps): TicketQueries {
  const { store, clock, calendar } = deps;
  const done = deps.doneStatuses ?? DEFAULT_DONE_STATUSES;
  const doneSet = new Set(done);
  const isDone = (status: TicketStatus) => doneSet.has(status);
  const bounds = () => dueBounds(calendar, clock.now());

  /** The tickets a query's filters take; a due filter takes open tickets only. */
  const matchOf = (query: TicketCountsQuery & { readonly due?: DueFilter | undefined }): TicketMatch => {
    const match: TicketMatch = {
      zone_id: query.zone_id,
      status: query.status,
      technician_id: query.technician_id,
      search: query.q === undefined ? undefined : ticketSearch(query.q),
    };
    if (query.due === undefined) return match;
    const range = dueRange(query.due, bounds());
    return { ...match, excluded_statuses: done, end_from: range.from, end_before: range.before };
  };

  return {
    async getTicket(ticketId) {
      const ticket = await store.getTicket(ticketId);
      if (ticket === undefined) return err(ticketNotFound(ticketId));
      const [service, technician] = await Promise.all([
        store.getService(ticket.service_id),
        ticket.technician_id === null ? undefined : store.getTechnician(ticket.technician_id),
      ]);
      return ok({
        ...ticket,
        customer_name: service?.customer_name ?? null,
        technician_name: technician?.name ?? null,
      });
    },

    async listTickets(query) {
      const sort = query.sort ?? 'newest';
      const { limit } = pageRequest({ limit: query.limit });
      let after: number[] | undefined;
      if (query.cursor !== undefined) {
        // The schemas refuse a cursor of another sort, or none at all, before this is called.
        const read = readTicketCursor(sort, query.cursor);
        if (read.isErr()) throw new RangeError(`cursor: ${read.error}`);
        after = read.value;
      }
      const rows = await store.listTickets({
        ...matchOf(query),
        limit,
        after: sort === 'newest' ? after?.[0] : undefined,
        sort: sort === 'newest' ? undefined : { by: sort, done, after },
      });
      return pageOf(rows, { limit }, (ticket) => ticketCursor(sort, sortKeyOf(sort, ticket, isDone)));
    },

    async countTickets(query) {
      const tallies = await store.tallyOpenTickets(matchOf(query), { done, bounds: bounds() });
      return countsByGroup(tallies).get(null) ?? NO_TICKETS;
    },

    async technicianWorkload(query) {
      const request = pageRequest(query);
      const [technicians, tallies] = await Promise.all([
        store.listTechnicians(request),
        store.tallyOpenTickets({}, { done, bounds: bounds(), groupBy: 'technician_id' }),
      ]);
      const counts = countsByGroup(tallies);
      const inProgress = inProgressByGroup(tallies);
      const workload = technicians.map(({ technician_id, name, active }) => {
        const count = counts.get(technician_id) ?? NO_TICKETS;
        return {
          technician_id,
          name,
          active,
          open: count.open,
          in_progress: inProgress.get(technician_id) ?? 0,
          overdue: count.overdue,
        };
      });
      return pageOf(workload, request, (row) => row.technician_id);
    },
  };
}
