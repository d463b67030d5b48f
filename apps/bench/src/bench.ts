// `pnpm bench`: measures the service against echo baselines in one run on one machine, prints the
// tables and writes them to docs/benchmarks.md. `--smoke` runs every path of the harness at tiny
// sizes in seconds and writes to a temporary file (or --out).
//
//   node --import tsx apps/bench/src/bench.ts [--smoke] [--out FILE] [--connections N]
//       [--duration S] [--warmup S] [--generator wrk|autocannon] [--threads N] [--only REGEX]
// Environment: BENCH_DATABASE_URL, a PostgreSQL server to make throwaway databases on
// (default postgres://postgres@127.0.0.1:5432/test); its rows are skipped when it does not answer.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runProcess } from '@tickets/testing';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { DomainResult, DomainSpec } from './domain.js';
import { findPgbench, measurePgbench } from './pgbench.js';
import {
  DOMAIN_SCRIPT,
  ECHO_HONO,
  ECHO_HTTP,
  ECHO_TRPC,
  type LoadGenerator,
  type RunningServer,
  repoRoot,
  rssMb,
  runJsonProcess,
  SERVER,
  SERVER_BUNDLE,
  startAutocannon,
  startServerProcess,
  stopAllServers,
  WISPHUB_SIM,
  wrkLoadGenerator,
} from './processes.js';
import { type BodyKind, type LoadSpec, ZONES } from './protocol.js';
import { type Environment, markdown, type Report, type Settings } from './report.js';
import { httpRows, type RowId } from './rows.js';
import {
  countSqliteTickets,
  createPostgresDatabase,
  type PostgresDatabase,
  postgresProblem,
  prefillSqlite,
  probeSmallAnswer,
  seedOverApi,
  wispHubPulled,
} from './setup.js';
import { measureStartups } from './startup.js';
import {
  domainTable,
  driftWarning,
  growthTable,
  httpTable,
  rssTable,
  startupTable,
  targetsTable,
} from './tables.js';
import { findWrk } from './wrk.js';

type ServerSpec =
  | { readonly kind: 'echo-http' | 'echo-hono' | 'echo-trpc' }
  | {
      readonly kind: 'tickets';
      readonly store: 'memory' | 'sqlite' | 'postgres';
      readonly webConcurrency: number;
      /** With the WispHub connector on, against the simulator in a process of its own. */
      readonly wisphub?: boolean;
    };

type Step =
  | {
      readonly kind: 'row';
      readonly id: RowId;
      readonly load: BodyKind;
      readonly acceptGzip?: boolean;
    }
  | { readonly kind: 'rss' }
  | { readonly kind: 'growth' }
  | { readonly kind: 'small-answer' };

/** One server process and what is measured on it, or a measurement that needs no server of ours. */
type Group =
  | { readonly server: ServerSpec; readonly steps: readonly Step[] }
  | { readonly server?: undefined; readonly standalone: 'pgbench' | 'startup' };

interface Session {
  readonly server?: RunningServer;
  readonly sqlitePath?: string;
  readonly database?: string;
  readonly error?: string;
  close(): Promise<void>;
}

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    out: { type: 'string' },
    connections: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    generator: { type: 'string' },
    threads: { type: 'string' },
    // Only the HTTP rows whose id matches (a regular expression; the raw echo always runs), for
    // working on one row; writes to --out, or prints only, never to docs/benchmarks.md.
    only: { type: 'string' },
  },
});
const only = args.only === undefined ? undefined : new RegExp(args.only);

const smoke = args.smoke === true;
function numberArg(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    console.error(`bench: expected a positive number, got "${value}"`);
    process.exit(2);
  }
  return number;
}

if (args.generator !== undefined && args.generator !== 'wrk' && args.generator !== 'autocannon') {
  console.error(`bench: --generator is wrk or autocannon, not "${args.generator}"`);
  process.exit(2);
}
const wrk = args.generator === 'autocannon' ? undefined : findWrk();
if (args.generator === 'wrk' && wrk === undefined) {
  console.error('bench: --generator wrk, but wrk is not installed (apt-get install wrk)');
  process.exit(2);
}
const wrkThreads = numberArg(args.threads, 1);

