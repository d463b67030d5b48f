// The markdown tables of a run's results, printed and written to docs/benchmarks.md.

import type { LoadResult } from './protocol.js';
import type { GrowthMeasurement, HttpMeasurement, Report } from './report.js';
import { httpRows, type RowId } from './rows.js';
import { median } from './startup.js';

export const whole = (n: number) => Math.round(n).toLocaleString('en-US');
export const percent = (n: number) => `${Math.round(n * 100)}%`;
const ms = (n: number) => n.toFixed(2);
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

/** CPU microseconds per request answered in the measured phase. */
const microsPerRequest = (seconds: number | undefined, result: LoadResult) =>
  seconds === undefined || result.responses === 0 ? undefined : (seconds * 1e6) / result.responses;

const micros = (n: number | undefined) => (n === undefined ? '—' : n.toFixed(n < 100 ? 1 : 0));

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

const PGBENCH_LABEL = 'pgbench: single-statement INSERT (transactions/s)';

function rateById(report: Report, id: RowId): number | undefined {
  const m = report.http.find((row) => row.id === id);
  return failed(m) ? undefined : rateOf(m);
}

export function httpTable(report: Report): string {
  const labels = httpRows(report.settings.batch);
  const echo = rateById(report, 'echo-http');
  const rows = report.http.map((m) => {
    const rate = rateOf(m);
    const r = m.result;
    return [
      labels[m.id],
      rate === undefined ? 'failed' : whole(rate),
      r === undefined ? '—' : ms(r.p50),
      r === undefined ? '—' : ms(r.p99),
      rate === undefined || echo === undefined ? '—' : percent(rate / echo),
      r === undefined ? '—' : micros(microsPerRequest(r.serverCpuSeconds, r)),
      r?.serverCores === undefined ? '—' : percent(r.serverCores),
      r === undefined ? '—' : micros(microsPerRequest(r.databaseCpuSeconds, r)),
      r === undefined ? '—' : percent(r.loadCores),
      errorText(m),
    ];
  });
  const pgbench = report.pgbench;
  const pgbenchRow =
    pgbench === undefined
      ? [
          PGBENCH_LABEL,
          'failed',
          '—',
          '—',
          '—',
          '—',
          '—',
          '—',
          '—',
          `failed: ${report.pgbenchError ?? 'not measured'}`,
        ]
      : [
          PGBENCH_LABEL,
          whole(pgbench.perSecond),
          `${ms(pgbench.latencyAverageMs)} (avg)`,
          '—',
          echo === undefined ? '—' : percent(pgbench.perSecond / echo),
          '—',
          '—',
          micros(
            pgbench.databaseCpuPerTransaction === undefined
              ? undefined
              : pgbench.databaseCpuPerTransaction * 1e6,
          ),
          '—',
          pgbench.failed === 0 ? '0' : `**${pgbench.failed}**`,
        ];
  // pgbench goes under the PostgreSQL rows, or at the end when there are none.
  const after = report.http.findLastIndex((m) => m.id === 'rest-postgres' || m.id === 'refusal-postgres');
  if (report.pgbench !== undefined || report.pgbenchError !== undefined) {
    rows.splice(after < 0 ? rows.length : after + 1, 0, pgbenchRow);
  }
  return table(
    [
      'row',
      'req/s',
      'p50 ms',
      'p99 ms',
      'vs echo',
      'server CPU µs/req',
      'server cores',
      'db CPU µs/req',
      'load CPU',
      'errors',
    ],
    rows,
  );
}

interface Target {
  readonly target: string;
  readonly measured: string;
  readonly holds: string;
}

