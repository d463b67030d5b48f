import type {
  CapacityRule,
  CreateContext,
  CreateDecision,
  CreateOutcome,
  CreateRequest,
  NewTicketEvent,
  Priority,
  Service,
  Technician,
  Ticket,
  TicketEvent,
  TicketEventKind,
  TicketNotFound,
  TicketStatus,
  TicketStore,
  UpdateContext,
  UpdateDecision,
  Zone,
} from '@tickets/domain';
import { ticketNotFound } from '@tickets/domain';
import { type Kysely, type Selectable, sql } from 'kysely';
import { err, ok, type Result } from 'neverthrow';
import type { SqlDatabase } from './database.js';
import { IDEMPOTENCY_PRIMARY_KEY } from './migrations.js';
import { type PreparedQuery, prepareQuery } from './prepared-query.js';
import type {
  ServicesTable,
  SqlDialectName,
  TechniciansTable,
  TicketDatabase,
  TicketEventsTable,
  TicketsTable,
  ZonesTable,
} from './schema.js';
import {
  all,
  first,
  KyselyStepRunner,
  rowsOf,
  SqliteStepRunner,
  type Step,
  type StepRunner,
} from './step.js';
import { reportUnavailable } from './unavailable.js';

type Db = Kysely<TicketDatabase>;

// Drivers may hand back 64-bit integers as strings (pg's int8); every number passes through here.
const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value));

function toTicket(row: Selectable<TicketsTable>): Ticket {
  return {
    ticket_id: num(row.id),
    service_id: num(row.service_id),
    zone_id: num(row.zone_id),
    technician_id: num(row.technician_id),
    subject: row.subject,
    priority: num(row.priority) as Priority,
    description: row.description,
    status: num(row.status) as TicketStatus,
    created_at: num(row.created_at),
    end_date: num(row.end_date),
    answer_text: row.answer_text,
    updated_at: num(row.updated_at),
  };
}

const toZone = (row: Selectable<ZonesTable>): Zone => ({
  zone_id: num(row.id),
  name: row.name,
  max_active_tickets: row.max_active_tickets === null ? null : num(row.max_active_tickets),
});

const toTechnician = (row: Selectable<TechniciansTable>): Technician => ({
  technician_id: num(row.id),
  name: row.name,
  active: num(row.active) === 1,
});

const toService = (row: Selectable<ServicesTable>): Service => ({
  service_id: num(row.id),
  zone_id: num(row.zone_id),
  customer_name: row.customer_name,
});

const toEvent = (row: Selectable<TicketEventsTable>): TicketEvent => ({
  event_id: num(row.id),
  ticket_id: num(row.ticket_id),
  at: num(row.at),
  actor: row.actor,
  kind: row.kind as TicketEventKind,
  before: row.before === null ? null : JSON.parse(row.before),
  after: JSON.parse(row.after),
});

/**
 * How each dialect makes a zone step atomic:
 * - SQLite: `BEGIN IMMEDIATE` takes the database's single write lock before the first read, so the
 *   count and the insert see no other writer, in this process or another (WAL; see SqliteStepRunner).
 * - PostgreSQL: READ COMMITTED, and `SELECT … FOR UPDATE` on the zone's row: steps in one zone queue
 *   on that row lock, and each counts only after the one before it has committed. Steps in
 *   different zones do not wait for each other. A row lock (rather than an advisory lock or
 *   SERIALIZABLE) needs no retry loop under contention, and PostgreSQL-compatible distributed
 *   engines implement it.
 */
const POSTGRES_BEGIN = 'begin isolation level read committed';
// Rows per statement in bulk saves: well under both dialects' limits on bound parameters.
const BULK_CHUNK = 1000;
// Zones whose last create was refused, remembered up to this many (see createTicket).
const MAX_REFUSED_ZONES = 10_000;

/**
 * A transaction the database rolled back and that may simply be run again: serialization_failure,
 * deadlock_detected, or a concurrent create that recorded the same idempotency key first (the
 * next try finds it).
 */
function isConflict(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '40001' || code === '40P01' || (code === '23505' && constraint === IDEMPOTENCY_PRIMARY_KEY);
}

/** Upserts of directory rows, many per statement. */
const upsert = {
  zones: (db: Db, rows: readonly ZonesTable[]) =>
    db
      .insertInto('zones')
      .values([...rows])
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          max_active_tickets: eb.ref('excluded.max_active_tickets'),
        })),
      ),
  technicians: (db: Db, rows: readonly TechniciansTable[]) =>
    db
      .insertInto('technicians')
      .values([...rows])
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({ name: eb.ref('excluded.name'), active: eb.ref('excluded.active') })),
      ),
  services: (db: Db, rows: readonly ServicesTable[]) =>
    db
      .insertInto('services')
      .values([...rows])
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          zone_id: eb.ref('excluded.zone_id'),
          customer_name: eb.ref('excluded.customer_name'),
        })),
      ),
};

