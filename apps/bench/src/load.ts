// The load generator: a process of its own, spawned by bench.ts (one per row in a full run, one
// for the whole of a --smoke run), so that it never shares an event loop with the server it
// measures. It reads LoadSpecs from stdin, one line of JSON each; for each it runs autocannon (a
// warm-up that is thrown away, then the measured phase) and writes one line of JSON to stdout:
// `{"result": LoadResult}` or `{"error": "..."}`. It exits when stdin closes.
//
//   echo '{"baseUrl":"http://127.0.0.1:3000","kind":"echo",...}' | node --import tsx apps/bench/src/load.ts

import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import {
  type BodyKind,
  createBody,
  FULL_ZONE_ID,
  type LoadResult,
  type LoadSpec,
  percentile,
  ZONES,
} from './protocol.js';

interface Shape {
  readonly path: string;
  /** Bodies to send in turn, one per request. */
  readonly bodies: readonly string[];
  readonly status: number;
  /** `"ok":true` envelopes each answer must hold (tRPC answers 200 for a full zone too). */
  readonly okEnvelopes?: number;
}

const zoneIds = Array.from({ length: ZONES }, (_, i) => i + 1);

function shapeOf(kind: BodyKind, batch: number): Shape {
  switch (kind) {
    case 'echo':
      return { path: '/echo', bodies: zoneIds.map((z) => JSON.stringify(createBody(z))), status: 200 };
    case 'rest-create':
      return {
        path: '/api/v1/tickets',
        bodies: zoneIds.map((z) => JSON.stringify(createBody(z))),
        status: 201,
      };
    case 'rest-refused':
      return { path: '/api/v1/tickets', bodies: [JSON.stringify(createBody(FULL_ZONE_ID))], status: 409 };
    case 'trpc-create':
      return {
        path: '/trpc/tickets.create',
        bodies: zoneIds.map((z) => JSON.stringify(createBody(z))),
        status: 200,
        okEnvelopes: 1,
      };
    case 'trpc-batch': {
      // httpBatchLink's format: the procedure paths joined by commas, inputs keyed by position.
      const bodies = zoneIds.map((_, start) => {
        const inputs: Record<string, unknown> = {};
        for (let i = 0; i < batch; i += 1) inputs[String(i)] = createBody(((start + i) % ZONES) + 1);
        return JSON.stringify(inputs);
      });
      const path = `/trpc/${Array.from({ length: batch }, () => 'tickets.create').join(',')}?batch=1`;
      return { path, bodies, status: 200, okEnvelopes: batch };
    }
  }
}

const OK_ENVELOPE = /"ok":true/g;

/** Linux's USER_HZ, the unit of the times in /proc/<pid>/stat. */
const CLOCK_TICKS = 100;

/**
 * CPU seconds (user and system, every thread) a process and all its descendants have used, from
 * /proc; undefined where /proc cannot tell.
 */
function treeCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ": state is field 3, utime field 14, stime field 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    let seconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    for (const thread of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8').trim();
      for (const child of children === '' ? [] : children.split(' ')) {
        seconds += treeCpuSeconds(Number(child)) ?? 0;
      }
    }
    return seconds;
  } catch {
    return undefined;
  }
}

interface Phase {
  readonly seconds?: number;
  readonly amount?: number;
}

/** Runs autocannon once; records every response's latency and whether it was the expected one. */
function runPhase(spec: LoadSpec, shape: Shape, phase: Phase, turn: { next: number }): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let good = 0;
  let bad = 0;
  let firstBadBody: string | undefined;
  const statuses: Record<string, number> = {};
  const serverCpuBefore = spec.serverPid === undefined ? undefined : treeCpuSeconds(spec.serverPid);
  const loadCpuBefore = process.cpuUsage();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.baseUrl,
        connections: spec.connections,
        // autocannon checks whether to stop once per sample: every 25 ms, not every second.
        sampleInt: 25,
        ...(phase.amount === undefined ? { duration: phase.seconds ?? 1 } : { amount: phase.amount }),
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            method: 'POST',
            path: shape.path,
            setupRequest: (request) => {
              const body = shape.bodies[turn.next % shape.bodies.length] as string;
              turn.next += 1;
              return { ...request, body };
            },
            onResponse: (status, body) => {
              statuses[status] = (statuses[status] ?? 0) + 1;
              const expected =
                status === shape.status &&
                (shape.okEnvelopes === undefined ||
                  (body.match(OK_ENVELOPE)?.length ?? 0) === shape.okEnvelopes);
              if (expected) {
                good += 1;
              } else {
                bad += 1;
                firstBadBody ??= `${status} ${body.slice(0, 300)}`;
              }
            },
          },
        ],
      },
      (error, result) => {
        if (error !== null && error !== undefined) {
          reject(error);
          return;
        }
        const seconds = (performance.now() - started) / 1000;
        const loadCpu = process.cpuUsage(loadCpuBefore);
        const serverCpuAfter = spec.serverPid === undefined ? undefined : treeCpuSeconds(spec.serverPid);
        const serverCores =
          serverCpuBefore === undefined || serverCpuAfter === undefined
            ? undefined
            : (serverCpuAfter - serverCpuBefore) / seconds;
        const sorted = latencies.subarray(0, count).sort();
        resolve({
          responses: count,
          good,
          bad,
          connectionErrors: result.errors + result.timeouts,
          seconds,
          perSecond: good / seconds,
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          ...(serverCores === undefined ? {} : { serverCores }),
          loadCores: (loadCpu.user + loadCpu.system) / 1e6 / seconds,
          statuses,
          ...(firstBadBody === undefined ? {} : { firstBadBody }),
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count] = responseTime;
      count += 1;
    });
  });
}

async function measure(spec: LoadSpec): Promise<LoadResult> {
  const shape = shapeOf(spec.kind, spec.batch ?? 10);
  // One turn across both phases, so the warm-up's zones are not the measured phase's first ones.
  const turn = { next: 0 };
  if (spec.warmupSeconds > 0) await runPhase(spec, shape, { seconds: spec.warmupSeconds }, turn);
  return runPhase(
    spec,
    shape,
    spec.amount === undefined ? { seconds: spec.durationSeconds } : { amount: spec.amount },
    turn,
  );
}

async function main(): Promise<void> {
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.trim() === '') continue;
    try {
      const result = await measure(JSON.parse(line) as LoadSpec);
      process.stdout.write(`${JSON.stringify({ result })}\n`);
    } catch (error) {
      process.stdout.write(
        `${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`,
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(`load: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