// wrk runs whole seconds, so a smoke run with wrk measures 1 s per row without a warm-up; with
// autocannon, half a second (shorter phases get no answer at all on a busy machine).
const settings: Settings = smoke
  ? {
      smoke,
      connections: numberArg(args.connections, 8),
      warmupSeconds: numberArg(args.warmup, wrk === undefined ? 0.1 : 0),
      zones: 100,
      durationSeconds: numberArg(args.duration, wrk === undefined ? 0.5 : 1),
      batch: 10,
      rssSeconds: wrk === undefined ? 0.5 : 1,
      growthSizes: [100, 1_000],
      growthConnections: 4,
      starts: 1,
      idleMs: 200,
    }
  : {
      smoke,
      connections: numberArg(args.connections, 32),
      warmupSeconds: numberArg(args.warmup, 2),
      zones: ZONES,
      durationSeconds: numberArg(args.duration, 5),
      batch: 10,
      rssSeconds: 8,
      growthSizes: [1_000, 1_000_000],
      growthConnections: 10,
      starts: 5,
      idleMs: 3_000,
    };

const domainSpec: DomainSpec = smoke
  ? {
      creates: 2_000,
      warmupCreates: 500,
      additionsN3: 20_000,
      additionsN100000: 5_000,
      warmupAdditions: 2_000,
    }
  : {
      creates: 100_000,
      warmupCreates: 20_000,
      additionsN3: 1_000_000,
      additionsN100000: 200_000,
      warmupAdditions: 100_000,
    };

const outFile = resolve(
  repoRoot,
  args.out ?? (smoke ? join(tmpdir(), `tickets-bench-smoke-${process.pid}.md`) : 'docs/benchmarks.md'),
);
const postgresAdminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const workDir = mkdtempSync(join(tmpdir(), 'tickets-bench-'));
const WISPHUB_KEY = 'bench-wisphub-key-0123456789';

const launched = performance.now();
const log = (line: string) =>
  process.stderr.write(`bench: [${((performance.now() - launched) / 1000).toFixed(1)} s] ${line}\n`);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
/** How long the server is left idle before its RSS is read. */
const settle = smoke ? 50 : 1_000;

function plan(postgres: boolean, pgbench: boolean): Group[] {
  const tickets = (
    store: 'memory' | 'sqlite' | 'postgres',
    webConcurrency = 1,
    wisphub = false,
  ): ServerSpec => ({ kind: 'tickets', store, webConcurrency, wisphub });
  const row = (id: RowId, load: BodyKind, acceptGzip = false): Step => ({
    kind: 'row',
    id,
    load,
    acceptGzip,
  });
  const small: Step[] = [
    { kind: 'small-answer' },
    row('small-plain', 'small-answer'),
    row('small-gzip', 'small-answer', true),
  ];
  const echo: Group[] = [
    { server: { kind: 'echo-http' }, steps: [row('echo-http', 'echo')] },
    { server: { kind: 'echo-hono' }, steps: [row('echo-hono', 'echo')] },
    { server: { kind: 'echo-trpc' }, steps: [row('echo-trpc', 'trpc-create')] },
  ];
  if (smoke) {
    // One ticket server for nearly every path: growth first, while the store is nearly empty.
    return [
      ...echo,
      {
        server: tickets('sqlite'),
        steps: [
          { kind: 'growth' },
          row('rest-sqlite', 'rest-create'),
          row('refusal-sqlite', 'rest-refused'),
          row('trpc-sqlite', 'trpc-create'),
          row('trpc-batch-sqlite', 'trpc-batch'),
          ...small,
          { kind: 'rss' },
        ],
      },
      { server: tickets('sqlite', 1, true), steps: [row('rest-sqlite-wisphub', 'rest-create')] },
      { standalone: 'startup' },
    ];
  }
  // Otherwise every row has a server, and a store, of its own.
  const groups: Group[] = [
    ...echo,
    { server: tickets('memory'), steps: [row('rest-memory', 'rest-create')] },
    { server: tickets('sqlite'), steps: [row('rest-sqlite', 'rest-create')] },
    { server: tickets('sqlite'), steps: [row('refusal-sqlite', 'rest-refused')] },
  ];
  if (postgres) {
    groups.push(
      { server: tickets('postgres'), steps: [row('rest-postgres', 'rest-create')] },
      { server: tickets('postgres'), steps: [row('refusal-postgres', 'rest-refused')] },
    );
    if (pgbench) groups.push({ standalone: 'pgbench' });
  }
  groups.push(
    { server: tickets('sqlite'), steps: [row('trpc-sqlite', 'trpc-create')] },
    { server: tickets('sqlite'), steps: [row('trpc-batch-sqlite', 'trpc-batch')] },
    { server: tickets('sqlite', 1, true), steps: [row('rest-sqlite-wisphub', 'rest-create')] },
    { server: tickets('sqlite'), steps: small },
    { server: tickets('sqlite', 2), steps: [row('wc2-sqlite', 'rest-create')] },
    { server: tickets('sqlite', 2), steps: [row('wc2-refusal-sqlite', 'rest-refused')] },
    { server: tickets('sqlite'), steps: [{ kind: 'rss' }] },
    { server: tickets('sqlite'), steps: [{ kind: 'growth' }] },
    { standalone: 'startup' },
    // The baseline once more: how far the machine drifted while the rows ran.
    { server: { kind: 'echo-http' }, steps: [row('echo-http-end', 'echo')] },
  );
  return groups;
}

