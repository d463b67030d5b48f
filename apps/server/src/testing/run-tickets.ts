import { type ProcessRun, runProcess } from '@tickets/testing';
import { repoRoot } from './server-process.js';

/** Runs `pnpm --silent tickets ...` in the repository, as the README says. */
export function runTickets(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<ProcessRun> {
  return runProcess('pnpm', ['--silent', 'tickets', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
  });
}
