import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, type SqliteDatabase, SqliteDialect, type SqliteStatement } from 'kysely';
import type { SqlDatabase } from './database.js';
import type { TicketDatabase } from './schema.js';

const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely's SQLite driver prepares every statement it runs; keeping the prepared statements
 * (by SQL text) saves better-sqlite3's parse and plan on every query after the first.
 */
function withStatementCache(database: Database.Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
        statement = database.prepare(sql) as unknown as SqliteStatement;
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

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
      dialect: new SqliteDialect({ database: withStatementCache(database) }),
    }),
  };
}
