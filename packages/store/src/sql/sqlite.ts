import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { SqlDatabase } from './database.js';
import type { TicketDatabase } from './schema.js';

export interface SqliteOptions {
  /** A file path, or `:memory:`. */
  readonly path: string;
  /**
   * How long a write waits for another process's write lock before failing with SQLITE_BUSY
   * (default 5000 ms): the connection's busy timeout, and the store's deadline for each write.
   */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens (creating it and its folder when missing) an SQLite database in WAL mode, which lets
 * readers run beside the one writer and keeps committed transactions through a process crash.
 */
export function openSqlite({ path, busyTimeoutMs = 5000 }: SqliteOptions): SqlDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  // The busy timeout first: switching to WAL takes a lock another process may hold for a moment.
  const database = new Database(path, { timeout: Math.trunc(busyTimeoutMs) });
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  return {
    dialect: 'sqlite',
    native: database,
    kysely: new Kysely<TicketDatabase>({
      // Only migrations and pings run through Kysely here; the store prepares its own statements
      // (see SqliteStepRunner).
      dialect: new SqliteDialect({ database }),
    }),
  };
}
