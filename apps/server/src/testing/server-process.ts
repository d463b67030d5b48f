import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { collectOutput } from '@tickets/testing';

/** The repository's root, where the README's commands run. */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export interface ServerProcess {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /**
   * Sends a signal to the whole process group (pnpm does not pass signals on to the server) and
   * resolves once every process of it has closed its output.
   */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** Runs the server under libfaketime, starting at this time (`YYYY-MM-DD HH:mm:ss` in the env's TZ). */
  readonly fakeTime?: string;
  /**
   * `pnpm` runs `pnpm start` as the README says; `node` runs the command it runs, without pnpm in
   * between, so that signals reach the server and its exit code is the child's.
   */
  readonly via?: 'pnpm' | 'node';
  readonly timeoutMs?: number;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Resolves when the child has exited and its output pipes are closed by every process holding them. */
function closed(child: ChildProcess): Promise<void> {
  if (child.stdout?.closed === true && child.stderr?.closed === true && child.exitCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => child.once('close', () => resolve()));
}

/**
 * Runs `command` in the repository with PORT=0 and HOST=127.0.0.1 unless `env` says otherwise,
 * keeping everything it prints.
 */
function spawnInRepo(command: readonly string[], env: Readonly<Record<string, string>>, detached: boolean) {
  const child = spawn(command[0] as string, command.slice(1), {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    detached,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { child, printed: collectOutput(child) };
}

/** Starts `pnpm start` in the repository, as the README says, and waits until it listens. */
export async function startServer({
  env = {},
  fakeTime,
  via = 'pnpm',
  timeoutMs = 30_000,
}: StartOptions = {}): Promise<ServerProcess> {
  const start = via === 'pnpm' ? ['pnpm', 'start'] : [process.execPath, 'apps/server/dist/main.js'];
  const command = fakeTime === undefined ? start : ['faketime', fakeTime, ...start];
  // Its own process group, so that stop() reaches the server under pnpm and every worker.
  const { child, printed } = spawnInRepo(command, env, true);
  // The faketime wrapper keeps a semaphore and a shared-memory file named by its pid, which it
  // leaves behind when its process group is signalled; a later wrapper given the same pid then
  // refuses to start ("sem_open: File exists").
  const done = closed(child).then(() => {
    if (fakeTime === undefined || child.pid === undefined) return;
    rmSync(`/dev/shm/sem.faketime_sem_${child.pid}`, { force: true });
    rmSync(`/dev/shm/faketime_shm_${child.pid}`, { force: true });
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    }
    await done;
  };
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in ${timeoutMs} ms:\n${printed.all()}`)),
      timeoutMs,
    );
    const check = () => {
      const match = /listening on (http:\/\/[^\s"]+)/.exec(printed.all());
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1].replace('0.0.0.0', '127.0.0.1'));
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${printed.all()}`));
    });
  });
  return { baseUrl, child, output: printed.all, stop };
}

/** Runs `pnpm start` expecting it to refuse to start; resolves with its exit code and output. */
export async function startRefused(
  env: Readonly<Record<string, string>>,
): Promise<{ code: number | null; output: string }> {
  const { child, printed } = spawnInRepo(['pnpm', 'start'], env, false);
  const code = await exited(child);
  return { code, output: printed.all() };
}

/** What the API answers: the status and the envelope, with `data` typed by the caller. */
export interface Answer<D> {
  readonly status: number;
  readonly body: { readonly ok: boolean; readonly action: string; readonly data: D } & Record<
    string,
    unknown
  >;
}

/** A small JSON client for a running server. */
export function client(baseUrl: string) {
  const call = async <D>(method: string, path: string, body?: unknown): Promise<Answer<D>> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Answer<D>['body'] };
  };
  return {
    get: <D = unknown>(path: string) => call<D>('GET', path),
    post: <D = unknown>(path: string, body: unknown) => call<D>('POST', path, body),
    put: <D = unknown>(path: string, body: unknown) => call<D>('PUT', path, body),
    patch: <D = unknown>(path: string, body: unknown) => call<D>('PATCH', path, body),
    delete: <D = unknown>(path: string) => call<D>('DELETE', path),
  };
}
