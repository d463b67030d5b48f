import { createTestDesk } from '@tickets/testing';
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { SqlDatabase } from '../sql/database.js';
import { migrateToLatest } from '../sql/migrations.js';
import { createSqlTicketStore } from '../sql/sql-ticket-store.js';

/**
 * Migrates a database holding services and tickets from before the search (0006) and checks that
 * the customers' names it held are found, accents and case ignored, and that new ones are too.
 */
export async function expectSearchBackfilled(database: SqlDatabase): Promise<void> {
  const db = database.kysely;
  await migrateToLatest(database, '0006_waiting_line_and_affected');
  await sql`insert into zones (id, name) values (1, 'Z')`.execute(db);
  await sql`insert into technicians (id, name, active) values (1, 'T', 1)`.execute(db);
  await sql`insert into services (id, zone_id, customer_name) values (1, 1, 'Luis Muñoz'), (2, 1, null),
      (3, 1, 'ÁNGELA Núñez')`.execute(db);
  for (const [id, service] of [
    [41, 1],
    [42, 2],
    [43, 3],
  ]) {
    await sql`insert into tickets (id, service_id, zone_id, technician_id, subject, priority, description,
        status, created_at, end_date, updated_at) values (${id}, ${service}, 1, 1, 'Falla Masiva', 3, 'x', 1,
        5, 6, 5)`.execute(db);
  }
  expect(await migrateToLatest(database)).toContain('0007_ticket_search');
  const desk = createTestDesk({ store: createSqlTicketStore(database) });
  const found = async (q: string) => (await desk.listTickets({ q, limit: 10 })).items.map((t) => t.ticket_id);
  expect(await found('munoz')).toEqual([41]);
  expect(await found('angela nunez')).toEqual([43]);
  expect(await found('2')).toEqual([42]);
  (await desk.saveService(2, { zone_id: 1, customer_name: 'Óscar Peña' }))._unsafeUnwrap();
  expect(await found('pena')).toEqual([42]);
}
