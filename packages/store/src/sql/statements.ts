import { type Kysely, sql } from 'kysely';
import { prepareQuery } from './prepared-query.js';
import type {
  AffectedCustomersTable,
  DirectoryTable,
  OutboxTable,
  QueuedRequestsTable,
  ServicesTable,
  SqlDialectName,
  TechniciansTable,
  TicketDatabase,
  TicketEventsTable,
  TicketsTable,
  ZonesTable,
} from './schema.js';

type Db = Kysely<TicketDatabase>;

/** The columns of a directory table but its id. */
type ColumnsBesidesId<T extends DirectoryTable> = Exclude<keyof TicketDatabase[T] & string, 'id'>;

/** Inserts rows, or for an id already there replaces the `replaced` columns with the new row's. */
function insertOrReplace<T extends DirectoryTable>(
  db: Db,
  table: T,
  rows: readonly TicketDatabase[T][],
  replaced: readonly ColumnsBesidesId<T>[],
) {
  // Kysely cannot type a statement on a table given as a type parameter: the signature checks the
  // rows and the columns against the table instead.
  const untyped = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const name: string = table;
  const set = Object.fromEntries(replaced.map((column) => [column, sql.ref(`excluded.${column}`)]));
  return untyped
    .insertInto(name)
    .values(rows as unknown as readonly Record<string, unknown>[])
    .onConflict((oc) => oc.column('id').doUpdateSet(set));
}

/** What a save replaces of a row already there: all of it but the id. */
const everyColumn: { readonly [T in DirectoryTable]: readonly ColumnsBesidesId<T>[] } = {
  zones: ['name', 'max_active_tickets'],
  technicians: ['name', 'active'],
  services: ['zone_id', 'customer_name', 'customer_search'],
};

/** Upserts directory rows, many per statement: a row already there is replaced. */
export const upsert = <T extends DirectoryTable>(db: Db, table: T, rows: readonly TicketDatabase[T][]) =>
  insertOrReplace(db, table, rows, everyColumn[table]);

/** Merges of what WispHub says: a zone's own limit, a technician's `active` and a known customer name stay. */
export const merge = {
  zones: (db: Db, rows: readonly ZonesTable[]) => insertOrReplace(db, 'zones', rows, ['name']),
  technicians: (db: Db, rows: readonly TechniciansTable[]) =>
    insertOrReplace(db, 'technicians', rows, ['name']),
  services: (db: Db, rows: readonly ServicesTable[]) =>
    db
      .insertInto('services')
      .values([...rows])
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          zone_id: eb.ref('excluded.zone_id'),
          customer_name: eb.fn.coalesce(eb.ref('excluded.customer_name'), eb.ref('services.customer_name')),
          customer_search: eb.fn.coalesce(
            eb.ref('excluded.customer_search'),
            eb.ref('services.customer_search'),
          ),
        })),
      ),
};

