// How quickly the ticket server, started as `pnpm start` starts it, answers, and what it holds idle.

import { join } from 'node:path';
import { type RunningServer, SERVER, startServerProcess, treeRssMb } from './processes.js';

export interface StartupSpec {
  readonly starts: number;
  /** How long the server is left idle before its RSS is read. */
  readonly idleMs: number;
  /** A directory for the SQLite file every start opens. */
  readonly dir: string;
}

export interface StartupResult {
  /** Seconds from spawn to the first 200 on /healthz, one per timed start. */
  readonly readySeconds: readonly number[];
  /** VmRSS of the server's processes after `idleMs`, in MB, one per timed start. */
  readonly idleRssMb: readonly number[];
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Starts `node apps/server/dist/main.js` (WEB_CONCURRENCY=1, SQLite) once untimed, which creates
 * and migrates the store, then `starts` times on that store, as a restart does.
 */
export async function measureStartups(spec: StartupSpec): Promise<StartupResult> {
  const env = {
    DATABASE_URL: `sqlite:${join(spec.dir, 'tickets.db')}`,
    WEB_CONCURRENCY: '1',
    LOG_LEVEL: 'warn',
  };
  const start = () => startServerProcess(SERVER, env, '/healthz', { pollMs: 5 });
  await (await start()).stop();
  const readySeconds: number[] = [];
  const idleRssMb: number[] = [];
  for (let i = 0; i < spec.starts; i += 1) {
    const server: RunningServer = await start();
    try {
      readySeconds.push(server.readySeconds);
      await sleep(spec.idleMs);
      idleRssMb.push(treeRssMb(server.pid));
    } finally {
      await server.stop();
    }
  }
  return { readySeconds, idleRssMb };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
