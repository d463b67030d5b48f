// What the report says about where it ran: the machine, the versions, the load generator; and the
// server bundle rebuilt before a run, so that what is measured is the source as it stands.

import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '@tickets/testing';
import Database from 'better-sqlite3';
import pg from 'pg';
import { repoRoot, SERVER_BUNDLE } from './processes.js';
import type { Environment } from './report.js';

/** The load generator, its version and why it was chosen, for the report. */
export async function describeGenerator(
  wrk: string | undefined,
  threads: number,
  autocannonChosen: boolean,
): Promise<string> {
  if (wrk !== undefined) {
    const version = (await runProcess(wrk, ['-v'])).stdout.split('\n')[0]?.split(' [')[0] ?? 'wrk';
    return `${version} (-t${threads}), one process per phase running apps/bench/src/load.lua, which builds each request's body and checks each answer`;
  }
  const { version } = JSON.parse(
    readFileSync(join(repoRoot, 'apps/bench/node_modules/autocannon/package.json'), 'utf8'),
  ) as { version: string };
  return `autocannon ${version} in a process of its own (${
    autocannonChosen ? 'chosen with --generator' : 'wrk is not installed: `apt-get install wrk`'
  }; autocannon saturates a core before the fastest servers do, so their rates measure it as much)`;
}

/** The machine and versions; PostgreSQL's when `postgresUrl` is given. */
export async function environment(postgresUrl: string | undefined, generator: string): Promise<Environment> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown CPU';
  const memory = new Database(':memory:');
  const sqlite = (memory.prepare('select sqlite_version() as v').get() as { v: string }).v;
  memory.close();
  let postgresVersion: string | undefined;
  if (postgresUrl !== undefined) {
    const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3_000 });
    await client.connect();
    const result = await client.query<{ v: string }>("select current_setting('server_version') as v");
    postgresVersion = `PostgreSQL ${result.rows[0]?.v ?? '?'}`;
    await client.end();
  }
  return {
    cpu,
    cores: cpus().length,
    memoryGb: totalmem() / 1024 ** 3,
    node: process.version,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    sqlite,
    loadAtStart: loadavg()[0] ?? 0,
    generator,
    ...(postgresVersion === undefined ? {} : { postgres: postgresVersion }),
  };
}

/** Bundles the server again (apps/server/build.ts), as `pnpm install` does. */
export async function buildServer(log: (line: string) => void): Promise<void> {
  log(`building ${SERVER_BUNDLE} (apps/server/build.ts)`);
  const { code, stderr } = await runProcess(process.execPath, ['--import', 'tsx', 'apps/server/build.ts'], {
    cwd: repoRoot,
  });
  if (code !== 0) throw new Error(`apps/server/build.ts exited with ${code}: ${stderr.trim()}`);
}
