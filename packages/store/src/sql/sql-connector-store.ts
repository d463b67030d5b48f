import type { ConnectorStore, Delivery, DeliveryChannel, Ticket, TicketNotFound } from '@tickets/domain';
import { ticketNotFound } from '@tickets/domain';
import type { Selectable } from 'kysely';
import { err, ok, type Result } from 'neverthrow';
import type { SqlDatabase } from './database.js';
import { serviceRow, technicianRow, toEvent, toTicket } from './rows.js';
import type { SyncJobsTable, TicketEventsTable, TicketsTable } from './schema.js';
import { merge, type Statements } from './statements.js';
import { first, rowsOf, type Step, type StepRunner, saveInChunks } from './step.js';
import type { TicketSteps } from './ticket-steps.js';

/** What the connector's part of the SQL store shares with the ticket store's. */
export interface ConnectorParts {
  readonly database: SqlDatabase;
  readonly runner: StepRunner;
  readonly q: Statements;
  readonly steps: TicketSteps;
}

/**
 * A claimed outbox row: its ticket's columns, and its event's under their own names but the id
 * (all null when it carries no event).
 */
type ClaimedRow = Selectable<TicketsTable> & {
  delivery_id: number;
  channel: string;
  endpoint: string | null;
  payload: string | null;
  attempts: number;
  in_doubt: number;
  delivery_created_at: number;
  event_id: number | null;
} & { [C in Exclude<keyof TicketEventsTable, 'id' | 'ticket_id'>]: TicketEventsTable[C] | null };

function toDelivery(row: ClaimedRow): Delivery {
  const ticket: Ticket = row.payload === null ? toTicket(row) : JSON.parse(row.payload);
  const { event_id, at, actor, kind, before, after, note } = row;
  return {
    delivery_id: row.delivery_id,
    channel: row.channel as DeliveryChannel,
    endpoint: row.endpoint,
    ticket,
    event:
      event_id === null || at === null || kind === null
        ? null
        : toEvent({
            id: event_id,
            ticket_id: ticket.ticket_id,
            at,
            actor,
            kind,
            before,
            after: after ?? '{}',
            note,
          }),
    attempts: row.attempts,
    in_doubt: row.in_doubt === 1,
    created_at: row.delivery_created_at,
  };
}

const always = () => true;
const keepOk = (result: Result<unknown, unknown>) => result.isOk();

/**
 * The outbox, job leases and WispHub lookups over SQL. Claims and settlements are transactions:
 * on PostgreSQL a claim skips rows another claim has locked (FOR UPDATE SKIP LOCKED), and a
 * settlement locks its row; on SQLite each holds the database's write lock.
 */
