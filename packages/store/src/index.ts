export { createMemoryTicketStore } from './memory-ticket-store.js';
export { migrateToLatest } from './sql/migrations.js';
export type { SqlDialectName, TicketDatabase } from './sql/schema.js';
export { createSqlTicketStore } from './sql/sql-ticket-store.js';
export { openSqlite, type SqliteOptions } from './sql/sqlite.js';
