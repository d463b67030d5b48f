// Starting and stopping the processes a benchmark runs: the servers under test and the load
// generator, every one a node process started from the repository's root.

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, type ProcessRun, runProcess } from '@tickets/testing';
import { childrenOf } from './cpu.js';
import type { LoadResult, LoadSpec } from './protocol.js';
import { measureWithWrk } from './wrk.js';

/** The repository's root, where `pnpm start` and `pnpm bench` run. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Node's arguments for a TypeScript script, run through tsx. */
export const tsx = (script: string): readonly string[] => ['--import', 'tsx', script];

/** The ticket server exactly as `pnpm start` runs it: plain node on the bundle built at install. */
export const SERVER_BUNDLE = 'apps/server/dist/main.js';
export const SERVER = [SERVER_BUNDLE] as const;
export const ECHO_HTTP = tsx('apps/bench/src/echo-http.ts');
export const ECHO_HONO = tsx('apps/bench/src/echo-hono.ts');
export const ECHO_TRPC = tsx('apps/bench/src/echo-trpc.ts');
export const WISPHUB_SIM = tsx('apps/wisphub-sim/src/main.ts');
export const LOAD_SCRIPT = 'apps/bench/src/load.ts';
export const DOMAIN_SCRIPT = 'apps/bench/src/domain.ts';

const KEPT_OUTPUT = 8_000;

export interface RunningServer {
  readonly baseUrl: string;
  /** The node process itself (what `/proc/<pid>/status` describes). */
  readonly pid: number;
  readonly child: ChildProcess;
  /** Seconds from spawn to the first 200 on the ready path. */
  readonly readySeconds: number;
  /** The last few thousand characters the process printed. */
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<RunningServer>();

/** Stops every server still running (on Ctrl-C, or when the run fails). */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `node <args>` with `portVariable` (PORT unless told) set to a free port, HOST to
 * 127.0.0.1, and waits until `GET <readyPath>` answers 200 (a server at LOG_LEVEL=warn prints
 * nothing when it starts listening).
 */
export async function startServerProcess(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  readyPath: string,
  {
    portVariable = 'PORT',
    timeoutMs = 30_000,
    pollMs = 25,
  }: { portVariable?: string; timeoutMs?: number; pollMs?: number } = {},
): Promise<RunningServer> {
  const port = await freePort();
  const script = args.join(' ');
  const spawned = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env, [portVariable]: String(port), HOST: '127.0.0.1' },
    // Its own process group, so that stop() reaches every worker of a cluster.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  const keep = (chunk: Buffer) => {
    printed = (printed + chunk.toString()).slice(-KEPT_OUTPUT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const pid = child.pid;
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-pid, name);
      } catch {
        // Already gone.
      }
    };
    signal('SIGTERM');
    const killer = setTimeout(() => signal('SIGKILL'), 12_000);
    await exited;
    clearTimeout(killer);
  };
  let readySeconds = Number.NaN;
  const handle: RunningServer = {
    baseUrl,
    pid: child.pid as number,
    child,
    get readySeconds() {
      return readySeconds;
    },
    output: () => printed,
    stop: async () => {
      await stop();
      running.delete(handle);
    },
  };
  running.add(handle);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      running.delete(handle);
      throw new Error(
        `${script} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${printed}`,
      );
    }
    try {
      const response = await fetch(`${baseUrl}${readyPath}`);
      await response.arrayBuffer();
      if (response.status === 200) {
        readySeconds = (performance.now() - spawned) / 1000;
        break;
      }
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(`${script} was not ready in ${timeoutMs} ms:\n${printed}`);
    }
    await sleep(pollMs);
  }
  return handle;
}

/** Runs `node --import tsx <script> ...args` to its end, its stdin closed. */
export function runScript(script: string, args: readonly string[]): Promise<ProcessRun> {
  return runProcess(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot });
}

/** Runs `node --import tsx <script> <argument>` to its end and parses the last line it prints as JSON. */
export async function runJsonProcess<T>(script: string, argument: string): Promise<T> {
  const { code, stdout, stderr } = await runScript(script, [argument]);
  const last = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || last === '') {
    throw new Error(`${script} exited with ${code}: ${stderr.slice(-KEPT_OUTPUT).trim() || stdout.trim()}`);
  }
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${script} printed no JSON: ${last.slice(0, 200)}`);
  }
}

/** Resident set size of a process, in MB, from /proc/<pid>/status (VmRSS). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (match?.[1] === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}

/** VmRSS of a process and all its descendants (a cluster's workers), in MB. */
export function treeRssMb(pid: number): number {
  return rssMb(pid) + childrenOf(pid).reduce((sum, child) => sum + treeRssMb(child), 0);
}

/** Sends a LoadSpec's load and measures it: give it LoadSpecs one at a time, get LoadResults back. */
export interface LoadGenerator {
  run(spec: LoadSpec): Promise<LoadResult>;
  close(): Promise<void>;
}

/** wrk (at `path`), one process per phase with `threads` threads. */
export function wrkLoadGenerator(path: string, threads: number): LoadGenerator {
  return { run: (spec) => measureWithWrk(path, spec, threads), close: async () => undefined };
}

/** The autocannon process (load.ts), kept for every spec until closed. */
export function startAutocannon(): LoadGenerator {
  const child = spawn(process.execPath, ['--import', 'tsx', LOAD_SCRIPT], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-KEPT_OUTPUT);
  });
  const waiting: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      waiting.shift()?.resolve(line);
    }
  });
  const closed = new Promise<void>((resolve) => {
    child.once('close', (code) => {
      for (const waiter of waiting.splice(0)) {
        waiter.reject(new Error(`the load generator exited with ${code}: ${stderr.trim()}`));
      }
      resolve();
    });
  });
  return {
    async run(spec) {
      const line = await new Promise<string>((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(`${JSON.stringify(spec)}\n`);
      });
      const answer = JSON.parse(line) as { result?: LoadResult; error?: string };
      if (answer.result === undefined) throw new Error(`load generator: ${answer.error ?? line}`);
      return answer.result;
    },
    async close() {
      child.stdin.end();
      await closed;
    },
  };
}
