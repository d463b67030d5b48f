// The results of a run, and the document they are written to (docs/benchmarks.md).

import type { DomainResult } from './domain.js';
import type { PgbenchResult } from './pgbench.js';
import type { LoadResult } from './protocol.js';
import type { RowId } from './rows.js';
import type { StartupResult } from './startup.js';
import {
  domainTable,
  driftWarning,
  growthTable,
  httpTable,
  percent,
  rssTable,
  startupTable,
  targetsTable,
  whole,
} from './tables.js';

export interface HttpMeasurement {
  readonly id: RowId;
  readonly result?: LoadResult;
  /** Tickets per request (a batch), by which the rate is multiplied. */
  readonly perRequest: number;
  /** Why the row could not be measured at all. */
  readonly error?: string;
}

export interface RssMeasurement {
  readonly beforeMb: number;
  readonly afterMb: number;
  readonly result: LoadResult;
}

export interface GrowthMeasurement {
  readonly tickets: number;
  readonly prefillSeconds: number;
  readonly result: LoadResult;
}

/** What the small answer of the compression rows looks like on the wire. */
export interface SmallAnswer {
  readonly plainBytes: number;
  /** Bytes sent when the client accepts gzip, and the Content-Encoding they came with (if any). */
  readonly gzipBytes: number;
  readonly gzipEncoding?: string;
}

/** The WispHub row's deliveries when its measured phase ended. */
export interface WispHubDeliveries {
  /** Tickets the simulator holds (created by the deliveries). */
  readonly delivered: number;
  readonly pending: number;
  readonly failed: number;
}

export interface Environment {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly date: string;
  readonly postgres?: string;
  readonly sqlite: string;
  /** The machine's 1-minute load average when the run started. */
  readonly loadAtStart: number;
  /** The load generator, its version, and why it was chosen. */
  readonly generator: string;
}

export interface Settings {
  readonly smoke: boolean;
  readonly connections: number;
  readonly warmupSeconds: number;
  /** Zones the stores hold, over which creates are spread. */
  readonly zones: number;
  readonly durationSeconds: number;
  readonly batch: number;
  /** Seconds of creates between the two RSS readings. */
  readonly rssSeconds: number;
  readonly growthSizes: readonly [number, number];
  readonly growthConnections: number;
  readonly starts: number;
  readonly idleMs: number;
}

export interface Report {
  readonly settings: Settings;
  readonly environment: Environment;
  readonly http: HttpMeasurement[];
  pgbench?: PgbenchResult;
  /** Why the pgbench row was not measured. */
  pgbenchError?: string;
  smallAnswer?: SmallAnswer;
  /** Where the WispHub row's creates stood when it ended. */
  wisphub?: WispHubDeliveries;
  startup?: StartupResult;
  startupError?: string;
  domain?: DomainResult;
  domainError?: string;
  rss?: RssMeasurement;
  rssError?: string;
  growth: GrowthMeasurement[];
  growthError?: string;
  /** Rows left out, and why (PostgreSQL unreachable, smoke run). */
  readonly skipped: string[];
  seconds?: number;
  loadAtEnd?: number;
}

