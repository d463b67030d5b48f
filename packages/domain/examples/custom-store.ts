import {
  type AffectedCustomer,
  createBusinessCalendar,
  createCapacityRule,
  createSubjectCatalogue,
  createTicketDesk,
  defaultSubjects,
  type NamedTicket,
  type NewTicket,
  type NewTicketEvent,
  type QueuedRequest,
  queueEntryNotFound,
  queueEntryNotWaiting,
  type Service,
  selectTickets,
  type Technician,
  type Ticket,
  type TicketEvent,
  type TicketStore,
  tallyTickets,
  ticketNotFound,
  type Zone,
  type ZoneRule,
} from '@tickets/domain';
import { err, ok } from 'neverthrow';

// A store of your own: here plain arrays. A real one wraps your database; it must make the
// read-decide-write of createTicket/updateTicket/addAffected atomic per zone, admitting waiting
// requests into freed slots in the same step (this one never awaits inside). Decisions also carry
// outbox messages (deliveries to WispHub and webhooks): none is made unless the desk is given
// `deliveries`, so this store does not keep them.
function createArrayStore(): TicketStore {
  const zones: Zone[] = [];
  const technicians: Technician[] = [];
  const services: Service[] = [];
  const tickets: Ticket[] = [];
  const events: TicketEvent[] = [];
  const keys = new Map<string, { fingerprint: string; ticketId?: number; queueId?: number; at: number }>();
  const queue: QueuedRequest[] = [];
  const affected: AffectedCustomer[] = [];
  const upsert = <T>(rows: T[], row: T, same: (r: T) => boolean): T => {
    const i = rows.findIndex(same);
    if (i >= 0) rows[i] = row;
    else rows.push(row);
    return row;
  };
  const active = (zoneId: number, statuses: readonly number[]) =>
    tickets.filter((t) => t.zone_id === zoneId && statuses.includes(t.status)).length;
  const after = <T>(rows: T[], id: (r: T) => number, page: { limit: number; after?: number | undefined }) =>
    [...rows]
      .sort((a, b) => id(a) - id(b))
      .filter((r) => id(r) > (page.after ?? 0))
      .slice(0, page.limit);
  const insert = (draft: NewTicket, newEvents: readonly NewTicketEvent[]): Ticket => {
    const ticket = { ...draft, ticket_id: tickets.length + 1 };
    tickets.push(ticket);
    for (const e of newEvents)
      events.push({ ...e, event_id: events.length + 1, ticket_id: ticket.ticket_id });
    return ticket;
  };
  const named = (t: Ticket): NamedTicket => ({
    ...t,
    customer_name: services.find((s) => s.service_id === t.service_id)?.customer_name ?? null,
    technician_name: technicians.find((x) => x.technician_id === t.technician_id)?.name ?? null,
  });
  const waitingIn = (zoneId: number) => queue.filter((q) => q.zone_id === zoneId && q.state === 'waiting');
  const place = (q: QueuedRequest) => ({
    queued: q,
    position: q.state === 'waiting' ? waitingIn(q.zone_id).indexOf(q) + 1 : null,
  });
  // A freed slot goes to the zone's oldest waiting request, in the same step.
  const admit = (zoneId: number, rule: ZoneRule) => {
    const zone = zones.find((z) => z.zone_id === zoneId);
    for (const next of waitingIn(zoneId)) {
      if (!rule.admit || !zone || active(zoneId, rule.activeStatuses) >= rule.limitFor(zone)) return;
      const admission = rule.admit(next);
      const ticket = insert(admission.ticket, admission.events);
      queue[next.queue_id - 1] = {
        ...next,
        state: 'admitted',
        ticket_id: ticket.ticket_id,
        settled_at: ticket.created_at,
      };
      for (const key of keys.values()) if (key.queueId === next.queue_id) key.ticketId = ticket.ticket_id;
    }
  };

  return {
    async createTicket(request, rule, decide) {
      const zone = zones.find((z) => z.zone_id === request.zone_id);
      if (zone) admit(zone.zone_id, rule);
      const claim = request.idempotency && `${request.idempotency.client} ${request.idempotency.key}`;
      const earlier = claim === undefined ? undefined : keys.get(claim);
      const decision = decide({
        zone,
        service: services.find((s) => s.service_id === request.service_id),
        technician: technicians.find((t) => t.technician_id === request.technician_id),
        activeTickets: zone ? active(zone.zone_id, rule.activeStatuses) : 0,
        waiting: waitingIn(request.zone_id).length,
        previous: earlier && {
          fingerprint: earlier.fingerprint,
          ticket: earlier.ticketId === undefined ? undefined : tickets[earlier.ticketId - 1],
          queued: earlier.queueId === undefined ? undefined : queue[earlier.queueId - 1],
        },
        existing: tickets.find(
          (t) => t.wisphub_ticket_id !== null && t.wisphub_ticket_id === request.wisphub_ticket_id,
        ),
      });
      if (decision.isErr()) return err(decision.error);
      const decided = decision.value;
      const remember = (ids: { ticketId?: number; queueId?: number }, at: number) => {
        if (claim && request.idempotency)
          keys.set(claim, { fingerprint: request.idempotency.fingerprint, ...ids, at });
      };
      switch (decided.kind) {
        case 'replay':
          return ok({ kind: 'created', ticket: decided.ticket, replayed: true });
        case 'replay_queued':
          return ok({ kind: 'queued', ...place(decided.queued), replayed: true });
        case 'enqueue': {
          const q: QueuedRequest = {
            ...decided.request,
            queue_id: queue.length + 1,
            state: 'waiting',
            ticket_id: null,
            settled_at: null,
          };
          queue.push(q);
          remember({ queueId: q.queue_id }, q.queued_at);
          return ok({ kind: 'queued', ...place(q), replayed: false });
        }
        case 'insert': {
          const ticket = insert(decided.ticket, decided.events);
          remember({ ticketId: ticket.ticket_id }, ticket.created_at);
          return ok({ kind: 'created', ticket, replayed: false });
        }
      }
    },
    async updateTicket(ticketId, rule, decide) {
      const ticket = tickets[ticketId - 1];
      const zone = zones.find((z) => z.zone_id === ticket?.zone_id);
      if (!ticket || !zone) return err(ticketNotFound(ticketId));
      const unresolved = affected.filter((a) => a.ticket_id === ticketId && a.resolved_at === null);
      const decision = decide({
        ticket,
        zone,
        activeTickets: active(zone.zone_id, rule.activeStatuses),
        unresolved,
      });
      if (decision.isErr()) return err(decision.error);
      tickets[ticketId - 1] = decision.value.ticket;
      for (const e of decision.value.events)
        events.push({ ...e, event_id: events.length + 1, ticket_id: ticketId });
      const resolved = decision.value.resolveAffected;
      for (const a of unresolved) {
        if (resolved?.service_ids.includes(a.service_id)) {
          affected[affected.indexOf(a)] = {
            ...a,
            resolved_at: resolved.at,
            answer_text: resolved.answer_text,
          };
        }
      }
      admit(zone.zone_id, rule);
      return ok(tickets[ticketId - 1] as Ticket);
    },
    async addAffected(ticketId, serviceId, decide) {
      const ticket = tickets[ticketId - 1];
      if (!ticket) return err(ticketNotFound(ticketId));
      const existing = affected.find((a) => a.ticket_id === ticketId && a.service_id === serviceId);
      const service = services.find((s) => s.service_id === serviceId);
      const decision = decide({ ticket, service, existing });
      if (decision.isErr()) return err(decision.error);
      if (decision.value.kind === 'replay')
        return ok({ affected: decision.value.affected, ticket, replayed: true });
      const row = { ...decision.value.affected, resolved_at: null, answer_text: null };
      affected.push(row);
      const counted = { ...ticket, affected_count: ticket.affected_count + 1 };
      tickets[ticketId - 1] = counted;
      for (const e of decision.value.events)
        events.push({ ...e, event_id: events.length + 1, ticket_id: ticketId });
      return ok({ affected: row, ticket: counted, replayed: false });
    },
    listAffected: async (id, page) =>
      after(
        affected.filter((a) => a.ticket_id === id),
        (a) => a.service_id,
        page,
      ),
    getQueued: async (id) => (queue[id - 1] ? place(queue[id - 1] as QueuedRequest) : undefined),
    async withdrawQueued(id, at) {
      const q = queue[id - 1];
      if (!q) return err(queueEntryNotFound(id));
      if (q.state !== 'waiting') return err(queueEntryNotWaiting(id, q.state, q.ticket_id));
      queue[id - 1] = { ...q, state: 'withdrawn', settled_at: at };
      return ok(queue[id - 1] as QueuedRequest);
    },
    listQueue: async (zoneId, page) => after(waitingIn(zoneId), (q) => q.queue_id, page).map(place),
    countWaitingIn: async (ids) => new Map(ids.map((id) => [id, waitingIn(id).length])),
    getTicket: async (id) => tickets[id - 1],
    // Listings and counters over tickets at hand, with their customer's and technician's names.
    listTickets: async (filter) => selectTickets(tickets.map(named), filter),
    tallyOpenTickets: async (match, request) => tallyTickets(tickets.map(named), match, request),
    listTicketEvents: async (id, page) =>
      events.filter((e) => e.ticket_id === id && e.event_id > (page.after ?? 0)).slice(0, page.limit),
    countActiveTickets: async (zoneId, statuses) => active(zoneId, statuses),
    countActiveTicketsIn: async (ids, statuses) => new Map(ids.map((id) => [id, active(id, statuses)])),
    purgeIdempotencyKeys: async (before) => {
      const old = [...keys].filter(([, k]) => k.at < before);
      for (const [key] of old) keys.delete(key);
      return old.length;
    },
    async saveZone(zone, rule) {
      upsert(zones, zone, (z) => z.zone_id === zone.zone_id);
      if (rule) admit(zone.zone_id, rule);
      return zone;
    },
    saveZones: async (rows) => {
      for (const zone of rows) upsert(zones, zone, (z) => z.zone_id === zone.zone_id);
    },
    getZone: async (id) => zones.find((z) => z.zone_id === id),
    listZones: async (page) => after(zones, (z) => z.zone_id, page),
    saveTechnician: async (t) => upsert(technicians, t, (x) => x.technician_id === t.technician_id),
    saveTechnicians: async (rows) => {
      for (const t of rows) upsert(technicians, t, (x) => x.technician_id === t.technician_id);
    },
    getTechnician: async (id) => technicians.find((t) => t.technician_id === id),
    listTechnicians: async (page) => after(technicians, (t) => t.technician_id, page),
    saveService: async (s) => upsert(services, s, (x) => x.service_id === s.service_id),
    saveServices: async (rows) => {
      for (const s of rows) upsert(services, s, (x) => x.service_id === s.service_id);
    },
    getService: async (id) => services.find((s) => s.service_id === id),
    listServices: async (page) => after(services, (s) => s.service_id, page),
  };
}

