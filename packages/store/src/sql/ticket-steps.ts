import type {
  AffectedCustomer,
  AffectedResolution,
  CreateContext,
  CreateRequest,
  NewTicket,
  NewTicketEvent,
  OutboxMessage,
  Ticket,
  TicketNotFound,
  TicketStatus,
  UpdateContext,
  UpdateDecision,
  Zone,
  ZoneRule,
} from '@tickets/domain';
import { ticketNotFound } from '@tickets/domain';
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { err, ok, type Result } from 'neverthrow';
import type { SqlDatabase } from './database.js';
import { type PreparedQuery, prepareQuery } from './prepared-query.js';
import {
  changedColumns,
  ticketColumns,
  toAffected,
  toQueued,
  toService,
  toTechnician,
  toTicket,
  toZone,
  zoneRow,
} from './rows.js';
import type { TicketDatabase } from './schema.js';
import type { Statements } from './statements.js';
import { all, first, insertedId, type Step, saveInChunks } from './step.js';
import { createWaitingLineSteps, type ZoneState } from './waiting-line-steps.js';

type CountQuery = PreparedQuery<{ zone_id: number }, { n: number }>;
type ZoneStateQuery = PreparedQuery<{ zone_id: number }, { active: number; waiting: number | null }>;

/** Everything a create decides on, but the idempotency key, in one row (nulls for what is missing). */
export interface CreateContextRow {
  zone_id: number | null;
  zone_name: string | null;
  max_active_tickets: number | null;
  service_id: number | null;
  service_zone_id: number | null;
  customer_name: string | null;
  technician_id: number | null;
  technician_name: string | null;
  technician_active: number | null;
  active_tickets: number;
  waiting: number | null;
}
/** The service and the technician a create's context row names (undefined where it has none). */
export function referencesOf(
  row: CreateContextRow | undefined,
): Pick<CreateContext, 'service' | 'technician'> {
  return {
    service:
      row?.service_id == null
        ? undefined
        : toService({
            id: row.service_id,
            zone_id: row.service_zone_id as number,
            customer_name: row.customer_name,
          }),
    technician:
      row?.technician_id == null
        ? undefined
        : toTechnician({
            id: row.technician_id,
            name: row.technician_name as string,
            active: row.technician_active as number,
          }),
  };
}

type CreateContextQuery = PreparedQuery<
  { zone_id: number; service_id: number; technician_id: number | null },
  CreateContextRow
>;

/**
 * The tickets of the zone_status_counts rows selected, 0 when there are none; cast, since
 * PostgreSQL sums BIGINTs as numeric, which pg hands back as a string.
 */
const activeSum = (eb: ExpressionBuilder<TicketDatabase, 'zone_status_counts'>) =>
  eb.cast<number>(eb.fn.coalesce(eb.fn.sum('tickets'), eb.lit(0)), 'integer');

/** A create's context, and how many waiting requests the step admitted before reading it. */
export interface ContextAfterAdmission {
  readonly context: CreateContext;
  readonly admitted: number;
}

/** Compiled once per set of active statuses, which comes from configuration. */
function perStatusSet<Q>(
  build: (statuses: readonly TicketStatus[]) => Q,
): (statuses: readonly TicketStatus[]) => Q {
  const compiled = new Map<string, Q>();
  return (statuses) => {
    const key = statuses.join(',');
    let query = compiled.get(key);
    if (query === undefined) {
      query = build(statuses);
      compiled.set(key, query);
    }
    return query;
  };
}

/**
 * The steps the store's zone transactions are made of (see step.ts), shared by the ticket store
 * and the connector store: read what a decision needs, and write what it decided.
 */
