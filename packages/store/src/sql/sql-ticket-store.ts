import type {
  CapacityRule,
  NewTicketEvent,
  Priority,
  Service,
  Technician,
  Ticket,
  TicketEvent,
  TicketEventKind,
  TicketStatus,
  TicketStore,
  Zone,
} from '@tickets/domain';
import { ticketNotFound } from '@tickets/domain';
import { CompiledQuery, type Kysely, type Selectable } from 'kysely';
import { err, ok, type Result } from 'neverthrow';
import { IDEMPOTENCY_PRIMARY_KEY } from './migrations.js';
import { type PreparedQuery, prepareQuery, type QueryRunner } from './prepared-query.js';
import type {
  ServicesTable,
  SqlDialectName,
  TechniciansTable,
  TicketDatabase,
  TicketEventsTable,
  TicketsTable,
  ZonesTable,
} from './schema.js';
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
 * - SQLite: `BEGIN IMMEDIATE` takes the database's single write lock before the first read, so
 *   the count and the insert see no other writer, in this process or another (WAL, busy timeout).
 * - PostgreSQL: READ COMMITTED, and `SELECT … FOR UPDATE` on the zone's row: steps in one zone
 *   queue on that row lock, and each counts only after the one before it has committed. Steps in
 *   different zones do not wait for each other. A row lock (rather than an advisory lock or
 *   SERIALIZABLE) needs no retry loop under contention, and PostgreSQL-compatible distributed
 *   engines implement it.
 */
const BEGIN: Record<SqlDialectName, CompiledQuery> = {
  sqlite: CompiledQuery.raw('begin immediate'),
  postgres: CompiledQuery.raw('begin isolation level read committed'),
};
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');
const MAX_ATTEMPTS = 4;
// Rows per statement in bulk saves: well under both dialects' limits on bound parameters.
const BULK_CHUNK = 1000;

/**
 * A transaction the database rolled back and that may simply be run again: serialization_failure,
 * deadlock_detected, or a concurrent create that recorded the same idempotency key first (the
 * next try finds it).
 */
function isConflict(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '40001' || code === '40P01' || (code === '23505' && constraint === IDEMPOTENCY_PRIMARY_KEY);
}

