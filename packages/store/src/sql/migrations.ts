import { searchableText } from '@tickets/domain';
import {
  type ColumnDefinitionBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  sql,
} from 'kysely';
import type { SqlDatabase } from './database.js';
import { PLANNED_CREATE_FUNCTION } from './planned-create-function.js';
import type { SqlDialectName } from './schema.js';

/** Name of the idempotency keys' primary key, which a concurrent duplicate key violates. */
export const IDEMPOTENCY_PRIMARY_KEY = 'idempotency_keys_pkey';

function migrations(dialect: SqlDialectName): Record<string, Migration> {
  return {
    '0001_tickets': {
      async up(db: Kysely<unknown>) {
        // In SQLite an INTEGER PRIMARY KEY is the row id itself: one B-tree per lookup, not two.
        const key = dialect === 'sqlite' ? 'integer' : 'bigint';
        await db.schema
          .createTable('zones')
          .addColumn('id', key, (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('max_active_tickets', 'integer')
          .execute();
        await db.schema
          .createTable('technicians')
          .addColumn('id', key, (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('active', 'integer', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('services')
          .addColumn('id', key, (c) => c.primaryKey())
          .addColumn('zone_id', 'bigint', (c) => c.notNull().references('zones.id'))
          .addColumn('customer_name', 'text')
          .execute();
        await db.schema
          .createTable('tickets')
          // Ids come from the database, so they stay unique however many servers write.
          .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigint', (c) =>
            dialect === 'sqlite'
              ? c.primaryKey().autoIncrement()
              : c.primaryKey().generatedByDefaultAsIdentity(),
          )
          .addColumn('service_id', 'bigint', (c) => c.notNull().references('services.id'))
          .addColumn('zone_id', 'bigint', (c) => c.notNull().references('zones.id'))
          .addColumn('technician_id', 'bigint', (c) => c.notNull().references('technicians.id'))
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('priority', 'integer', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('status', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('end_date', 'bigint', (c) => c.notNull())
          .addColumn('answer_text', 'text')
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        // Serves the capacity count (zone and status) and the zone listing, newest first.
        await db.schema
          .createIndex('tickets_zone_status')
          .on('tickets')
          .columns(['zone_id', 'status', 'id'])
          .execute();
        await db.schema.createIndex('tickets_zone_id').on('tickets').columns(['zone_id', 'id']).execute();
        await db.schema.createIndex('tickets_status_id').on('tickets').columns(['status', 'id']).execute();
      },
    },
    '0002_audit_and_idempotency': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('ticket_events')
          .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigint', (c) =>
            dialect === 'sqlite'
              ? c.primaryKey().autoIncrement()
              : c.primaryKey().generatedByDefaultAsIdentity(),
          )
          .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('actor', 'text')
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('before', 'text')
          .addColumn('after', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('ticket_events_ticket')
          .on('ticket_events')
          .columns(['ticket_id', 'id'])
          .execute();
        await db.schema
          .createTable('idempotency_keys')
          .addColumn('client', 'text', (c) => c.notNull())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('fingerprint', 'text', (c) => c.notNull())
          .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
          .addColumn('recorded_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint(IDEMPOTENCY_PRIMARY_KEY, ['client', 'key'])
          .execute();
        await db.schema
          .createIndex('idempotency_keys_recorded_at')
          .on('idempotency_keys')
          .column('recorded_at')
          .execute();
      },
    },
    // Tickets per zone and status, kept in the same transaction as every ticket write, so that a
    // zone's active tickets are a sum of at most four rows however many tickets it holds. Per status
    // rather than a single "active" count, so ACTIVE_TICKET_STATES may change between restarts.
    '0003_zone_status_counts': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('zone_status_counts')
          .addColumn('zone_id', 'bigint', (c) => c.notNull().references('zones.id'))
          .addColumn('status', 'integer', (c) => c.notNull())
          .addColumn('tickets', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('zone_status_counts_pkey', ['zone_id', 'status'])
          .execute();
        await sql`insert into zone_status_counts (zone_id, status, tickets)
          select zone_id, status, count(*) from tickets group by zone_id, status`.execute(db);
      },
    },
    // The WispHub connector and webhooks: where a ticket came from and where it is in WispHub, a
    // note on events (WispHub's answer to a refused delivery), the transactional outbox, and
    // leases on periodic jobs. A ticket brought in from WispHub may have no technician.
    '0004_wisphub': {
      async up(db: Kysely<unknown>) {
        const key = dialect === 'sqlite' ? 'integer' : 'bigint';
        const identity = (c: ColumnDefinitionBuilder) =>
          dialect === 'sqlite'
            ? c.primaryKey().autoIncrement()
            : c.primaryKey().generatedByDefaultAsIdentity();
        if (dialect === 'postgres') {
          await sql`alter table tickets alter column technician_id drop not null`.execute(db);
          await sql`alter table tickets add column source text not null default 'api'`.execute(db);
          await sql`alter table tickets add column wisphub_ticket_id bigint`.execute(db);
          await sql`alter table tickets add column wisphub_sync text`.execute(db);
          await sql`alter table tickets add column wisphub_status integer`.execute(db);
        } else {
          // SQLite cannot drop a NOT NULL: the table is built again (foreign keys are off while
          // migrations run, and checked before they commit; see migrateToLatest).
          await sql`create table tickets_new (
            id integer primary key autoincrement,
            service_id bigint not null references services (id),
            zone_id bigint not null references zones (id),
            technician_id bigint references technicians (id),
            subject text not null,
            priority integer not null,
            description text not null,
            status integer not null,
            created_at bigint not null,
            end_date bigint not null,
            answer_text text,
            updated_at bigint not null,
            source text not null default 'api',
            wisphub_ticket_id bigint,
            wisphub_sync text,
            wisphub_status integer
          )`.execute(db);
          await sql`insert into tickets_new (id, service_id, zone_id, technician_id, subject, priority,
              description, status, created_at, end_date, answer_text, updated_at)
            select id, service_id, zone_id, technician_id, subject, priority, description, status,
              created_at, end_date, answer_text, updated_at from tickets`.execute(db);
          await sql`drop table tickets`.execute(db);
          await sql`alter table tickets_new rename to tickets`.execute(db);
          await db.schema
            .createIndex('tickets_zone_status')
            .on('tickets')
            .columns(['zone_id', 'status', 'id'])
            .execute();
          await db.schema.createIndex('tickets_zone_id').on('tickets').columns(['zone_id', 'id']).execute();
          await db.schema.createIndex('tickets_status_id').on('tickets').columns(['status', 'id']).execute();
        }
        await db.schema
          .createIndex('tickets_wisphub_ticket_id')
          .unique()
          .on('tickets')
          .column('wisphub_ticket_id')
          .execute();
        await db.schema.alterTable('ticket_events').addColumn('note', 'text').execute();
        await db.schema
          .createTable('outbox')
          .addColumn('id', key, identity)
          .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
          .addColumn('channel', 'text', (c) => c.notNull())
          // The webhook endpoint; null for WispHub.
          .addColumn('endpoint', 'text')
          // The event a webhook announces, and the ticket as that event left it (JSON).
          .addColumn('event_id', 'bigint', (c) => c.references('ticket_events.id'))
          .addColumn('payload', 'text')
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('in_doubt', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('lease_until', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('lease_holder', 'text')
          .addColumn('last_error', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('settled_at', 'bigint')
          .execute();
        // Claims take pending deliveries of a channel oldest first; stats count them by state.
        await db.schema
          .createIndex('outbox_state')
          .on('outbox')
          .columns(['channel', 'state', 'id'])
          .execute();
        // A webhook waits for the earlier pending deliveries of its ticket.
        await db.schema.createIndex('outbox_ticket').on('outbox').columns(['ticket_id', 'id']).execute();
        await db.schema
          .createTable('sync_jobs')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('holder', 'text')
          .addColumn('lease_until', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('started_at', 'bigint')
          .addColumn('finished_at', 'bigint')
          .addColumn('ok', 'integer')
          .addColumn('detail', 'text')
          .execute();
      },
    },
    // Optimistic concurrency: a change made against an older version is refused (If-Match).
    '0005_ticket_versions': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('tickets')
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .execute();
      },
    },
    // Issue #13: a create into a full zone may wait in the zone's line instead of being refused,
    // and a customer with the same fault as an active ticket is recorded on it. A key may answer
    // a request in a line (and its ticket once admitted) rather than a ticket.
    '0006_waiting_line_and_affected': {
      async up(db: Kysely<unknown>) {
        const identity = (c: ColumnDefinitionBuilder) =>
          dialect === 'sqlite'
            ? c.primaryKey().autoIncrement()
            : c.primaryKey().generatedByDefaultAsIdentity();
        await db.schema
          .alterTable('tickets')
          .addColumn('affected_count', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createTable('affected_customers')
          .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
          .addColumn('service_id', 'bigint', (c) => c.notNull().references('services.id'))
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('added_at', 'bigint', (c) => c.notNull())
          .addColumn('actor', 'text')
          .addColumn('resolved_at', 'bigint')
          .addColumn('answer_text', 'text')
          .addPrimaryKeyConstraint('affected_customers_pkey', ['ticket_id', 'service_id'])
          .execute();
        await db.schema
          .createTable('queued_requests')
          .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigint', identity)
          .addColumn('zone_id', 'bigint', (c) => c.notNull().references('zones.id'))
          .addColumn('service_id', 'bigint', (c) => c.notNull().references('services.id'))
          .addColumn('technician_id', 'bigint', (c) => c.notNull().references('technicians.id'))
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('priority', 'integer', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('queued_at', 'bigint', (c) => c.notNull())
          .addColumn('actor', 'text')
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('ticket_id', 'bigint', (c) => c.references('tickets.id'))
          .addColumn('settled_at', 'bigint')
          .execute();
        // A zone's line in order: admission takes its head, a position counts the requests ahead.
        await sql`create index queued_requests_waiting on queued_requests (zone_id, id)
          where state = 'waiting'`.execute(db);
        // Requests waiting per zone, kept under the zone's lock with every change to its line, so
        // that a create learns whether anyone waits at the same cost however long the line is.
        await db.schema
          .createTable('zone_waiting_counts')
          .addColumn('zone_id', 'bigint', (c) => c.primaryKey().references('zones.id'))
          .addColumn('waiting', 'integer', (c) => c.notNull())
          .execute();
        if (dialect === 'postgres') {
          await sql`alter table idempotency_keys alter column ticket_id drop not null`.execute(db);
          await sql`alter table idempotency_keys add column queue_id bigint references queued_requests (id)`.execute(
            db,
          );
          await sql`alter table idempotency_keys add constraint idempotency_keys_answer
            check (ticket_id is not null or queue_id is not null)`.execute(db);
        } else {
          // SQLite cannot drop a NOT NULL: the table is built again, as tickets was in 0004.
          await sql`create table idempotency_keys_new (
            client text not null,
            key text not null,
            fingerprint text not null,
            ticket_id bigint references tickets (id),
            queue_id bigint references queued_requests (id),
            recorded_at bigint not null,
            constraint ${sql.raw(IDEMPOTENCY_PRIMARY_KEY)} primary key (client, key),
            constraint idempotency_keys_answer check (ticket_id is not null or queue_id is not null)
          )`.execute(db);
          await sql`insert into idempotency_keys_new (client, key, fingerprint, ticket_id, recorded_at)
            select client, key, fingerprint, ticket_id, recorded_at from idempotency_keys`.execute(db);
          await sql`drop table idempotency_keys`.execute(db);
          await sql`alter table idempotency_keys_new rename to idempotency_keys`.execute(db);
          await db.schema
            .createIndex('idempotency_keys_recorded_at')
            .on('idempotency_keys')
            .column('recorded_at')
            .execute();
        }
        // Admission points a queued request's key at its ticket.
        await db.schema
          .createIndex('idempotency_keys_queue_id')
          .on('idempotency_keys')
          .column('queue_id')
          .execute();
      },
    },
    // Issue #14: one search over ticket numbers, service numbers and customers' names (accents and
    // case ignored). The searchable name is kept on services, which are few beside the tickets
    // (one row per customer), so no ticket write pays for it; a search scans services' names and
    // finds their tickets by tickets_service_id. The sorts read tickets by end_date.
    '0007_ticket_search': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('services').addColumn('customer_search', 'text').execute();
        const named = await sql<{ id: number; customer_name: string }>`select id, customer_name
          from services where customer_name is not null`.execute(db);
        for (const { id, customer_name } of named.rows) {
          await sql`update services set customer_search = ${searchableText(customer_name)}
            where id = ${id}`.execute(db);
        }
        await db.schema
          .createIndex('tickets_service_id')
          .on('tickets')
          .columns(['service_id', 'id'])
          .execute();
        // The sorts by end_date (due, and urgent and priority a segment at a time) read it in order.
        await db.schema.createIndex('tickets_end_date').on('tickets').columns(['end_date', 'id']).execute();
      },
    },
    // Issue #15: a planned create on PostgreSQL in one round trip (see postgres-planned-create.ts).
    // Tickets made through the API have no WispHub id: a partial index spares each of them an
    // index entry, a fifth of the cost of a bare ticket insert on PostgreSQL. Lookups by id
    // (`= $1` implies not null) use it as before.
    '0008_planned_create': {
      async up(db: Kysely<unknown>) {
        if (dialect !== 'postgres') return;
        await sql.raw(PLANNED_CREATE_FUNCTION).execute(db);
        await sql`drop index tickets_wisphub_ticket_id`.execute(db);
        await sql`create unique index tickets_wisphub_ticket_id on tickets (wisphub_ticket_id)
          where wisphub_ticket_id is not null`.execute(db);
      },
    },
  };
}

/**
 * `BEGIN IMMEDIATE`, waiting out another process's write lock for up to the connection's busy
 * timeout even where SQLite answers SQLITE_BUSY at once instead of waiting (a WAL being reset or
 * recovered by a process that is just closing it).
 */
async function beginImmediate<DB>(conn: Kysely<DB>): Promise<void> {
  const timeout = await sql<{ timeout: number }>`pragma busy_timeout`.execute(conn);
  const deadline = Date.now() + Number(timeout.rows[0]?.timeout ?? 5_000);
  for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
    try {
      await sql`begin immediate`.execute(conn);
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

function providerFor(dialect: SqlDialectName): MigrationProvider {
  return { getMigrations: async () => migrations(dialect) };
}

/**
 * Brings the schema to the latest version; safe to call at every start-up, from several processes
 * at once, so one process migrates and the others then find nothing to do. PostgreSQL: Kysely's
 * Migrator runs the pending migrations in one transaction under a session advisory lock of its own
 * (PostgresAdapter.acquireMigrationLock). SQLite: Kysely takes no lock there, so the migrations run
 * inside `BEGIN IMMEDIATE` (the database's write lock).
 */
export async function migrateToLatest(
  database: SqlDatabase,
  /** Stop after this migration (tests of a migration over older data). */
  upTo?: string,
): Promise<readonly string[]> {
  const { kysely: db, dialect } = database;
  // Kysely looks for its migration tables in every schema: named, so that a database with several
  // (one per test, one per tenant) migrates each in its own.
  const schema = database.dialect === 'postgres' ? database.schema : undefined;
  return db.connection().execute(async (conn) => {
    const run = async () => {
      const migrator = new Migrator({
        db: conn,
        provider: providerFor(dialect),
        ...(schema === undefined ? {} : { migrationTableSchema: schema }),
      });
      const { error, results } = await (upTo === undefined
        ? migrator.migrateToLatest()
        : migrator.migrateTo(upTo));
      if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    };
    if (dialect === 'postgres') return run();
    // Foreign keys are off while tables are built again (they can only be switched outside a
    // transaction), and every reference is checked before the migrations commit.
    await sql`pragma foreign_keys = off`.execute(conn);
    await beginImmediate(conn);
    try {
      const applied = await run();
      const broken = await sql`pragma foreign_key_check`.execute(conn);
      if (broken.rows.length > 0) {
        throw new Error(
          `migrations left ${broken.rows.length} broken references: ${JSON.stringify(broken.rows[0])}`,
        );
      }
      await sql`commit`.execute(conn);
      return applied;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    } finally {
      await sql`pragma foreign_keys = on`.execute(conn);
    }
  });
}

/** Answers when the database answers a trivial query; throws otherwise. */
export async function pingDatabase(database: SqlDatabase): Promise<void> {
  await sql`select 1`.execute(database.kysely);
}
