import type { BusinessCalendar } from './calendar/business-calendar.js';
import { noDeliveries } from './delivery.js';
import { createDirectory, type Directory } from './directory.js';
import type { Clock } from './ports.js';
import { DEFAULT_DONE_STATUSES, type StatusMeaning, statusMeanings } from './statuses.js';
import type { SubjectCatalogue } from './subjects.js';
import { createTicketQueries, type TicketQueries } from './ticket-queries.js';
import { createTickets, type Tickets, type TicketsDeps } from './tickets.js';
import { admittingRule } from './waiting-line.js';
import { createZoneCapacities, type ZoneCapacities } from './zone-capacities.js';

export type TicketDeskDeps = TicketsDeps;

/**
 * Every use case over one store: tickets, what dispatchers read of them, zones' capacities and
 * the directory, with the catalogue, calendar and clock they were built with. Each part can also be built alone
 * (`createDirectory(store)` needs nothing else).
 */
export interface TicketDesk extends Tickets, TicketQueries, ZoneCapacities, Directory {
  readonly subjects: SubjectCatalogue;
  /** Each status, and whether it is active (counts against its zone) and done. */
  readonly statuses: readonly StatusMeaning[];
  readonly calendar: BusinessCalendar;
  readonly clock: Clock;
}

export function createTicketDesk(deps: TicketDeskDeps): TicketDesk {
  return {
    subjects: deps.subjects,
    statuses: statusMeanings(deps.capacity, deps.doneStatuses ?? DEFAULT_DONE_STATUSES),
    calendar: deps.calendar,
    clock: deps.clock,
    ...createTickets(deps),
    ...createTicketQueries(deps),
    ...createZoneCapacities(deps.store, deps.capacity, deps),
    ...createDirectory(
      deps.store,
      admittingRule(deps.capacity, { ...deps, deliveries: deps.deliveries ?? noDeliveries }),
    ),
  };
}
