// PostgreSQL's own ceiling on this machine: pgbench sending one single-statement INSERT per
// transaction, in a scratch database, with as many connections as the HTTP rows.

import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { databaseCpuSeconds } from './cpu.js';
import { SUBJECT, ZONES } from './protocol.js';
import { createPostgresDatabase } from './setup.js';

export interface PgbenchSpec {
  readonly adminUrl: string;
  readonly clients: number;
  readonly threads: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
}

export interface PgbenchResult {
  readonly transactions: number;
  /** Transactions per second, without the initial connection time (pgbench's own figure). */
  readonly perSecond: number;
  readonly latencyAverageMs: number;
  readonly failed: number;
  /** CPU seconds per transaction of the backends serving pgbench, sampled inside the measured phase. */
  readonly databaseCpuPerTransaction?: number;
}

/** The pgbench on PATH, or undefined when it is not installed. */
export function findPgbench(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, 'pgbench'), constants.X_OK);
      return join(dir, 'pgbench');
    } catch {
      // Not here.
    }
  }
  return undefined;
}

const SCRIPT = `\\set zone random(1, ${ZONES})
INSERT INTO scratch (zone_id, subject, created_at) VALUES (:zone, '${SUBJECT}', now());
`;

function run(pgbench: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(pgbench, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`pgbench exited with ${code}: ${output.trim().slice(-500)}`));
    });
  });
}

const numberAfter = (output: string, pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? Number.NaN);

/** Runs pgbench (a warm-up, then the measured phase) on a scratch database it creates and drops. */
export async function measurePgbench(pgbench: string, spec: PgbenchSpec): Promise<PgbenchResult> {
  const database = await createPostgresDatabase(spec.adminUrl);
  const dir = mkdtempSync(join(tmpdir(), 'tickets-pgbench-'));
  try {
    const script = join(dir, 'insert.sql');
    writeFileSync(script, SCRIPT);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(
      'create table scratch (id bigserial primary key, zone_id integer not null, subject text not null, created_at timestamptz not null)',
    );
    await client.end();
    const args = (seconds: number) => [
      '-n',
      `-c${spec.clients}`,
      `-j${spec.threads}`,
      `-T${Math.max(1, Math.round(seconds))}`,
      '-f',
      script,
      database.url,
    ];
    if (spec.warmupSeconds > 0) await run(pgbench, args(spec.warmupSeconds));
    // The backends exit with pgbench: their CPU is sampled from a second in until just before the end.
    const samples: { at: number; cpu: number }[] = [];
    const sample = () => samples.push({ at: performance.now(), cpu: databaseCpuSeconds(database.name) });
    const seconds = Math.max(1, Math.round(spec.durationSeconds));
    const first = setTimeout(sample, Math.min(1_000, seconds * 250));
    const last = setTimeout(sample, seconds * 1_000 - 200);
    const output = await run(pgbench, args(seconds));
    clearTimeout(first);
    clearTimeout(last);
    const perSecond = numberAfter(output, /tps = ([\d.]+) \(without initial connection time\)/);
    const [from, to] = samples;
    const cores =
      from !== undefined && to !== undefined ? (to.cpu - from.cpu) / ((to.at - from.at) / 1000) : undefined;
    return {
      transactions: numberAfter(output, /number of transactions actually processed: (\d+)/),
      perSecond,
      latencyAverageMs: numberAfter(output, /latency average = ([\d.]+) ms/),
      failed: numberAfter(output, /number of failed transactions: (\d+)/) || 0,
      ...(cores === undefined || !(perSecond > 0) ? {} : { databaseCpuPerTransaction: cores / perSecond }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  }
}