export function createTicketSteps(database: SqlDatabase, q: Statements) {
  const db: Kysely<TicketDatabase> = database.kysely;

  const countOf = perStatusSet(
    (statuses): CountQuery =>
      prepareQuery(db, (db, v: { zone_id: number }) =>
        db
          .selectFrom('zone_status_counts')
          .select((eb) => activeSum(eb).as('n'))
          .where('zone_id', '=', v.zone_id)
          .where('status', 'in', [...statuses]),
      ),
  );

  // One statement for the zone, the service, the technician and the zone's active tickets: one round trip
  // on PostgreSQL, one step of SQLite's engine.
  const contextOf = perStatusSet(
    (statuses) =>
      prepareQuery(db, (db, v: { zone_id: number; service_id: number; technician_id: number | null }) =>
        db
          .selectFrom(sql<{ one: number }>`(select 1 as one)`.as('one'))
          .leftJoin('zones as z', (join) => join.on('z.id', '=', v.zone_id))
          .leftJoin('services as s', (join) => join.on('s.id', '=', v.service_id))
          .leftJoin('technicians as t', (join) => join.on('t.id', '=', v.technician_id))
          .select((eb) => [
            'z.id as zone_id',
            'z.name as zone_name',
            'z.max_active_tickets',
            's.id as service_id',
            's.zone_id as service_zone_id',
            's.customer_name',
            't.id as technician_id',
            't.name as technician_name',
            't.active as technician_active',
            eb
              .selectFrom('zone_status_counts')
              .select((eb) => activeSum(eb).as('n'))
              .where('zone_id', '=', v.zone_id)
              .where('status', 'in', [...statuses])
              .as('active_tickets'),
            eb
              .selectFrom('zone_waiting_counts')
              .select('waiting')
              .where('zone_id', '=', v.zone_id)
              .as('waiting'),
          ]),
      ) as CreateContextQuery,
  );

  // A zone's active tickets and waiting requests in one statement, read once its lock is held.
  const stateOf = perStatusSet(
    (statuses) =>
      prepareQuery(db, (db, v: { zone_id: number }) =>
        db.selectFrom(sql<{ one: number }>`(select 1 as one)`.as('one')).select((eb) => [
          eb
            .selectFrom('zone_status_counts')
            .select((eb) => activeSum(eb).as('n'))
            .where('zone_id', '=', v.zone_id)
            .where('status', 'in', [...statuses])
            .as('active'),
          eb
            .selectFrom('zone_waiting_counts')
            .select('waiting')
            .where('zone_id', '=', v.zone_id)
            .as('waiting'),
        ]),
      ) as ZoneStateQuery,
  );

  /** A zone's active tickets: a sum over at most four counter rows, at any volume. */
  function* activeIn(zoneId: number, statuses: readonly TicketStatus[]): Step<number> {
    const row = yield* first(countOf(statuses), { zone_id: zoneId });
    return row?.n ?? 0;
  }

  /** A zone's active tickets and waiting requests; under its lock in a zone step. */
  function* zoneState(zoneId: number, statuses: readonly TicketStatus[]): Step<ZoneState> {
    const row = yield* first(stateOf(statuses), { zone_id: zoneId });
    return { active: row?.active ?? 0, waiting: row?.waiting ?? 0 };
  }

  /**
   * What a create decides on. `locked` (a zone step) takes the zone's lock (PostgreSQL; SQLite's
   * transaction holds the write lock already) and admits waiting requests into free slots before
   * reading the rest, so a new request never takes a slot ahead of one waiting; unlocked, it only
   * reads.
   */
  function* createContext(
    request: CreateRequest,
    rule: ZoneRule,
    locked: boolean,
  ): Step<ContextAfterAdmission> {
    if (locked && database.dialect === 'postgres') yield* all(q.lockZone, { id: request.zone_id });
    const row = yield* first(contextOf(rule.activeStatuses), {
      zone_id: request.zone_id,
      service_id: request.service_id,
      technician_id: request.technician_id,
    });
    const zone =
      row?.zone_id == null
        ? undefined
        : toZone({
            id: row.zone_id,
            name: row.zone_name as string,
            max_active_tickets: row.max_active_tickets,
          });
    let state: ZoneState =
      zone === undefined
        ? { active: 0, waiting: 0 }
        : { active: row?.active_tickets ?? 0, waiting: row?.waiting ?? 0 };
    let admitted = 0;
    if (locked && zone !== undefined) {
      const after = yield* line.admitWaiting(zone, rule, state);
      state = after;
      admitted = after.admitted;
    }
    // Read after admission: a key whose request was just admitted answers its ticket.
    const claim = request.idempotency;
    const earlier =
      claim === undefined
        ? undefined
        : yield* first(q.idempotencyKey, { client: claim.client, key: claim.key });
    const earlierTicket =
      earlier?.ticket_id == null ? undefined : yield* first(q.ticket, { id: earlier.ticket_id });
    const earlierQueued =
      earlier?.queue_id == null ? undefined : yield* first(q.queued, { id: earlier.queue_id });
    const existing =
      request.wisphub_ticket_id === undefined
        ? undefined
        : yield* first(q.ticketByWispHubId, { wisphub_ticket_id: request.wisphub_ticket_id });
    const context: CreateContext = {
      zone,
      ...referencesOf(row),
      activeTickets: state.active,
      previous:
        earlier === undefined
          ? undefined
          : {
              fingerprint: earlier.fingerprint,
              ticket: earlierTicket === undefined ? undefined : toTicket(earlierTicket),
              queued: earlierQueued === undefined ? undefined : toQueued(earlierQueued),
            },
      waiting: state.waiting,
      existing: existing === undefined ? undefined : toTicket(existing),
    };
    return { context, admitted };
  }

  /** Records a ticket's events; returns their ids, in order. */
  function* recordEvents(ticketId: number, events: readonly NewTicketEvent[]): Step<number[]> {
    const ids: number[] = [];
    for (const event of events) {
      const id = yield* insertedId(q.insertEvent, {
        ticket_id: ticketId,
        at: event.at,
        actor: event.actor,
        kind: event.kind,
        before: event.before === null ? null : JSON.stringify(event.before),
        after: JSON.stringify(event.after),
        note: event.note,
      });
      ids.push(id);
    }
    return ids;
  }

  /** Records a ticket's outbox messages; a webhook's carries the ticket as its event left it. */
  function* enqueue(
    ticket: Ticket,
    messages: readonly OutboxMessage[],
    eventIds: readonly number[],
  ): Step<void> {
    let payload: string | undefined;
    for (const message of messages) {
      const isWebhook = message.channel === 'webhook';
      if (isWebhook) payload ??= JSON.stringify(ticket);
      yield* all(q.insertOutbox, {
        ticket_id: ticket.ticket_id,
        channel: message.channel,
        endpoint: isWebhook ? message.endpoint : null,
        event_id: isWebhook ? (eventIds[message.event] ?? null) : null,
        payload: isWebhook ? (payload ?? null) : null,
        state: 'pending',
        created_at: ticket.updated_at,
      });
    }
  }

  /** Records a ticket's events and their outbox messages. */
  function* recordChange(
    ticket: Ticket,
    events: readonly NewTicketEvent[],
    outbox: readonly OutboxMessage[],
  ): Step<void> {
    const eventIds = yield* recordEvents(ticket.ticket_id, events);
    if (outbox.length > 0) yield* enqueue(ticket, outbox, eventIds);
  }

  /** Writes a new ticket, counted in its zone, with its events and outbox messages. */
  function* openTicket(
    draft: NewTicket,
    events: readonly NewTicketEvent[],
    outbox: readonly OutboxMessage[],
  ): Step<Ticket> {
    const ticket: Ticket = { ...draft, ticket_id: yield* insertedId(q.insertTicket, ticketColumns(draft)) };
    yield* all(q.countTicket, { zone_id: ticket.zone_id, status: ticket.status });
    yield* recordChange(ticket, events, outbox);
    return ticket;
  }

  const line = createWaitingLineSteps(q, openTicket);

  /** Marks the affected customers a change resolves, those not resolved yet. */
  function* resolveAffected(ticketId: number, resolution: AffectedResolution): Step<void> {
    yield* saveInChunks(resolution.service_ids, (serviceIds) =>
      db
        .updateTable('affected_customers')
        .set({ resolved_at: resolution.at, answer_text: resolution.answer_text })
        .where('ticket_id', '=', ticketId)
        .where('service_id', 'in', [...serviceIds])
        .where('resolved_at', 'is', null),
    );
  }

  /** Saves a zone and, under its lock, admits waiting requests into the slots its limit frees. */
  function* saveZoneAdmitting(zone: Zone, rule: ZoneRule): Step<void> {
    // On PostgreSQL the upsert holds the zone's row lock from here to the commit.
    yield* all(q.saveZone, zoneRow(zone));
    yield* line.admitWaiting(zone, rule, yield* zoneState(zone.zone_id, rule.activeStatuses));
  }

  /**
   * Under the lock of the ticket's zone, reads the ticket again, lets `decide` decide, and writes
   * the ticket's new state, its events and its outbox messages.
   */
  function* changeTicket<E>(
    ticketId: number,
    zoneId: number,
    rule: ZoneRule,
    decide: (context: UpdateContext) => Result<UpdateDecision, E>,
  ): Step<Result<Ticket, E | TicketNotFound>> {
    const zoneRow = yield* first(q.lockZone, { id: zoneId });
    // Read again under the zone's lock: the status may have changed since.
    const row = yield* first(q.ticket, { id: ticketId });
    if (zoneRow === undefined || row === undefined) return err(ticketNotFound(ticketId));
    const zone = toZone(zoneRow);
    const ticket = toTicket(row);
    const state = yield* zoneState(zone.zone_id, rule.activeStatuses);
    const unresolved: AffectedCustomer[] =
      ticket.affected_count === 0
        ? []
        : (yield* all(q.unresolvedAffected, { ticket_id: ticketId })).map(toAffected);
    const decision = decide({ ticket, zone, activeTickets: state.active, unresolved });
    if (decision.isErr()) return err(decision.error);
    const changed = decision.value.ticket;
    yield* all(q.updateTicket, changedColumns(changed));
    if (changed.status !== ticket.status) {
      yield* all(q.uncountTicket, { zone_id: zoneId, status: ticket.status });
      yield* all(q.countTicket, { zone_id: zoneId, status: changed.status });
    }
    yield* recordChange(changed, decision.value.events, decision.value.outbox);
    const resolution = decision.value.resolveAffected;
    if (resolution !== undefined) yield* resolveAffected(ticketId, resolution);
    const counts = (status: TicketStatus) => (rule.activeStatuses.includes(status) ? 1 : 0);
    const active = state.active - counts(ticket.status) + counts(changed.status);
    yield* line.admitWaiting(zone, rule, { active, waiting: state.waiting });
    return ok(changed);
  }

  return {
    activeIn,
    createContext,
    openTicket,
    recordChange,
    changeTicket,
    saveZoneAdmitting,
    enqueue: line.enqueue,
    placeOf: line.placeOf,
  };
}
export type TicketSteps = ReturnType<typeof createTicketSteps>;
