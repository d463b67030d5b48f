import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScript } from './processes.js';
import { httpRows, type RowId } from './rows.js';

const dir = mkdtempSync(join(tmpdir(), 'tickets-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The cells of the markdown table row whose first cell is `label`, or else starts with it; none
 * when there is no such row.
 */
function cells(markdown: string, label: string): string[] {
  const rows = markdown
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .map((line) =>
      line
        .slice(2, -2)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
  return rows.find((row) => row[0] === label) ?? rows.find((row) => row[0]?.startsWith(label)) ?? [];
}

const numberIn = (cell: string | undefined) =>
  Number((cell ?? '').replace(/[,+%]/g, '').split(' ')[0] || Number.NaN);

describe('pnpm bench --smoke', () => {
  it('runs every path of the harness in seconds and writes tables of positive numbers and judged targets', async () => {
    const out = join(dir, 'benchmarks.md');
    const started = performance.now();
    const { code, stdout, stderr } = await runScript('apps/bench/src/bench.ts', ['--smoke', '--out', out]);
    const seconds = (performance.now() - started) / 1000;
    expect(code, stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    const markdown = readFileSync(out, 'utf8');

    // Every problem is collected, then reported at once with the whole table and the run's log.
    const problems: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok) problems.push(what);
    };
    const row = (label: string) => {
      const found = cells(markdown, label);
      check(found.length > 0, `no row "${label}"`);
      return found;
    };
    const positive = (cell: string | undefined, what: string) =>
      check(numberIn(cell) > 0, `${what}: "${cell}" is not a number above 0`);

    check(/^# Benchmarks/.test(markdown), 'no title');
    check(/\*\*Machine:\*\* .+, \d+ cores/.test(markdown), 'no machine');
    check(markdown.includes(`**Node.js** ${process.version}`), 'no Node.js version');
    check(/\*\*Load:\*\* (wrk|autocannon) /.test(markdown), 'no load generator named');
    // The same tables go to stdout.
    check(
      /\| row +\| req\/s +\| p50 ms +\| p99 ms +\| vs echo +\| server CPU µs\/req +\| server cores +\| db CPU µs\/req +\| load CPU +\| errors +\|/.test(
        stdout,
      ),
      'no HTTP table on stdout',
    );

    const labels = httpRows(10);
    const smokeRows: RowId[] = [
      'echo-http',
      'echo-hono',
      'echo-trpc',
      'rest-sqlite',
      'refusal-sqlite',
      'trpc-sqlite',
      'trpc-batch-sqlite',
      'rest-sqlite-wisphub',
      'small-plain',
      'small-gzip',
    ];
    for (const id of smokeRows) {
      const [, rate, p50, p99, ratio, cpuPerRequest, serverCores, , loadCpu, errors] = row(labels[id]);
      positive(rate, `${id} req/s`);
      positive(p50, `${id} p50`);
      check(numberIn(p99) >= numberIn(p50), `${id}: p99 below p50`);
      positive(ratio, `${id} vs echo`);
      positive(cpuPerRequest, `${id} server CPU µs/req`);
      positive(serverCores, `${id} server cores`);
      check(/^\d+%$/.test(loadCpu ?? ''), `${id} load CPU "${loadCpu}"`);
      check(errors === '0', `${id}: errors ${errors}`);
    }
    check(row(labels['echo-http'])[4] === '100%', 'the raw echo is not 100% of itself');
    check(
      /When the WispHub row ended, the simulator held [\d,]+ tickets delivered by the server/.test(markdown),
      'no WispHub deliveries',
    );

    // Every target the smoke run measures is judged (its figures mean nothing, but none failed).
    for (const target of [
      'full-zone refusal ≥ create (SQLite)',
      'full-zone refusal (SQLite) ≥ 0.45 × raw echo',
      'REST create, SQLite ≥ 0.35 × raw echo',
      'tRPC create (SQLite) ≥ 0.8 × tRPC echo',
      'ready on /healthz ≤ 0.6 s after spawn',
      'idle RSS ≤ 100 MB with WEB_CONCURRENCY=1',
      'compression costs nothing on a small API answer',
    ]) {
      const [, measured, holds] = row(target);
      check(/^(yes|no)$/.test(holds ?? ''), `target "${target}": "${holds}" (${measured})`);
    }
    positive(row('seconds from spawn to the first 200 on /healthz')[1], 'start-up seconds');
    positive(row('idle RSS, MB')[1], 'idle RSS');

    for (const label of [
      'createTicket over the memory store',
      'addBusinessDays, N = 3 (',
      'addBusinessDays, N = 100000',
    ]) {
      const [, rate, , holds] = row(label);
      positive(rate, label);
      check(holds !== 'failed', `${label} failed`);
    }

    positive(row('after the warm-up')[1], 'RSS before');
    positive(row('after the creates')[1], 'RSS after');
    check(row('difference')[3] !== 'failed', 'the RSS row failed');

    // The second size is reached from what the store already holds, give or take a few tickets.
    const small = row('100');
    const large = row('20,');
    for (const [size, cellsOfSize] of [
      ['100', small],
      ['20,000', large],
    ] as const) {
      positive(cellsOfSize[2], `growth ${size} req/s`);
      positive(cellsOfSize[4], `growth ${size} p99`);
      positive(cellsOfSize[5], `growth ${size} server CPU µs/req`);
      check(cellsOfSize[6] === '0', `growth ${size}: errors ${cellsOfSize[6]}`);
    }
    check(/^(yes|no) \(\d+\.\d\d×\)$/.test(large[8] ?? ''), `growth verdict "${large[8]}"`);

    expect(problems, `${markdown}\n${stderr}`).toEqual([]);
    // Quick enough to run with every test run (about 20 s on a busy 2-core machine).
    expect(seconds).toBeLessThan(45);
  }, 90_000);
});
