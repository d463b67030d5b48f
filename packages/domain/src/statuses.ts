import type { CapacityRule } from './capacity.js';
import { statusLabels, type TicketStatus, ticketStatuses } from './ticket.js';

/** Statuses in which the work is done by default: 3 Resuelto and 4 Cerrado. */
export const DEFAULT_DONE_STATUSES: readonly TicketStatus[] = [3, 4];

/**
 * What a status means to dispatchers and clients, as the configuration sets it: whether a ticket
 * in it counts against its zone's limit (`active`), and whether its work is finished (`done`: no
 * resolution date left to meet). A ticket that is not done is open.
 */
export interface StatusMeaning {
  readonly status: TicketStatus;
  readonly label: string;
  readonly active: boolean;
  readonly done: boolean;
}

/** Every status with its meaning, from the zone rule's active statuses and the done ones. */
export function statusMeanings(
  capacity: CapacityRule,
  doneStatuses: readonly TicketStatus[],
): StatusMeaning[] {
  const done = new Set(doneStatuses);
  return ticketStatuses.map((status) => ({
    status,
    label: statusLabels[status],
    active: capacity.isActive(status),
    done: done.has(status),
  }));
}
