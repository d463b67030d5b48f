import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { TicketDatabase } from './schema.js';

/** An open SQL database: Kysely for both dialects, and better-sqlite3's own handle for SQLite. */
export type SqlDatabase =
  | {
      readonly dialect: 'sqlite';
      readonly kysely: Kysely<TicketDatabase>;
      readonly native: BetterSqlite3.Database;
    }
  | { readonly dialect: 'postgres'; readonly kysely: Kysely<TicketDatabase> };

/** Closes the database's connections. */
export function closeDatabase(database: SqlDatabase): Promise<void> {
  return database.kysely.destroy();
}