/** `a` at least `min` × `b`, both rows of the HTTP table (or pgbench's rate). */
function ratioTarget(report: Report, target: string, a: RowId, b: RowId | 'pgbench', min: number): Target {
  const labels = httpRows(report.settings.batch);
  const rateA = rateById(report, a);
  const rateB = b === 'pgbench' ? report.pgbench?.perSecond : rateById(report, b);
  const present = (id: RowId | 'pgbench') =>
    id === 'pgbench'
      ? report.pgbench !== undefined || report.pgbenchError !== undefined
      : report.http.some((m) => m.id === id);
  if (!present(a) || !present(b)) return { target, measured: 'not measured', holds: '—' };
  if (rateA === undefined || rateB === undefined || !(rateB > 0)) {
    const which = rateA === undefined ? labels[a] : b === 'pgbench' ? 'pgbench' : labels[b];
    return { target, measured: `${which} failed`, holds: 'failed' };
  }
  const ratio = rateA / rateB;
  // The same ratio from the server's CPU time per request, which the machine's other work moves less.
  const cpuOf = (id: RowId) => {
    const m = report.http.find((row) => row.id === id);
    return m?.result === undefined ? undefined : microsPerRequest(m.result.serverCpuSeconds, m.result);
  };
  const cpuA = cpuOf(a);
  const cpuB = b === 'pgbench' ? undefined : cpuOf(b);
  const byCpu =
    cpuA === undefined || cpuB === undefined || !(cpuA > 0)
      ? ''
      : `; by CPU per request ${(cpuB / cpuA).toFixed(2)} (${micros(cpuB)} / ${micros(cpuA)} µs)`;
  return {
    target,
    measured: `${ratio.toFixed(2)} (${whole(rateA)} / ${whole(rateB)} req/s)${byCpu}`,
    holds: ratio >= min ? 'yes' : 'no',
  };
}

function compressionTarget(report: Report): Target {
  const target = 'compression costs nothing on a small API answer';
  const plain = report.http.find((m) => m.id === 'small-plain');
  const gzip = report.http.find((m) => m.id === 'small-gzip');
  const answer = report.smallAnswer;
  if (plain === undefined || gzip === undefined) return { target, measured: 'not measured', holds: '—' };
  if (failed(plain) || failed(gzip) || plain.result === undefined || gzip.result === undefined) {
    return { target, measured: 'a compression row failed', holds: 'failed' };
  }
  const cpuPlain = microsPerRequest(plain.result.serverCpuSeconds, plain.result);
  const cpuGzip = microsPerRequest(gzip.result.serverCpuSeconds, gzip.result);
  const rates = `${whole(gzip.result.perSecond)} vs ${whole(plain.result.perSecond)} req/s`;
  const cpu = cpuPlain === undefined || cpuGzip === undefined ? undefined : cpuGzip / cpuPlain;
  const cpuText = cpu === undefined ? '' : `, CPU ${micros(cpuGzip)} vs ${micros(cpuPlain)} µs/req`;
  const sent =
    answer === undefined
      ? ''
      : answer.gzipEncoding === undefined
        ? `the ${answer.plainBytes}-byte answer is sent uncompressed; `
        : `sent ${answer.gzipEncoding} (${answer.gzipBytes} bytes, ${answer.plainBytes} plain); `;
  // Judged on the server's CPU per request, which the machine's other work moves less than the
  // rate: with gzip accepted, at most 10% above without (the rate when the CPU cannot be read).
  const holds = cpu === undefined ? gzip.result.perSecond >= 0.9 * plain.result.perSecond : cpu <= 1.1;
  return { target, measured: `${sent}with gzip ${rates}${cpuText}`, holds: holds ? 'yes' : 'no' };
}

