// The results of a run, and how they are written: markdown tables, printed and saved.

import type { DomainResult } from './domain.js';
import type { LoadResult } from './protocol.js';

/** The HTTP rows, in the order the table lists them. */
export type RowId =
  | 'echo-http'
  | 'echo-hono'
  | 'echo-hono-end'
  | 'echo-trpc'
  | 'rest-memory'
  | 'rest-sqlite'
  | 'rest-postgres'
  | 'refusal-memory'
  | 'refusal-sqlite'
  | 'refusal-postgres'
  | 'trpc-sqlite'
  | 'trpc-batch-sqlite'
  | 'wc2-sqlite'
  | 'wc2-refusal-sqlite'
  | 'wc2-postgres';

export interface HttpRowInfo {
  readonly label: string;
  /** Minimum share of the Hono echo's rate, when the issue sets one. */
  readonly minRatio?: number;
  /** The row this one is a WEB_CONCURRENCY=2 run of (it must be faster). */
  readonly scalesFrom?: RowId;
}

export function httpRows(batch: number): Readonly<Record<RowId, HttpRowInfo>> {
  return {
    'echo-http': { label: 'node:http JSON echo (baseline)' },
    'echo-hono': { label: 'Hono JSON echo (baseline)' },
    'echo-hono-end': { label: 'Hono JSON echo, again at the end (drift check)' },
    'echo-trpc': { label: "tRPC echo procedure on the same Hono (tRPC's own cost, baseline)" },
    'rest-memory': { label: 'REST create, memory store', minRatio: 0.7 },
    'rest-sqlite': { label: 'REST create, SQLite (default)', minRatio: 0.5 },
    'rest-postgres': { label: 'REST create, PostgreSQL' },
    'refusal-memory': { label: 'REST refusal (full zone, 409), memory store', minRatio: 0.7 },
    'refusal-sqlite': { label: 'REST refusal (full zone, 409), SQLite', minRatio: 0.7 },
    'refusal-postgres': { label: 'REST refusal (full zone, 409), PostgreSQL' },
    'trpc-sqlite': { label: 'tRPC tickets.create, SQLite', minRatio: 0.4 },
    'trpc-batch-sqlite': {
      label: `tRPC batch of ${batch} creates, SQLite (tickets/s)`,
      minRatio: 0.4,
    },
    'wc2-sqlite': { label: 'REST create, SQLite, WEB_CONCURRENCY=2', scalesFrom: 'rest-sqlite' },
    'wc2-refusal-sqlite': {
      label: 'REST refusal (full zone, 409), SQLite, WEB_CONCURRENCY=2',
      scalesFrom: 'refusal-sqlite',
    },
    'wc2-postgres': { label: 'REST create, PostgreSQL, WEB_CONCURRENCY=2', scalesFrom: 'rest-postgres' },
  };
}

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
  readonly creates: number;
  readonly result: LoadResult;
}

export interface GrowthMeasurement {
  readonly tickets: number;
  readonly prefillSeconds: number;
  readonly result: LoadResult;
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
}

export interface Settings {
  readonly smoke: boolean;
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly batch: number;
  readonly rssCreates: number;
  readonly growthSizes: readonly [number, number];
  readonly growthConnections: number;
}

