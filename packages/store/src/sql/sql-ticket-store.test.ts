import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCapacityRule } from '@tickets/domain';
import { sql } from 'kysely';
import { err, ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { describeTicketListingContract } from '../listing-contract.js';
import { describeTicketStoreContract, type StoreFixture } from '../store-contract.js';
import { openedTicket } from '../testing/opened-ticket.js';
import { expectSearchBackfilled } from '../testing/search-backfill.js';
import { closeDatabase, type SqlDatabase } from './database.js';
import { migrateToLatest } from './migrations.js';
import { createSqlTicketStore } from './sql-ticket-store.js';
import { openSqlite } from './sqlite.js';

/** A fresh, migrated SQLite store in a directory of its own. */
async function openSqliteStore(): Promise<StoreFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-store-'));
  const path = join(dir, 'tickets.db');
  const db = openSqlite({ path });
  await migrateToLatest(db);
  const others: SqlDatabase[] = [];
  return {
    store: createSqlTicketStore(db),
    another: () => {
      const other = openSqlite({ path });
      others.push(other);
      return createSqlTicketStore(other);
    },
    close: async () => {
      for (const other of others) await closeDatabase(other);
      await closeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeTicketStoreContract('SQLite', openSqliteStore);
describeTicketListingContract('SQLite', openSqliteStore);

describe('the SQLite schema', () => {
  it('keeps every ticket, event and key, and their references, when it gains the WispHub columns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickets-migrate-'));
    const db = openSqlite({ path: join(dir, 'tickets.db') });
    try {
      await migrateToLatest(db, '0003_zone_status_counts');
      await sql`insert into zones (id, name) values (1, 'Z')`.execute(db.kysely);
      await sql`insert into technicians (id, name, active) values (1, 'T', 1)`.execute(db.kysely);
      await sql`insert into services (id, zone_id) values (1, 1)`.execute(db.kysely);
      await sql`insert into tickets (id, service_id, zone_id, technician_id, subject, priority, description,
          status, created_at, end_date, updated_at) values (41, 1, 1, 1, 'Falla Masiva', 3, 'x', 1, 5, 6, 5)`.execute(
        db.kysely,
      );
      await sql`insert into ticket_events (ticket_id, at, kind, after) values (41, 5, 'created', '{}')`.execute(
        db.kysely,
      );
      await sql`insert into idempotency_keys values ('', 'k', 'f', 41, 5)`.execute(db.kysely);
      await sql`insert into zone_status_counts values (1, 1, 1)`.execute(db.kysely);
      expect(await migrateToLatest(db)).toEqual([
        '0004_wisphub',
        '0005_ticket_versions',
        '0006_waiting_line_and_affected',
        '0007_ticket_search',
        '0008_planned_create',
      ]);
      const store = createSqlTicketStore(db);
      expect(await store.getTicket(41)).toMatchObject({
        ticket_id: 41,
        technician_id: 1,
        source: 'api',
        wisphub_ticket_id: null,
        wisphub_sync: null,
        affected_count: 0,
      });
      expect((await store.listTicketEvents(41, { limit: 10 })).map((e) => [e.kind, e.note])).toEqual([
        ['created', null],
      ]);
      expect(await store.countActiveTickets(1, [1])).toBe(1);
      const rule = createCapacityRule({ maxActiveTicketsPerZone: 9, activeStatuses: [1] });
      const draft = {
        ...openedTicket({ zone_id: 1, service_id: 1, technician_id: 1 }, 7),
        technician_id: null,
      };
      const next = await store.createTicket({ zone_id: 1, service_id: 1, technician_id: null }, rule, () =>
        ok({ kind: 'insert', events: [], outbox: [], ticket: draft }),
      );
      expect(next._unsafeUnwrap()).toMatchObject({ kind: 'created', ticket: { ticket_id: 42 } });
      const foreignKeys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db.kysely);
      expect(foreignKeys.rows[0]?.foreign_keys).toBe(1);
    } finally {
      await closeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds the customers' names it held before the search, accents and case ignored", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickets-migrate-'));
    const db = openSqlite({ path: join(dir, 'tickets.db') });
    try {
      await expectSearchBackfilled(db);
    } finally {
      await closeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps every idempotency key, still answering its ticket, when keys may answer a request in a line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickets-migrate-'));
    const db = openSqlite({ path: join(dir, 'tickets.db') });
    try {
      await migrateToLatest(db, '0005_ticket_versions');
      await sql`insert into zones (id, name, max_active_tickets) values (1, 'Z', 1)`.execute(db.kysely);
      await sql`insert into technicians (id, name, active) values (1, 'T', 1)`.execute(db.kysely);
      await sql`insert into services (id, zone_id) values (1, 1)`.execute(db.kysely);
      await sql`insert into tickets (id, service_id, zone_id, technician_id, subject, priority, description,
          status, created_at, end_date, updated_at) values (41, 1, 1, 1, 'Falla Masiva', 3, 'x', 1, 5, 6, 5)`.execute(
        db.kysely,
      );
      await sql`insert into idempotency_keys values ('crm', 'k', 'f', 41, 5)`.execute(db.kysely);
      await sql`insert into zone_status_counts values (1, 1, 1)`.execute(db.kysely);
      expect(await migrateToLatest(db)).toEqual([
        '0006_waiting_line_and_affected',
        '0007_ticket_search',
        '0008_planned_create',
      ]);
      const store = createSqlTicketStore(db);
      const ticket = await store.getTicket(41);
      expect(ticket).toMatchObject({ ticket_id: 41, affected_count: 0, version: 1 });
      const refs = { zone_id: 1, service_id: 1, technician_id: 1 };
      const rule = createCapacityRule({ maxActiveTicketsPerZone: 9, activeStatuses: [1] });
      const seen: unknown[] = [];
      await store.createTicket(
        { ...refs, idempotency: { client: 'crm', key: 'k', fingerprint: 'f' } },
        rule,
        (context) => {
          seen.push(context.previous);
          return err('stop');
        },
      );
      expect(seen).toEqual([{ fingerprint: 'f', ticket, queued: undefined }]);
      // A new key may answer a request in the line, without a ticket.
      const queued = await store.createTicket(
        { ...refs, idempotency: { client: 'crm', key: 'q', fingerprint: 'g' } },
        rule,
        () =>
          ok({
            kind: 'enqueue',
            request: {
              ...refs,
              subject: 'Falla Masiva',
              priority: 3,
              description: 'x',
              queued_at: 7,
              actor: null,
            },
          }),
      );
      expect(queued._unsafeUnwrap()).toMatchObject({ kind: 'queued', position: 1 });
      await expect(
        sql`insert into idempotency_keys (client, key, fingerprint, recorded_at) values ('crm', 'none', 'f', 5)`.execute(
          db.kysely,
        ),
      ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_CHECK' });
      await expect(
        sql`insert into idempotency_keys values ('crm', 'k', 'f', 41, null, 5)`.execute(db.kysely),
      ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
      const indexes = await sql<{ name: string }>`select name from sqlite_master
        where type = 'index' and tbl_name = 'idempotency_keys' and name not like 'sqlite_%' order by name`.execute(
        db.kysely,
      );
      expect(indexes.rows.map((r) => r.name)).toEqual([
        'idempotency_keys_queue_id',
        'idempotency_keys_recorded_at',
      ]);
    } finally {
      await closeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
