import { createCapacityRule, type PlannedInsert } from '@tickets/domain';
import { createTestDesk } from '@tickets/testing';
import { type KyselyPlugin, sql } from 'kysely';
import { err, ok } from 'neverthrow';
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

describe.skipIf(!hasPostgres)('creates on PostgreSQL', () => {
  const refs = { zone_id: 1, service_id: 1, technician_id: 1 };
  const rule = createCapacityRule({ maxActiveTicketsPerZone: 3, activeStatuses: [1] });

  /** A migrated store with a zone, a service and a technician, and the statements it has run. */
  async function counted() {
    const { schema, drop } = await createTestSchema();
    const db = openPostgres({ url: testDatabaseUrl, schema });
    await migrateToLatest(db);
    const count = { statements: 0 };
    const counting: KyselyPlugin = {
      transformQuery: ({ node }) => node,
      transformResult: async ({ result }) => {
        count.statements += 1;
        return result;
      },
    };
    const store = createSqlTicketStore({ ...db, kysely: db.kysely.withPlugin(counting) });
    await store.saveZone({ zone_id: 1, name: 'Z', max_active_tickets: null });
    await store.saveTechnician({ technician_id: 1, name: 'T', active: true });
    await store.saveService({ service_id: 1, zone_id: 1, customer_name: null });
    count.statements = 0;
    return {
      store,
      count,
      close: async () => {
        await closeDatabase(db);
        await drop();
      },
    };
  }

  it('carries out a planned create, its key, its WispHub and webhook deliveries included, in one statement', async () => {
    const { store, count, close } = await counted();
    try {
      const desk = createTestDesk({
        store,
        deliveries: { wisphub: true, webhooks: ['https://hooks.example'] },
      });
      const input = { ...refs, subject: 'Falla Masiva', description: 'Sin servicio' };
      const keyed = { idempotency: { client: 'crm', key: 'k-1' } };
      const created = await desk.createTicket(input, keyed);
      expect(created.isOk()).toBe(true);
      expect(count.statements).toBe(1);
      count.statements = 0;
      expect((await desk.createTicket(input, keyed))._unsafeUnwrap().replayed).toBe(true);
      expect(count.statements).toBe(1);
      // Without a plan, a create is a transaction: begin, the zone's lock, the context, the writes, commit.
      count.statements = 0;
      const draft = openedTicket(refs);
      await store.createTicket(refs, rule, () =>
        ok({ kind: 'insert', events: [], outbox: [], ticket: draft }),
      );
      expect(count.statements).toBeGreaterThanOrEqual(6);
    } finally {
      await close();
    }
  });

  it('fails, as a defect, a planned create whose decide does not answer the plan on a context that met its conditions', async () => {
    const { store, close } = await counted();
    try {
      const planned: PlannedInsert = { kind: 'insert', events: [], outbox: [], ticket: openedTicket(refs) };
      await expect(store.createTicket({ ...refs, planned }, rule, () => err('no'))).rejects.toThrow(
        /written as planned, but decide answered otherwise/,
      );
    } finally {
      await close();
    }
  });

  it('still refuses a second ticket with the same WispHub id once only tickets that have one are indexed', async () => {
    const { schema, drop } = await createTestSchema();
    const db = openPostgres({ url: testDatabaseUrl, schema });
    try {
      await migrateToLatest(db);
      const store = createSqlTicketStore(db);
      await store.saveZone({ zone_id: 1, name: 'Z', max_active_tickets: null });
      await store.saveTechnician({ technician_id: 1, name: 'T', active: true });
      await store.saveService({ service_id: 1, zone_id: 1, customer_name: null });
      const insert = (wisphub: number | null) =>
        sql`insert into tickets (service_id, zone_id, technician_id, subject, priority, description,
          status, created_at, end_date, updated_at, wisphub_ticket_id)
          values (1, 1, 1, 'Falla Masiva', 3, 'x', 1, 5, 6, 5, ${wisphub})`.execute(db.kysely);
      await insert(null);
      await insert(null);
      await insert(77);
      await expect(insert(77)).rejects.toMatchObject({
        code: '23505',
        constraint: 'tickets_wisphub_ticket_id',
      });
      expect((await store.findByWispHubId(77))?.wisphub_ticket_id).toBe(77);
    } finally {
      await closeDatabase(db);
      await drop();
    }
  });
});