export interface Report {
  readonly settings: Settings;
  readonly environment: Environment;
  readonly http: HttpMeasurement[];
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

const whole = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(2);
const percent = (n: number) => `${Math.round(n * 100)}%`;
const factor = (n: number) => `${n.toFixed(2)}×`;

/** A markdown table with its columns padded to one width, as the formatter (biome) writes them. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(3, title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${widths.map((width, column) => (cells[column] ?? '').padEnd(width)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

function errorsOf(result: LoadResult): number {
  return result.bad + result.connectionErrors;
}

/** A row fails when it could not be measured, nothing came back right, or anything came back wrong. */
function failed(m: HttpMeasurement | undefined): boolean {
  return m?.result === undefined || m.result.good === 0 || errorsOf(m.result) > 0;
}

/** Right answers per second (tickets per second for a batch); shown even for a failed row. */
const rateOf = (m: HttpMeasurement | undefined) =>
  m?.result === undefined || m.result.good === 0 ? undefined : m.result.perSecond * m.perRequest;

function errorText(m: HttpMeasurement): string {
  if (m.result === undefined) return `failed: ${m.error ?? 'not measured'}`;
  const bad = errorsOf(m.result);
  if (bad === 0 && m.result.good > 0) return '0';
  const statuses = Object.entries(m.result.statuses)
    .map(([status, count]) => `${count}×${status}`)
    .join(', ');
  const connection = m.result.connectionErrors > 0 ? `, ${m.result.connectionErrors} connection errors` : '';
  return `**${bad}** (${statuses}${connection})`;
}

export function httpTable(report: Report): string {
  const info = httpRows(report.settings.batch);
  const byId = new Map(report.http.map((m) => [m.id, m]));
  const honoRow = byId.get('echo-hono');
  const hono = failed(honoRow) ? undefined : rateOf(honoRow);
  const rows = report.http.map((m) => {
    const row = info[m.id];
    const rate = rateOf(m);
    const ratio = rate !== undefined && hono !== undefined ? rate / hono : undefined;
    let target = '—';
    let holds = failed(m) ? 'failed' : '—';
    if (row.minRatio !== undefined) {
      target = `≥ ${percent(row.minRatio)} of Hono`;
      if (!failed(m)) holds = ratio === undefined ? 'no baseline' : ratio >= row.minRatio ? 'yes' : 'no';
    } else if (row.scalesFrom !== undefined) {
      const base = byId.get(row.scalesFrom);
      const baseRate = rateOf(base);
      target = 'faster than WEB_CONCURRENCY=1';
      if (!failed(m)) {
        holds =
          failed(base) || baseRate === undefined || rate === undefined
            ? 'no baseline'
            : `${rate > baseRate ? 'yes' : 'no'} (${factor(rate / baseRate)})`;
      }
    }
    return [
      row.label,
      rate === undefined ? 'failed' : whole(rate),
      m.result === undefined ? '—' : ms(m.result.p50),
      m.result === undefined ? '—' : ms(m.result.p99),
      ratio === undefined ? '—' : percent(ratio),
      m.result?.serverCores === undefined ? '—' : percent(m.result.serverCores),
      m.result === undefined ? '—' : percent(m.result.loadCores),
      errorText(m),
      target,
      holds,
    ];
  });
  return table(
    ['row', 'req/s', 'p50 ms', 'p99 ms', 'vs Hono', 'server CPU', 'load CPU', 'errors', 'target', 'holds?'],
    rows,
  );
}

export function domainTable(report: Report): string {
  const d = report.domain;
  if (d === undefined) return `The domain rows failed: ${report.domainError ?? 'not measured'}`;
  const costRatio = d.additionsN3PerSecond / d.additionsN100000PerSecond;
  return table(
    ['row', 'rate', 'target', 'holds?'],
    [
      [
        `createTicket over the memory store (${whole(d.creates)} creates, ${
          d.refusedCreates === 0 ? 'none refused' : `**${d.refusedCreates} refused**`
        })`,
        `${whole(d.createsPerSecond)} creates/s`,
        '—',
        d.refusedCreates === 0 ? '—' : 'failed',
      ],
      [
        `addBusinessDays, N = 3 (${whole(d.additionsN3)} additions)`,
        `${whole(d.additionsN3PerSecond)} additions/s`,
        '≥ 200,000 additions/s',
        d.additionsN3PerSecond >= 200_000 ? 'yes' : 'no',
      ],
      [
        `addBusinessDays, N = 100000 (${whole(d.additionsN100000)} additions)`,
        `${whole(d.additionsN100000PerSecond)} additions/s (costs ${factor(costRatio)} N = 3)`,
        'costs ≤ 3× N = 3',
        costRatio <= 3 ? 'yes' : 'no',
      ],
    ],
  );
}

export function rssTable(report: Report): string {
  const r = report.rss;
  if (r === undefined) return `The memory row failed: ${report.rssError ?? 'not measured'}`;
  const grown = r.afterMb - r.beforeMb;
  const errors = errorsOf(r.result);
  return table(
    ['server process RSS (SQLite)', 'MB', 'target', 'holds?'],
    [
      ['after the warm-up', r.beforeMb.toFixed(1), '', ''],
      [
        `after ${whole(r.creates)} more creates (${whole(r.result.perSecond)} creates/s, p99 ${ms(r.result.p99)} ms${
          errors > 0 ? `, **${errors} errors**` : ''
        })`,
        r.afterMb.toFixed(1),
        '',
        '',
      ],
      [
        'difference',
        `${grown >= 0 ? '+' : ''}${grown.toFixed(1)}`,
        '≤ +50 MB',
        errors > 0 ? 'failed' : grown <= 50 ? 'yes' : 'no',
      ],
    ],
  );
}

export function growthTable(report: Report): string {
  const [small, large] = report.growth;
  if (small === undefined || large === undefined) {
    return `The growth rows failed: ${report.growthError ?? 'not measured'}`;
  }
  const s = report.settings;
  const row = (g: GrowthMeasurement, target: string, holds: string) => {
    const errors = errorsOf(g.result);
    return [
      whole(g.tickets),
      g.prefillSeconds.toFixed(1),
      whole(g.result.perSecond),
      ms(g.result.p50),
      ms(g.result.p99),
      errors === 0 ? '0' : `**${errors}**`,
      target,
      holds,
    ];
  };
  const ratio = large.result.p99 / small.result.p99;
  const anyErrors = errorsOf(small.result) + errorsOf(large.result) > 0;
  return [
    `REST creates on SQLite over ${s.growthConnections} connections, each sending its next request when the last is answered.`,
    '',
    table(
      ['tickets in the store', 'prefill s', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'target', 'holds?'],
      [
        row(small, '', ''),
        row(
          large,
          `p99 ≤ 1.5× p99 at ${whole(small.tickets)}`,
          anyErrors ? 'failed' : `${ratio <= 1.5 ? 'yes' : 'no'} (${factor(ratio)})`,
        ),
      ],
    ),
  ].join('\n');
}

/** A warning when the two Hono runs differ by more than 15%: the machine was busy with other work. */
export function driftWarning(report: Report): string[] {
  const rate = (id: RowId) => {
    const m = report.http.find((row) => row.id === id);
    return failed(m) ? undefined : rateOf(m);
  };
  const first = rate('echo-hono');
  const last = rate('echo-hono-end');
  if (first === undefined || last === undefined) return [];
  const drift = last / first - 1;
  if (Math.abs(drift) <= 0.15) return [];
  return [
    `**Warning:** the Hono echo ran ${percent(Math.abs(drift))} ${drift > 0 ? 'faster' : 'slower'} at the end of the run than at its start: something else was using the machine, and the ratios above are not reliable. Run \`pnpm bench\` again on a quieter machine.`,
    '',
  ];
}

/** A note when the load generator, not the echo server, is likely what bounds the baseline. */
function baselineNote(report: Report): string[] {
  const hono = report.http.find((row) => row.id === 'echo-hono')?.result;
  if (hono === undefined || hono.loadCores < 0.9) return [];
  return [
    `On the Hono row the load generator kept ${percent(hono.loadCores)} of a core busy: the baseline is close to the most one autocannon process sends on this machine, so it measures the load generator as much as Hono, and every "vs Hono" ratio is against that ceiling.`,
    '',
  ];
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
    `- **Load:** autocannon in a process of its own, ${s.connections} connections, ${duration}, on the same machine as the servers`,
    `- **Servers:** ${s.smoke ? 'one process for all the ticket rows and one per echo' : 'a process of its own for every row'}, run with \`node --import tsx\`: the ticket server exactly as \`pnpm start\` runs it (\`apps/server/src/main.ts\`, \`LOG_LEVEL=warn\`, so no request logs), or one of the two echo baselines in \`apps/bench/src\`; the stores start empty but for 200 zones (limit 1,000,000 each), 200 services and one technician, and creates are spread over those zones`,
    '',
    '## HTTP',
    '',
    httpTable(report),
    '',
    ...driftWarning(report),
    ...baselineNote(report),
    `"vs Hono" is the row's rate over the bare Hono echo's, measured before the other rows (and once more after them, to show how much the machine drifted). The refusal rows send every request to a zone that is already full (limit 1, one ticket): each answer must be 409. The batched tRPC row counts tickets (${s.batch} per request); its latencies are per request. p50 and p99 are over every response of the measured phase. "server CPU" and "load CPU" are the cores the server's processes and the load generator kept busy in the measured phase (100% = one core, read from /proc); on ${e.cores} cores, when the two add up to about ${e.cores * 100}% the row measured the machine as much as the server.`,
    '',
    '## The domain alone (no HTTP)',
    '',
    "In one process: `createTicketDesk` over `createMemoryTicketStore()` (creates one after another, spread over 200 zones), and `createBusinessCalendar` for America/Bogota with the Colombian holidays of `createDateHolidaysSource('CO')`, adding N business days to random instants in 2026–2030, after a warm-up.",
    '',
    domainTable(report),
    '',
    '## Memory',
    '',
    rssTable(report),
    '',
    `VmRSS of the server's node process (WEB_CONCURRENCY=1, SQLite), read after a ${s.warmupSeconds} s warm-up of creates and again after exactly ${whole(s.rssCreates)} more creates (autocannon \`amount\`), ${s.connections} connections.`,
    '',
    '## Growth',
    '',
    growthTable(report),
    '',
    `The store is an SQLite file filled directly with SQL (one transaction; one ticket in a hundred open, the rest resolved, each with its \`created\` event) up to the size in the first column while the server is idle; then the same server process takes creates for ${s.durationSeconds} s after a ${s.warmupSeconds} s warm-up, at a fixed concurrency rather than with autocannon's \`overallRate\`, which sends each second's requests in one burst at the top of the second.`,
    '',
  ];
  if (report.skipped.length > 0) {
    lines.push('## Not measured', '', ...report.skipped.map((reason) => `- ${reason}`), '');
  }
  lines.push(
    '## How to read this',
    '',
    `The machine is shared and small: the load generator runs on the same ${e.cores} cores as the server it measures, so absolute numbers move from run to run and between machines. Compare ratios taken in one run: each row against the bare Hono echo measured minutes earlier on the same machine, WEB_CONCURRENCY=2 against 1, and ${whole(s.growthSizes[1])} stored tickets against ${whole(s.growthSizes[0])}. A ratio a few points either side of its target is within the noise of such a machine; run \`pnpm bench\` again before concluding. With the load generator taking up to a core of its own, a second worker process has only what is left to gain; the CPU columns show how much each row used.`,
    '',
  );
  return lines.join('\n');
}
