import type {
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
  ZoneRule,
} from '@tickets/domain';
import { ticketNotFound } from '@tickets/domain';
import type { Selectable } from 'kysely';
import { err, ok, type Result } from 'neverthrow';
import type { SqlDatabase } from './database.js';
import { KyselyStepRunner } from './kysely-step-runner.js';
import { IDEMPOTENCY_PRIMARY_KEY } from './migrations.js';
import { withPlannedCreate } from './postgres-planned-create.js';
import { withRefusedZoneHint } from './refused-zone-hint.js';
import { toEvent, toTicket } from './rows.js';
import type { TicketEventsTable } from './schema.js';
import { createSqlAffectedStore } from './sql-affected-store.js';
import { createSqlConnectorStore } from './sql-connector-store.js';
import { createSqlDirectoryStore } from './sql-directory-store.js';
import { createSqlWaitingLineStore } from './sql-waiting-line-store.js';
import { SqliteStepRunner } from './sqlite-step-runner.js';
import { prepareStatements, type Statements } from './statements.js';
import { all, first, rowsOf, type Step, type StepRunner } from './step.js';
import { createSqlTicketListing } from './ticket-listing.js';
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
 * in one transaction; on PostgreSQL a create with a plan is one call of a server-side function
 * instead (see withPlannedCreate); one into a zone that refused the last create decides on an
 * unlocked read first (see withRefusedZoneHint).
 */
export function createSqlTicketStore(database: SqlDatabase): TicketStore & ConnectorStore {
  const db = database.kysely;
  const q: Statements = prepareStatements(db, database.dialect);
  const runner: StepRunner =
    database.dialect === 'sqlite'
      ? new SqliteStepRunner(database.native)
      : new KyselyStepRunner(db, POSTGRES_BEGIN, isConflict);

  const steps = createTicketSteps(database, q);
  const directory = createSqlDirectoryStore({ database, runner, q });

  // Listings and the hint's reads repeat while a zone refuses; SQLite answers them from memory
  // while the database is unchanged.
  const readRecent = <T>(step: () => Step<T>): Promise<T> =>
    runner.readRecent === undefined ? runner.read(step) : runner.readRecent(step);

  const keepOk = (result: Result<unknown, unknown>) => result.isOk();
  const always = () => true;

  /** Writes what a create decided, under the zone's lock, with its idempotency key. */
  function* carryOut(
    request: CreateRequest,
    context: CreateContext,
    decided: CreateDecision,
  ): Step<CreateOutcome> {
    const claim = request.idempotency;
    function* remember(answer: { ticket_id: number | null; queue_id: number | null }, at: number) {
      if (claim === undefined) return;
      yield* all(q.insertIdempotencyKey, {
        client: claim.client,
        key: claim.key,
        fingerprint: claim.fingerprint,
        ...answer,
        recorded_at: at,
      });
    }
    switch (decided.kind) {
      case 'replay':
        return { kind: 'created', ticket: decided.ticket, replayed: true };
      case 'replay_queued':
        return {
          kind: 'queued',
          queued: decided.queued,
          position: yield* steps.placeOf(decided.queued),
          replayed: true,
        };
      case 'enqueue': {
        // The line counted in the context is the one locked: this request goes at its end.
        if (decided.request.zone_id !== request.zone_id) {
          throw new Error(
            `a create into zone ${request.zone_id} cannot wait in zone ${decided.request.zone_id}`,
          );
        }
        const queued = yield* steps.enqueue(decided.request);
        yield* remember({ ticket_id: null, queue_id: queued.queue_id }, queued.queued_at);
        return { kind: 'queued', queued, position: context.waiting + 1, replayed: false };
      }
      case 'insert': {
        const ticket = yield* steps.openTicket(decided.ticket, decided.events, decided.outbox);
        yield* remember({ ticket_id: ticket.ticket_id, queue_id: null }, ticket.created_at);
        return { kind: 'created', ticket, replayed: false };
      }
    }
  }

  /** A create as one transaction over steps: the zone's lock, admission, the context, the writes. */
  async function createLocked<E>(
    request: CreateRequest,
    rule: ZoneRule,
    decide: (context: CreateContext) => Result<CreateDecision, E>,
  ): Promise<Result<CreateOutcome, E>> {
    const { outcome } = await runner.write(
      function* () {
        const { context, admitted } = yield* steps.createContext(request, rule, true);
        const decision = decide(context);
        const outcome: Result<CreateOutcome, E> = decision.isErr()
          ? err(decision.error)
          : ok(yield* carryOut(request, context, decision.value));
        return { outcome, admitted };
      },
      // A refused create keeps what its admission wrote: those requests hold their slots.
      ({ outcome, admitted }) => outcome.isOk() || admitted > 0,
    );
    return outcome;
  }

  const store: TicketStore & ConnectorStore = {
    createTicket:
      database.dialect === 'postgres' ? withPlannedCreate(db, createLocked, isConflict) : createLocked,

    async updateTicket<E>(
      ticketId: number,
      rule: ZoneRule,
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

    ...createSqlTicketListing({ database, runner, read: readRecent }),

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

    ...directory,
    async saveZone(zone, rule) {
      if (rule?.admit === undefined) return directory.saveZone(zone);
      await runner.write(() => steps.saveZoneAdmitting(zone, rule), always);
      return zone;
    },
    ...createSqlAffectedStore({ database, runner, q, steps }),
    ...createSqlWaitingLineStore({ database, runner, q }),
    ...createSqlConnectorStore({ database, runner, q, steps }),
  };
  return reportUnavailable(
    withRefusedZoneHint(store, async (request, rule) => {
      const { context } = await readRecent(() => steps.createContext(request, rule, false));
      return context;
    }),
  );
}
