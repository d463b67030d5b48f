import { describe, expect, it } from 'vitest';
import { runTickets } from '../testing/run-tickets.js';

const USAGE =
  'usage: pnpm tickets import zones|technicians|services FILE.csv\n       pnpm tickets sync wisphub\n';

describe('the pnpm tickets command line', () => {
  it('prints the usage and exits 0 for --help or -h, wherever it is and whatever else the line holds', async () => {
    const runs = await Promise.all([
      runTickets(['--help'], {}),
      runTickets(['import', 'zones', '-h'], {}),
      runTickets(['sync', '--bogus', '-h'], {}),
    ]);
    for (const run of runs) expect(run).toEqual({ code: 0, stdout: USAGE, stderr: '' });
  }, 30_000);

  it('exits 2 naming an option it does not know, and reads a file name that starts with "-" after --', async () => {
    const [option, dashed] = await Promise.all([
      runTickets(['import', 'zones', 'zones.csv', '--force'], {}),
      runTickets(['import', 'zones', '--', '-zones.csv'], {}),
    ]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain(
      `tickets: unknown option "--force" (a file name that starts with "-" goes after --)\n${USAGE}`,
    );
    expect(dashed.code).toBe(1);
    expect(dashed.stderr).toMatch(/^tickets: cannot read \S+\/-zones\.csv: no such file\n/);
    expect(option.stdout + dashed.stdout).toBe('');
  }, 30_000);
});
