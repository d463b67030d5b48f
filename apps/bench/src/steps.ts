// Running a step of the plan on its server, and the measurements that need no server of ours.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DomainResult, DomainSpec } from './domain.js';
import { measurePgbench } from './pgbench.js';
import type { Step } from './plan.js';
import {
  DOMAIN_SCRIPT,
  type LoadGenerator,
  type RunningServer,
  rssMb,
  runJsonProcess,
  SERVER_BUNDLE,
} from './processes.js';
import type { BodyKind, LoadSpec } from './protocol.js';
import type { Report } from './report.js';
import { messageOf, type RunContext, type Session } from './sessions.js';
import { countSqliteTickets, prefillSqlite, probeSmallAnswer, wispHubDeliveries } from './setup.js';
import { measureStartups } from './startup.js';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function loadSpec(
  context: RunContext,
  session: Session,
  kind: BodyKind,
  overrides: Partial<LoadSpec> = {},
): LoadSpec {
  const server = session.server as RunningServer;
  return {
    baseUrl: server.baseUrl,
    serverPid: server.pid,
    kind,
    zones: context.settings.zones,
    batch: context.settings.batch,
    connections: context.settings.connections,
    warmupSeconds: context.settings.warmupSeconds,
    durationSeconds: context.settings.durationSeconds,
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

/** Runs one step on a session's server and records what it measured (or why not) in the report. */
export async function runStep(
  context: RunContext,
  step: Step,
  session: Session,
  load: LoadGenerator,
  report: Report,
): Promise<void> {
  const server = session.server;
  const perRequest = step.kind === 'row' && step.load === 'trpc-batch' ? context.settings.batch : 1;
  if (server === undefined) {
    const error = `the server did not start: ${session.error ?? 'unknown'}`;
    if (step.kind === 'row') report.http.push({ id: step.id, perRequest, error });
    else if (step.kind === 'rss') report.rssError = error;
    else if (step.kind === 'growth') report.growthError = error;
    return;
  }
  switch (step.kind) {
    case 'row': {
      context.log(
        `${step.id}: ${context.settings.warmupSeconds} s warm-up, ${context.settings.durationSeconds} s measured`,
      );
      try {
        const result = await load.run(
          loadSpec(context, session, step.load, step.acceptGzip === true ? { acceptGzip: true } : {}),
        );
        if (server.child.exitCode !== null || server.child.signalCode !== null) {
          throw new Error(`${result.good} right answers, ${result.connectionErrors} connection errors`);
        }
        report.http.push({ id: step.id, perRequest, result });
        if (session.simulatorUrl !== undefined) {
          report.wisphub = await wispHubDeliveries(server.baseUrl, session.simulatorUrl);
        }
        if (result.firstBadBody !== undefined)
          context.log(`${step.id}: unexpected answer: ${result.firstBadBody}`);
      } catch (error) {
        report.http.push({ id: step.id, perRequest, error: describeFailure(server, error) });
      }
      return;
    }
    case 'small-answer': {
      try {
        report.smallAnswer = await probeSmallAnswer(server.baseUrl);
      } catch (error) {
        context.log(`small answer: ${describeFailure(server, error)}`);
      }
      return;
    }
    case 'rss': {
      context.log(
        `rss: ${context.settings.warmupSeconds} s warm-up, then ${context.settings.rssSeconds} s of creates`,
      );
      try {
        if (context.settings.warmupSeconds > 0) {
          await load.run(
            loadSpec(context, session, 'rest-create', {
              warmupSeconds: 0,
              durationSeconds: context.settings.warmupSeconds,
            }),
          );
        }
        await sleep(context.settings.smoke ? 50 : 1_000);
        const beforeMb = rssMb(server.pid);
        const result = await load.run(
          loadSpec(context, session, 'rest-create', {
            warmupSeconds: 0,
            durationSeconds: context.settings.rssSeconds,
          }),
        );
        await sleep(context.settings.smoke ? 50 : 1_000);
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
        for (const size of context.settings.growthSizes) {
          const missing = size - countSqliteTickets(path);
          context.log(`growth: adding ${missing} tickets to reach ${size}`);
          const prefillSeconds = missing > 0 ? prefillSqlite(path, missing, context.settings.zones) : 0;
          const tickets = countSqliteTickets(path);
          const result = await load.run(
            loadSpec(context, session, 'rest-create', { connections: context.settings.growthConnections }),
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

/** Measures pgbench's INSERT rate or the server's start-up, into the report. */
export async function runStandalone(
  context: RunContext,
  kind: 'pgbench' | 'startup',
  report: Report,
  pgbench?: string,
): Promise<void> {
  if (kind === 'pgbench') {
    context.log(
      `pgbench: ${context.settings.warmupSeconds} s warm-up, ${context.settings.durationSeconds} s measured`,
    );
    try {
      if (pgbench === undefined) throw new Error('pgbench is not installed');
      report.pgbench = await measurePgbench(pgbench, {
        adminUrl: context.postgresAdminUrl,
        clients: context.settings.connections,
        threads: 2,
        warmupSeconds: context.settings.warmupSeconds,
        durationSeconds: context.settings.durationSeconds,
      });
    } catch (error) {
      report.pgbenchError = messageOf(error);
    }
    return;
  }
  context.log(
    `start-up: ${context.settings.starts} starts of ${SERVER_BUNDLE}, ${context.settings.idleMs} ms idle each`,
  );
  try {
    const dir = join(context.workDir, 'startup');
    mkdirSync(dir, { recursive: true });
    report.startup = await measureStartups({
      starts: context.settings.starts,
      idleMs: context.settings.idleMs,
      dir,
    });
  } catch (error) {
    report.startupError = messageOf(error);
  }
}

/** The domain rows, in a process of their own. */
export async function measureDomain(context: RunContext, spec: DomainSpec, report: Report): Promise<void> {
  context.log('domain: creates over the memory store, calendar additions');
  try {
    report.domain = await runJsonProcess<DomainResult>(DOMAIN_SCRIPT, JSON.stringify(spec));
  } catch (error) {
    report.domainError = messageOf(error);
  }
}
