import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { createAuthenticator, createHttpApp } from '@tickets/api';
import { type BusinessCalendar, readSyncReport, type SubjectCatalogue } from '@tickets/domain';
import { type Logger, pino } from 'pino';
import { systemClock } from './clock.js';
import type { Config } from './config.js';
import { type Connector, startConnector } from './connector/connector.js';
import { createConsoleSite } from './console-site.js';
import { openDatabase } from './database.js';
import { serveHttp } from './http/serve-http.js';
import { createMetrics, serveClusterMetrics } from './metrics.js';
import { createDesk, deliverySettings, loadSubjects, processHolder } from './settings.js';

const SHUTDOWN_DEADLINE_MS = 10_000;
// A delivery cut short is left in doubt and looked up in WispHub by whoever takes it next.
const CONNECTOR_STOP_MS = 2_000;
const IDEMPOTENCY_KEYS_KEPT_MS = 48 * 3_600_000;
const PURGE_EVERY_MS = 3_600_000;

/**
 * Runs one server process: opens the store, serves HTTP, and on SIGTERM or SIGINT stops accepting
 * connections, lets the requests in flight finish, closes the store and exits 0 (1 if that takes
 * longer than 10 s).
 */
async function serveTickets(
  config: Config,
  logger: Logger,
  calendar: BusinessCalendar,
  subjects: SubjectCatalogue,
  migrate: boolean,
): Promise<void> {
  if (config.apiKeys.length === 0 && cluster.isPrimary) {
    logger.warn('API_KEYS is not set: the API is open to anyone who can reach this port');
  }
  const database = openDatabase(config);
  if (migrate) await database.migrate();

  const deliveries = deliverySettings(config);
  const metrics = createMetrics({
    store: database.store,
    channels: [
      ...(deliveries.wisphub ? (['wisphub'] as const) : []),
      ...(deliveries.webhooks.length > 0 ? (['webhook'] as const) : []),
    ],
    pool: database.poolStats,
    clustered: config.webConcurrency > 1,
    now: systemClock.now,
  });
  const store = metrics.instrumentStore(database.store);
  let connector: Connector | undefined;
  const desk = metrics.instrumentDesk(createDesk(config, store, calendar, subjects, () => connector?.kick()));
  if (config.wisphub !== undefined || config.webhooks !== undefined) {
    connector = startConnector({
      config,
      store,
      calendar,
      subjects,
      clock: systemClock,
      logger,
      holder: processHolder(),
    });
    if (config.wisphub !== undefined) logger.info(`tickets: delivering to WispHub at ${config.wisphub.url}`);
    if (config.webhooks !== undefined)
      logger.info(`tickets: announcing to ${config.webhooks.urls.length} webhook(s)`);
  }
  const app = createHttpApp({
    desk,
    checkReady: database.ping,
    authenticator: createAuthenticator(config.apiKeys),
    logger,
    corsOrigins: config.corsOrigins,
    site: createConsoleSite(fileURLToPath(new URL('../../console/dist/', import.meta.url))),
    syncReport: () => readSyncReport(store, deliveries),
    metrics,
  });

  // Idempotency keys are kept 48 hours (the promise is at least 24), then forgotten.
  const purge = setInterval(() => {
    database.store
      .purgeIdempotencyKeys(systemClock.now() - IDEMPOTENCY_KEYS_KEPT_MS)
      .catch((error: unknown) => logger.warn({ err: error }, 'could not purge idempotency keys'));
  }, PURGE_EVERY_MS);
  purge.unref();

  const http = serveHttp({
    fetch: app.fetch,
    port: config.port,
    hostname: config.host,
    onListening: (info) =>
      logger.info(`tickets: listening on http://${info.address}:${info.port} (store ${config.databaseUrl})`),
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`tickets: ${signal} received, stopping`);
    clearInterval(purge);
    setTimeout(() => {
      logger.error(`tickets: requests still running after ${SHUTDOWN_DEADLINE_MS} ms; exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    // No new connections; idle, silent and half-sent ones close at once, the others once answered.
    void http.stop().then(async () => {
      if (connector !== undefined) {
        await Promise.race([
          connector.stop(),
          new Promise((resolve) => setTimeout(resolve, CONNECTOR_STOP_MS)),
        ]);
      }
      await database.close();
      logger.info('tickets: stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * WEB_CONCURRENCY > 1: this process migrates once, then runs that many workers that share the
 * port (node:cluster hands connections out in turn). A worker that dies is replaced; on SIGTERM or
 * SIGINT every worker stops cleanly and this process exits 0 once they all have.
 */
async function superviseWorkers(config: Config, logger: Logger): Promise<void> {
  const database = openDatabase(config);
  await database.migrate();
  await database.close();
  // A worker asked for /metrics gets every worker's, gathered here.
  serveClusterMetrics();

  let stopping = false;
  for (let i = 0; i < config.webConcurrency; i += 1) cluster.fork();
  logger.info(`tickets: started ${config.webConcurrency} workers`);
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info('tickets: stopped');
        process.exit(0);
      }
      return;
    }
    logger.error(`tickets: worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(() => cluster.fork(), 1_000);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info(`tickets: ${signal} received, stopping ${config.webConcurrency} workers`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * Runs the server with a configuration and its calendar: one process, or with WEB_CONCURRENCY > 1
 * a supervisor of that many. `fail` prints a configuration error and exits.
 */
export function serve(
  config: Config,
  calendar: BusinessCalendar,
  fail: (line: string) => never,
): Promise<void> {
  const subjects = loadSubjects(config).match((s) => s, fail);
  // Asynchronous writes: a request never waits for its log line, and under load the lines pile
  // up while a write is in flight and go out together. Flushed before the process exits.
  const destination = pino.destination({ dest: 1, sync: false });
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } }, destination);
  process.on('exit', () => destination.flushSync());
  if (config.webConcurrency > 1 && cluster.isPrimary) return superviseWorkers(config, logger);
  // A worker's supervisor has migrated already.
  return serveTickets(config, logger, calendar, subjects, cluster.isPrimary);
}
