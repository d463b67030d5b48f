import type { ConnectorStore, TicketStore } from '@tickets/domain';
import {
  checkDatabase,
  closeDatabase,
  createMemoryTicketStore,
  createSqlTicketStore,
  migrateToLatest,
  openPostgres,
  openSqlite,
} from '@tickets/store';
import type { Config } from './config.js';

/** The store DATABASE_URL names, opened. */
export interface OpenDatabase {
  readonly store: TicketStore & ConnectorStore;
  /** Applies pending migrations; returns their names. */
  migrate(): Promise<readonly string[]>;
  /** Resolves when the database answers and can take writes (see checkDatabase). */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** PostgreSQL's pool, for the metrics; undefined for other stores. */
  readonly poolStats?:
    | (() => { readonly total: number; readonly idle: number; readonly waiting: number })
    | undefined;
}

export function openDatabase(config: Config): OpenDatabase {
  const setting = config.database;
  if (setting.kind === 'memory') {
    return {
      store: createMemoryTicketStore(),
      migrate: async () => [],
      ping: async () => undefined,
      close: async () => undefined,
    };
  }
  const db =
    setting.kind === 'sqlite'
      ? openSqlite({ path: setting.path, busyTimeoutMs: config.sqliteBusyTimeoutMs })
      : openPostgres({ url: setting.url, poolSize: config.databasePoolSize });
  return {
    store: createSqlTicketStore(db),
    migrate: () => migrateToLatest(db),
    ping: () => checkDatabase(db),
    close: () => closeDatabase(db),
    poolStats: db.dialect === 'postgres' ? db.poolStats : undefined,
  };
}