const zoneRow = (zone: Zone): ZonesTable => ({
  id: zone.zone_id,
  name: zone.name,
  max_active_tickets: zone.max_active_tickets,
});
const technicianRow = (t: Technician): TechniciansTable => ({
  id: t.technician_id,
  name: t.name,
  active: t.active ? 1 : 0,
});
const serviceRow = (s: Service): ServicesTable => ({
  id: s.service_id,
  zone_id: s.zone_id,
  customer_name: s.customer_name,
});

function prepareStatements(db: Db, dialect: SqlDialectName) {
  return {
    lockZone: prepareQuery(db, (db, v: { id: number }) => {
      const query = db.selectFrom('zones').selectAll().where('id', '=', v.id);
      return dialect === 'postgres' ? query.forUpdate() : query;
    }),
    zone: prepareQuery(db, (db, v: { id: number }) =>
      db.selectFrom('zones').selectAll().where('id', '=', v.id),
    ),
    ticket: prepareQuery(db, (db, v: { id: number }) =>
      db.selectFrom('tickets').selectAll().where('id', '=', v.id),
    ),
    idempotencyKey: prepareQuery(db, (db, v: { client: string; key: string }) =>
      db
        .selectFrom('idempotency_keys')
        .select(['fingerprint', 'ticket_id'])
        .where('client', '=', v.client)
        .where('key', '=', v.key),
    ),
    insertTicket: prepareQuery(db, (db, v: Omit<TicketsTable, 'id'>) =>
      db
        .insertInto('tickets')
        .values({
          service_id: v.service_id,
          zone_id: v.zone_id,
          technician_id: v.technician_id,
          subject: v.subject,
          priority: v.priority,
          description: v.description,
          status: v.status,
          created_at: v.created_at,
          end_date: v.end_date,
          answer_text: v.answer_text,
          updated_at: v.updated_at,
        })
        .returning('id'),
    ),
    insertEvent: prepareQuery(db, (db, v: Omit<TicketEventsTable, 'id'>) =>
      db.insertInto('ticket_events').values({
        ticket_id: v.ticket_id,
        at: v.at,
        actor: v.actor,
        kind: v.kind,
        before: v.before,
        after: v.after,
      }),
    ),
    insertIdempotencyKey: prepareQuery(
      db,
      (db, v: { client: string; key: string; fingerprint: string; ticket_id: number; recorded_at: number }) =>
        db.insertInto('idempotency_keys').values({
          client: v.client,
          key: v.key,
          fingerprint: v.fingerprint,
          ticket_id: v.ticket_id,
          recorded_at: v.recorded_at,
        }),
    ),
    // Each field named: the stand-in for the values has no keys of its own to spread.
    saveZone: prepareQuery(db, (db, v: ZonesTable) =>
      upsert.zones(db, [{ id: v.id, name: v.name, max_active_tickets: v.max_active_tickets }]),
    ),
    saveTechnician: prepareQuery(db, (db, v: TechniciansTable) =>
      upsert.technicians(db, [{ id: v.id, name: v.name, active: v.active }]),
    ),
    saveService: prepareQuery(db, (db, v: ServicesTable) =>
      upsert.services(db, [{ id: v.id, zone_id: v.zone_id, customer_name: v.customer_name }]),
    ),
    countTicket: prepareQuery(db, (db, v: { zone_id: number; status: number }) =>
      db
        .insertInto('zone_status_counts')
        .values({ zone_id: v.zone_id, status: v.status, tickets: 1 })
        .onConflict((oc) =>
          oc
            .columns(['zone_id', 'status'])
            .doUpdateSet((eb) => ({ tickets: eb('zone_status_counts.tickets', '+', 1) })),
        ),
    ),
    uncountTicket: prepareQuery(db, (db, v: { zone_id: number; status: number }) =>
      db
        .updateTable('zone_status_counts')
        .set((eb) => ({ tickets: eb('tickets', '-', 1) }))
        .where('zone_id', '=', v.zone_id)
        .where('status', '=', v.status),
    ),
    updateTicket: prepareQuery(
      db,
      (db, v: { id: number; status: number; answer_text: string | null; updated_at: number }) =>
        db
          .updateTable('tickets')
          .set({ status: v.status, answer_text: v.answer_text, updated_at: v.updated_at })
          .where('id', '=', v.id),
    ),
  };
}

