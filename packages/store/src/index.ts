export { createMemoryTicketStore } from './memory-ticket-store.js';
export { checkDatabase, closeDatabase, type SqlDatabase } from './sql/database.js';
export { migrateToLatest, pingDatabase } from './sql/migrations.js';
export { openPostgres, type PostgresOptions } from './sql/postgres.js';
export type { SqlDialectName, TicketDatabase } from './sql/schema.js';
export { createSqlTicketStore } from './sql/sql-ticket-store.js';
export { openSqlite, type SqliteOptions } from './sql/sqlite.js';
export { isUnavailable } from './sql/unavailable.js';
