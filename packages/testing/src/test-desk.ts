import {
  type Clock,
  type CreateOutcome,
  createBusinessCalendar,
  createCapacityRule,
  createSubjectCatalogue,
  createTicketDesk,
  type DeliverySettings,
  defaultSubjects,
  type HolidaySource,
  noHolidays,
  type Ticket,
  type TicketDesk,
  type TicketDeskDeps,
  type TicketStatus,
  type TicketStore,
} from '@tickets/domain';

/** Thursday 2026-02-26 10:00 in Bogotá, when the tests' tickets are opened. */
export const TEST_NOW = Date.UTC(2026, 1, 26, 15);

/** A clock that stands still until the test sets it or moves it on. */
export interface TestClock extends Clock {
  set(epochMs: number): void;
  advance(ms: number): void;
}

/** A clock standing at `start` (TEST_NOW unless given). */
export function createTestClock(start: number = TEST_NOW): TestClock {
  let now = start;
  return {
    now: () => now,
    set(epochMs) {
      now = epochMs;
    },
    advance(ms) {
      now += ms;
    },
  };
}

export interface TestDeskOptions {
  /** The store the use cases run over: a memory store, or the store under test. */
  readonly store: TicketStore;
  /** A clock fixed at TEST_NOW by default; `createTestClock()` gives one the test can move. */
  readonly clock?: Clock;
  /** Public holidays as `YYYY-MM-DD`, in Bogotá; none by default. */
  readonly holidays?: readonly string[];
  /** Statuses that count against a zone's limit; [1] by default. */
  readonly activeStatuses?: readonly TicketStatus[];
  /** Statuses in which the work is done (DONE_TICKET_STATES); 3 and 4 by default. */
  readonly doneStatuses?: readonly TicketStatus[];
  /** The limit of zones without their own; 3 by default. */
  readonly maxActiveTicketsPerZone?: number;
  /** Business days from creation to a ticket's end date; 3 by default. */
  readonly resolutionDays?: number;
  /** Where tickets are delivered (WispHub, webhooks); nowhere by default. */
  readonly deliveries?: DeliverySettings;
  readonly onDeliveries?: () => void;
}

/** The use cases, with what they were built from, for those beside them (a delivery worker, the WispHub sync). */
export interface TestDesk extends TicketDesk {
  readonly deps: TicketDeskDeps;
}

const holidaySource = (dates: readonly string[]): HolidaySource =>
  dates.length === 0 ? noHolidays : { holidaysIn: (year) => dates.filter((d) => d.startsWith(`${year}-`)) };

/** The use cases every test builds: Bogotá's Monday-to-Friday calendar and the default subjects. */
export function createTestDesk({
  store,
  clock = createTestClock(),
  holidays = [],
  activeStatuses = [1],
  doneStatuses,
  maxActiveTicketsPerZone = 3,
  resolutionDays = 3,
  deliveries,
  onDeliveries,
}: TestDeskOptions): TestDesk {
  const deps: TicketDeskDeps = {
    store,
    clock,
    calendar: createBusinessCalendar({
      timeZone: 'America/Bogota',
      weekdays: [1, 2, 3, 4, 5],
      holidays: holidaySource(holidays),
    })._unsafeUnwrap(),
    subjects: createSubjectCatalogue(defaultSubjects)._unsafeUnwrap(),
    capacity: createCapacityRule({ maxActiveTicketsPerZone, activeStatuses }),
    resolutionDays,
    deliveries,
    onDeliveries,
    doneStatuses,
  };
  return { ...createTicketDesk(deps), deps };
}

/** A create's Result, as neverthrow makes it. */
interface CreateResult {
  isOk(): boolean;
  _unsafeUnwrap(): CreateOutcome;
  _unsafeUnwrapErr(): { readonly type: string };
}

/** The ticket a create opened; throws (failing the test) when it was refused or queued instead. */
export function createdTicket(result: CreateResult): Ticket {
  if (!result.isOk()) throw new Error(`the create was refused: ${result._unsafeUnwrapErr().type}`);
  const outcome = result._unsafeUnwrap();
  if (outcome.kind !== 'created') throw new Error('the create was queued, not created');
  return outcome.ticket;
}
