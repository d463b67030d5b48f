// `pnpm bench`: measures the service against two echo baselines in one run on one machine, prints
// the tables and writes them to docs/benchmarks.md. `--smoke` runs every path of the harness at
// tiny sizes in a few seconds and writes to a temporary file (or --out).
//
//   node --import tsx apps/bench/src/bench.ts [--smoke] [--out FILE] [--connections N]
//                                             [--duration S] [--warmup S]
// Environment: BENCH_DATABASE_URL, a PostgreSQL server to make throwaway databases on
// (default postgres://postgres@127.0.0.1:5432/test); its rows are skipped when it does not answer.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { DomainResult, DomainSpec } from './domain.js';
import {
  DOMAIN_SCRIPT,
  ECHO_HONO_SCRIPT,
  ECHO_HTTP_SCRIPT,
  ECHO_TRPC_SCRIPT,
  type LoadGenerator,
  type RunningServer,
  repoRoot,
  rssMb,
  runJsonProcess,
  SERVER_SCRIPT,
  startLoadGenerator,
  startServerProcess,
  stopAllServers,
} from './processes.js';
import type { BodyKind, LoadSpec } from './protocol.js';
import {
  domainTable,
  driftWarning,
  type Environment,
  growthTable,
  httpRows,
  httpTable,
  markdown,
  type Report,
  type RowId,
  rssTable,
  type Settings,
} from './report.js';
import {
  countSqliteTickets,
  createPostgresDatabase,
  type PostgresDatabase,
  postgresProblem,
  prefillSqlite,
  seedOverApi,
} from './setup.js';

type ServerSpec =
  | { readonly kind: 'echo-http' | 'echo-hono' | 'echo-trpc' }
  | {
      readonly kind: 'tickets';
      readonly store: 'memory' | 'sqlite' | 'postgres';
      readonly webConcurrency: number;
    };

type Step =
  | { readonly kind: 'row'; readonly id: RowId; readonly load: BodyKind }
  | { readonly kind: 'rss' }
  | { readonly kind: 'growth' };

/** One server process and what is measured on it. */
interface Group {
  readonly server: ServerSpec;
  readonly steps: readonly Step[];
}

