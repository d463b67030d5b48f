import type { TallyRequest, TicketFilter, TicketMatch } from './ports.js';
import type { NamedTicket, TicketStatus } from './ticket.js';
import { compareSortKeys, sortKeyOf } from './ticket-order.js';
import { matchesSearch } from './ticket-search.js';
import { dueOf, type TicketTally } from './urgency.js';

// What TicketStore.listTickets and tallyOpenTickets mean, over tickets in memory: the memory
// store's, and any store's of its own that keeps its tickets at hand.

/** Whether a ticket (with its names) is one the match takes. */
export function matchesTicket(match: TicketMatch, ticket: NamedTicket): boolean {
  const { status, end_date } = ticket;
  return (
    (match.zone_id === undefined || ticket.zone_id === match.zone_id) &&
    (match.status === undefined || status === match.status) &&
    (match.statuses === undefined || match.statuses.includes(status)) &&
    (match.technician_id === undefined || ticket.technician_id === match.technician_id) &&
    (match.excluded_statuses === undefined || !match.excluded_statuses.includes(status)) &&
    (match.end_from === undefined || end_date >= match.end_from) &&
    (match.end_before === undefined || end_date < match.end_before) &&
    (match.search === undefined || matchesSearch(match.search, ticket, ticket.customer_name))
  );
}

/** The page of tickets a filter asks for, in its order. */
export function selectTickets(tickets: Iterable<NamedTicket>, filter: TicketFilter): NamedTicket[] {
  const matching = [...tickets].filter((ticket) => matchesTicket(filter, ticket));
  const { sort } = filter;
  if (sort === undefined) {
    return matching
      .filter((ticket) => filter.after === undefined || ticket.ticket_id < filter.after)
      .sort((a, b) => b.ticket_id - a.ticket_id)
      .slice(0, filter.limit);
  }
  const isDone = (status: TicketStatus) => sort.done.includes(status);
  return matching
    .map((ticket) => ({ ticket, key: sortKeyOf(sort.by, ticket, isDone) }))
    .filter(({ key }) => sort.after === undefined || compareSortKeys(sort.by, key, sort.after) > 0)
    .sort((a, b) => compareSortKeys(sort.by, a.key, b.key))
    .slice(0, filter.limit)
    .map(({ ticket }) => ticket);
}

/** The open tickets among those matching, counted by group, status and due. */
export function tallyTickets(
  tickets: Iterable<NamedTicket>,
  match: TicketMatch,
  { done, bounds, groupBy }: TallyRequest,
): TicketTally[] {
  const tallies = new Map<string, { -readonly [K in keyof TicketTally]: TicketTally[K] }>();
  for (const ticket of tickets) {
    if (done.includes(ticket.status) || !matchesTicket(match, ticket)) continue;
    const group = groupBy === undefined ? null : ticket[groupBy];
    const due = dueOf(ticket.end_date, bounds);
    const key = `${group}/${ticket.status}/${due}`;
    const tally = tallies.get(key) ?? { group, status: ticket.status, due, tickets: 0 };
    tally.tickets += 1;
    tallies.set(key, tally);
  }
  return [...tallies.values()];
}
