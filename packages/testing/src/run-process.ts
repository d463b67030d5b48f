import { type ChildProcess, spawn } from 'node:child_process';

/** What a child process has printed so far. */
export interface Printed {
  stdout(): string;
  stderr(): string;
  /** Both, in the order they arrived. */
  all(): string;
}

/** Keeps, from now on, everything `child` prints on its piped stdout and stderr, read as UTF-8 text. */
export function collectOutput(child: ChildProcess): Printed {
  let stdout = '';
  let stderr = '';
  let all = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    all += text;
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
    all += text;
  });
  return { stdout: () => stdout, stderr: () => stderr, all: () => all };
}

/** How a command run to its end exited, and what it printed. */
export interface ProcessRun {
  /** Null when a signal ended it. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  /** The whole environment; this process's when left out. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs a command to its end with its stdin closed. Resolves with its exit code and output however
 * it exits; rejects only when it cannot be started (not installed, say).
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const printed = collectOutput(child);
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: printed.stdout(), stderr: printed.stderr() }));
  });
}