interface Session {
  readonly server?: RunningServer;
  readonly sqlitePath?: string;
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
    // Only the HTTP rows whose id matches (a regular expression; the Hono baseline always runs),
    // for working on one row; writes to --out, or prints only, never to docs/benchmarks.md.
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

const settings: Settings = smoke
  ? {
      smoke,
      connections: numberArg(args.connections, 10),
      warmupSeconds: numberArg(args.warmup, 0.05),
      durationSeconds: numberArg(args.duration, 0.15),
      batch: 10,
      rssCreates: 300,
      growthSizes: [100, 1_000],
      growthConnections: 10,
    }
  : {
      smoke,
      connections: numberArg(args.connections, 50),
      warmupSeconds: numberArg(args.warmup, 2),
      durationSeconds: numberArg(args.duration, 8),
      batch: 10,
      rssCreates: 100_000,
      growthSizes: [1_000, 1_000_000],
      growthConnections: 10,
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

const launched = performance.now();
const log = (line: string) =>
  process.stderr.write(`bench: [${((performance.now() - launched) / 1000).toFixed(1)} s] ${line}\n`);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
/** How long the server is left idle before its RSS is read. */
const settle = smoke ? 50 : 1_000;

function plan(postgres: boolean): Group[] {
  const tickets = (store: 'memory' | 'sqlite' | 'postgres', webConcurrency = 1): ServerSpec => ({
    kind: 'tickets',
    store,
    webConcurrency,
  });
  const row = (id: RowId, load: BodyKind): Step => ({ kind: 'row', id, load });
  const echo: Group[] = [
    { server: { kind: 'echo-http' }, steps: [row('echo-http', 'echo')] },
    { server: { kind: 'echo-hono' }, steps: [row('echo-hono', 'echo')] },
    { server: { kind: 'echo-trpc' }, steps: [row('echo-trpc', 'trpc-create')] },
  ];
  if (smoke) {
    // One ticket server for every path: growth first, while the store is nearly empty.
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
          { kind: 'rss' },
        ],
      },
    ];
  }
  // Otherwise every row has a server, and a store, of its own.
  const groups: Group[] = [
    ...echo,
    { server: tickets('memory'), steps: [row('rest-memory', 'rest-create')] },
    { server: tickets('sqlite'), steps: [row('rest-sqlite', 'rest-create')] },
  ];
  if (postgres) groups.push({ server: tickets('postgres'), steps: [row('rest-postgres', 'rest-create')] });
  groups.push(
    { server: tickets('memory'), steps: [row('refusal-memory', 'rest-refused')] },
    { server: tickets('sqlite'), steps: [row('refusal-sqlite', 'rest-refused')] },
  );
  if (postgres)
    groups.push({ server: tickets('postgres'), steps: [row('refusal-postgres', 'rest-refused')] });
  groups.push(
    { server: tickets('sqlite'), steps: [row('trpc-sqlite', 'trpc-create')] },
    { server: tickets('sqlite'), steps: [row('trpc-batch-sqlite', 'trpc-batch')] },
    { server: tickets('sqlite', 2), steps: [row('wc2-sqlite', 'rest-create')] },
    { server: tickets('sqlite', 2), steps: [row('wc2-refusal-sqlite', 'rest-refused')] },
  );
  if (postgres) groups.push({ server: tickets('postgres', 2), steps: [row('wc2-postgres', 'rest-create')] });
  groups.push({ server: tickets('sqlite'), steps: [{ kind: 'rss' }] });
  groups.push({ server: tickets('sqlite'), steps: [{ kind: 'growth' }] });
  // The baseline once more: how far the machine drifted while the rows ran.
  groups.push({ server: { kind: 'echo-hono' }, steps: [row('echo-hono-end', 'echo')] });
  return groups;
}

let files = 0;

/** Starts a group's server on a fresh store and fills it with zones; never throws. */
async function open(spec: ServerSpec): Promise<Session> {
  let database: PostgresDatabase | undefined;
  let server: RunningServer | undefined;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await server?.stop();
      await database
        ?.drop()
        .catch((error: unknown) => log(`could not drop ${database?.name}: ${messageOf(error)}`));
    })();
    return closing;
  };
  try {
    if (spec.kind !== 'tickets') {
      const script = {
        'echo-http': ECHO_HTTP_SCRIPT,
        'echo-hono': ECHO_HONO_SCRIPT,
        'echo-trpc': ECHO_TRPC_SCRIPT,
      }[spec.kind];
      server = await startServerProcess(script, {}, '/');
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
    server = await startServerProcess(
      SERVER_SCRIPT,
      { DATABASE_URL: databaseUrl, WEB_CONCURRENCY: String(spec.webConcurrency), LOG_LEVEL: 'warn' },
      '/healthz',
    );
    await seedOverApi(server.baseUrl);
    return { server, close, ...(sqlitePath === undefined ? {} : { sqlitePath }) };
  } catch (error) {
    await close();
    return { error: messageOf(error), close: async () => undefined };
  }
}

