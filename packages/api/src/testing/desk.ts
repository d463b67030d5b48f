import {
  createBusinessCalendar,
  createCapacityRule,
  createSubjectCatalogue,
  createTicketDesk,
  defaultSubjects,
  noHolidays,
  type TicketDesk,
  type TicketStatus,
  type TicketStore,
} from '@tickets/domain';
import { createMemoryTicketStore } from '@tickets/store';

/** Thursday 2026-02-26 10:00 in Bogotá, when the tests' tickets are opened. */
export const TEST_NOW = Date.UTC(2026, 1, 26, 15);

export interface TestDeskOptions {
  readonly store?: TicketStore;
  readonly activeStatuses?: readonly TicketStatus[];
  /** Statuses in which the work is done (DONE_TICKET_STATES); 3 and 4 by default. */
  readonly doneStatuses?: readonly TicketStatus[];
}

/** The use cases the HTTP tests run: a memory store, a fixed clock, Bogotá without holidays, limit 3. */
export function createTestDesk({
  store = createMemoryTicketStore(),
  activeStatuses = [1],
  doneStatuses,
}: TestDeskOptions = {}): TicketDesk {
  return createTicketDesk({
    store,
    clock: { now: () => TEST_NOW },
    calendar: createBusinessCalendar({
      timeZone: 'America/Bogota',
      weekdays: [1, 2, 3, 4, 5],
      holidays: noHolidays,
    })._unsafeUnwrap(),
    subjects: createSubjectCatalogue(defaultSubjects)._unsafeUnwrap(),
    capacity: createCapacityRule({ maxActiveTicketsPerZone: 3, activeStatuses }),
    resolutionDays: 3,
    doneStatuses,
  });
}