function startupTargets(report: Report): Target[] {
  const s = report.startup;
  const ready = `ready on /healthz ≤ 0.6 s after spawn (median of ${report.settings.starts})`;
  const rss = `idle RSS ≤ 100 MB with WEB_CONCURRENCY=1 (median of ${report.settings.starts})`;
  if (s === undefined || s.readySeconds.length === 0) {
    const measured = report.startupError === undefined ? 'not measured' : 'failed';
    return [ready, rss].map((target) => ({
      target,
      measured,
      holds: measured === 'failed' ? 'failed' : '—',
    }));
  }
  const readySeconds = median(s.readySeconds);
  const rssMb = median(s.idleRssMb);
  return [
    { target: ready, measured: `${readySeconds.toFixed(3)} s`, holds: readySeconds <= 0.6 ? 'yes' : 'no' },
    { target: rss, measured: `${rssMb.toFixed(1)} MB`, holds: rssMb <= 100 ? 'yes' : 'no' },
  ];
}

export function targetsTable(report: Report): string {
  const targets: Target[] = [
    ratioTarget(report, 'full-zone refusal ≥ create (SQLite)', 'refusal-sqlite', 'rest-sqlite', 1),
    ratioTarget(report, 'full-zone refusal (SQLite) ≥ 0.45 × raw echo', 'refusal-sqlite', 'echo-http', 0.45),
    ratioTarget(report, 'REST create, SQLite ≥ 0.35 × raw echo', 'rest-sqlite', 'echo-http', 0.35),
    ratioTarget(
      report,
      'REST create, PostgreSQL ≥ 0.25 × pgbench single-INSERT',
      'rest-postgres',
      'pgbench',
      0.25,
    ),
    ratioTarget(report, 'tRPC create (SQLite) ≥ 0.8 × tRPC echo', 'trpc-sqlite', 'echo-trpc', 0.8),
    ...startupTargets(report),
    compressionTarget(report),
    ratioTarget(report, 'create, SQLite: WEB_CONCURRENCY=2 ≥ 1', 'wc2-sqlite', 'rest-sqlite', 1),
    ratioTarget(report, 'refusal, SQLite: WEB_CONCURRENCY=2 ≥ 1', 'wc2-refusal-sqlite', 'refusal-sqlite', 1),
  ].filter((t) => t.measured !== 'not measured' || !report.settings.smoke);
  return table(
    ['target', 'measured', 'holds?'],
    targets.map((t) => [t.target, t.measured, t.holds]),
  );
}

export function startupTable(report: Report): string {
  const s = report.startup;
  if (s === undefined) return `The start-up rows failed: ${report.startupError ?? 'not measured'}`;
  const list = (values: readonly number[], digits: number) => values.map((v) => v.toFixed(digits)).join(', ');
  return table(
    ['start-up (node apps/server/dist/main.js)', 'median', 'each start'],
    [
      [
        'seconds from spawn to the first 200 on /healthz',
        median(s.readySeconds).toFixed(3),
        list(s.readySeconds, 3),
      ],
      ['idle RSS, MB', median(s.idleRssMb).toFixed(1), list(s.idleRssMb, 1)],
    ],
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
        `after the creates (${whole(r.result.good)} in ${r.result.seconds.toFixed(1)} s, ${whole(r.result.perSecond)} creates/s, p99 ${ms(r.result.p99)} ms${
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
      micros(microsPerRequest(g.result.serverCpuSeconds, g.result)),
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
      [
        'tickets in the store',
        'prefill s',
        'req/s',
        'p50 ms',
        'p99 ms',
        'server CPU µs/req',
        'errors',
        'target',
        'holds?',
      ],
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

/** A warning when the two raw echo runs differ by more than 15%: the machine was busy with other work. */
export function driftWarning(report: Report): string[] {
  const first = rateById(report, 'echo-http');
  const last = rateById(report, 'echo-http-end');
  if (first === undefined || last === undefined) return [];
  const drift = last / first - 1;
  if (Math.abs(drift) <= 0.15) return [];
  return [
    `**Warning:** the raw echo ran ${percent(Math.abs(drift))} ${drift > 0 ? 'faster' : 'slower'} at the end of the run than at its start: something else was using the machine, and the ratios above are not reliable. Run \`pnpm bench\` again on a quieter machine.`,
    '',
  ];
}
