import type { BusinessCalendar } from './calendar/business-calendar.js';
import { formatIsoDate, parseIsoDate } from './calendar/civil.js';
import type { TicketStatus } from './ticket.js';

/** Open tickets (not done) past their end_date (`overdue`), or due later today in the business time zone (`today`). */
export type DueFilter = 'overdue' | 'today';

export const dueFilters = ['overdue', 'today'] as const satisfies readonly DueFilter[];

/** Where an open ticket's end_date stands: passed, later today, or on a later day. */
export type Due = DueFilter | 'later';

/** The two instants that tell overdue, today and later apart: now, and the end of today. */
export interface DueBounds {
  readonly now: number;
  /** Midnight at the start of tomorrow in the business time zone. */
  readonly endOfToday: number;
}

/** Now and the end of today in the calendar's time zone. */
export function dueBounds(calendar: BusinessCalendar, now: number): DueBounds {
  const today = parseIsoDate(calendar.localDate(now)) as number;
  const endOfToday = calendar.instantOf(`${formatIsoDate(today + 1)} 00:00`) as number;
  return { now, endOfToday };
}

/** Where an end_date stands against the bounds. */
export function dueOf(endDate: number, { now, endOfToday }: DueBounds): Due {
  return endDate < now ? 'overdue' : endDate < endOfToday ? 'today' : 'later';
}

/** The end_date range of a due filter: at or after `from`, before `before`. */
export function dueRange(
  due: DueFilter,
  bounds: DueBounds,
): { readonly from?: number; readonly before: number } {
  return due === 'overdue' ? { before: bounds.now } : { from: bounds.now, before: bounds.endOfToday };
}

/** How many open tickets of one group (a zone, a technician, or all) have one status and one due. */
export interface TicketTally {
  /** The zone or technician counted; null when not grouped (or a ticket without a technician). */
  readonly group: number | null;
  readonly status: TicketStatus;
  readonly due: Due;
  readonly tickets: number;
}

/** The header counters: open tickets (not done), those overdue, those due later today. */
export interface TicketCounts {
  readonly open: number;
  readonly overdue: number;
  readonly due_today: number;
}

/** A technician's open tickets, those in progress (status 2, En Progreso) and those overdue. */
export interface TechnicianWorkload {
  readonly technician_id: number;
  readonly name: string;
  readonly active: boolean;
  readonly open: number;
  readonly in_progress: number;
  readonly overdue: number;
}

/** The status in which a technician is working on a ticket: 2, En Progreso. */
export const IN_PROGRESS_STATUS: TicketStatus = 2;

/** The counters of each group in the tallies (groups with no open ticket are absent). */
export function countsByGroup(tallies: readonly TicketTally[]): Map<number | null, TicketCounts> {
  const counts = new Map<number | null, { open: number; overdue: number; due_today: number }>();
  for (const { group, due, tickets } of tallies) {
    const entry = counts.get(group) ?? { open: 0, overdue: 0, due_today: 0 };
    entry.open += tickets;
    if (due === 'overdue') entry.overdue += tickets;
    if (due === 'today') entry.due_today += tickets;
    counts.set(group, entry);
  }
  return counts;
}

/** Open tickets in progress per group. */
export function inProgressByGroup(tallies: readonly TicketTally[]): Map<number | null, number> {
  const counts = new Map<number | null, number>();
  for (const { group, status, tickets } of tallies) {
    if (status === IN_PROGRESS_STATUS) counts.set(group, (counts.get(group) ?? 0) + tickets);
  }
  return counts;
}