function loadSpec(server: RunningServer, kind: BodyKind, overrides: Partial<LoadSpec> = {}): LoadSpec {
  return {
    baseUrl: server.baseUrl,
    serverPid: server.pid,
    kind,
    batch: settings.batch,
    connections: settings.connections,
    warmupSeconds: settings.warmupSeconds,
    durationSeconds: settings.durationSeconds,
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
    else report.growthError = error;
    return;
  }
  switch (step.kind) {
    case 'row': {
      log(`${step.id}: ${settings.warmupSeconds} s warm-up, ${settings.durationSeconds} s measured`);
      try {
        const result = await load.run(loadSpec(server, step.load));
        report.http.push({ id: step.id, perRequest, result });
        if (result.firstBadBody !== undefined) log(`${step.id}: unexpected answer: ${result.firstBadBody}`);
      } catch (error) {
        report.http.push({ id: step.id, perRequest, error: describeFailure(server, error) });
      }
      return;
    }
    case 'rss': {
      log(`rss: ${settings.warmupSeconds} s warm-up, then ${settings.rssCreates} creates`);
      try {
        await load.run(
          loadSpec(server, 'rest-create', { warmupSeconds: 0, durationSeconds: settings.warmupSeconds }),
        );
        await sleep(settle);
        const beforeMb = rssMb(server.pid);
        const result = await load.run(
          loadSpec(server, 'rest-create', { warmupSeconds: 0, amount: settings.rssCreates }),
        );
        await sleep(settle);
        const afterMb = rssMb(server.pid);
        report.rss = { beforeMb, afterMb, creates: settings.rssCreates, result };
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
          const prefillSeconds = missing > 0 ? prefillSqlite(path, missing) : 0;
          const tickets = countSqliteTickets(path);
          const result = await load.run(
            loadSpec(server, 'rest-create', { connections: settings.growthConnections }),
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

async function measureDomain(report: Report): Promise<void> {
  log('domain: creates over the memory store, calendar additions');
  try {
    report.domain = await runJsonProcess<DomainResult>(DOMAIN_SCRIPT, JSON.stringify(domainSpec));
  } catch (error) {
    report.domainError = messageOf(error);
  }
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
    ...(postgresVersion === undefined ? {} : { postgres: postgresVersion }),
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const skipped: string[] = [];
  let postgres = false;
  if (smoke) {
    skipped.push('PostgreSQL, WEB_CONCURRENCY=2, the memory store over HTTP: not in a --smoke run.');
  } else {
    const problem = await postgresProblem(postgresAdminUrl);
    postgres = problem === undefined;
    if (!postgres)
      skipped.push(`PostgreSQL rows: ${new URL(postgresAdminUrl).host} does not answer (${problem}).`);
  }
  const report: Report = {
    settings,
    environment: await environment(postgres),
    http: [],
    growth: [],
    skipped,
  };
  const groups = plan(postgres).filter(
    (group) =>
      only === undefined ||
      group.steps.some((step) => step.kind === 'row' && (step.id === 'echo-hono' || only.test(step.id))),
  );
  const rows = httpRows(settings.batch);
  log(
    `${groups.length} server processes, ${settings.connections} connections, ${settings.durationSeconds} s per row after ${settings.warmupSeconds} s of warm-up`,
  );
  // A smoke run starts every server, the load generator and the domain rows at once, to be quick;
  // a real run does one thing at a time, each row with its own server and load generator.
  // The ticket server, slowest to start, goes first; the domain rows once every server is up.
  const sessions: Promise<Session>[] = [];
  if (smoke) {
    for (let index = groups.length - 1; index >= 0; index -= 1) {
      sessions[index] = open((groups[index] as Group).server);
    }
  }
  const shared = smoke ? startLoadGenerator() : undefined;
  const domain = smoke ? Promise.all(sessions).then(() => measureDomain(report)) : undefined;
  try {
    for (const [index, group] of groups.entries()) {
      const session = await (sessions[index] ?? open(group.server));
      const load = shared ?? startLoadGenerator();
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
  const order = Object.keys(rows);
  report.http.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  report.seconds = (performance.now() - started) / 1000;
  report.loadAtEnd = loadavg()[0] ?? 0;

  process.stdout.write(
    [
      httpTable(report),
      '',
      ...driftWarning(report),
      domainTable(report),
      '',
      rssTable(report),
      '',
      growthTable(report),
      '',
      ...skipped.map((s) => `not measured: ${s}`),
      `${settings.connections} connections, ${settings.durationSeconds} s per row after a ${settings.warmupSeconds} s warm-up; run took ${report.seconds.toFixed(1)} s`,
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
