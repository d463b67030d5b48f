import type {
  CapacityRule,
  ConnectorStore,
  CreateContext,
  CreateDecision,
  CreateOutcome,
  CreateRequest,
  Ticket,
  TicketNotFound,
  TicketStore,
  UpdateContext,
  UpdateDecision,
} from '@tickets/domain';
import { ticketNotFound } from '@tickets/domain';
import type { Selectable } from 'kysely';
import { err, ok, type Result } from 'neverthrow';
import type { SqlDatabase } from './database.js';
import { IDEMPOTENCY_PRIMARY_KEY } from './migrations.js';
import {
  num,
  serviceRow,
  technicianRow,
  ticketColumns,
  toEvent,
  toService,
  toTechnician,
  toTicket,
  toZone,
  zoneRow,
} from './rows.js';
import type {
  ServicesTable,
  TechniciansTable,
  TicketEventsTable,
  TicketsTable,
  ZonesTable,
} from './schema.js';
import { createSqlConnectorStore } from './sql-connector-store.js';
import { prepareStatements, type Statements, upsert } from './statements.js';
import {
  all,
  first,
  KyselyStepRunner,
  rowsOf,
  SqliteStepRunner,
  type Step,
  type StepRunner,
} from './step.js';
import { createTicketSteps } from './ticket-steps.js';
import { reportUnavailable } from './unavailable.js';

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

/**
 * A TicketStore over SQL, for SQLite and PostgreSQL. Queries are compiled once; the store's work
 * is written once, as steps (see step.ts), which SQLite runs synchronously on better-sqlite3 and
 * PostgreSQL runs on Kysely. A create writes the ticket, its audit events and its idempotency key
 * in one transaction.
 */
export function createSqlTicketStore(database: SqlDatabase): TicketStore & ConnectorStore {
  const db = database.kysely;
  const q: Statements = prepareStatements(db, database.dialect);
  const runner: StepRunner =
    database.dialect === 'sqlite'
      ? new SqliteStepRunner(database.native)
      : new KyselyStepRunner(db, POSTGRES_BEGIN, isConflict);

  const steps = createTicketSteps(database, q);

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

  const store: TicketStore & ConnectorStore = {
    async createTicket<E>(
      request: CreateRequest,
      rule: CapacityRule,
      decide: (context: CreateContext) => Result<CreateDecision, E>,
    ): Promise<Result<CreateOutcome, E>> {
      if (refusedZones.has(request.zone_id)) {
        const decision = decide(await runner.read(() => steps.createContext(request, rule, false)));
        if (decision.isErr()) return err(decision.error);
        if (decision.value.kind === 'replay') return ok({ ticket: decision.value.ticket, replayed: true });
      }
      const result = await runner.write(function* (): Step<Result<CreateOutcome, E>> {
        const decision = decide(yield* steps.createContext(request, rule, true));
        if (decision.isErr()) return err(decision.error);
        if (decision.value.kind === 'replay') return ok({ ticket: decision.value.ticket, replayed: true });
        const { ticket: draft, events, outbox } = decision.value;
        const inserted = yield* first(q.insertTicket, ticketColumns(draft));
        const ticket: Ticket = { ...draft, ticket_id: num(inserted?.id) };
        yield* steps.recordNew(ticket, events, outbox);
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
      const result = await runner.write(() => steps.changeTicket(ticketId, zoneId, rule, decide), keepOk);
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

    async listTicketEvents(ticketId, { limit, after }) {
      let query = db
        .selectFrom('ticket_events')
        .selectAll()
        .where('ticket_id', '=', ticketId)
        .orderBy('id')
        .limit(limit);
      if (after !== undefined) query = query.where('id', '>', after);
      return (await runner.read(() => rowsOf<Selectable<TicketEventsTable>>(query))).map(toEvent);
    },

    async countActiveTickets(zoneId, activeStatuses) {
      return runner.read(() => steps.activeIn(zoneId, activeStatuses));
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

    ...createSqlConnectorStore({ database, runner, q, steps, saveInChunks }),
  };
  return reportUnavailable(store);
}
