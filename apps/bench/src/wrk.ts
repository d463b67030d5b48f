// The load generator when wrk is installed: one wrk process per phase (a warm-up thrown away, then
// the measured phase), running load.lua, with the server's CPU time read around the measured one.

import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLOCK_TICKS, databaseCpuSeconds, treeCpuSeconds } from './cpu.js';
import {
  createBody,
  expectedStatus,
  FULL_ZONE_ID,
  type LoadResult,
  type LoadSpec,
  pathOf,
} from './protocol.js';

const SCRIPT = fileURLToPath(new URL('load.lua', import.meta.url));
const ZONE_MARK = 987_654_321;
const TEMPLATE = JSON.stringify(createBody(ZONE_MARK)).replaceAll(String(ZONE_MARK), 'ZONE_ID');

/** The wrk on PATH, or undefined when it is not installed. */
export function findWrk(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'wrk');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/** What load.lua prints in its `done`. */
interface WrkOutput {
  readonly requests: number;
  readonly durationUs: number;
  readonly bad: number;
  readonly statuses: Record<string, number>;
  readonly connectionErrors: number;
  readonly timeouts: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly cpuTicks: number;
  readonly firstBad: string;
}

function runWrk(wrk: string, spec: LoadSpec, threads: number, seconds: number): Promise<WrkOutput> {
  const kind = spec.kind;
  const batch = spec.batch ?? 10;
  const okEnvelopes = kind === 'trpc-create' ? 1 : kind === 'trpc-batch' ? batch : 0;
  const args = [
    `-t${threads}`,
    `-c${spec.connections}`,
    `-d${Math.max(1, Math.round(seconds))}s`,
    // Far above any answer's time, so that a slow moment on a busy machine is not an error.
    '--timeout',
    '10s',
    '-s',
    SCRIPT,
    spec.baseUrl,
    '--',
    kind,
    pathOf(kind, batch),
    String(expectedStatus(kind)),
    String(okEnvelopes),
    String(batch),
    String(spec.zones),
    String(FULL_ZONE_ID),
    String(threads),
    spec.acceptGzip === true ? 'gzip' : 'identity',
    TEMPLATE,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(wrk, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (code !== 0 || line === undefined) {
        reject(new Error(`wrk exited with ${code}: ${(stderr || stdout).trim().slice(-500)}`));
        return;
      }
      resolve(JSON.parse(line.slice('BENCH_RESULT '.length)) as WrkOutput);
    });
  });
}

/** Runs a LoadSpec with wrk: `threads` threads, whole seconds. */
export async function measureWithWrk(wrk: string, spec: LoadSpec, threads: number): Promise<LoadResult> {
  if (spec.warmupSeconds > 0) await runWrk(wrk, spec, threads, spec.warmupSeconds);
  const serverBefore = spec.serverPid === undefined ? undefined : treeCpuSeconds(spec.serverPid);
  const databaseBefore = spec.database === undefined ? undefined : databaseCpuSeconds(spec.database);
  const out = await runWrk(wrk, spec, threads, spec.durationSeconds);
  const serverAfter = spec.serverPid === undefined ? undefined : treeCpuSeconds(spec.serverPid);
  const databaseAfter = spec.database === undefined ? undefined : databaseCpuSeconds(spec.database);
  const seconds = out.durationUs / 1e6;
  const good = out.requests - out.bad;
  const serverCpuSeconds =
    serverBefore === undefined || serverAfter === undefined ? undefined : serverAfter - serverBefore;
  return {
    responses: out.requests,
    good,
    bad: out.bad,
    connectionErrors: out.connectionErrors + out.timeouts,
    seconds,
    perSecond: good / seconds,
    p50: out.p50Us / 1000,
    p99: out.p99Us / 1000,
    ...(serverCpuSeconds === undefined ? {} : { serverCpuSeconds, serverCores: serverCpuSeconds / seconds }),
    ...(databaseBefore === undefined || databaseAfter === undefined
      ? {}
      : { databaseCpuSeconds: databaseAfter - databaseBefore }),
    loadCores: out.cpuTicks < 0 ? 0 : out.cpuTicks / CLOCK_TICKS / seconds,
    statuses: out.statuses,
    ...(out.firstBad === '' ? {} : { firstBadBody: out.firstBad }),
  };
}
