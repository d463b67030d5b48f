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
import { KyselyStepRunner } from './kysely-step-runner.js';
import { IDEMPOTENCY_PRIMARY_KEY } from './migrations.js';
import { withRefusedZoneHint } from './refused-zone-hint.js';
import { ticketColumns, toEvent, toTicket } from './rows.js';
import type { TicketEventsTable, TicketsTable } from './schema.js';
import { createSqlConnectorStore } from './sql-connector-store.js';
import { createSqlDirectoryStore } from './sql-directory-store.js';
import { SqliteStepRunner } from './sqlite-step-runner.js';
import { prepareStatements, type Statements } from './statements.js';
import { all, first, insertedId, rowsOf, type Step, type StepRunner } from './step.js';
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
 * in one transaction; one into a zone that refused the last create decides on an unlocked read
 * first (see withRefusedZoneHint).
 */
export function createSqlTicketStore(database: SqlDatabase): TicketStore & ConnectorStore {
  const db = database.kysely;
  const q: Statements = prepareStatements(db, database.dialect);
  const runner: StepRunner =
    database.dialect === 'sqlite'
      ? new SqliteStepRunner(database.native)
      : new KyselyStepRunner(db, POSTGRES_BEGIN, isConflict);

  const steps = createTicketSteps(database, q);

  const keepOk = (result: Result<unknown, unknown>) => result.isOk();
  const always = () => true;

  const store: TicketStore & ConnectorStore = {
    async createTicket<E>(
      request: CreateRequest,
      rule: CapacityRule,
      decide: (context: CreateContext) => Result<CreateDecision, E>,
    ): Promise<Result<CreateOutcome, E>> {
      return runner.write(function* (): Step<Result<CreateOutcome, E>> {
        const decision = decide(yield* steps.createContext(request, rule, true));
        if (decision.isErr()) return err(decision.error);
        if (decision.value.kind === 'replay') return ok({ ticket: decision.value.ticket, replayed: true });
        const { ticket: draft, events, outbox } = decision.value;
        const ticket: Ticket = {
          ...draft,
          ticket_id: yield* insertedId(q.insertTicket, ticketColumns(draft)),
        };
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
    },

    async updateTicket<E>(
      ticketId: number,
      rule: CapacityRule,
      decide: (context: UpdateContext) => Result<UpdateDecision, E>,
    ): Promise<Result<Ticket, E | TicketNotFound>> {
      const before = await runner.read(() => first(q.ticket, { id: ticketId }));
      if (before === undefined) return err(ticketNotFound(ticketId));
      return runner.write(() => steps.changeTicket(ticketId, before.zone_id, rule, decide), keepOk);
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
        .select(['zone_id', (eb) => eb.cast<number>(eb.fn.sum('tickets'), 'integer').as('n')])
        .where('zone_id', 'in', [...zoneIds])
        .where('status', 'in', [...activeStatuses])
        .groupBy('zone_id');
      for (const row of await runner.read(() => rowsOf<{ zone_id: number; n: number }>(query))) {
        counts.set(row.zone_id, row.n);
      }
      return counts;
    },

    async purgeIdempotencyKeys(recordedBefore) {
      return runner.write(function* () {
        const before = yield* rowsOf<{ n: number }>(
          db
            .selectFrom('idempotency_keys')
            .select((eb) => eb.cast<number>(eb.fn.countAll(), 'integer').as('n'))
            .where('recorded_at', '<', recordedBefore),
        );
        yield* rowsOf(db.deleteFrom('idempotency_keys').where('recorded_at', '<', recordedBefore));
        return before[0]?.n ?? 0;
      }, always);
    },

    ...createSqlDirectoryStore({ database, runner, q }),
    ...createSqlConnectorStore({ database, runner, q, steps }),
  };
  return reportUnavailable(
    withRefusedZoneHint(store, (request, rule) =>
      runner.read(() => steps.createContext(request, rule, false)),
    ),
  );
}