// Wire the use cases by hand: your store, your clock, a calendar, the catalogue, the zone rule.
// Settings that cannot be used are a value too: here they stop the program.
const settings = createBusinessCalendar({
  timeZone: 'America/Bogota',
  weekdays: [1, 2, 3, 4, 5],
  holidays: { holidaysIn: (year) => (year === 2026 ? ['2026-01-01', '2026-01-12', '2026-03-23'] : []) },
}).andThen((calendar) => createSubjectCatalogue(defaultSubjects).map((subjects) => ({ calendar, subjects })));
if (settings.isErr()) throw new Error(`cannot set up the desk: ${settings.error.type}`);
const { calendar, subjects } = settings.value;
const desk = createTicketDesk({
  store: createArrayStore(),
  clock: { now: () => Date.parse('2026-02-26T10:00:00-05:00') },
  calendar,
  subjects,
  capacity: createCapacityRule({ maxActiveTicketsPerZone: 3, activeStatuses: [1] }),
  resolutionDays: 3,
});

await desk.saveZone(2, { name: 'Centro' });
await desk.saveTechnician(5, { name: 'Ana Gómez' });
await desk.saveService(100, { zone_id: 2 });

const opened = await desk.createTicket({
  service_id: 100,
  technician_id: 5,
  zone_id: 2,
  subject: 'Falla Masiva',
  description: 'Cliente reporta intermitencia en el servicio de internet',
});
opened.match(
  (outcome) =>
    console.log(
      outcome.kind === 'created'
        ? `ticket ${outcome.ticket.ticket_id} due ${desk.calendar.format(outcome.ticket.end_date)}`
        : `waiting at position ${outcome.position}`,
    ),
  (error) => console.log(`refused: ${error.type}`),
);
// -> ticket 1 due 2026-03-03 10:00
