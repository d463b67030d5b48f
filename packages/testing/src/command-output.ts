import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';

const firstLine = (text: string): string | undefined =>
  text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '');

/**
 * Runs a command and returns what it printed; throws, saying why in one line, when it is not
 * installed, fails or takes longer than `timeoutMs`. For `Tool.check`, which must answer at once.
 */
export function commandOutput(command: string, args: readonly string[], timeoutMs = 10_000): string {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const name = basename(command);
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${name} not found`);
    if (code === 'ETIMEDOUT') throw new Error(`${name} did not answer within ${timeoutMs} ms`);
    throw result.error;
  }
  if (result.status !== 0) {
    // The command line itself is left out: it may hold a password.
    throw new Error(firstLine(result.stderr) ?? `${name} exited with ${result.status ?? result.signal}`);
  }
  return result.stdout;
}

/** Whether a command runs and exits 0; throws why not, as `commandOutput` does. */
export function commandSucceeds(command: string, args: readonly string[], timeoutMs?: number): boolean {
  commandOutput(command, args, timeoutMs);
  return true;
}