let files = 0;

/** Starts a group's server on a fresh store and fills it with zones; never throws. */
async function open(spec: ServerSpec): Promise<Session> {
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
        .catch((error: unknown) => log(`could not drop ${database?.name}: ${messageOf(error)}`));
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
      files += 1;
      sqlitePath = join(workDir, `store-${files}`, 'tickets.db');
      databaseUrl = `sqlite:${sqlitePath}`;
    } else if (spec.store === 'postgres') {
      database = await createPostgresDatabase(postgresAdminUrl);
      databaseUrl = database.url;
    }
    let wisphub: Record<string, string> = {};
    if (spec.wisphub === true) {
      // Client i in zone i, so that WispHub's directory agrees with the zones the bench seeds.
      simulator = await startServerProcess(
        WISPHUB_SIM,
        {
          WISPHUB_SIM_API_KEY: WISPHUB_KEY,
          WISPHUB_SIM_CLIENTS: String(settings.zones),
          WISPHUB_SIM_ZONES: String(settings.zones),
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
    await seedOverApi(server.baseUrl, settings.zones);
    return {
      server,
      close,
      ...(sqlitePath === undefined ? {} : { sqlitePath }),
      ...(database === undefined ? {} : { database: database.name }),
    };
  } catch (error) {
    await close();
    return { error: messageOf(error), close: async () => undefined };
  }
}

function loadSpec(session: Session, kind: BodyKind, overrides: Partial<LoadSpec> = {}): LoadSpec {
  const server = session.server as RunningServer;
  return {
    baseUrl: server.baseUrl,
    serverPid: server.pid,
    kind,
    zones: settings.zones,
    batch: settings.batch,
    connections: settings.connections,
    warmupSeconds: settings.warmupSeconds,
    durationSeconds: settings.durationSeconds,
    ...(session.database === undefined ? {} : { database: session.database }),
    ...overrides,
  };
}

function describeFailure(server: RunningServer, error: unknown): string {
  const { exitCode, signalCode } = server.child;
  const exited =
    exitCode !== null || signalCode !== null ? `; the server exited (${exitCode ?? signalCode})` : '';
  const printed = server.output().trim().split('\n').slice(-3).join(' / ');
  return `${messageOf(error)}${exited}${printed === '' ? '' : ` (server printed: ${printed.slice(-400)})`}`;
}

async function runStep(step: Step, session: Session, load: LoadGenerator, report: Report): Promise<void> {
  const server = session.server;
  const perRequest = step.kind === 'row' && step.load === 'trpc-batch' ? settings.batch : 1;
  if (server === undefined) {
    const error = `the server did not start: ${session.error ?? 'unknown'}`;
    if (step.kind === 'row') report.http.push({ id: step.id, perRequest, error });
    else if (step.kind === 'rss') report.rssError = error;
    else if (step.kind === 'growth') report.growthError = error;
    return;
  }
  switch (step.kind) {
    case 'row': {
      log(`${step.id}: ${settings.warmupSeconds} s warm-up, ${settings.durationSeconds} s measured`);
      try {
        const result = await load.run(
          loadSpec(session, step.load, step.acceptGzip === true ? { acceptGzip: true } : {}),
        );
        report.http.push({ id: step.id, perRequest, result });
        if (result.firstBadBody !== undefined) log(`${step.id}: unexpected answer: ${result.firstBadBody}`);
      } catch (error) {
        report.http.push({ id: step.id, perRequest, error: describeFailure(server, error) });
      }
      return;
    }
    case 'small-answer': {
      try {
        report.smallAnswer = await probeSmallAnswer(server.baseUrl);
      } catch (error) {
        log(`small answer: ${describeFailure(server, error)}`);
      }
      return;
    }
    case 'rss': {
      log(`rss: ${settings.warmupSeconds} s warm-up, then ${settings.rssSeconds} s of creates`);
      try {
        if (settings.warmupSeconds > 0) {
          await load.run(
            loadSpec(session, 'rest-create', { warmupSeconds: 0, durationSeconds: settings.warmupSeconds }),
          );
        }
        await sleep(settle);
        const beforeMb = rssMb(server.pid);
        const result = await load.run(
          loadSpec(session, 'rest-create', { warmupSeconds: 0, durationSeconds: settings.rssSeconds }),
        );
        await sleep(settle);
        const afterMb = rssMb(server.pid);
        report.rss = { beforeMb, afterMb, result };
      } catch (error) {
        report.rssError = describeFailure(server, error);
      }
      return;
    }
    case 'growth': {
      const path = session.sqlitePath;
      try {
        if (path === undefined) throw new Error('growth needs an SQLite store');
        for (const size of settings.growthSizes) {
          const missing = size - countSqliteTickets(path);
          log(`growth: adding ${missing} tickets to reach ${size}`);
          const prefillSeconds = missing > 0 ? prefillSqlite(path, missing, settings.zones) : 0;
          const tickets = countSqliteTickets(path);
          const result = await load.run(
            loadSpec(session, 'rest-create', { connections: settings.growthConnections }),
          );
          report.growth.push({ tickets, prefillSeconds, result });
        }
      } catch (error) {
        report.growthError = describeFailure(server, error);
      }
      return;
    }
  }
}

async function runStandalone(kind: 'pgbench' | 'startup', report: Report, pgbench?: string): Promise<void> {
  if (kind === 'pgbench') {
    log(`pgbench: ${settings.warmupSeconds} s warm-up, ${settings.durationSeconds} s measured`);
    try {
      if (pgbench === undefined) throw new Error('pgbench is not installed');
      report.pgbench = await measurePgbench(pgbench, {
        adminUrl: postgresAdminUrl,
        clients: settings.connections,
        threads: 2,
        warmupSeconds: settings.warmupSeconds,
        durationSeconds: settings.durationSeconds,
      });
    } catch (error) {
      report.pgbenchError = messageOf(error);
    }
    return;
  }
  log(`start-up: ${settings.starts} starts of ${SERVER_BUNDLE}, ${settings.idleMs} ms idle each`);
  try {
    const dir = join(workDir, 'startup');
    mkdirSync(dir, { recursive: true });
    report.startup = await measureStartups({ starts: settings.starts, idleMs: settings.idleMs, dir });
  } catch (error) {
    report.startupError = messageOf(error);
  }
}

async function measureDomain(report: Report): Promise<void> {
  log('domain: creates over the memory store, calendar additions');
  try {
    report.domain = await runJsonProcess<DomainResult>(DOMAIN_SCRIPT, JSON.stringify(domainSpec));
  } catch (error) {
    report.domainError = messageOf(error);
  }
}

async function generatorName(): Promise<string> {
  if (wrk !== undefined) {
    const version = (await runProcess(wrk, ['-v'])).stdout.split('\n')[0]?.split(' [')[0] ?? 'wrk';
    return `${version} (-t${wrkThreads}), one process per phase running apps/bench/src/load.lua, which builds each request's body and checks each answer`;
  }
  const { version } = JSON.parse(
    readFileSync(join(repoRoot, 'apps/bench/node_modules/autocannon/package.json'), 'utf8'),
  ) as { version: string };
  return `autocannon ${version} in a process of its own (${
    args.generator === 'autocannon'
      ? 'chosen with --generator'
      : 'wrk is not installed: `apt-get install wrk`'
  }; autocannon saturates a core before the fastest servers do, so their rates measure it as much)`;
}

async function environment(postgres: boolean): Promise<Environment> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown CPU';
  const memory = new Database(':memory:');
  const sqlite = (memory.prepare('select sqlite_version() as v').get() as { v: string }).v;
  memory.close();
  let postgresVersion: string | undefined;
  if (postgres) {
    const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 3_000 });
    await client.connect();
    const result = await client.query<{ v: string }>("select current_setting('server_version') as v");
    postgresVersion = `PostgreSQL ${result.rows[0]?.v ?? '?'}`;
    await client.end();
  }
  return {
    cpu,
    cores: cpus().length,
    memoryGb: totalmem() / 1024 ** 3,
    node: process.version,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    sqlite,
    loadAtStart: loadavg()[0] ?? 0,
    generator: await generatorName(),
    ...(postgresVersion === undefined ? {} : { postgres: postgresVersion }),
  };
}

