// The HTTP rows a run measures, and what the tables call them.

/** The HTTP rows, in the order the table lists them. */
export type RowId =
  | 'echo-http'
  | 'echo-hono'
  | 'echo-trpc'
  | 'rest-memory'
  | 'rest-sqlite'
  | 'refusal-sqlite'
  | 'rest-postgres'
  | 'refusal-postgres'
  | 'trpc-sqlite'
  | 'trpc-batch-sqlite'
  | 'rest-sqlite-wisphub'
  | 'small-plain'
  | 'small-gzip'
  | 'wc2-sqlite'
  | 'wc2-refusal-sqlite'
  | 'echo-http-end';

export function httpRows(batch: number): Readonly<Record<RowId, string>> {
  return {
    'echo-http': 'node:http JSON echo (baseline)',
    'echo-hono': 'Hono JSON echo',
    'echo-trpc': 'tRPC echo procedure on Hono',
    'rest-memory': 'REST create, memory store',
    'rest-sqlite': 'REST create, SQLite',
    'refusal-sqlite': 'REST full-zone refusal (409), SQLite',
    'rest-postgres': 'REST create, PostgreSQL',
    'refusal-postgres': 'REST full-zone refusal (409), PostgreSQL',
    'trpc-sqlite': 'tRPC tickets.create, SQLite',
    'trpc-batch-sqlite': `tRPC batch of ${batch} creates, SQLite (tickets/s)`,
    'rest-sqlite-wisphub': 'REST create, SQLite, WispHub connector on (simulator)',
    'small-plain': 'GET /api/v1/zones/1/capacity, no Accept-Encoding',
    'small-gzip': 'GET /api/v1/zones/1/capacity, Accept-Encoding: gzip',
    'wc2-sqlite': 'REST create, SQLite, WEB_CONCURRENCY=2',
    'wc2-refusal-sqlite': 'REST full-zone refusal (409), SQLite, WEB_CONCURRENCY=2',
    'echo-http-end': 'node:http JSON echo, again at the end (drift check)',
  };
}
