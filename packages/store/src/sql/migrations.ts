import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { SqlDatabase } from './database.js';
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
  };
}

function providerFor(dialect: SqlDialectName): MigrationProvider {
  return { getMigrations: async () => migrations(dialect) };
}

// Any fixed number; every instance of the service takes the same advisory lock to migrate.
const MIGRATION_LOCK_KEY = 7_340_211;

/**
 * Brings the schema to the latest version; safe to call at every start-up, from several processes
 * at once: SQLite migrates inside `BEGIN IMMEDIATE` (the database's write lock), PostgreSQL under a
 * session advisory lock, so one process migrates and the others then find nothing to do.
 */
export async function migrateToLatest({ kysely: db, dialect }: SqlDatabase): Promise<readonly string[]> {
  return db.connection().execute(async (conn) => {
    const run = async () => {
      const migrator = new Migrator({ db: conn, provider: providerFor(dialect) });
      const { error, results } = await migrator.migrateToLatest();
      if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    };
    if (dialect === 'sqlite') {
      await sql`begin immediate`.execute(conn);
      try {
        const applied = await run();
        await sql`commit`.execute(conn);
        return applied;
      } catch (error) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw error;
      }
    }
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
    try {
      return await run();
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn).catch(() => undefined);
    }
  });
}

/** Answers when the database answers a trivial query; throws otherwise. */
export async function pingDatabase(database: SqlDatabase): Promise<void> {
  await sql`select 1`.execute(database.kysely);
}