/** Bundles the server again, so that what is measured is the source as it stands. */
async function buildServer(): Promise<void> {
  log(`building ${SERVER_BUNDLE} (apps/server/build.ts)`);
  const { code, stderr } = await runProcess(process.execPath, ['--import', 'tsx', 'apps/server/build.ts'], {
    cwd: repoRoot,
  });
  if (code !== 0) throw new Error(`apps/server/build.ts exited with ${code}: ${stderr.trim()}`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const skipped: string[] = [];
  if (wrk === undefined) {
    skipped.push(
      args.generator === 'autocannon'
        ? 'wrk: autocannon was chosen with --generator.'
        : 'wrk: not installed (`apt-get install wrk`); autocannon sent the load instead.',
    );
  }
  let postgres = false;
  const pgbench = findPgbench();
  if (smoke) {
    skipped.push(
      'PostgreSQL and pgbench, the memory store, WEB_CONCURRENCY=2, the drift check: not in a --smoke run.',
    );
  } else {
    await buildServer();
    const problem = await postgresProblem(postgresAdminUrl);
    postgres = problem === undefined;
    if (!postgres) {
      skipped.push(
        `PostgreSQL rows and pgbench: ${new URL(postgresAdminUrl).host} does not answer (${problem}).`,
      );
    } else if (pgbench === undefined) {
      skipped.push('pgbench: not installed (`apt-get install postgresql-client`).');
    }
  }
  const report: Report = {
    settings,
    environment: await environment(postgres),
    http: [],
    growth: [],
    skipped,
  };
  const groups = plan(postgres, pgbench !== undefined).filter(
    (group) =>
      only === undefined ||
      (group.server === undefined
        ? only.test(group.standalone)
        : group.steps.some((step) => step.kind === 'row' && (step.id === 'echo-http' || only.test(step.id)))),
  );
  const order = Object.keys(httpRows(settings.batch));
  log(
    `${groups.length} steps, ${wrk === undefined ? 'autocannon' : 'wrk'}, ${settings.connections} connections, ${settings.durationSeconds} s per row after ${settings.warmupSeconds} s of warm-up`,
  );
  // A smoke run starts every server and the domain rows at once, to be quick; a real run does one
  // thing at a time, each row with its own server (and autocannon process, when that is the load).
  // The ticket servers, slowest to start, go first; the domain rows once every server is up.
  const sessions: Promise<Session>[] = [];
  if (smoke) {
    for (let index = groups.length - 1; index >= 0; index -= 1) {
      const server = (groups[index] as Group).server;
      if (server !== undefined) sessions[index] = open(server);
    }
  }
  const startLoad = () => (wrk === undefined ? startAutocannon() : wrkLoadGenerator(wrk, wrkThreads));
  const shared = smoke ? startLoad() : undefined;
  const domain = smoke ? Promise.all(sessions).then(() => measureDomain(report)) : undefined;
  try {
    for (const [index, group] of groups.entries()) {
      if (group.server === undefined) {
        await runStandalone(group.standalone, report, pgbench);
        continue;
      }
      const session = await (sessions[index] ?? open(group.server));
      const load = shared ?? startLoad();
      try {
        for (const step of group.steps) await runStep(step, session, load, report);
      } finally {
        if (shared === undefined) await load.close();
        await session.close();
        log(`${group.server.kind} stopped`);
      }
    }
    if (only === undefined) await (domain ?? measureDomain(report));
  } finally {
    await shared?.close();
    // Servers a smoke run started ahead, should a step have thrown before their turn.
    await Promise.all(sessions.map(async (session) => (await session).close()));
    rmSync(workDir, { recursive: true, force: true });
  }
  // The table lists the rows in a fixed order, whatever order they ran in.
  report.http.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  report.seconds = (performance.now() - started) / 1000;
  report.loadAtEnd = loadavg()[0] ?? 0;

  process.stdout.write(
    [
      targetsTable(report),
      '',
      httpTable(report),
      '',
      ...driftWarning(report),
      startupTable(report),
      '',
      domainTable(report),
      '',
      rssTable(report),
      '',
      growthTable(report),
      '',
      ...skipped.map((s) => `not measured: ${s}`),
      `${wrk === undefined ? 'autocannon' : `wrk -t${wrkThreads}`}, ${settings.connections} connections, ${settings.durationSeconds} s per row after a ${settings.warmupSeconds} s warm-up; run took ${report.seconds.toFixed(1)} s`,
      `written to ${outFile}`,
      '',
    ].join('\n'),
  );
  if (only !== undefined && args.out === undefined) return;
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, markdown(report));
}

// Servers run in process groups of their own, out of reach of the terminal's Ctrl-C: stop them.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the servers`);
    void stopAllServers().finally(() => {
      rmSync(workDir, { recursive: true, force: true });
      process.exit(130);
    });
  });
}

main().catch(async (error: unknown) => {
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await stopAllServers();
  rmSync(workDir, { recursive: true, force: true });
  process.exit(1);
});