type Statements = ReturnType<typeof prepareStatements>;
type CountQuery = PreparedQuery<{ zone_id: number }, { n: unknown }>;

/** Everything a create decides on, but the idempotency key, in one row (nulls for what is missing). */
interface CreateContextRow {
  zone_id: number | null;
  zone_name: string | null;
  max_active_tickets: number | null;
  service_id: number | null;
  service_zone_id: number | null;
  customer_name: string | null;
  technician_id: number | null;
  technician_name: string | null;
  technician_active: number | null;
  active_tickets: unknown;
}
type CreateContextQuery = PreparedQuery<
  { zone_id: number; service_id: number; technician_id: number },
  CreateContextRow
>;

/**
 * A TicketStore over SQL, for SQLite and PostgreSQL. Queries are compiled once; the store's work
 * is written once, as steps (see step.ts), which SQLite runs synchronously on better-sqlite3 and
 * PostgreSQL runs on Kysely. A create writes the ticket, its audit events and its idempotency key
 * in one transaction.
 */
export function createSqlTicketStore(database: SqlDatabase): TicketStore {
  const db = database.kysely;
  const q: Statements = prepareStatements(db, database.dialect);
  const runner: StepRunner =
    database.dialect === 'sqlite'
      ? new SqliteStepRunner(database.native)
      : new KyselyStepRunner(db, POSTGRES_BEGIN, isConflict);

  // Active statuses come from configuration; their count query is compiled once per status set.
  const countQueries = new Map<string, CountQuery>();
  const countOf = (statuses: readonly TicketStatus[]): CountQuery => {
    const key = statuses.join(',');
    let query = countQueries.get(key);
    if (query === undefined) {
      query = prepareQuery(db, (db, v: { zone_id: number }) =>
        db
          .selectFrom('zone_status_counts')
          .select((eb) => eb.fn.coalesce(eb.fn.sum('tickets'), eb.lit(0)).as('n'))
          .where('zone_id', '=', v.zone_id)
          .where('status', 'in', [...statuses]),
      );
      countQueries.set(key, query);
    }
    return query;
  };

  // One statement for the zone, the service, the technician and the zone's load: one round trip
  // on PostgreSQL, one step of SQLite's engine. Compiled once per set of active statuses.
  const contextQueries = new Map<string, CreateContextQuery>();
  const contextOf = (statuses: readonly TicketStatus[]): CreateContextQuery => {
    const key = statuses.join(',');
    let query = contextQueries.get(key);
    if (query === undefined) {
      query = prepareQuery(db, (db, v: { zone_id: number; service_id: number; technician_id: number }) =>
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
              .select((eb) => eb.fn.coalesce(eb.fn.sum('tickets'), eb.lit(0)).as('n'))
              .where('zone_id', '=', v.zone_id)
              .where('status', 'in', [...statuses])
              .as('active_tickets'),
          ]),
      ) as CreateContextQuery;
      contextQueries.set(key, query);
    }
    return query;
  };

  /** A zone's active tickets: a sum over at most four counter rows, at any volume. */
  function* activeIn(zoneId: number, statuses: readonly TicketStatus[]): Step<number> {
    const row = yield* first(countOf(statuses), { zone_id: zoneId });
    return num(row?.n ?? 0);
  }

  /** What a create decides on; `locked` takes the zone's lock (PostgreSQL) for the write that follows. */
  function* createContext(request: CreateRequest, rule: CapacityRule, locked: boolean): Step<CreateContext> {
    // SQLite's transaction holds the write lock already; PostgreSQL locks the zone's row first.
    if (locked && database.dialect === 'postgres') yield* all(q.lockZone, { id: request.zone_id });
    const row = yield* first(contextOf(rule.activeStatuses), {
      zone_id: request.zone_id,
      service_id: request.service_id,
      technician_id: request.technician_id,
    });
    const claim = request.idempotency;
    const earlier =
      claim === undefined
        ? undefined
        : yield* first(q.idempotencyKey, { client: claim.client, key: claim.key });
    const earlierTicket =
      earlier === undefined ? undefined : yield* first(q.ticket, { id: num(earlier.ticket_id) });
    const zone =
      row?.zone_id == null
        ? undefined
        : toZone({
            id: row.zone_id,
            name: row.zone_name as string,
            max_active_tickets: row.max_active_tickets,
          });
    return {
      zone,
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
      activeTickets: zone === undefined ? 0 : num(row?.active_tickets ?? 0),
      previous:
        earlier === undefined || earlierTicket === undefined
          ? undefined
          : { fingerprint: earlier.fingerprint, ticket: toTicket(earlierTicket) },
    };
  }

  function* recordEvents(ticketId: number, events: readonly NewTicketEvent[]): Step<void> {
    for (const event of events) {
      yield* all(q.insertEvent, {
        ticket_id: ticketId,
        at: event.at,
        actor: event.actor,
        kind: event.kind,
        before: event.before === null ? null : JSON.stringify(event.before),
        after: JSON.stringify(event.after),
      });
    }
  }

  function* saveInChunks<T>(
    rows: readonly T[],
    save: (chunk: readonly T[]) => { compile(): { sql: string; parameters: readonly unknown[] } },
  ): Step<void> {
    for (let i = 0; i < rows.length; i += BULK_CHUNK) yield* rowsOf(save(rows.slice(i, i + BULK_CHUNK)));
  }

  const keepOk = (result: Result<unknown, unknown>) => result.isOk();
  const always = () => true;

  // Zones whose last create here was refused (full, most likely). The next create in such a zone
  // first decides on an unlocked read: a refusal from it is as good as one under the lock (it
  // refuses on a state that was committed), and it takes no lock, so an outage storm of refused
  // creates does not queue on the zone's lock. A create that the read would accept takes the lock
  // and decides again. Only a hint: a stale entry costs one read, never correctness.
  const refusedZones = new Set<number>();
  const rememberRefusal = (zoneId: number, refused: boolean) => {
    if (!refused) refusedZones.delete(zoneId);
    else {
      if (refusedZones.size >= MAX_REFUSED_ZONES) refusedZones.clear();
      refusedZones.add(zoneId);
    }
  };

  const store: TicketStore = {
    async createTicket<E>(
      request: CreateRequest,
      rule: CapacityRule,
      decide: (context: CreateContext) => Result<CreateDecision, E>,
    ): Promise<Result<CreateOutcome, E>> {
      if (refusedZones.has(request.zone_id)) {
        const decision = decide(await runner.read(() => createContext(request, rule, false)));
        if (decision.isErr()) return err(decision.error);
        if (decision.value.kind === 'replay') return ok({ ticket: decision.value.ticket, replayed: true });
      }
      const result = await runner.write(function* (): Step<Result<CreateOutcome, E>> {
        const decision = decide(yield* createContext(request, rule, true));
        if (decision.isErr()) return err(decision.error);
        if (decision.value.kind === 'replay') return ok({ ticket: decision.value.ticket, replayed: true });
        const { ticket: draft, events } = decision.value;
        const inserted = yield* first(q.insertTicket, draft);
        const ticket: Ticket = { ...draft, ticket_id: num(inserted?.id) };
        yield* all(q.countTicket, { zone_id: ticket.zone_id, status: ticket.status });
        yield* recordEvents(ticket.ticket_id, events);
        const claim = request.idempotency;
        if (claim !== undefined) {
          yield* all(q.insertIdempotencyKey, {
            client: claim.client,
            key: claim.key,
            fingerprint: claim.fingerprint,
            ticket_id: ticket.ticket_id,
            recorded_at: ticket.created_at,
          });
        }
        return ok({ ticket, replayed: false });
      }, keepOk);
      rememberRefusal(request.zone_id, result.isErr());
      return result;
    },

    async updateTicket<E>(
      ticketId: number,
      rule: CapacityRule,
      decide: (context: UpdateContext) => Result<UpdateDecision, E>,
    ): Promise<Result<Ticket, E | TicketNotFound>> {
      const before = await runner.read(() => first(q.ticket, { id: ticketId }));
      if (before === undefined) return err(ticketNotFound(ticketId));
      const zoneId = num(before.zone_id);
      const result = await runner.write(function* (): Step<Result<Ticket, E | TicketNotFound>> {
        const zoneRow = yield* first(q.lockZone, { id: zoneId });
        // Read again under the zone's lock: the status may have changed since.
        const row = yield* first(q.ticket, { id: ticketId });
        if (zoneRow === undefined || row === undefined) return err(ticketNotFound(ticketId));
        const zone = toZone(zoneRow);
        const ticket = toTicket(row);
        const decision = decide({
          ticket,
          zone,
          activeTickets: yield* activeIn(zone.zone_id, rule.activeStatuses),
        });
        if (decision.isErr()) return err(decision.error);
        const { change, events } = decision.value;
        yield* all(q.updateTicket, { id: ticketId, ...change });
        if (change.status !== ticket.status) {
          yield* all(q.uncountTicket, { zone_id: zoneId, status: ticket.status });
          yield* all(q.countTicket, { zone_id: zoneId, status: change.status });
        }
        yield* recordEvents(ticketId, events);
        return ok({ ...ticket, ...change });
      }, keepOk);
      // A change may have made room in the zone.
      if (result.isOk()) refusedZones.delete(zoneId);
      return result;
    },

    async getTicket(ticketId) {
      const row = await runner.read(() => first(q.ticket, { id: ticketId }));
      return row === undefined ? undefined : toTicket(row);
    },

    async listTickets({ zone_id, status, limit, after }) {
      let query = db.selectFrom('tickets').selectAll().orderBy('id', 'desc').limit(limit);
      if (zone_id !== undefined) query = query.where('zone_id', '=', zone_id);
      if (status !== undefined) query = query.where('status', '=', status);
      if (after !== undefined) query = query.where('id', '<', after);
      return (await runner.read(() => rowsOf<Selectable<TicketsTable>>(query))).map(toTicket);
    },

    async listTicketEvents(ticketId) {
      const query = db
        .selectFrom('ticket_events')
        .selectAll()
        .where('ticket_id', '=', ticketId)
        .orderBy('id');
      return (await runner.read(() => rowsOf<Selectable<TicketEventsTable>>(query))).map(toEvent);
    },

    async countActiveTickets(zoneId, activeStatuses) {
      return runner.read(() => activeIn(zoneId, activeStatuses));
    },

    async countActiveTicketsIn(zoneIds, activeStatuses) {
      const counts = new Map(zoneIds.map((zoneId) => [zoneId, 0]));
      if (zoneIds.length === 0) return counts;
      const query = db
        .selectFrom('zone_status_counts')
        .select(['zone_id', (eb) => eb.fn.sum('tickets').as('n')])
        .where('zone_id', 'in', [...zoneIds])
        .where('status', 'in', [...activeStatuses])
        .groupBy('zone_id');
      for (const row of await runner.read(() => rowsOf<{ zone_id: unknown; n: unknown }>(query))) {
        counts.set(num(row.zone_id), num(row.n));
      }
      return counts;
    },

    async purgeIdempotencyKeys(recordedBefore) {
      return runner.write(function* () {
        const before = yield* rowsOf<{ n: unknown }>(
          db
            .selectFrom('idempotency_keys')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('recorded_at', '<', recordedBefore),
        );
        yield* rowsOf(db.deleteFrom('idempotency_keys').where('recorded_at', '<', recordedBefore));
        return num(before[0]?.n ?? 0);
      }, always);
    },

    async saveZone(zone) {
      await runner.write(() => all(q.saveZone, zoneRow(zone)), always);
      return zone;
    },
    async saveZones(zones) {
      if (zones.length === 0) return;
      await runner.write(() => saveInChunks(zones.map(zoneRow), (chunk) => upsert.zones(db, chunk)), always);
    },

    async getZone(zoneId) {
      const row = await runner.read(() => first(q.zone, { id: zoneId }));
      return row === undefined ? undefined : toZone(row);
    },

    async listZones({ limit, after }) {
      let query = db.selectFrom('zones').selectAll().orderBy('id').limit(limit);
      if (after !== undefined) query = query.where('id', '>', after);
      return (await runner.read(() => rowsOf<Selectable<ZonesTable>>(query))).map(toZone);
    },

    async saveTechnician(technician) {
      await runner.write(() => all(q.saveTechnician, technicianRow(technician)), always);
      return technician;
    },
    async saveTechnicians(technicians) {
      if (technicians.length === 0) return;
      await runner.write(
        () => saveInChunks(technicians.map(technicianRow), (chunk) => upsert.technicians(db, chunk)),
        always,
      );
    },

    async listTechnicians({ limit, after }) {
      let query = db.selectFrom('technicians').selectAll().orderBy('id').limit(limit);
      if (after !== undefined) query = query.where('id', '>', after);
      return (await runner.read(() => rowsOf<Selectable<TechniciansTable>>(query))).map(toTechnician);
    },

    async saveService(service) {
      await runner.write(() => all(q.saveService, serviceRow(service)), always);
      return service;
    },
    async saveServices(services) {
      if (services.length === 0) return;
      await runner.write(
        () => saveInChunks(services.map(serviceRow), (chunk) => upsert.services(db, chunk)),
        always,
      );
    },

    async listServices({ limit, after }) {
      let query = db.selectFrom('services').selectAll().orderBy('id').limit(limit);
      if (after !== undefined) query = query.where('id', '>', after);
      return (await runner.read(() => rowsOf<Selectable<ServicesTable>>(query))).map(toService);
    },
  };
  return reportUnavailable(store);
}
