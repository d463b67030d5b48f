import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { SqlDatabase } from './database.js';
import type { TicketDatabase } from './schema.js';

const INT8_OID = 20;

export interface PostgresOptions {
  /** `postgres://user:password@host:port/database` (or `postgresql://`). */
  readonly url: string;
  /** Connections in this process's pool. */
  readonly poolSize?: number;
  /** Schema for the tables, when not the database's default (`public`). */
  readonly schema?: string;
}

/**
 * A PostgreSQL database behind a pool whose every wait is bounded, so that a request fails within
 * seconds, instead of hanging, when the server is down, unreachable or stuck:
 * connecting or waiting for a free connection 2 s, a statement 5 s, a row lock 3 s; a transaction
 * left idle by a frozen client is ended after 10 s. A broken connection is dropped and a new one is
 * opened on the next request, so service resumes by itself when the database is back.
 */
export function openPostgres({ url, poolSize = 10, schema }: PostgresOptions): SqlDatabase {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 2_000,
    query_timeout: 5_000,
    statement_timeout: 5_000,
    lock_timeout: 3_000,
    idle_in_transaction_session_timeout: 10_000,
    keepAlive: true,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    // Ids and epoch milliseconds are BIGINT; all of them fit a JavaScript number.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection whose server went away reports here; the pool has already dropped it.
  pool.on('error', () => undefined);
  return {
    dialect: 'postgres',
    kysely: new Kysely<TicketDatabase>({ dialect: new PostgresDialect({ pool }) }),
  };
}
