// The server processes a run measures: each on a fresh store that already holds the zones, copied
// from one seeded once per store kind, with the WispHub simulator beside it where asked.

import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ECHO_HONO,
  ECHO_HTTP,
  ECHO_TRPC,
  type RunningServer,
  SERVER,
  startServerProcess,
  WISPHUB_SIM,
} from './processes.js';
import type { Settings } from './report.js';
import { createPostgresDatabase, type PostgresDatabase, seedOverApi, wispHubPulled } from './setup.js';

/** What every part of a run needs to know. */
export interface RunContext {
  readonly settings: Settings;
  /** A temporary directory, removed at the end of the run. */
  readonly workDir: string;
  /** A PostgreSQL server to make throwaway databases on. */
  readonly postgresAdminUrl: string;
  log(line: string): void;
}

export type ServerSpec =
  | { readonly kind: 'echo-http' | 'echo-hono' | 'echo-trpc' }
  | {
      readonly kind: 'tickets';
      readonly store: 'memory' | 'sqlite' | 'postgres';
      readonly webConcurrency: number;
      /** With the WispHub connector on, against the simulator in a process of its own. */
      readonly wisphub?: boolean;
    };

/** A started server (or why it did not start), and how to stop it and drop its store. */
export interface Session {
  readonly server?: RunningServer;
  readonly sqlitePath?: string;
  readonly database?: string;
  /** The WispHub simulator's address, when the connector is on. */
  readonly simulatorUrl?: string;
  readonly error?: string;
  close(): Promise<void>;
}

const WISPHUB_KEY = 'bench-wisphub-key-0123456789';

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

let files = 0;
const newSqlitePath = (context: RunContext) => {
  files += 1;
  const dir = join(context.workDir, `store-${files}`);
  mkdirSync(dir, { recursive: true });
  return join(dir, 'tickets.db');
};

/**
 * A store seeded once over the API (zones, services, technician, the full zone), copied for every
 * server that needs one: seeding thousands of zones per row would take longer than the row.
 */
interface Template {
  readonly sqlitePath?: string;
  readonly database?: PostgresDatabase;
}
const templates = new Map<'sqlite' | 'postgres', Promise<Template>>();

function template(store: 'sqlite' | 'postgres', context: RunContext): Promise<Template> {
  let made = templates.get(store);
  if (made === undefined) {
    made = (async () => {
      context.log(`seeding a ${store} store with ${context.settings.zones} zones, to copy for every row`);
      const database =
        store === 'postgres' ? await createPostgresDatabase(context.postgresAdminUrl) : undefined;
      const sqlitePath = store === 'sqlite' ? newSqlitePath(context) : undefined;
      const server = await startServerProcess(
        SERVER,
        { DATABASE_URL: database?.url ?? `sqlite:${sqlitePath}`, LOG_LEVEL: 'warn' },
        '/healthz',
      );
      try {
        await seedOverApi(server.baseUrl, context.settings.zones);
      } finally {
        // SIGTERM: the server closes its store, which leaves SQLite's file whole (WAL checkpointed).
        await server.stop();
      }
      return {
        ...(sqlitePath === undefined ? {} : { sqlitePath }),
        ...(database === undefined ? {} : { database }),
      };
    })();
    templates.set(store, made);
  }
  return made;
}

/** Drops the PostgreSQL template, once every row is done. */
export async function dropTemplates(context: RunContext): Promise<void> {
  for (const made of templates.values()) {
    const database = await made.then((t) => t.database).catch(() => undefined);
    await database
      ?.drop()
      .catch((error: unknown) => context.log(`could not drop ${database.name}: ${messageOf(error)}`));
  }
}

/** Starts a group's server on a fresh store holding the zones; never throws. */
export async function open(spec: ServerSpec, context: RunContext): Promise<Session> {
  let database: PostgresDatabase | undefined;
  let server: RunningServer | undefined;
  let simulator: RunningServer | undefined;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await server?.stop();
      await simulator?.stop();
      await database
        ?.drop()
        .catch((error: unknown) => context.log(`could not drop ${database?.name}: ${messageOf(error)}`));
    })();
    return closing;
  };
  try {
    if (spec.kind !== 'tickets') {
      const command = { 'echo-http': ECHO_HTTP, 'echo-hono': ECHO_HONO, 'echo-trpc': ECHO_TRPC }[spec.kind];
      server = await startServerProcess(command, {}, '/');
      return { server, close };
    }
    let databaseUrl = 'memory:';
    let sqlitePath: string | undefined;
    if (spec.store === 'sqlite') {
      const from = (await template('sqlite', context)).sqlitePath as string;
      sqlitePath = newSqlitePath(context);
      copyFileSync(from, sqlitePath);
      for (const suffix of ['-wal', '-shm']) {
        if (existsSync(from + suffix)) copyFileSync(from + suffix, sqlitePath + suffix);
      }
      databaseUrl = `sqlite:${sqlitePath}`;
    } else if (spec.store === 'postgres') {
      database = await createPostgresDatabase(
        context.postgresAdminUrl,
        (await template('postgres', context)).database?.name,
      );
      databaseUrl = database.url;
    }
    let wisphub: Record<string, string> = {};
    if (spec.wisphub === true) {
      // Client i in zone i, so that WispHub's directory agrees with the zones the bench seeds.
      simulator = await startServerProcess(
        WISPHUB_SIM,
        {
          WISPHUB_SIM_API_KEY: WISPHUB_KEY,
          WISPHUB_SIM_CLIENTS: String(context.settings.zones),
          WISPHUB_SIM_ZONES: String(context.settings.zones),
          WISPHUB_SIM_TECHNICIANS: '1',
        },
        '/__sim/state',
        { portVariable: 'WISPHUB_SIM_PORT' },
      );
      wisphub = {
        WISPHUB_URL: simulator.baseUrl,
        WISPHUB_API_KEY: WISPHUB_KEY,
        MAX_ACTIVE_TICKETS_PER_ZONE: '1000000',
      };
    }
    server = await startServerProcess(
      SERVER,
      {
        DATABASE_URL: databaseUrl,
        WEB_CONCURRENCY: String(spec.webConcurrency),
        LOG_LEVEL: 'warn',
        ...wisphub,
      },
      '/healthz',
    );
    if (spec.wisphub === true) await wispHubPulled(server.baseUrl);
    if (spec.store === 'memory') await seedOverApi(server.baseUrl, context.settings.zones);
    return {
      server,
      close,
      ...(sqlitePath === undefined ? {} : { sqlitePath }),
      ...(database === undefined ? {} : { database: database.name }),
      ...(simulator === undefined ? {} : { simulatorUrl: simulator.baseUrl }),
    };
  } catch (error) {
    await close();
    return { error: messageOf(error), close: async () => undefined };
  }
}
