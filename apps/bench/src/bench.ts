// `pnpm bench`: measures the service against echo baselines in one run on one machine, prints the
// tables and writes them to docs/benchmarks.md. `--smoke` runs every path of the harness at tiny
// sizes in seconds and writes to a temporary file (or --out).
//
//   node --import tsx apps/bench/src/bench.ts [--smoke] [--out FILE] [--connections N]
//       [--duration S] [--warmup S] [--generator wrk|autocannon] [--threads N] [--only REGEX]
// Environment: BENCH_DATABASE_URL, a PostgreSQL server to make throwaway databases on
// (default postgres://postgres@127.0.0.1:5432/test); its rows are skipped when it does not answer.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DomainSpec } from './domain.js';
import { buildServer, describeGenerator, environment } from './environment.js';
import { findPgbench } from './pgbench.js';
import { type Group, plan } from './plan.js';
import { repoRoot, startAutocannon, stopAllServers, wrkLoadGenerator } from './processes.js';
import { ZONES } from './protocol.js';
import { markdown, type Report, type Settings } from './report.js';
import { httpRows } from './rows.js';
import { dropTemplates, open, type RunContext, type Session } from './sessions.js';
import { postgresProblem } from './setup.js';
import { measureDomain, runStandalone, runStep } from './steps.js';
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
      // Far enough apart that the first size's second of creates (a few thousand on a fast machine)
      // never carries the store past the second.
      growthSizes: [100, 20_000],
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

const launched = performance.now();
const log = (line: string) =>
  process.stderr.write(`bench: [${((performance.now() - launched) / 1000).toFixed(1)} s] ${line}\n`);
const context: RunContext = { settings, workDir, postgresAdminUrl, log };

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
    await buildServer(log);
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
    environment: await environment(
      postgres ? postgresAdminUrl : undefined,
      await describeGenerator(wrk, wrkThreads, args.generator === 'autocannon'),
    ),
    http: [],
    growth: [],
    skipped,
  };
  const groups = plan(smoke, postgres, pgbench !== undefined).filter(
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
      if (server !== undefined) sessions[index] = open(server, context);
    }
  }
  const startLoad = () => (wrk === undefined ? startAutocannon() : wrkLoadGenerator(wrk, wrkThreads));
  const shared = smoke ? startLoad() : undefined;
  const domain = smoke
    ? Promise.all(sessions).then(() => measureDomain(context, domainSpec, report))
    : undefined;
  try {
    for (const [index, group] of groups.entries()) {
      if (group.server === undefined) {
        await runStandalone(context, group.standalone, report, pgbench);
        continue;
      }
      const session = await (sessions[index] ?? open(group.server, context));
      const load = shared ?? startLoad();
      try {
        for (const step of group.steps) await runStep(context, step, session, load, report);
      } finally {
        if (shared === undefined) await load.close();
        await session.close();
        log(`${group.server.kind} stopped`);
      }
    }
    if (only === undefined) await (domain ?? measureDomain(context, domainSpec, report));
  } finally {
    await shared?.close();
    // Servers a smoke run started ahead, should a step have thrown before their turn.
    await Promise.all(sessions.map(async (session) => (await session).close()));
    await dropTemplates(context);
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
      only !== undefined && args.out === undefined
        ? 'not written (--only without --out)'
        : `written to ${outFile}`,
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
