import type {
  QueuedRequest,
  QueueEntryNotFound,
  QueueEntryNotWaiting,
  QueuePlace,
  TicketStore,
} from '@tickets/domain';
import { queueEntryNotFound, queueEntryNotWaiting } from '@tickets/domain';
import { type Selectable, sql } from 'kysely';
import { err, ok, type Result } from 'neverthrow';
import type { SqlDatabase } from './database.js';
import { toQueued } from './rows.js';
import type { QueuedRequestsTable } from './schema.js';
import type { Statements } from './statements.js';
import { all, first, rowsOf, type Step, type StepRunner } from './step.js';

/** What the waiting lines' part of the SQL store shares with the ticket store's. */
export interface WaitingLineParts {
  readonly database: SqlDatabase;
  readonly runner: StepRunner;
  readonly q: Statements;
}

const keepOk = (result: Result<unknown, unknown>) => result.isOk();

/**
 * Zones' waiting lines over SQL: reading a request with its place, a line a page at a time (each
 * in one statement, so that places are counted on the state the rows are read from), and a
 * withdrawal under the zone's lock. Entering a line and admission are zone steps (see
 * waiting-line-steps.ts).
 */
export function createSqlWaitingLineStore({
  database,
  runner,
  q,
}: WaitingLineParts): Pick<TicketStore, 'getQueued' | 'withdrawQueued' | 'listQueue' | 'countWaitingIn'> {
  const db = database.kysely;

  return {
    async getQueued(queueId) {
      const row = await runner.read(() => first(q.queuedPlace, { id: queueId }));
      return row === undefined ? undefined : { queued: toQueued(row), position: row.position ?? null };
    },

    async withdrawQueued(
      queueId: number,
      at: number,
    ): Promise<Result<QueuedRequest, QueueEntryNotFound | QueueEntryNotWaiting>> {
      const before = await runner.read(() => first(q.queued, { id: queueId }));
      if (before === undefined) return err(queueEntryNotFound(queueId));
      return runner.write(function* (): Step<
        Result<QueuedRequest, QueueEntryNotFound | QueueEntryNotWaiting>
      > {
        yield* all(q.lockZone, { id: before.zone_id });
        // Read again under the zone's lock: it may have been admitted or withdrawn since.
        const row = yield* first(q.queued, { id: queueId });
        if (row === undefined) return err(queueEntryNotFound(queueId));
        const queued = toQueued(row);
        if (queued.state !== 'waiting') {
          return err(queueEntryNotWaiting(queueId, queued.state, queued.ticket_id));
        }
        yield* all(q.settleQueued, { id: queueId, state: 'withdrawn', ticket_id: null, settled_at: at });
        yield* all(q.countWaiting, { zone_id: queued.zone_id, change: -1 });
        return ok({ ...queued, state: 'withdrawn', settled_at: at });
      }, keepOk);
    },

    async listQueue(zoneId, { limit, after }) {
      const from = after ?? 0;
      // The requests ahead of the page, and each row's place on it, counted in the same statement.
      const query = db
        .selectFrom('queued_requests as q')
        .selectAll('q')
        .select((eb) => [
          eb
            .selectFrom('queued_requests as w')
            .select((eb) => eb.cast<number>(eb.fn.countAll(), 'integer').as('n'))
            .where('w.zone_id', '=', zoneId)
            .where('w.state', '=', 'waiting')
            .where('w.id', '<=', from)
            .as('ahead'),
          sql<number>`row_number() over (order by ${eb.ref('q.id')})`.as('rank'),
        ])
        .where('q.zone_id', '=', zoneId)
        .where('q.state', '=', 'waiting')
        .where('q.id', '>', from)
        .orderBy('q.id')
        .limit(limit);
      const rows = await runner.read(() =>
        rowsOf<Selectable<QueuedRequestsTable> & { ahead: number; rank: number }>(query),
      );
      return rows.map(
        (row): QueuePlace => ({ queued: toQueued(row), position: Number(row.ahead) + Number(row.rank) }),
      );
    },

    async countWaitingIn(zoneIds) {
      const counts = new Map(zoneIds.map((zoneId) => [zoneId, 0]));
      if (zoneIds.length === 0) return counts;
      const rows = await runner.read(() =>
        rowsOf<{ zone_id: number; waiting: number }>(
          db
            .selectFrom('zone_waiting_counts')
            .select(['zone_id', 'waiting'])
            .where('zone_id', 'in', [...zoneIds]),
        ),
      );
      for (const row of rows) counts.set(row.zone_id, row.waiting);
      return counts;
    },
  };
}