function prepareStatements(db: Db, dialect: SqlDialectName) {
  return {
    lockZone: prepareQuery(db, (db, v: { id: number }) => {
      const query = db.selectFrom('zones').selectAll().where('id', '=', v.id);
      return dialect === 'postgres' ? query.forUpdate() : query;
    }),
    zone: prepareQuery(db, (db, v: { id: number }) =>
      db.selectFrom('zones').selectAll().where('id', '=', v.id),
    ),
    service: prepareQuery(db, (db, v: { id: number }) =>
      db.selectFrom('services').selectAll().where('id', '=', v.id),
    ),
    technician: prepareQuery(db, (db, v: { id: number }) =>
      db.selectFrom('technicians').selectAll().where('id', '=', v.id),
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

type CountQuery = PreparedQuery<{ zone_id: number; limit: number }, { n: unknown }>;

/**
 * A TicketStore over Kysely, for SQLite and PostgreSQL. Queries are compiled once here; a zone
 * step is one transaction on one connection (see BEGIN above for how each dialect locks), which
 * writes the ticket, its audit events and its idempotency key together.
 */
export function createSqlTicketStore(db: Db, dialect: SqlDialectName): TicketStore {
  const q = prepareStatements(db, dialect);
  // Active statuses come from configuration; their count query is compiled once per status set.
  const countQueries = new Map<string, CountQuery>();
  const countUpTo = (rule: CapacityRule): CountQuery => {
    const key = rule.activeStatuses.join(',');
    let query = countQueries.get(key);
    if (query === undefined) {
      query = prepareQuery(db, (db, v: { zone_id: number; limit: number }) =>
        db
          .selectFrom((eb) =>
            eb
              .selectFrom('tickets')
              .select('id')
              .where('zone_id', '=', v.zone_id)
              .where('status', 'in', [...rule.activeStatuses])
              .limit(v.limit)
              .as('active'),
          )
          .select((eb) => eb.fn.countAll().as('n')),
      );
      countQueries.set(key, query);
    }
    return query;
  };

  const first = async <P, R>(
    query: PreparedQuery<P, R>,
    runner: QueryRunner,
    values: P,
  ): Promise<R | undefined> => (await query(runner, values))[0];

  /** Runs `work` in one transaction, committed when it returns ok and rolled back otherwise. */
  const transaction = <T, E>(work: (conn: Db) => Promise<Result<T, E>>): Promise<Result<T, E>> =>
    db.connection().execute(async (conn) => {
      await conn.executeQuery(BEGIN[dialect]);
      let result: Result<T, E>;
      try {
        result = await work(conn);
      } catch (error) {
        await conn.executeQuery(ROLLBACK).catch(() => undefined);
        throw error;
      }
      await conn.executeQuery(result.isOk() ? COMMIT : ROLLBACK);
      return result;
    });

  /**
   * A zone step, tried again (a few times, after a short random pause) when the database rolled
   * it back for a conflict (see isConflict). PostgreSQL's row locks make that rare; engines that
   * check conflicts at commit (CockroachDB's or YugabyteDB's defaults) do it under contention.
   */
  const zoneStep = async <T, E>(work: (conn: Db) => Promise<Result<T, E>>): Promise<Result<T, E>> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await transaction(work);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isConflict(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  };

  const activeIn = async (conn: Db, zone: Zone, rule: CapacityRule): Promise<number> => {
    const row = await first(countUpTo(rule), conn, { zone_id: zone.zone_id, limit: rule.limitFor(zone) });
    return num(row?.n ?? 0);
  };

  const recordEvents = async (conn: Db, ticketId: number, events: readonly NewTicketEvent[]) => {
    for (const event of events) {
      await q.insertEvent(conn, {
        ticket_id: ticketId,
        at: event.at,
        actor: event.actor,
        kind: event.kind,
        before: event.before === null ? null : JSON.stringify(event.before),
        after: JSON.stringify(event.after),
      });
    }
  };

  const inChunks = async <T>(
    rows: readonly T[],
    save: (conn: Db, chunk: readonly T[]) => Promise<unknown>,
  ) => {
    if (rows.length === 0) return;
    await transaction(async (conn) => {
      for (let i = 0; i < rows.length; i += BULK_CHUNK) await save(conn, rows.slice(i, i + BULK_CHUNK));
      return ok(undefined);
    });
  };

  const store: TicketStore = {
    createTicket(request, rule, decide) {
      return zoneStep(async (conn) => {
        const zoneRow = await first(q.lockZone, conn, { id: request.zone_id });
        const serviceRow = await first(q.service, conn, { id: request.service_id });
        const technicianRow = await first(q.technician, conn, { id: request.technician_id });
        const claim = request.idempotency;
        const earlier =
          claim === undefined
            ? undefined
            : await first(q.idempotencyKey, conn, { client: claim.client, key: claim.key });
        const earlierTicket =
          earlier === undefined ? undefined : await first(q.ticket, conn, { id: num(earlier.ticket_id) });
        const zone = zoneRow === undefined ? undefined : toZone(zoneRow);
        const decision = decide({
          zone,
          service: serviceRow === undefined ? undefined : toService(serviceRow),
          technician: technicianRow === undefined ? undefined : toTechnician(technicianRow),
          activeTickets: zone === undefined ? 0 : await activeIn(conn, zone, rule),
          previous:
            earlier === undefined || earlierTicket === undefined
              ? undefined
              : { fingerprint: earlier.fingerprint, ticket: toTicket(earlierTicket) },
        });
        if (decision.isErr()) return err(decision.error);
        if (decision.value.kind === 'replay') return ok({ ticket: decision.value.ticket, replayed: true });
        const { ticket: draft, events } = decision.value;
        const inserted = await first(q.insertTicket, conn, draft);
        const ticket: Ticket = { ...draft, ticket_id: num(inserted?.id) };
        await recordEvents(conn, ticket.ticket_id, events);
        if (claim !== undefined) {
          await q.insertIdempotencyKey(conn, {
            client: claim.client,
            key: claim.key,
            fingerprint: claim.fingerprint,
            ticket_id: ticket.ticket_id,
            recorded_at: ticket.created_at,
          });
        }
        return ok({ ticket, replayed: false });
      });
    },

    async updateTicket(ticketId, rule, decide) {
      const before = await first(q.ticket, db, { id: ticketId });
      if (before === undefined) return err(ticketNotFound(ticketId));
      return zoneStep(async (conn) => {
        const zoneRow = await first(q.lockZone, conn, { id: num(before.zone_id) });
        // Read again under the zone's lock: the status may have changed since.
        const row = await first(q.ticket, conn, { id: ticketId });
        if (zoneRow === undefined || row === undefined) return err(ticketNotFound(ticketId));
        const zone = toZone(zoneRow);
        const ticket = toTicket(row);
        const decision = decide({ ticket, zone, activeTickets: await activeIn(conn, zone, rule) });
        if (decision.isErr()) return err(decision.error);
        const { change, events } = decision.value;
        await q.updateTicket(conn, { id: ticketId, ...change });
        await recordEvents(conn, ticketId, events);
        return ok({ ...ticket, ...change });
      });
    },

    async getTicket(ticketId) {
      const row = await first(q.ticket, db, { id: ticketId });
      return row === undefined ? undefined : toTicket(row);
    },

    async listTickets({ zone_id, status, limit, after }) {
      let query = db.selectFrom('tickets').selectAll().orderBy('id', 'desc').limit(limit);
      if (zone_id !== undefined) query = query.where('zone_id', '=', zone_id);
      if (status !== undefined) query = query.where('status', '=', status);
      if (after !== undefined) query = query.where('id', '<', after);
      return (await query.execute()).map(toTicket);
    },

    async listTicketEvents(ticketId) {
      const rows = await db
        .selectFrom('ticket_events')
        .selectAll()
        .where('ticket_id', '=', ticketId)
        .orderBy('id')
        .execute();
      return rows.map(toEvent);
    },

    async countActiveTickets(zoneId, activeStatuses) {
      const row = await db
        .selectFrom('tickets')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('zone_id', '=', zoneId)
        .where('status', 'in', [...activeStatuses])
        .executeTakeFirst();
      return num(row?.n ?? 0);
    },

    async purgeIdempotencyKeys(recordedBefore) {
      const result = await db
        .deleteFrom('idempotency_keys')
        .where('recorded_at', '<', recordedBefore)
        .executeTakeFirst();
      return num(result.numDeletedRows);
    },

    async saveZone(zone) {
      await upsert.zones(db, [zoneRow(zone)]).execute();
      return zone;
    },
    async saveZones(zones) {
      await inChunks(zones.map(zoneRow), (conn, chunk) => upsert.zones(conn, chunk).execute());
    },

    async getZone(zoneId) {
      const row = await first(q.zone, db, { id: zoneId });
      return row === undefined ? undefined : toZone(row);
    },

    async listZones({ limit, after }) {
      let query = db.selectFrom('zones').selectAll().orderBy('id').limit(limit);
      if (after !== undefined) query = query.where('id', '>', after);
      return (await query.execute()).map(toZone);
    },

    async saveTechnician(technician) {
      await upsert.technicians(db, [technicianRow(technician)]).execute();
      return technician;
    },
    async saveTechnicians(technicians) {
      await inChunks(technicians.map(technicianRow), (conn, chunk) =>
        upsert.technicians(conn, chunk).execute(),
      );
    },

    async listTechnicians({ limit, after }) {
      let query = db.selectFrom('technicians').selectAll().orderBy('id').limit(limit);
      if (after !== undefined) query = query.where('id', '>', after);
      return (await query.execute()).map(toTechnician);
    },

    async saveService(service) {
      await upsert.services(db, [serviceRow(service)]).execute();
      return service;
    },
    async saveServices(services) {
      await inChunks(services.map(serviceRow), (conn, chunk) => upsert.services(conn, chunk).execute());
    },

    async listServices({ limit, after }) {
      let query = db.selectFrom('services').selectAll().orderBy('id').limit(limit);
      if (after !== undefined) query = query.where('id', '>', after);
      return (await query.execute()).map(toService);
    },
  };
  return reportUnavailable(store);
}