export function createSqlConnectorStore({ database, runner, q, steps }: ConnectorParts): ConnectorStore {
  const db = database.kysely;
  const postgres = database.dialect === 'postgres';

  return {
    claimDeliveries({ channel, endpoint, holder, now, leaseMs, limit }) {
      return runner.write(function* () {
        let candidates = db
          .selectFrom('outbox as o')
          .select('o.id')
          .where('o.channel', '=', channel)
          .where('o.state', '=', 'pending')
          .where('o.next_attempt_at', '<=', now)
          .where('o.lease_until', '<=', now)
          .orderBy('o.id')
          .limit(limit);
        if (channel === 'webhook') {
          candidates = candidates
            .where('o.endpoint', '=', endpoint ?? '')
            .where((eb) =>
              eb.not(
                eb.exists(
                  eb
                    .selectFrom('outbox as p')
                    .select('p.id')
                    .whereRef('p.ticket_id', '=', 'o.ticket_id')
                    .where('p.channel', '=', 'webhook')
                    .whereRef('p.endpoint', '=', 'o.endpoint')
                    .where('p.state', '=', 'pending')
                    .whereRef('p.id', '<', 'o.id'),
                ),
              ),
            );
        }
        if (postgres) candidates = candidates.forUpdate().skipLocked();
        const ids = (yield* rowsOf<{ id: number }>(candidates)).map((row) => row.id);
        if (ids.length === 0) return [];
        yield* rowsOf(
          db
            .updateTable('outbox')
            .set({ lease_until: now + leaseMs, lease_holder: holder })
            .where('id', 'in', ids),
        );
        const rows = yield* rowsOf<ClaimedRow>(
          db
            .selectFrom('outbox as o')
            .innerJoin('tickets as t', 't.id', 'o.ticket_id')
            .leftJoin('ticket_events as e', 'e.id', 'o.event_id')
            .selectAll('t')
            .select([
              'o.id as delivery_id',
              'o.channel',
              'o.endpoint',
              'o.payload',
              'o.attempts',
              'o.in_doubt',
              'o.created_at as delivery_created_at',
              'e.id as event_id',
              'e.at',
              'e.actor',
              'e.kind',
              'e.before',
              'e.after',
              'e.note',
            ])
            .where('o.id', 'in', ids)
            .orderBy('o.id'),
        );
        return rows.map(toDelivery);
      }, always);
    },

    beginAttempt(deliveryId, holder, leaseUntil) {
      return runner.write(function* () {
        const rows = yield* rowsOf(
          db
            .updateTable('outbox')
            .set((eb) => ({ attempts: eb('attempts', '+', 1), in_doubt: 1, lease_until: leaseUntil }))
            .where('id', '=', deliveryId)
            .where('state', '=', 'pending')
            .where('lease_holder', '=', holder)
            .returning('id'),
        );
        return rows.length > 0;
      }, always);
    },

    settleDelivery<E>(
      deliveryId: number,
      holder: string,
      outcome: Parameters<ConnectorStore['settleDelivery']>[2],
      change?: Parameters<ConnectorStore['settleDelivery']>[3],
    ): Promise<Result<boolean, E | TicketNotFound>> {
      return runner.write(function* (): Step<Result<boolean, E | TicketNotFound>> {
        let current = db
          .selectFrom('outbox')
          .select(['state', 'lease_holder', 'ticket_id'])
          .where('id', '=', deliveryId);
        if (postgres) current = current.forUpdate();
        const row = (yield* rowsOf<{ state: string; lease_holder: string | null; ticket_id: number }>(
          current,
        ))[0];
        if (row === undefined || row.state !== 'pending' || row.lease_holder !== holder) return ok(false);
        if (change !== undefined) {
          const ticketId = row.ticket_id;
          const ticket = yield* first(q.ticket, { id: ticketId });
          if (ticket === undefined) return err(ticketNotFound(ticketId));
          const changed = yield* steps.changeTicket(ticketId, ticket.zone_id, change.rule, change.decide);
          if (changed.isErr()) return err(changed.error as E | TicketNotFound);
        }
        const settled =
          outcome.state === 'pending'
            ? {
                next_attempt_at: outcome.next_attempt_at,
                in_doubt: outcome.in_doubt ? 1 : 0,
                last_error: outcome.error,
              }
            : {
                state: outcome.state,
                in_doubt: 0,
                last_error: outcome.state === 'failed' ? outcome.error : null,
                settled_at: outcome.at,
              };
        yield* rowsOf(
          db
            .updateTable('outbox')
            .set({ ...settled, lease_until: 0, lease_holder: null })
            .where('id', '=', deliveryId),
        );
        return ok(true);
      }, keepOk);
    },

    async deliveryStats(channel) {
      const rows = await runner.read(() =>
        rowsOf<{ state: string; n: number; oldest: number }>(
          db
            .selectFrom('outbox')
            .select((eb) => [
              'state',
              eb.cast<number>(eb.fn.countAll(), 'integer').as('n'),
              eb.fn.min('created_at').as('oldest'),
            ])
            .where('channel', '=', channel)
            .where('state', 'in', ['pending', 'failed'])
            .groupBy('state'),
        ),
      );
      const pending = rows.find((row) => row.state === 'pending');
      const failed = rows.find((row) => row.state === 'failed');
      return {
        pending: pending?.n ?? 0,
        failed: failed?.n ?? 0,
        oldest_pending_at: pending === undefined ? null : pending.oldest,
      };
    },

    startJob(name, holder, now, { leaseMs, everyMs }) {
      return runner.write(function* () {
        yield* rowsOf(
          db
            .insertInto('sync_jobs')
            .values({ name, holder: null, started_at: null, finished_at: null, ok: null, detail: null })
            .onConflict((oc) => oc.column('name').doNothing()),
        );
        const taken = yield* rowsOf(
          db
            .updateTable('sync_jobs')
            .set({ holder, lease_until: now + leaseMs, started_at: now })
            .where('name', '=', name)
            .where((eb) => eb.or([eb('lease_until', '<=', now), eb('holder', '=', holder)]))
            .where((eb) => eb.or([eb('started_at', 'is', null), eb('started_at', '<=', now - everyMs)]))
            .returning('name'),
        );
        return taken.length > 0;
      }, always);
    },

    async finishJob(name, holder, now, result) {
      await runner.write(
        () =>
          rowsOf(
            db
              .updateTable('sync_jobs')
              .set({ lease_until: 0, finished_at: now, ok: result.ok ? 1 : 0, detail: result.detail })
              .where('name', '=', name)
              .where('holder', '=', holder),
          ),
        always,
      );
    },

    async jobRun(name) {
      const row = (
        await runner.read(() =>
          rowsOf<Selectable<SyncJobsTable>>(db.selectFrom('sync_jobs').selectAll().where('name', '=', name)),
        )
      )[0];
      if (row === undefined) return undefined;
      return {
        name,
        started_at: row.started_at,
        finished_at: row.finished_at,
        ok: row.ok === null ? null : row.ok === 1,
        detail: row.detail,
      };
    },

    async findByWispHubId(wisphubTicketId) {
      const row = await runner.read(() => first(q.ticketByWispHubId, { wisphub_ticket_id: wisphubTicketId }));
      return row === undefined ? undefined : toTicket(row);
    },

    async listWispHubTickets(statuses, { limit, after }) {
      let query = db
        .selectFrom('tickets')
        .selectAll()
        .where('wisphub_ticket_id', 'is not', null)
        .where((eb) => eb.or([eb('status', 'in', [...statuses]), eb('wisphub_status', 'in', [...statuses])]))
        .orderBy('id')
        .limit(limit);
      if (after !== undefined) query = query.where('id', '>', after);
      return (await runner.read(() => rowsOf<Selectable<TicketsTable>>(query))).map(toTicket);
    },

    async mergeDirectory({ zones, technicians, services }) {
      await runner.write(function* () {
        yield* saveInChunks(
          zones.map((z) => ({ id: z.zone_id, name: z.name, max_active_tickets: null })),
          (chunk) => merge.zones(db, chunk),
        );
        yield* saveInChunks(technicians.map(technicianRow), (chunk) => merge.technicians(db, chunk));
        yield* saveInChunks(services.map(serviceRow), (chunk) => merge.services(db, chunk));
      }, always);
    },
  };
}
