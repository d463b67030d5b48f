import { type NewTicket, newTicket, type TicketRefs } from '@tickets/domain';

/**
 * A ticket as the desk opens it for `refs` (subject Falla Masiva, priority 3, due a moment after
 * `at`), for store tests that need any valid one.
 */
export const openedTicket = (refs: TicketRefs, at = 0): NewTicket =>
  newTicket(
    { ...refs, subject: 'Falla Masiva', description: 'x' },
    { priority: 3, at, endDate: at + 1, actor: null, toWispHub: false },
  ).ticket;
