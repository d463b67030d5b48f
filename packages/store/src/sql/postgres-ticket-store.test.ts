import { createCapacityRule } from '@tickets/domain';
import { sql } from 'kysely';
import { ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { describeTicketListingContract } from '../listing-contract.js';
import { describeTicketStoreContract, type StoreFixture } from '../store-contract.js';
import { openedTicket } from '../testing/opened-ticket.js';
import { createTestSchema, requireTestDatabase, testDatabaseUrl } from '../testing/postgres.js';
import { expectSearchBackfilled } from '../testing/search-backfill.js';
import { closeDatabase, type SqlDatabase } from './database.js';
import { migrateToLatest } from './migrations.js';
import { openPostgres } from './postgres.js';
import { createSqlTicketStore } from './sql-ticket-store.js';

const hasPostgres = requireTestDatabase();

describe.skipIf(!hasPostgres)('the PostgreSQL store', () => {
  const openPostgresStore = async (): Promise<StoreFixture> => {
    const { schema, drop } = await createTestSchema();
    const db = openPostgres({ url: testDatabaseUrl, schema, poolSize: 20 });
    await migrateToLatest(db);
    const others: SqlDatabase[] = [];
    return {
      store: createSqlTicketStore(db),
      another: () => {
        const other = openPostgres({ url: testDatabaseUrl, schema, poolSize: 10 });
        others.push(other);
        return createSqlTicketStore(other);
      },
      close: async () => {
        for (const other of others) await closeDatabase(other);
        await closeDatabase(db);
        await drop();
      },
    };
  };
  describeTicketStoreContract('PostgreSQL', openPostgresStore);
  describeTicketListingContract('PostgreSQL', openPostgresStore);
});

describe.skipIf(!hasPostgres)('the PostgreSQL schema', () => {
  it("finds the customers' names it held before the search, accents and case ignored", async () => {
    const { schema, drop } = await createTestSchema();
    const db = openPostgres({ url: testDatabaseUrl, schema });
    try {
      await expectSearchBackfilled(db);
    } finally {
      await closeDatabase(db);
      await drop();
    }
  });
});

describe.skipIf(!hasPostgres)('the PostgreSQL store under conflicts', () => {
  it('runs a zone step again when the database aborts it as a serialization failure', async () => {
    const { schema, drop } = await createTestSchema();
    const db = openPostgres({ url: testDatabaseUrl, schema });
    try {
      await migrateToLatest(db);
      // The first insert attempt fails as a conflicting engine would fail it; a sequence counts
      // attempts, since a rolled-back transaction would undo any row it wrote.
      await sql`create sequence attempts`.execute(db.kysely);
      await sql
        .raw(`create function fail_once() returns trigger language plpgsql as $$
          begin
            if nextval('attempts') = 1 then
              raise exception 'could not serialize access' using errcode = '40001';
            end if;
            return new;
          end $$`)
        .execute(db.kysely);
      await sql`create trigger fail_once before insert on tickets for each row execute function fail_once()`.execute(
        db.kysely,
      );
      const store = createSqlTicketStore(db);
      await store.saveZone({ zone_id: 1, name: 'Z', max_active_tickets: null });
      await store.saveTechnician({ technician_id: 1, name: 'T', active: true });
      await store.saveService({ service_id: 1, zone_id: 1, customer_name: null });
      const rule = createCapacityRule({ maxActiveTicketsPerZone: 3, activeStatuses: [1] });
      const refs = { zone_id: 1, service_id: 1, technician_id: 1 };
      const created = await store.createTicket(refs, rule, () =>
        ok({ kind: 'insert', events: [], outbox: [], ticket: openedTicket(refs) }),
      );
      expect(created.isOk()).toBe(true);
      const attempts = await sql<{ last_value: number }>`select last_value from attempts`.execute(db.kysely);
      expect(Number(attempts.rows[0]?.last_value)).toBe(2);
      expect(await store.countActiveTickets(1, [1])).toBe(1);
    } finally {
      await closeDatabase(db);
      await drop();
    }
  });
});

describe.skipIf(!hasPostgres)('the PostgreSQL store in a database of several schemas', () => {
  it('migrates a schema of its own while another schema of the same database is already migrated', async () => {
    // Kysely looks for its migration tables in every schema unless told which: a schema left
    // migrated in the database (another tenant's, a crashed test's) made a new one fail.
    const other = await createTestSchema();
    const mine = await createTestSchema();
    const first = openPostgres({ url: testDatabaseUrl, schema: other.schema });
    const second = openPostgres({ url: testDatabaseUrl, schema: mine.schema });
    try {
      const everything = await migrateToLatest(first);
      expect(everything.length).toBeGreaterThan(0);
      expect(await migrateToLatest(second)).toEqual(everything);
      expect(await migrateToLatest(second)).toEqual([]);
      await createSqlTicketStore(second).saveZone({ zone_id: 1, name: 'Z', max_active_tickets: null });
      expect(await createSqlTicketStore(first).listZones({ limit: 10 })).toEqual([]);
    } finally {
      await closeDatabase(first);
      await closeDatabase(second);
      await other.drop();
      await mine.drop();
    }
  });
});
