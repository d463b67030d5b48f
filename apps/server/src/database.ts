import type { ConnectorStore, TicketStore } from '@tickets/domain';
import {
  closeDatabase,
  createMemoryTicketStore,
  createSqlTicketStore,
  migrateToLatest,
  openPostgres,
  openSqlite,
  pingDatabase,
} from '@tickets/store';
import type { Config } from './config.js';

/** The store DATABASE_URL names, opened. */
export interface OpenDatabase {
  readonly store: TicketStore & ConnectorStore;
  /** Applies pending migrations; returns their names. */
  migrate(): Promise<readonly string[]>;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
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
      ? openSqlite({ path: setting.path })
      : openPostgres({ url: setting.url, poolSize: config.databasePoolSize });
  return {
    store: createSqlTicketStore(db),
    migrate: () => migrateToLatest(db),
    ping: () => pingDatabase(db),
    close: () => closeDatabase(db),
  };
}
