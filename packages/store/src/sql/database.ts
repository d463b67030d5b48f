import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { StoreUnavailableError } from '@tickets/domain';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { pingDatabase } from './migrations.js';
import type { TicketDatabase } from './schema.js';
import { diskFullError } from './sqlite-step-runner.js';
import { unavailableReason } from './unavailable.js';

/** An open SQL database: Kysely for both dialects, and better-sqlite3's own handle for SQLite. */
export type SqlDatabase =
  | {
      readonly dialect: 'sqlite';
      readonly kysely: Kysely<TicketDatabase>;
      readonly native: BetterSqlite3.Database;
    }
  | {
      readonly dialect: 'postgres';
      readonly kysely: Kysely<TicketDatabase>;
      /** This process's pool: its connections, those idle, and requests waiting for one. */
      readonly poolStats: () => { readonly total: number; readonly idle: number; readonly waiting: number };
      /** The schema its tables are in, when not the connection's default (`search_path`). */
      readonly schema?: string;
    };

/** Closes the database's connections. */
export function closeDatabase(database: SqlDatabase): Promise<void> {
  return database.kysely.destroy();
}

// Room for a few creates' WAL frames.
const SPACE_PROBE_BYTES = 64 * 1024;

/** Whether `bytes` can be written beside `path` now (the file written is removed at once). */
function hasRoomBeside(path: string, bytes: number): boolean {
  const probe = `${path}-space-probe`;
  let fd: number | undefined;
  try {
    fd = openSync(probe, 'w');
    return writeSync(fd, Buffer.alloc(bytes)) === bytes;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
    rmSync(probe, { force: true });
  }
}

/**
 * Resolves when the database answers and can take writes; rejects with StoreUnavailableError
 * otherwise. On SQLite, after a write failed because the disk was full, that is until a write
 * commits again or 64 KiB can be written beside the database file: readiness comes back by itself
 * once space is freed, without waiting for the traffic a load balancer holds back meanwhile.
 */
export async function checkDatabase(database: SqlDatabase): Promise<void> {
  await pingDatabase(database);
  if (database.dialect !== 'sqlite') return;
  const full = diskFullError(database.native);
  if (full === undefined) return;
  if (!database.native.memory && hasRoomBeside(database.native.name, SPACE_PROBE_BYTES)) return;
  throw new StoreUnavailableError(unavailableReason(full), { cause: full });
}
