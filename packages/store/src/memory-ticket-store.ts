import type {
  PageRequest,
  Service,
  Technician,
  Ticket,
  TicketEvent,
  TicketStatus,
  TicketStore,
  Zone,
} from '@tickets/domain';
import { ticketNotFound } from '@tickets/domain';
import { err, ok } from 'neverthrow';

/** Ids kept sorted for cursor pages, with the records by id. */
class SortedTable<T> {
  readonly #rows = new Map<number, T>();
  readonly #ids: number[] = [];

  get(id: number): T | undefined {
    return this.#rows.get(id);
  }

  set(id: number, row: T): T {
    if (!this.#rows.has(id)) this.#ids.splice(this.#indexAfter(id - 1), 0, id);
    this.#rows.set(id, row);
    return row;
  }

  page({ limit, after }: PageRequest): T[] {
    const start = after === undefined ? 0 : this.#indexAfter(after);
    return this.#ids.slice(start, start + limit).map((id) => this.#rows.get(id) as T);
  }

  /** Index of the first id greater than `id`. */
  #indexAfter(id: number): number {
    let lo = 0;
    let hi = this.#ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#ids[mid] as number) <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

interface IdempotencyRow {
  readonly fingerprint: string;
  readonly ticketId: number;
  readonly recordedAt: number;
}

/**
 * A store in the process's memory, for tests, demos and embedding. Every operation runs
 * synchronously to completion, so a create's read, decision and write cannot interleave with
 * another's. Everything is lost when the process ends.
 */
export function createMemoryTicketStore(): TicketStore {
  const zones = new SortedTable<Zone>();
  const technicians = new SortedTable<Technician>();
  const services = new SortedTable<Service>();
  // Ticket ids are 1, 2, 3…, so ticket n sits at index n - 1.
  const tickets: Ticket[] = [];
  // Ticket n's events sit at index n - 1 too.
  const eventsByTicket: TicketEvent[][] = [];
  let lastEventId = 0;
  const ticketIdsByZone = new Map<number, number[]>();
  const idempotency = new Map<string, IdempotencyRow>();
  // Per zone and status, how many tickets: counting active ones costs the same at any volume.
  const statusCounts = new Map<number, number[]>();

  const countsOf = (zoneId: number): number[] => {
    let counts = statusCounts.get(zoneId);
    if (counts === undefined) {
      counts = [0, 0, 0, 0, 0];
      statusCounts.set(zoneId, counts);
    }
    return counts;
  };
  const countActive = (zoneId: number, statuses: readonly TicketStatus[]): number => {
    const counts = countsOf(zoneId);
    return statuses.reduce((sum, status) => sum + (counts[status] as number), 0);
  };
  const record = (ticketId: number, newEvents: readonly Omit<TicketEvent, 'event_id' | 'ticket_id'>[]) => {
    const list = eventsByTicket[ticketId - 1] ?? [];
    for (const event of newEvents) {
      lastEventId += 1;
      list.push({ ...event, event_id: lastEventId, ticket_id: ticketId });
    }
    eventsByTicket[ticketId - 1] = list;
  };
  const idempotencyKey = (client: string, key: string) => `${client}\u0000${key}`;

  const store: TicketStore = {
    async createTicket(request, rule, decide) {
      const zone = zones.get(request.zone_id);
      const claim = request.idempotency;
      const earlier =
        claim === undefined ? undefined : idempotency.get(idempotencyKey(claim.client, claim.key));
      const decision = decide({
        zone,
        service: services.get(request.service_id),
        technician: technicians.get(request.technician_id),
        activeTickets: zone === undefined ? 0 : countActive(zone.zone_id, rule.activeStatuses),
        previous:
          earlier === undefined
            ? undefined
            : { fingerprint: earlier.fingerprint, ticket: tickets[earlier.ticketId - 1] as Ticket },
      });
      if (decision.isErr()) return err(decision.error);
      if (decision.value.kind === 'replay') return ok({ ticket: decision.value.ticket, replayed: true });
      const ticket: Ticket = { ...decision.value.ticket, ticket_id: tickets.length + 1 };
      tickets.push(ticket);
      const zoneTickets = ticketIdsByZone.get(ticket.zone_id) ?? [];
      zoneTickets.push(ticket.ticket_id);
      ticketIdsByZone.set(ticket.zone_id, zoneTickets);
      (countsOf(ticket.zone_id)[ticket.status] as number) += 1;
      record(ticket.ticket_id, decision.value.events);
      if (claim !== undefined) {
        idempotency.set(idempotencyKey(claim.client, claim.key), {
          fingerprint: claim.fingerprint,
          ticketId: ticket.ticket_id,
          recordedAt: ticket.created_at,
        });
      }
      return ok({ ticket, replayed: false });
    },

    async updateTicket(ticketId, rule, decide) {
      const ticket = tickets[ticketId - 1];
      const zone = ticket === undefined ? undefined : zones.get(ticket.zone_id);
      if (ticket === undefined || zone === undefined) return err(ticketNotFound(ticketId));
      const decision = decide({
        ticket,
        zone,
        activeTickets: countActive(zone.zone_id, rule.activeStatuses),
      });
      if (decision.isErr()) return err(decision.error);
      const changed: Ticket = { ...ticket, ...decision.value.change };
      tickets[ticketId - 1] = changed;
      const counts = countsOf(zone.zone_id);
      (counts[ticket.status] as number) -= 1;
      (counts[changed.status] as number) += 1;
      record(ticketId, decision.value.events);
      return ok(changed);
    },

    async getTicket(ticketId) {
      return Number.isInteger(ticketId) ? tickets[ticketId - 1] : undefined;
    },

    async listTickets({ zone_id, status, limit, after }) {
      const below = after === undefined ? Number.POSITIVE_INFINITY : after;
      const found: Ticket[] = [];
      const matches = (ticket: Ticket) => status === undefined || ticket.status === status;
      if (zone_id === undefined) {
        for (let id = Math.min(below - 1, tickets.length); id >= 1 && found.length < limit; id -= 1) {
          const ticket = tickets[id - 1] as Ticket;
          if (matches(ticket)) found.push(ticket);
        }
      } else {
        const ids = ticketIdsByZone.get(zone_id) ?? [];
        for (let i = ids.length - 1; i >= 0 && found.length < limit; i -= 1) {
          const id = ids[i] as number;
          const ticket = tickets[id - 1] as Ticket;
          if (id < below && matches(ticket)) found.push(ticket);
        }
      }
      return found;
    },

    async listTicketEvents(ticketId) {
      return Number.isInteger(ticketId) ? [...(eventsByTicket[ticketId - 1] ?? [])] : [];
    },

    async countActiveTickets(zoneId, activeStatuses) {
      return countActive(zoneId, activeStatuses);
    },

    async countActiveTicketsIn(zoneIds, activeStatuses) {
      return new Map(zoneIds.map((zoneId) => [zoneId, countActive(zoneId, activeStatuses)]));
    },

    async purgeIdempotencyKeys(recordedBefore) {
      let purged = 0;
      for (const [key, row] of idempotency) {
        if (row.recordedAt < recordedBefore) {
          idempotency.delete(key);
          purged += 1;
        }
      }
      return purged;
    },

    async saveZone(zone) {
      return zones.set(zone.zone_id, zone);
    },
    async saveZones(rows) {
      for (const zone of rows) zones.set(zone.zone_id, zone);
    },
    async getZone(zoneId) {
      return zones.get(zoneId);
    },
    async listZones(page) {
      return zones.page(page);
    },
    async saveTechnician(technician) {
      return technicians.set(technician.technician_id, technician);
    },
    async saveTechnicians(rows) {
      for (const technician of rows) technicians.set(technician.technician_id, technician);
    },
    async listTechnicians(page) {
      return technicians.page(page);
    },
    async saveService(service) {
      return services.set(service.service_id, service);
    },
    async saveServices(rows) {
      for (const service of rows) services.set(service.service_id, service);
    },
    async listServices(page) {
      return services.page(page);
    },
  };
  return store;
}
