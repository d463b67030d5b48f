import type {
  AffectedCustomer,
  ConnectorStore,
  Delivery,
  DeliveryChannel,
  DeliveryState,
  JobRun,
  NamedTicket,
  NewTicket,
  NewTicketEvent,
  OutboxMessage,
  PageRequest,
  QueuedRequest,
  QueuePlace,
  Service,
  Technician,
  Ticket,
  TicketEvent,
  TicketNotFound,
  TicketStatus,
  TicketStore,
  UpdateContext,
  UpdateDecision,
  Zone,
  ZoneRule,
} from '@tickets/domain';
import {
  matchesTicket,
  queueEntryNotFound,
  queueEntryNotWaiting,
  selectTickets,
  tallyTickets,
  ticketNotFound,
} from '@tickets/domain';
import { err, ok, type Result } from 'neverthrow';

/** Records by the id `idOf` reads from each, with the ids kept sorted for cursor pages. */
class SortedTable<T> {
  readonly #idOf: (row: T) => number;
  readonly #rows = new Map<number, T>();
  readonly #ids: number[] = [];

  constructor(idOf: (row: T) => number) {
    this.#idOf = idOf;
  }

  get(id: number): T | undefined {
    return this.#rows.get(id);
  }

  /** Adds the row, or replaces the one with its id. */
  save(row: T): T {
    const id = this.#idOf(row);
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

/** Saving and listing one kind of record, kept in `table`. */
const recordsIn = <T>(table: SortedTable<T>) => ({
  save: async (row: T): Promise<T> => table.save(row),
  saveAll: async (rows: readonly T[]): Promise<void> => {
    for (const row of rows) table.save(row);
  },
  list: async (page: PageRequest): Promise<T[]> => table.page(page),
});

interface IdempotencyRow {
  readonly fingerprint: string;
  /** The ticket it created, or its queued request's once admitted. */
  ticketId: number | null;
  /** The request it put in a waiting line. */
  readonly queueId: number | null;
  readonly recordedAt: number;
}

/** An outbox row. */
interface DeliveryRow {
  readonly delivery_id: number;
  readonly ticket_id: number;
  readonly channel: DeliveryChannel;
  readonly endpoint: string | null;
  readonly event: TicketEvent | null;
  /** For a webhook, the ticket as its event left it. */
  readonly payload: Ticket | null;
  readonly created_at: number;
  state: DeliveryState;
  attempts: number;
  in_doubt: boolean;
  next_attempt_at: number;
  lease_until: number;
  lease_holder: string | null;
  last_error: string | null;
}

interface JobRow {
  holder: string | null;
  lease_until: number;
  run: JobRun;
}

/**
 * A store in the process's memory, for tests, demos and embedding. Every operation runs
 * synchronously to completion, so a create's read, decision and write cannot interleave with
 * another's. Everything is lost when the process ends.
 */
export function createMemoryTicketStore(): TicketStore & ConnectorStore {
  const zones = new SortedTable<Zone>((zone) => zone.zone_id);
  const technicians = new SortedTable<Technician>((technician) => technician.technician_id);
  const services = new SortedTable<Service>((service) => service.service_id);
  const zoneRecords = recordsIn(zones);
  const technicianRecords = recordsIn(technicians);
  const serviceRecords = recordsIn(services);
  // Ticket ids are 1, 2, 3…, so ticket n sits at index n - 1.
  const tickets: Ticket[] = [];
  // Ticket n's events sit at index n - 1 too.
  const eventsByTicket: TicketEvent[][] = [];
  let lastEventId = 0;
  const ticketIdsByZone = new Map<number, number[]>();
  const idempotency = new Map<string, IdempotencyRow>();
  // Per zone and status, how many tickets: counting active ones costs the same at any volume.
  const statusCounts = new Map<number, number[]>();
  const byWispHubId = new Map<number, number>();
  const outbox = new Map<number, DeliveryRow>();
  // Pending deliveries by id, oldest first.
  const pending = new Set<number>();
  let lastDeliveryId = 0;
  const jobs = new Map<string, JobRow>();
  // Queued request n sits at index n - 1; each zone's line holds the ids still waiting, in order.
  const queue: QueuedRequest[] = [];
  const lines = new Map<number, number[]>();
  const keysByQueueId = new Map<number, IdempotencyRow>();
  // Each ticket's affected customers by service id.
  const affected = new Map<number, Map<number, AffectedCustomer>>();

  const byId = (ticketId: number): Ticket => tickets[ticketId - 1] as Ticket;
  const namedOf = (ticket: Ticket): NamedTicket => ({
    ...ticket,
    customer_name: services.get(ticket.service_id)?.customer_name ?? null,
    technician_name:
      ticket.technician_id === null ? null : (technicians.get(ticket.technician_id)?.name ?? null),
  });
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
  const record = (ticketId: number, newEvents: readonly NewTicketEvent[]): TicketEvent[] => {
    const list = eventsByTicket[ticketId - 1] ?? [];
    const recorded: TicketEvent[] = [];
    for (const event of newEvents) {
      lastEventId += 1;
      const full = { ...event, event_id: lastEventId, ticket_id: ticketId };
      list.push(full);
      recorded.push(full);
    }
    eventsByTicket[ticketId - 1] = list;
    return recorded;
  };
  const enqueue = (ticket: Ticket, messages: readonly OutboxMessage[], events: readonly TicketEvent[]) => {
    for (const message of messages) {
      lastDeliveryId += 1;
      const isWebhook = message.channel === 'webhook';
      outbox.set(lastDeliveryId, {
        delivery_id: lastDeliveryId,
        ticket_id: ticket.ticket_id,
        channel: message.channel,
        endpoint: isWebhook ? message.endpoint : null,
        event: isWebhook ? (events[message.event] ?? null) : null,
        payload: isWebhook ? ticket : null,
        created_at: ticket.updated_at,
        state: 'pending',
        attempts: 0,
        in_doubt: false,
        next_attempt_at: 0,
        lease_until: 0,
        lease_holder: null,
        last_error: null,
      });
      pending.add(lastDeliveryId);
    }
  };
  /** Writes a ticket's new state, its events and its outbox messages. */
  const apply = (before: Ticket, decision: UpdateDecision): Ticket => {
    const changed = decision.ticket;
    tickets[before.ticket_id - 1] = changed;
    if (changed.status !== before.status) {
      const counts = countsOf(before.zone_id);
      (counts[before.status] as number) -= 1;
      (counts[changed.status] as number) += 1;
    }
    if (changed.wisphub_ticket_id !== before.wisphub_ticket_id) {
      if (before.wisphub_ticket_id !== null) byWispHubId.delete(before.wisphub_ticket_id);
      if (changed.wisphub_ticket_id !== null) byWispHubId.set(changed.wisphub_ticket_id, changed.ticket_id);
    }
    enqueue(changed, decision.outbox, record(before.ticket_id, decision.events));
    return changed;
  };
  const lineOf = (zoneId: number): number[] => {
    let line = lines.get(zoneId);
    if (line === undefined) {
      line = [];
      lines.set(zoneId, line);
    }
    return line;
  };
  /** Writes a new ticket with its events and outbox messages. */
  const insert = (
    draft: NewTicket,
    events: readonly NewTicketEvent[],
    messages: readonly OutboxMessage[],
  ): Ticket => {
    const ticket: Ticket = { ...draft, ticket_id: tickets.length + 1 };
    tickets.push(ticket);
    const zoneTickets = ticketIdsByZone.get(ticket.zone_id) ?? [];
    zoneTickets.push(ticket.ticket_id);
    ticketIdsByZone.set(ticket.zone_id, zoneTickets);
    (countsOf(ticket.zone_id)[ticket.status] as number) += 1;
    if (ticket.wisphub_ticket_id !== null) byWispHubId.set(ticket.wisphub_ticket_id, ticket.ticket_id);
    enqueue(ticket, messages, record(ticket.ticket_id, events));
    return ticket;
  };
  /** Admits the zone's oldest waiting requests while it has a free slot (see TicketStore). */
  const admitWaiting = (zoneId: number, rule: ZoneRule): void => {
    const zone = zones.get(zoneId);
    const line = lines.get(zoneId);
    if (rule.admit === undefined || zone === undefined || line === undefined) return;
    while (line.length > 0 && countActive(zoneId, rule.activeStatuses) < rule.limitFor(zone)) {
      const queueId = line.shift() as number;
      const waiting = queue[queueId - 1] as QueuedRequest;
      const admission = rule.admit(waiting);
      const ticket = insert(admission.ticket, admission.events, admission.outbox);
      queue[queueId - 1] = {
        ...waiting,
        state: 'admitted',
        ticket_id: ticket.ticket_id,
        settled_at: ticket.created_at,
      };
      const key = keysByQueueId.get(queueId);
      if (key !== undefined) key.ticketId = ticket.ticket_id;
    }
  };
  const placeOf = (queued: QueuedRequest): QueuePlace => ({
    queued,
    position: queued.state === 'waiting' ? lineOf(queued.zone_id).indexOf(queued.queue_id) + 1 : null,
  });
  const unresolvedOf = (ticket: Ticket): AffectedCustomer[] =>
    ticket.affected_count === 0
      ? []
      : [...(affected.get(ticket.ticket_id)?.values() ?? [])]
          .filter((a) => a.resolved_at === null)
          .sort((a, b) => a.service_id - b.service_id);
  const decideChange = <E>(
    ticketId: number,
    rule: ZoneRule,
    decide: (context: UpdateContext) => Result<UpdateDecision, E>,
  ): Result<{ before: Ticket; decision: UpdateDecision }, E | TicketNotFound> => {
    const ticket = tickets[ticketId - 1];
    const zone = ticket === undefined ? undefined : zones.get(ticket.zone_id);
    if (ticket === undefined || zone === undefined) return err(ticketNotFound(ticketId));
    return decide({
      ticket,
      zone,
      activeTickets: countActive(zone.zone_id, rule.activeStatuses),
      unresolved: unresolvedOf(ticket),
    }).map((decision) => ({ before: ticket, decision }));
  };
  /** Carries out a change's decision, then admits into any slot it freed. */
  const carryOut = (before: Ticket, decision: UpdateDecision, rule: ZoneRule): Ticket => {
    const changed = apply(before, decision);
    const resolution = decision.resolveAffected;
    if (resolution !== undefined) {
      const records = affected.get(before.ticket_id);
      for (const serviceId of resolution.service_ids) {
        const row = records?.get(serviceId);
        if (row !== undefined && row.resolved_at === null) {
          records?.set(serviceId, {
            ...row,
            resolved_at: resolution.at,
            answer_text: resolution.answer_text,
          });
        }
      }
    }
    admitWaiting(before.zone_id, rule);
    return changed;
  };
  const heldBy = (deliveryId: number, holder: string): DeliveryRow | undefined => {
    const row = outbox.get(deliveryId);
    return row?.state === 'pending' && row.lease_holder === holder ? row : undefined;
  };
  const idempotencyKey = (client: string, key: string) => `${client}\u0000${key}`;

  const store: TicketStore & ConnectorStore = {
    async createTicket(request, rule, decide) {
      const zone = zones.get(request.zone_id);
      if (zone !== undefined) admitWaiting(zone.zone_id, rule);
      const claim = request.idempotency;
      const earlier =
        claim === undefined ? undefined : idempotency.get(idempotencyKey(claim.client, claim.key));
      const decision = decide({
        zone,
        service: services.get(request.service_id),
        technician: request.technician_id === null ? undefined : technicians.get(request.technician_id),
        activeTickets: zone === undefined ? 0 : countActive(zone.zone_id, rule.activeStatuses),
        waiting: zone === undefined ? 0 : lineOf(zone.zone_id).length,
        previous:
          earlier === undefined
            ? undefined
            : {
                fingerprint: earlier.fingerprint,
                ticket: earlier.ticketId === null ? undefined : tickets[earlier.ticketId - 1],
                queued: earlier.queueId === null ? undefined : queue[earlier.queueId - 1],
              },
        existing:
          request.wisphub_ticket_id === undefined
            ? undefined
            : tickets[(byWispHubId.get(request.wisphub_ticket_id) ?? 0) - 1],
      });
      if (decision.isErr()) return err(decision.error);
      const decided = decision.value;
      const remember = (ticketId: number | null, queueId: number | null, at: number) => {
        if (claim === undefined) return;
        const row = { fingerprint: claim.fingerprint, ticketId, queueId, recordedAt: at };
        idempotency.set(idempotencyKey(claim.client, claim.key), row);
        if (queueId !== null) keysByQueueId.set(queueId, row);
      };
      switch (decided.kind) {
        case 'replay':
          return ok({ kind: 'created', ticket: decided.ticket, replayed: true });
        case 'replay_queued':
          return ok({
            kind: 'queued',
            queued: decided.queued,
            position: placeOf(decided.queued).position,
            replayed: true,
          });
        case 'enqueue': {
          const queued: QueuedRequest = {
            ...decided.request,
            queue_id: queue.length + 1,
            state: 'waiting',
            ticket_id: null,
            settled_at: null,
          };
          queue.push(queued);
          lineOf(queued.zone_id).push(queued.queue_id);
          remember(null, queued.queue_id, queued.queued_at);
          return ok({ kind: 'queued', queued, position: placeOf(queued).position, replayed: false });
        }
        case 'insert': {
          const ticket = insert(decided.ticket, decided.events, decided.outbox);
          remember(ticket.ticket_id, null, ticket.created_at);
          return ok({ kind: 'created', ticket, replayed: false });
        }
      }
    },

    async updateTicket(ticketId, rule, decide) {
      return decideChange(ticketId, rule, decide).map(({ before, decision }) =>
        carryOut(before, decision, rule),
      );
    },

    async addAffected(ticketId, serviceId, decide) {
      const ticket = tickets[ticketId - 1];
      if (!Number.isInteger(ticketId) || ticket === undefined) return err(ticketNotFound(ticketId));
      const records = affected.get(ticketId) ?? new Map<number, AffectedCustomer>();
      const decision = decide({ ticket, service: services.get(serviceId), existing: records.get(serviceId) });
      if (decision.isErr()) return err(decision.error);
      const decided = decision.value;
      if (decided.kind === 'replay') return ok({ affected: decided.affected, ticket, replayed: true });
      const row: AffectedCustomer = { ...decided.affected, resolved_at: null, answer_text: null };
      records.set(row.service_id, row);
      affected.set(ticketId, records);
      const counted: Ticket = { ...ticket, affected_count: ticket.affected_count + 1 };
      tickets[ticketId - 1] = counted;
      enqueue(counted, decided.outbox, record(ticketId, decided.events));
      return ok({ affected: row, ticket: counted, replayed: false });
    },

    async listAffected(ticketId, { limit, after }) {
      return [...(affected.get(ticketId)?.values() ?? [])]
        .filter((row) => row.service_id > (after ?? 0))
        .sort((a, b) => a.service_id - b.service_id)
        .slice(0, limit);
    },

    async getQueued(queueId) {
      const queued = Number.isInteger(queueId) ? queue[queueId - 1] : undefined;
      return queued === undefined ? undefined : placeOf(queued);
    },

    async withdrawQueued(queueId, at) {
      const queued = Number.isInteger(queueId) ? queue[queueId - 1] : undefined;
      if (queued === undefined) return err(queueEntryNotFound(queueId));
      if (queued.state !== 'waiting')
        return err(queueEntryNotWaiting(queueId, queued.state, queued.ticket_id));
      const line = lineOf(queued.zone_id);
      line.splice(line.indexOf(queueId), 1);
      const withdrawn: QueuedRequest = { ...queued, state: 'withdrawn', settled_at: at };
      queue[queueId - 1] = withdrawn;
      return ok(withdrawn);
    },

    async listQueue(zoneId, { limit, after }) {
      const line = lineOf(zoneId);
      const start = after === undefined ? 0 : line.findIndex((id) => id > after);
      if (start < 0) return [];
      return line
        .slice(start, start + limit)
        .map((id, index) => ({ queued: queue[id - 1] as QueuedRequest, position: start + index + 1 }));
    },

    async countWaitingIn(zoneIds) {
      return new Map(zoneIds.map((zoneId) => [zoneId, lines.get(zoneId)?.length ?? 0]));
    },

    async getTicket(ticketId) {
      return Number.isInteger(ticketId) ? tickets[ticketId - 1] : undefined;
    },

    async listTickets(filter) {
      const { zone_id, limit, after } = filter;
      const candidates = zone_id === undefined ? tickets : (ticketIdsByZone.get(zone_id) ?? []).map(byId);
      if (filter.sort !== undefined) return selectTickets(candidates.map(namedOf), filter);
      // Newest first: from the newest down, until the page is full.
      const found: NamedTicket[] = [];
      const below = after === undefined ? Number.POSITIVE_INFINITY : after;
      for (let i = candidates.length - 1; i >= 0 && found.length < limit; i -= 1) {
        const ticket = candidates[i] as Ticket;
        if (ticket.ticket_id >= below) continue;
        const named = namedOf(ticket);
        if (matchesTicket(filter, named)) found.push(named);
      }
      return found;
    },

    async tallyOpenTickets(match, request) {
      const candidates =
        match.zone_id === undefined ? tickets : (ticketIdsByZone.get(match.zone_id) ?? []).map(byId);
      return tallyTickets(candidates.map(namedOf), match, request);
    },

    async listTicketEvents(ticketId, { limit, after }) {
      if (!Number.isInteger(ticketId)) return [];
      const events = eventsByTicket[ticketId - 1] ?? [];
      return events.filter((event) => event.event_id > (after ?? 0)).slice(0, limit);
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

    async saveZone(zone, rule) {
      const saved = await zoneRecords.save(zone);
      if (rule !== undefined) admitWaiting(zone.zone_id, rule);
      return saved;
    },
    saveZones: zoneRecords.saveAll,
    async getZone(zoneId) {
      return zones.get(zoneId);
    },
    listZones: zoneRecords.list,
    saveTechnician: technicianRecords.save,
    saveTechnicians: technicianRecords.saveAll,
    async getTechnician(technicianId) {
      return technicians.get(technicianId);
    },
    listTechnicians: technicianRecords.list,
    saveService: serviceRecords.save,
    saveServices: serviceRecords.saveAll,
    async getService(serviceId) {
      return services.get(serviceId);
    },
    listServices: serviceRecords.list,

    async claimDeliveries({ channel, endpoint, holder, now, leaseMs, limit }) {
      const claimed: Delivery[] = [];
      // A webhook waits for the earlier pending ones of its ticket and endpoint.
      const blocked = new Set<number>();
      for (const id of pending) {
        if (claimed.length >= limit) break;
        const row = outbox.get(id) as DeliveryRow;
        if (row.channel !== channel) continue;
        if (channel === 'webhook') {
          if (row.endpoint !== endpoint) continue;
          if (blocked.has(row.ticket_id)) continue;
          blocked.add(row.ticket_id);
        }
        if (row.next_attempt_at > now || row.lease_until > now) continue;
        row.lease_until = now + leaseMs;
        row.lease_holder = holder;
        claimed.push({
          delivery_id: row.delivery_id,
          channel: row.channel,
          endpoint: row.endpoint,
          ticket: row.payload ?? (tickets[row.ticket_id - 1] as Ticket),
          event: row.event,
          attempts: row.attempts,
          in_doubt: row.in_doubt,
          created_at: row.created_at,
        });
      }
      return claimed;
    },

    async beginAttempt(deliveryId, holder, leaseUntil) {
      const row = heldBy(deliveryId, holder);
      if (row === undefined) return false;
      row.lease_until = leaseUntil;
      row.attempts += 1;
      row.in_doubt = true;
      return true;
    },

    async settleDelivery(deliveryId, holder, outcome, change) {
      const row = outbox.get(deliveryId);
      if (row === undefined || heldBy(deliveryId, holder) === undefined) return ok(false);
      let decided: { before: Ticket; decision: UpdateDecision } | undefined;
      if (change !== undefined) {
        const result = decideChange(row.ticket_id, change.rule, change.decide);
        if (result.isErr()) return err(result.error);
        decided = result.value;
      }
      if (decided !== undefined && change !== undefined)
        carryOut(decided.before, decided.decision, change.rule);
      row.lease_until = 0;
      row.lease_holder = null;
      if (outcome.state === 'pending') {
        row.next_attempt_at = outcome.next_attempt_at;
        row.in_doubt = outcome.in_doubt;
        row.last_error = outcome.error;
      } else {
        row.state = outcome.state;
        row.in_doubt = false;
        row.last_error = outcome.state === 'failed' ? outcome.error : null;
        pending.delete(deliveryId);
      }
      return ok(true);
    },

    async deliveryStats(channel) {
      let count = 0;
      let oldest: number | null = null;
      for (const id of pending) {
        const row = outbox.get(id) as DeliveryRow;
        if (row.channel !== channel) continue;
        count += 1;
        if (oldest === null || row.created_at < oldest) oldest = row.created_at;
      }
      let failed = 0;
      for (const row of outbox.values()) if (row.channel === channel && row.state === 'failed') failed += 1;
      return { pending: count, failed, oldest_pending_at: oldest };
    },

    async startJob(name, holder, now, { leaseMs, everyMs }) {
      const row = jobs.get(name);
      if (row !== undefined) {
        if (row.lease_until > now && row.holder !== holder) return false;
        if (row.run.started_at !== null && now - row.run.started_at < everyMs) return false;
      }
      jobs.set(name, {
        holder,
        lease_until: now + leaseMs,
        run: {
          name,
          started_at: now,
          finished_at: row?.run.finished_at ?? null,
          ok: row?.run.ok ?? null,
          detail: row?.run.detail ?? null,
        },
      });
      return true;
    },

    async finishJob(name, holder, now, { ok: succeeded, detail }) {
      const row = jobs.get(name);
      if (row === undefined || row.holder !== holder) return;
      row.lease_until = 0;
      row.run = { ...row.run, finished_at: now, ok: succeeded, detail };
    },

    async jobRun(name) {
      return jobs.get(name)?.run;
    },

    async findByWispHubId(wisphubTicketId) {
      const id = byWispHubId.get(wisphubTicketId);
      return id === undefined ? undefined : tickets[id - 1];
    },

    async listWispHubTickets(statuses, { limit, after }) {
      const ids = [...byWispHubId.values()].filter((id) => id > (after ?? 0)).sort((a, b) => a - b);
      const found: Ticket[] = [];
      for (const id of ids) {
        if (found.length >= limit) break;
        const ticket = tickets[id - 1] as Ticket;
        const reported = ticket.wisphub_status;
        if (statuses.includes(ticket.status) || (reported !== null && statuses.includes(reported)))
          found.push(ticket);
      }
      return found;
    },

    async mergeDirectory(update) {
      for (const zone of update.zones) {
        const known = zones.get(zone.zone_id);
        zones.save({ ...zone, max_active_tickets: known?.max_active_tickets ?? null });
      }
      for (const technician of update.technicians) {
        const known = technicians.get(technician.technician_id);
        technicians.save({
          ...technician,
          active: known?.active ?? technician.active,
        });
      }
      for (const service of update.services) {
        const known = services.get(service.service_id);
        services.save({
          ...service,
          customer_name: service.customer_name ?? known?.customer_name ?? null,
        });
      }
    },
  };
  return store;
}