export function markdown(report: Report): string {
  const { settings: s, environment: e } = report;
  const duration = s.smoke
    ? `${s.durationSeconds} s`
    : `${s.durationSeconds} s, after a ${s.warmupSeconds} s warm-up that is thrown away`;
  const lines = [
    '# Benchmarks',
    '',
    s.smoke
      ? '_A `pnpm bench --smoke` run: tiny sizes that only check the harness; its numbers mean nothing._'
      : '_Written by `pnpm bench` (apps/bench); run it again to refresh. Every number below was measured by that run._',
    '',
    `- **Machine:** ${e.cpu}, ${e.cores} cores, ${e.memoryGb.toFixed(1)} GB of memory`,
    `- **Node.js** ${e.node}; SQLite ${e.sqlite}${e.postgres === undefined ? '' : `; ${e.postgres}`}`,
    `- **Date:** ${e.date}${report.seconds === undefined ? '' : ` (the run took ${Math.round(report.seconds)} s)`}`,
    `- **Other work on the machine:** 1-minute load average ${e.loadAtStart.toFixed(2)} before the run started anything${
      report.loadAtEnd === undefined
        ? ''
        : `, ${report.loadAtEnd.toFixed(2)} when it ended (its own server and load generator count for about 2)`
    }`,
    `- **Load:** ${e.generator}, ${s.connections} connections, ${duration}, on the same machine as the servers`,
    `- **Servers:** ${s.smoke ? 'one process for all the ticket rows and one per echo' : 'a process of its own for every row'}: the ticket server exactly as \`pnpm start\` runs it (\`node apps/server/dist/main.js\`, the bundle \`pnpm install\` builds, built again at the start of a full run; \`LOG_LEVEL=warn\`, so no request logs, WEB_CONCURRENCY=1 unless a row says otherwise), or one of the echo baselines in \`apps/bench/src\` (\`node --import tsx\`); every store starts as a copy of one seeded over the REST API (an SQLite file, a PostgreSQL template database; the memory store is seeded itself) holding ${whole(s.zones)} zones (limit 1,000,000 each), a service in each, one technician and one full zone (limit 1, one ticket), and creates are spread over those ${whole(s.zones)} zones by a counter (the load generator builds each body: zone and service i, then i + 1, …)`,
    '',
    '## Targets',
    '',
    targetsTable(report),
    '',
    'Every ratio is between two rows of this one run, and "holds?" judges the ratio of their rates, as the targets are set. Beside it, the same ratio from the server CPU time per request (the inverse ratio of the µs: what the rates would be if each server had a core to itself), which the machine\'s other work moves less, though not to nothing: a server starved of CPU answers fewer requests per turn of its event loop, and each then costs more. Compression is judged on the CPU per request alone: it holds when the server spends at most 10% more per request on the small answer when the client accepts gzip than when it does not (whether or not the answer is then compressed, which the row says). Noise on this shared 2-core machine is easily ±10% on a rate, and far more while other work keeps the cores busy (see the load average above and the drift check below).',
    '',
    '## HTTP',
    '',
    httpTable(report),
    '',
    ...driftWarning(report),
    ...(report.wisphub === undefined
      ? []
      : [
          `When the WispHub row ended, the simulator held ${whole(report.wisphub.delivered)} tickets delivered by the server, with ${whole(report.wisphub.pending)} deliveries still pending and ${whole(report.wisphub.failed)} failed (the warm-up's creates included).`,
          '',
        ]),
    `"vs echo" is the row's rate over the raw node:http echo's, measured first (and once more at the end, to show how much the machine drifted). "server CPU µs/req" is the CPU time (user + system, from /proc/<pid>/stat, cluster workers included) the server's processes used in the measured phase, over the requests answered in it: a figure that does not depend on the load generator; "server cores" is the same time over the phase's length. "db CPU µs/req" is that of the PostgreSQL backends serving the row's database (for pgbench, sampled inside the measured phase). "load CPU" is the load generator's own. The refusal rows send every request to one zone that is already full (the outage storm): each answer must be 409. Creates on the WispHub row are delivered to the simulator (apps/wisphub-sim, a process of its own, whose CPU is not counted) by the server's outbox worker. The batched tRPC row counts tickets (${s.batch} per request); its latencies and CPU are per request. The pgbench row runs \`pgbench -n -c${s.connections} -j2 -T${s.durationSeconds}\` (after a ${s.warmupSeconds} s warm-up) with one single-statement INSERT per transaction into a table of a scratch database; its p50 column is pgbench's average latency.`,
    '',
    '## Start-up',
    '',
    startupTable(report),
    '',
    `\`node apps/server/dist/main.js\` with WEB_CONCURRENCY=1 on an SQLite store that an untimed first start created: the time from spawn to the first 200 on /healthz (polled every 5 ms), and the VmRSS of the server's processes after ${(s.idleMs / 1000).toFixed(s.idleMs % 1000 === 0 ? 0 : 1)} s idle.`,
    '',
    '## The domain alone (no HTTP)',
    '',
    "In one process: `createTicketDesk` over `createMemoryTicketStore()` (creates one after another, spread over the zones), and `createBusinessCalendar` for America/Bogota with the Colombian holidays of `createDateHolidaysSource('CO')`, adding N business days to random instants in 2026–2030, after a warm-up.",
    '',
    domainTable(report),
    '',
    '## Memory',
    '',
    rssTable(report),
    '',
    `VmRSS of the server's node process (WEB_CONCURRENCY=1, SQLite), read after a ${s.warmupSeconds} s warm-up of creates and again after ${s.rssSeconds} s more of creates, ${s.connections} connections.`,
    '',
    '## Growth',
    '',
    growthTable(report),
    '',
    `The store is an SQLite file filled directly with SQL (one transaction; one ticket in a hundred open, the rest resolved, each with its \`created\` event) up to the size in the first column while the server is idle; then the same server process takes creates for ${s.durationSeconds} s after a ${s.warmupSeconds} s warm-up, at a fixed concurrency.`,
    '',
  ];
  if (report.skipped.length > 0) {
    lines.push('## Not measured', '', ...report.skipped.map((reason) => `- ${reason}`), '');
  }
  lines.push(
    '## How to read this',
    '',
    `The machine is shared and small: the load generator runs on the same ${e.cores} cores as the server it measures (and other work may too: see the load average above), so absolute numbers move from run to run and between machines. Compare ratios taken in one run, and the CPU µs per request, which move less; when the drift check at the end warns, run it again. A ratio a few points either side of its target is within the noise of such a machine; run \`pnpm bench\` again before concluding. The load generator's share is in "load CPU"; ${percent(1)} is one core.`,
    '',
  );
  return lines.join('\n');
}
