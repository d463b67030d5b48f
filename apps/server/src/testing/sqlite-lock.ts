import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from './server-process.js';

interface Connection {
  exec(sql: string): unknown;
  close(): unknown;
}

// better-sqlite3 is the store's dependency, not this app's.
const Database = createRequire(join(repoRoot, 'packages/store/package.json'))('better-sqlite3') as new (
  path: string,
) => Connection;

/**
 * Takes the write lock of the SQLite file at `path` on a connection of its own (`BEGIN IMMEDIATE`),
 * as another process writing to it would, and holds it until `release`.
 */
export function holdWriteLock(path: string): { release(): void } {
  const connection = new Database(path);
  connection.exec('BEGIN IMMEDIATE');
  return {
    release() {
      connection.exec('ROLLBACK');
      connection.close();
    },
  };
}
