import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCapacityRule, StoreUnavailableError, type Zone } from '@tickets/domain';
import Database from 'better-sqlite3';
import { CompiledQuery, sql } from 'kysely';
import { ok } from 'neverthrow';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openedTicket } from '../testing/opened-ticket.js';
import {
  createTestDatabase,
  createTestSchema,
  requireTestDatabase,
  testDatabaseUrl,
} from '../testing/postgres.js';
import { checkDatabase, closeDatabase, type SqlDatabase } from './database.js';
import { migrateToLatest } from './migrations.js';
import { openPostgres } from './postgres.js';
import { createSqlTicketStore } from './sql-ticket-store.js';
import { openSqlite } from './sqlite.js';
import { isUnavailable } from './unavailable.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function admin(statement: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await client.query(statement, values);
  } finally {
    await client.end();
  }
}

const zone = (zone_id: number): Zone => ({ zone_id, name: `Zona ${zone_id}`, max_active_tickets: null });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long `work` took to settle, and what it settled with. */
async function timed(work: Promise<unknown>): Promise<{ readonly ms: number; readonly error: unknown }> {
  const started = performance.now();
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { ms: performance.now() - started, error };
}

function opened(database: SqlDatabase): SqlDatabase {
  cleanups.push(() => closeDatabase(database));
  return database;
}

describe.skipIf(!requireTestDatabase())("the PostgreSQL store's zone lock", () => {
  it('withdraws a waiting request and records an affected customer only under the zone lock, answering unavailable when it is not granted in time', async () => {
    const { schema, drop } = await createTestSchema();
    cleanups.push(drop);
    const db = opened(openPostgres({ url: testDatabaseUrl, schema }));
    await migrateToLatest(db);
    const store = createSqlTicketStore(db);
    await store.saveZone({ zone_id: 1, name: 'Z', max_active_tickets: 1 });
    await store.saveTechnician({ technician_id: 1, name: 'T', active: true });
    await store.saveService({ service_id: 1, zone_id: 1, customer_name: null });
    const refs = { zone_id: 1, service_id: 1, technician_id: 1 };
    const rule = createCapacityRule({ maxActiveTicketsPerZone: 1, activeStatuses: [1] });
    const created = await store.createTicket(refs, rule, () =>
      ok({ kind: 'insert', ticket: openedTicket(refs), events: [], outbox: [] }),
    );
    const first = created._unsafeUnwrap();
    if (first.kind !== 'created') throw new Error('no ticket');
    const ticketId = first.ticket.ticket_id;
    const request = {
      ...refs,
      subject: 'Falla Masiva',
      priority: 3 as const,
      description: 'x',
      queued_at: 1,
      actor: null,
    };
    const queued = (
      await store.createTicket(refs, rule, () => ok({ kind: 'enqueue', request }))
    )._unsafeUnwrap();
    if (queued.kind !== 'queued') throw new Error('no request in line');

    const holder = new pg.Client({ connectionString: testDatabaseUrl });
    await holder.connect();
    cleanups.push(() => holder.end());
    await holder.query('begin');
    await holder.query(`select * from ${schema}.zones where id = 1 for update`);
    const outcomes = await Promise.all([
      timed(store.withdrawQueued(queued.queued.queue_id, 2)),
      timed(
        store.addAffected(ticketId, 1, (context) =>
          ok({
            kind: 'insert',
            affected: {
              ticket_id: context.ticket.ticket_id,
              service_id: 1,
              description: 'x',
              added_at: 2,
              actor: null,
            },
            events: [],
            outbox: [],
          }),
        ),
      ),
    ]);
    await holder.query('rollback');
    for (const { ms, error } of outcomes) {
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(ms).toBeGreaterThanOrEqual(2_900);
    }
    // The first to wait gives up when its lock is not granted in 3 s; the one queued behind it on
    // the row, once its statement has waited 5 s.
    const codes = outcomes.map(({ error }) => (error as { cause?: { code?: unknown } }).cause?.code);
    expect(codes).toContain('55P03');
    expect((await store.getQueued(queued.queued.queue_id))?.queued.state).toBe('waiting');
    expect((await store.getTicket(ticketId))?.affected_count).toBe(0);
    expect((await store.withdrawQueued(queued.queued.queue_id, 3)).isOk()).toBe(true);
  }, 20_000);
});

