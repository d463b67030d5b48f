import type {
  CapacityRule,
  Priority,
  Service,
  Technician,
  Ticket,
  TicketStatus,
  TicketStore,
  Zone,
} from '@tickets/domain';
import { ticketNotFound } from '@tickets/domain';
import { CompiledQuery, type Kysely, type Selectable } from 'kysely';
import { err, ok, type Result } from 'neverthrow';
import { type PreparedQuery, prepareQuery, type QueryRunner } from './prepared-query.js';
import type {
  ServicesTable,
  SqlDialectName,
  TechniciansTable,
  TicketDatabase,
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

/**
 * How each dialect makes a zone step atomic:
 * - SQLite: `BEGIN IMMEDIATE` takes the database's single write lock before the first read, so
 *   the count and the insert see no other writer, in this process or another (WAL, busy timeout).
 * - PostgreSQL: READ COMMITTED, and `SELECT … FOR UPDATE` on the zone's row: steps in one zone
 *   queue on that row lock, and each counts only after the one before it has committed. Steps in
 *   different zones do not wait for each other.
 */
const BEGIN: Record<SqlDialectName, CompiledQuery> = {
  sqlite: CompiledQuery.raw('begin immediate'),
  postgres: CompiledQuery.raw('begin isolation level read committed'),
};
const COMMIT = CompiledQuery.raw('commit');
const MAX_ATTEMPTS = 4;

/** serialization_failure and deadlock_detected: the transaction was rolled back and may be run again. */
const isConflict = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
};
const ROLLBACK = CompiledQuery.raw('rollback');

function prepareStatements(db: Db, dialect: SqlDialectName) {
  const lockZone = prepareQuery(db, (db, v: { id: number }) => {
    const query = db.selectFrom('zones').selectAll().where('id', '=', v.id);
    return dialect === 'postgres' ? query.forUpdate() : query;
  });
  return {
    lockZone,
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
    updateTicket: prepareQuery(
      db,
      (db, v: { id: number; status: number; answer_text: string | null; updated_at: number }) =>
        db
          .updateTable('tickets')
          .set({ status: v.status, answer_text: v.answer_text, updated_at: v.updated_at })
          .where('id', '=', v.id),
    ),
    saveZone: prepareQuery(db, (db, v: ZonesTable) =>
      db
        .insertInto('zones')
        .values({ id: v.id, name: v.name, max_active_tickets: v.max_active_tickets })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            max_active_tickets: eb.ref('excluded.max_active_tickets'),
          })),
        ),
    ),
    saveTechnician: prepareQuery(db, (db, v: TechniciansTable) =>
      db
        .insertInto('technicians')
        .values({ id: v.id, name: v.name, active: v.active })
        .onConflict((oc) =>
          oc
            .column('id')
            .doUpdateSet((eb) => ({ name: eb.ref('excluded.name'), active: eb.ref('excluded.active') })),
        ),
    ),
    saveService: prepareQuery(db, (db, v: ServicesTable) =>
      db
        .insertInto('services')
        .values({ id: v.id, zone_id: v.zone_id, customer_name: v.customer_name })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            zone_id: eb.ref('excluded.zone_id'),
            customer_name: eb.ref('excluded.customer_name'),
          })),
        ),
    ),
  };
}

type CountQuery = PreparedQuery<{ zone_id: number; limit: number }, { n: unknown }>;

/**
 * A TicketStore over Kysely, for SQLite and PostgreSQL. Queries are compiled once here; a zone
 * step is one transaction on one connection (see BEGIN above for how each dialect locks).
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
   * A zone step, tried again (a few times, after a short random pause) when the database aborted it
   * for a conflict with another transaction. PostgreSQL's row locks make that rare (a deadlock);
   * PostgreSQL-compatible engines that check conflicts at commit (CockroachDB's or YugabyteDB's
   * defaults) do it under contention. Nothing was written by an aborted try.
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

  const store: TicketStore = {
    createTicket(refs, rule, decide) {
      return zoneStep(async (conn) => {
        const zoneRow = await first(q.lockZone, conn, { id: refs.zone_id });
        const serviceRow = await first(q.service, conn, { id: refs.service_id });
        const technicianRow = await first(q.technician, conn, { id: refs.technician_id });
        const zone = zoneRow === undefined ? undefined : toZone(zoneRow);
        const decision = decide({
          zone,
          service: serviceRow === undefined ? undefined : toService(serviceRow),
          technician: technicianRow === undefined ? undefined : toTechnician(technicianRow),
          activeTickets: zone === undefined ? 0 : await activeIn(conn, zone, rule),
        });
        if (decision.isErr()) return err(decision.error);
        const inserted = await first(q.insertTicket, conn, decision.value);
        return ok({ ...decision.value, ticket_id: num(inserted?.id) });
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
        await q.updateTicket(conn, { id: ticketId, ...decision.value });
        return ok({ ...ticket, ...decision.value });
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

    async countActiveTickets(zoneId, activeStatuses) {
      const row = await db
        .selectFrom('tickets')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('zone_id', '=', zoneId)
        .where('status', 'in', [...activeStatuses])
        .executeTakeFirst();
      return num(row?.n ?? 0);
    },

    async saveZone(zone) {
      await q.saveZone(db, {
        id: zone.zone_id,
        name: zone.name,
        max_active_tickets: zone.max_active_tickets,
      });
      return zone;
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
      await q.saveTechnician(db, {
        id: technician.technician_id,
        name: technician.name,
        active: technician.active ? 1 : 0,
      });
      return technician;
    },

    async listTechnicians({ limit, after }) {
      let query = db.selectFrom('technicians').selectAll().orderBy('id').limit(limit);
      if (after !== undefined) query = query.where('id', '>', after);
      return (await query.execute()).map(toTechnician);
    },

    async saveService(service) {
      await q.saveService(db, {
        id: service.service_id,
        zone_id: service.zone_id,
        customer_name: service.customer_name,
      });
      return service;
    },

    async listServices({ limit, after }) {
      let query = db.selectFrom('services').selectAll().orderBy('id').limit(limit);
      if (after !== undefined) query = query.where('id', '>', after);
      return (await query.execute()).map(toService);
    },
  };
  return reportUnavailable(store);
}
