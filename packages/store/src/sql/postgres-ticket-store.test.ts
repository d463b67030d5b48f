import { describeTicketStoreContract } from '../store-contract.js';
import { createTestSchema, testDatabaseUrl } from '../testing/postgres.js';
import { migrateToLatest } from './migrations.js';
import { openPostgres } from './postgres.js';
import { createSqlTicketStore } from './sql-ticket-store.js';

describeTicketStoreContract('PostgreSQL', async () => {
  const { schema, drop } = await createTestSchema();
  const db = openPostgres({ url: testDatabaseUrl, schema, poolSize: 20 });
  await migrateToLatest(db, 'postgres');
  return {
    store: createSqlTicketStore(db, 'postgres'),
    close: async () => {
      await db.destroy();
      await drop();
    },
  };
});
