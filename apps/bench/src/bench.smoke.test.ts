import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScript } from './processes.js';
import { httpRows, type RowId } from './report.js';

const dir = mkdtempSync(join(tmpdir(), 'tickets-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The cells of the markdown table row whose first cell starts with `label`; none when there is no such row. */
function cells(markdown: string, label: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${label}`));
  return line === undefined
    ? []
    : line
        .slice(2, -2)
        .split(' | ')
        .map((cell) => cell.trim());
}

const numberIn = (cell: string | undefined) =>
  Number((cell ?? '').replace(/[,+%]/g, '').split(' ')[0] || Number.NaN);

describe('pnpm bench --smoke', () => {
  it('runs every path of the harness in seconds and writes a table of positive numbers', async () => {
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
    // The same tables go to stdout.
    check(
      /\| row +\| req\/s +\| p50 ms +\| p99 ms +\| vs Hono +\| server CPU +\| load CPU +\| errors +\| target +\| holds\? +\|/.test(
        stdout,
      ),
      'no HTTP table on stdout',
    );

    const rows = httpRows(10);
    const smokeRows: RowId[] = [
      'echo-http',
      'echo-hono',
      'rest-sqlite',
      'refusal-sqlite',
      'trpc-sqlite',
      'trpc-batch-sqlite',
    ];
    for (const id of smokeRows) {
      const [, rate, p50, p99, ratio, serverCpu, loadCpu, errors, , holds] = row(rows[id].label);
      positive(rate, `${id} req/s`);
      positive(p50, `${id} p50`);
      check(numberIn(p99) >= numberIn(p50), `${id}: p99 below p50`);
      positive(ratio, `${id} vs Hono`);
      positive(serverCpu, `${id} server CPU`);
      positive(loadCpu, `${id} load CPU`);
      check(errors === '0', `${id}: errors ${errors}`);
      check(holds !== 'failed', `${id} failed`);
    }
    check(row(rows['echo-hono'].label)[4] === '100%', 'Hono is not 100% of itself');

    for (const label of [
      'createTicket over the memory store',
      'addBusinessDays, N = 3 ',
      'addBusinessDays, N = 100000',
    ]) {
      const [, rate, , holds] = row(label);
      positive(rate, label);
      check(holds !== 'failed', `${label} failed`);
    }

    positive(row('after the warm-up')[1], 'RSS before');
    positive(row('after 300 more creates')[1], 'RSS after');
    check(row('difference')[3] !== 'failed', 'the RSS row failed');

    // The second size is reached from what the store already holds, give or take a few tickets.
    const small = row('100 ');
    const large = row('1,0');
    for (const [size, cellsOfSize] of [
      ['100', small],
      ['1,000', large],
    ] as const) {
      positive(cellsOfSize[2], `growth ${size} req/s`);
      positive(cellsOfSize[4], `growth ${size} p99`);
      check(cellsOfSize[5] === '0', `growth ${size}: errors ${cellsOfSize[5]}`);
    }
    check(/^(yes|no) \(\d+\.\d\d×\)$/.test(large[7] ?? ''), `growth verdict "${large[7]}"`);

    expect(problems, `${markdown}\n${stderr}`).toEqual([]);
    // Quick enough to run with every test run.
    expect(seconds).toBeLessThan(30);
  }, 60_000);
});
