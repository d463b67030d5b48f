import { err, ok, type Result } from 'neverthrow';
import type { Ticket, TicketStatus } from './ticket.js';

/**
 * How a ticket listing is ordered: `newest` first (by id, the default); `urgent` (open tickets
 * before done ones, then the earliest end_date, so overdue ones first, then the highest priority);
 * `due` (the earliest end_date first); `priority` (the highest first, then the earliest end_date).
 */
export type TicketSort = 'newest' | 'urgent' | 'due' | 'priority';

export const ticketSorts = ['newest', 'urgent', 'due', 'priority'] as const satisfies readonly TicketSort[];

/** What a sort compares: a ticket's id, end_date, priority, or whether its work is done (1) or not (0). */
export type SortField = 'done' | 'end_date' | 'priority' | 'ticket_id';

export interface SortTerm {
  readonly field: SortField;
  readonly descending: boolean;
}

const ascending = (field: SortField): SortTerm => ({ field, descending: false });
const descending = (field: SortField): SortTerm => ({ field, descending: true });

/** Each sort as the fields it compares, in order; each ends with the ticket id, so no two tickets tie. */
export const sortTerms: Readonly<Record<TicketSort, readonly SortTerm[]>> = {
  newest: [descending('ticket_id')],
  urgent: [ascending('done'), ascending('end_date'), descending('priority'), ascending('ticket_id')],
  due: [ascending('end_date'), ascending('ticket_id')],
  priority: [descending('priority'), ascending('end_date'), ascending('ticket_id')],
};

/** A ticket's key in a sort: the values of the sort's fields, in order. */
export function sortKeyOf(
  sort: TicketSort,
  ticket: Ticket,
  isDone: (status: TicketStatus) => boolean,
): number[] {
  return sortTerms[sort].map(({ field }) =>
    field === 'done' ? (isDone(ticket.status) ? 1 : 0) : ticket[field],
  );
}

/** Negative when the ticket of key `a` comes before the one of key `b` in the sort, 0 when they are the same. */
export function compareSortKeys(sort: TicketSort, a: readonly number[], b: readonly number[]): number {
  const terms = sortTerms[sort];
  for (let i = 0; i < terms.length; i += 1) {
    const difference = (a[i] as number) - (b[i] as number);
    if (difference !== 0) return (terms[i] as SortTerm).descending ? -difference : difference;
  }
  return 0;
}

/**
 * The cursor of a page that ends with the ticket of this key: for `newest`, its id alone (the
 * cursor of listings before sorts existed); for another sort, the sort's name and the key.
 */
export function ticketCursor(sort: TicketSort, key: readonly number[]): string {
  return sort === 'newest' ? String(key[0]) : [sort, ...key].join('.');
}

const NUMBER = /^-?\d{1,16}$/;
const TICKET_ID = /^[1-9]\d{0,15}$/;
const NOT_A_CURSOR = 'must be a cursor returned by an earlier page';

/** The key a cursor of this sort names; otherwise why the cursor is refused. */
export function readTicketCursor(sort: TicketSort, cursor: string): Result<number[], string> {
  const parts = cursor.split('.');
  const cursorSort = TICKET_ID.test(cursor) ? 'newest' : parts[0];
  if (!ticketSorts.some((known) => known === cursorSort) || cursorSort === undefined)
    return err(NOT_A_CURSOR);
  if (cursorSort !== sort) {
    return err(
      `is a cursor of sort=${cursorSort}, not of sort=${sort}: ask for the first page of sort=${sort} again`,
    );
  }
  const values = sort === 'newest' ? parts : parts.slice(1);
  if (values.length !== sortTerms[sort].length || !values.every((value) => NUMBER.test(value)))
    return err(NOT_A_CURSOR);
  const key = values.map(Number);
  return key.every(Number.isSafeInteger) ? ok(key) : err(NOT_A_CURSOR);
}
