import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeTicketStoreContract } from '../store-contract.js';
import { closeDatabase } from './database.js';
import { migrateToLatest } from './migrations.js';
import { createSqlTicketStore } from './sql-ticket-store.js';
import { openSqlite } from './sqlite.js';

describeTicketStoreContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-store-'));
  const db = openSqlite({ path: join(dir, 'tickets.db') });
  await migrateToLatest(db);
  return {
    store: createSqlTicketStore(db),
    close: async () => {
      await closeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
