import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import pg from 'pg';
import type { SqlDatabase } from './database.js';
import type { TicketDatabase } from './schema.js';
import { connectFailure } from './unavailable.js';

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
 * opened on the next request, so service resumes by itself when the database is back. Any failure to
 * open a connection (server down, database closed to connections or dropped, login refused) counts
 * as the storage being unavailable (see isUnavailable).
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
  // A connection cut while checked out (mid-query or mid-transaction: a network fault, a restarted
  // pgbouncer or HAProxy, a failover) reports on the client, where the pool listens only while it
  // is idle; unheard, that 'error' event would end the process. The query in flight fails with the
  // same error, and the pool destroys the client, no longer queryable, when it is released.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const connecting: PostgresPool = {
    connect: () =>
      pool.connect().catch((error: unknown) => {
        throw connectFailure(error);
      }),
    end: () => pool.end(),
  };
  return {
    dialect: 'postgres',
    kysely: new Kysely<TicketDatabase>({ dialect: new PostgresDialect({ pool: connecting }) }),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    ...(schema === undefined ? {} : { schema }),
  };
}