describe.skipIf(!requireTestDatabase())('the PostgreSQL store when connections fail', () => {
  it('lives through a connection that the server ends while the store has it checked out, and carries on on a new one', async () => {
    const { schema, drop } = await createTestSchema();
    cleanups.push(drop);
    const db = opened(openPostgres({ url: testDatabaseUrl, schema, poolSize: 1 }));
    await migrateToLatest(db);
    const store = createSqlTicketStore(db);
    await store.saveZone(zone(1));
    // What would end a server process: an 'error' event nobody listens to.
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    cleanups.push(() => process.off('uncaughtException', record));

    const failure = await db.kysely.connection().execute(async (connection) => {
      const { rows } = await connection.executeQuery<{ pid: number }>(
        CompiledQuery.raw('select pg_backend_pid() as pid'),
      );
      await admin('select pg_terminate_backend($1)', [rows[0]?.pid]);
      // The server's goodbye and the closed socket arrive while no query runs on the connection.
      await sleep(200);
      return connection.executeQuery(CompiledQuery.raw('select 1')).then(
        () => undefined,
        (error: unknown) => error,
      );
    });

    expect(uncaught).toEqual([]);
    expect(isUnavailable(failure)).toBe(true);
    expect(await store.getZone(1)).toEqual(zone(1));
  });

  it('reports every connection it cannot open as unavailable: a missing database, one closed to connections, a role that may not log in', async () => {
    const missing = new URL(testDatabaseUrl);
    missing.pathname = '/tickets_no_such_database';

    const closed = await createTestDatabase();
    cleanups.push(closed.drop);
    const closedName = new URL(closed.url).pathname.slice(1);
    await admin(`alter database ${closedName} allow_connections false`);

    const role = `tickets_nologin_${process.pid}`;
    await admin(`create role ${role} nologin`);
    cleanups.push(() => admin(`drop role if exists ${role}`));
    const refusedRole = new URL(testDatabaseUrl);
    refusedRole.username = role;

    for (const [url, code] of [
      [missing.toString(), '3D000'],
      [closed.url, '55000'],
      [refusedRole.toString(), '28000'],
    ] as const) {
      const store = createSqlTicketStore(opened(openPostgres({ url })));
      const refusal = await store.getZone(1).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(StoreUnavailableError);
      expect(refusal).toMatchObject({ cause: { code } });
    }
  });

  it("keeps a statement's 55000 a defect: only a connection that cannot be opened makes the storage unavailable", async () => {
    const { schema, drop } = await createTestSchema();
    cleanups.push(drop);
    const db = opened(openPostgres({ url: testDatabaseUrl, schema }));
    await sql`create sequence unused`.execute(db.kysely);
    const error = await sql`select currval('unused')`.execute(db.kysely).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '55000' });
    expect(isUnavailable(error)).toBe(false);
  });
});

describe('the SQLite store when writes cannot go through', () => {
  it("gives up on each write once it has waited the busy timeout for another connection's lock, counted from its own arrival", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickets-busy-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'tickets.db');
    const db = opened(openSqlite({ path, busyTimeoutMs: 300 }));
    await migrateToLatest(db);
    const store = createSqlTicketStore(db);
    await store.saveZone(zone(1));

    const holder = new Database(path);
    holder.exec('BEGIN IMMEDIATE');
    const first = timed(store.saveZone(zone(2)));
    // This one arrives while the first is still waiting.
    await sleep(200);
    const second = timed(store.saveZone(zone(3)));
    const outcomes = await Promise.all([first, second]);
    holder.exec('ROLLBACK');
    holder.close();

    for (const { ms, error } of outcomes) {
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({ cause: { code: 'SQLITE_BUSY' } });
      expect(ms).toBeGreaterThanOrEqual(299);
      expect(ms).toBeLessThan(450);
    }
    await store.saveZone(zone(4));
    expect(await store.getZone(4)).toEqual(zone(4));
  }, 20_000);

  it('refuses writes as unavailable while the database is full, keeps each write whole, and is ready again once one commits', async () => {
    const db = opened(openSqlite({ path: ':memory:' }));
    if (db.dialect !== 'sqlite') throw new Error('not SQLite');
    await migrateToLatest(db);
    const store = createSqlTicketStore(db);
    await store.saveZone(zone(1));
    // No more pages than it has now: what needs a new page fails with SQLITE_FULL.
    const pages = Number(db.native.pragma('page_count', { simple: true }));
    db.native.pragma(`max_page_count = ${pages}`);

    const many = Array.from({ length: 5_000 }, (_, i) => zone(100 + i));
    const settled = await Promise.allSettled([
      store.saveZone(zone(2)),
      store.saveZones(many),
      store.saveZone(zone(3)),
    ]);
    const refusal = settled[1]?.status === 'rejected' ? settled[1].reason : undefined;
    expect(refusal).toBeInstanceOf(StoreUnavailableError);
    expect((refusal as Error).message).toMatch(/disk is full/);
    // A write that was answered ok is there; one that was refused left nothing.
    for (const [i, id] of [
      [0, 2],
      [2, 3],
    ] as const) {
      expect(await store.getZone(id)).toEqual(settled[i]?.status === 'fulfilled' ? zone(id) : undefined);
    }
    expect(await store.getZone(100)).toBeUndefined();
    await expect(checkDatabase(db)).rejects.toThrow(/disk is full/);

    db.native.pragma(`max_page_count = ${pages * 100}`);
    await store.saveZones(many);
    await expect(checkDatabase(db)).resolves.toBeUndefined();
  });
});