/** The statements of the store's hot paths, compiled once (see prepareQuery). */
export function prepareStatements(db: Db, dialect: SqlDialectName) {
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
    service: prepareQuery(db, (db, v: { id: number }) =>
      db.selectFrom('services').selectAll().where('id', '=', v.id),
    ),
    ticketByWispHubId: prepareQuery(db, (db, v: { wisphub_ticket_id: number }) =>
      db.selectFrom('tickets').selectAll().where('wisphub_ticket_id', '=', v.wisphub_ticket_id),
    ),
    idempotencyKey: prepareQuery(db, (db, v: { client: string; key: string }) =>
      db
        .selectFrom('idempotency_keys')
        .select(['fingerprint', 'ticket_id', 'queue_id'])
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
          source: v.source,
          wisphub_ticket_id: v.wisphub_ticket_id,
          wisphub_sync: v.wisphub_sync,
          wisphub_status: v.wisphub_status,
          version: v.version,
          affected_count: v.affected_count,
        })
        .returning('id'),
    ),
    insertEvent: prepareQuery(db, (db, v: Omit<TicketEventsTable, 'id'>) =>
      db
        .insertInto('ticket_events')
        .values({
          ticket_id: v.ticket_id,
          at: v.at,
          actor: v.actor,
          kind: v.kind,
          before: v.before,
          after: v.after,
          note: v.note,
        })
        .returning('id'),
    ),
    insertOutbox: prepareQuery(
      db,
      (
        db,
        v: Pick<
          OutboxTable,
          'ticket_id' | 'channel' | 'endpoint' | 'event_id' | 'payload' | 'state' | 'created_at'
        >,
      ) =>
        db.insertInto('outbox').values({
          ticket_id: v.ticket_id,
          channel: v.channel,
          endpoint: v.endpoint,
          event_id: v.event_id,
          payload: v.payload,
          state: v.state,
          created_at: v.created_at,
        }),
    ),
    insertIdempotencyKey: prepareQuery(
      db,
      (
        db,
        v: {
          client: string;
          key: string;
          fingerprint: string;
          ticket_id: number | null;
          queue_id: number | null;
          recorded_at: number;
        },
      ) =>
        db.insertInto('idempotency_keys').values({
          client: v.client,
          key: v.key,
          fingerprint: v.fingerprint,
          ticket_id: v.ticket_id,
          queue_id: v.queue_id,
          recorded_at: v.recorded_at,
        }),
    ),
    /** Once its request is admitted, a key answers the ticket. */
    pointKeyAtTicket: prepareQuery(db, (db, v: { client: string; key: string; ticket_id: number }) =>
      db
        .updateTable('idempotency_keys')
        .set({ ticket_id: v.ticket_id })
        .where('client', '=', v.client)
        .where('key', '=', v.key),
    ),
    queued: prepareQuery(db, (db, v: { id: number }) =>
      db.selectFrom('queued_requests').selectAll().where('id', '=', v.id),
    ),
    /** A request with its place in its zone's line (1 for the next to be admitted; null once it no longer waits). */
    queuedPlace: prepareQuery(db, (db, v: { id: number }) =>
      db
        .selectFrom('queued_requests as q')
        .selectAll('q')
        .select((eb) =>
          eb
            .case()
            .when('q.state', '=', 'waiting')
            .then(
              eb
                .selectFrom('queued_requests as w')
                .select((eb) => eb.cast<number>(eb.fn.countAll(), 'integer').as('n'))
                .whereRef('w.zone_id', '=', 'q.zone_id')
                .where('w.state', '=', 'waiting')
                .whereRef('w.id', '<=', 'q.id'),
            )
            .else(null)
            .end()
            .as('position'),
        )
        .where('q.id', '=', v.id),
    ),
    /** How many of a zone's waiting requests are at or ahead of `id` in its line. */
    placeInLine: prepareQuery(db, (db, v: { zone_id: number; id: number }) =>
      db
        .selectFrom('queued_requests')
        .select((eb) => eb.cast<number>(eb.fn.countAll(), 'integer').as('n'))
        .where('zone_id', '=', v.zone_id)
        .where('state', '=', 'waiting')
        .where('id', '<=', v.id),
    ),
    insertQueued: prepareQuery(db, (db, v: Omit<QueuedRequestsTable, 'id'>) =>
      db
        .insertInto('queued_requests')
        .values({
          zone_id: v.zone_id,
          service_id: v.service_id,
          technician_id: v.technician_id,
          subject: v.subject,
          priority: v.priority,
          description: v.description,
          queued_at: v.queued_at,
          actor: v.actor,
          state: v.state,
          ticket_id: v.ticket_id,
          settled_at: v.settled_at,
        })
        .returning('id'),
    ),
    /** The head of a zone's line (its `limit` oldest waiting requests), with their keys. */
    lineHead: prepareQuery(db, (db, v: { zone_id: number; limit: number }) =>
      db
        .selectFrom('queued_requests as q')
        .leftJoin('idempotency_keys as k', 'k.queue_id', 'q.id')
        .selectAll('q')
        .select(['k.client as key_client', 'k.key as key_key'])
        .where('q.zone_id', '=', v.zone_id)
        .where('q.state', '=', 'waiting')
        .orderBy('q.id')
        .limit(v.limit),
    ),
    /** Ends a request's wait: admitted (with its ticket) or withdrawn. */
    settleQueued: prepareQuery(
      db,
      (db, v: { id: number; state: string; ticket_id: number | null; settled_at: number }) =>
        db
          .updateTable('queued_requests')
          .set({ state: v.state, ticket_id: v.ticket_id, settled_at: v.settled_at })
          .where('id', '=', v.id),
    ),
    /** Adds `change` to a zone's count of waiting requests. */
    countWaiting: prepareQuery(db, (db, v: { zone_id: number; change: number }) =>
      db
        .insertInto('zone_waiting_counts')
        .values({ zone_id: v.zone_id, waiting: v.change })
        .onConflict((oc) =>
          oc.column('zone_id').doUpdateSet((eb) => ({
            waiting: eb('zone_waiting_counts.waiting', '+', eb.ref('excluded.waiting')),
          })),
        ),
    ),
    affected: prepareQuery(db, (db, v: { ticket_id: number; service_id: number }) =>
      db
        .selectFrom('affected_customers')
        .selectAll()
        .where('ticket_id', '=', v.ticket_id)
        .where('service_id', '=', v.service_id),
    ),
    unresolvedAffected: prepareQuery(db, (db, v: { ticket_id: number }) =>
      db
        .selectFrom('affected_customers')
        .selectAll()
        .where('ticket_id', '=', v.ticket_id)
        .where('resolved_at', 'is', null)
        .orderBy('service_id'),
    ),
    insertAffected: prepareQuery(db, (db, v: AffectedCustomersTable) =>
      db.insertInto('affected_customers').values({
        ticket_id: v.ticket_id,
        service_id: v.service_id,
        description: v.description,
        added_at: v.added_at,
        actor: v.actor,
        resolved_at: v.resolved_at,
        answer_text: v.answer_text,
      }),
    ),
    countAffected: prepareQuery(db, (db, v: { id: number }) =>
      db
        .updateTable('tickets')
        .set((eb) => ({ affected_count: eb('affected_count', '+', 1) }))
        .where('id', '=', v.id),
    ),
    // Each field named: the stand-in for the values has no keys of its own to spread.
    saveZone: prepareQuery(db, (db, v: ZonesTable) =>
      upsert(db, 'zones', [{ id: v.id, name: v.name, max_active_tickets: v.max_active_tickets }]),
    ),
    saveTechnician: prepareQuery(db, (db, v: TechniciansTable) =>
      upsert(db, 'technicians', [{ id: v.id, name: v.name, active: v.active }]),
    ),
    saveService: prepareQuery(db, (db, v: ServicesTable) =>
      upsert(db, 'services', [
        { id: v.id, zone_id: v.zone_id, customer_name: v.customer_name, customer_search: v.customer_search },
      ]),
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
      (
        db,
        v: Omit<
          TicketsTable,
          'id' | 'service_id' | 'zone_id' | 'created_at' | 'source' | 'affected_count'
        > & {
          id: number;
        },
      ) =>
        db
          .updateTable('tickets')
          .set({
            technician_id: v.technician_id,
            subject: v.subject,
            priority: v.priority,
            description: v.description,
            status: v.status,
            end_date: v.end_date,
            answer_text: v.answer_text,
            updated_at: v.updated_at,
            wisphub_ticket_id: v.wisphub_ticket_id,
            wisphub_sync: v.wisphub_sync,
            wisphub_status: v.wisphub_status,
            version: v.version,
          })
          .where('id', '=', v.id),
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
