import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeTicketStoreContract } from '../store-contract.js';
import { migrateToLatest } from './migrations.js';
import { createSqlTicketStore } from './sql-ticket-store.js';
import { openSqlite } from './sqlite.js';

describeTicketStoreContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-store-'));
  const db = openSqlite({ path: join(dir, 'tickets.db') });
  await migrateToLatest(db, 'sqlite');
  return {
    store: createSqlTicketStore(db, 'sqlite'),
    close: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
