// The load generator when wrk is not installed: autocannon in a process of its own, spawned by
// bench.ts (one per row in a full run, one for the whole of a --smoke run), so that it never shares
// an event loop with the server it measures. It reads LoadSpecs from stdin, one line of JSON each;
// for each it runs autocannon (a warm-up that is thrown away, then the measured phase) and writes
// one line of JSON to stdout:
// `{"result": LoadResult}` or `{"error": "..."}`. It exits when stdin closes.
//
//   echo '{"baseUrl":"http://127.0.0.1:3000","kind":"echo",...}' | node --import tsx apps/bench/src/load.ts

import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { databaseCpuSeconds, treeCpuSeconds } from './cpu.js';
import {
  type BodyKind,
  createBody,
  expectedStatus,
  FULL_ZONE_ID,
  type LoadResult,
  type LoadSpec,
  pathOf,
  percentile,
} from './protocol.js';

interface Shape {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** The body of the `turn`th request (counted across both phases), none for a GET. */
  readonly body: (turn: number) => string | undefined;
  readonly status: number;
  /** `"ok":true` envelopes each answer must hold (tRPC answers 200 for a full zone too). */
  readonly okEnvelopes?: number;
}

function shapeOf(kind: BodyKind, batch: number, zones: number): Shape {
  const zoneOf = (turn: number) => (turn % zones) + 1;
  const common = { method: 'POST' as const, path: pathOf(kind, batch), status: expectedStatus(kind) };
  switch (kind) {
    case 'echo':
    case 'rest-create':
      return { ...common, body: (turn) => JSON.stringify(createBody(zoneOf(turn))) };
    case 'rest-refused': {
      const body = JSON.stringify(createBody(FULL_ZONE_ID));
      return { ...common, body: () => body };
    }
    case 'trpc-create':
      return { ...common, body: (turn) => JSON.stringify(createBody(zoneOf(turn))), okEnvelopes: 1 };
    case 'trpc-batch':
      return {
        ...common,
        body: (turn) => {
          const inputs: Record<string, unknown> = {};
          for (let i = 0; i < batch; i += 1) inputs[String(i)] = createBody(zoneOf(turn * batch + i));
          return JSON.stringify(inputs);
        },
        okEnvelopes: batch,
      };
    case 'small-answer':
      return { ...common, method: 'GET', body: () => undefined };
  }
}

const OK_ENVELOPE = /"ok":true/g;

/** Runs autocannon for `seconds`; records every response's latency and whether it was the expected one. */
function runPhase(
  spec: LoadSpec,
  shape: Shape,
  seconds: number,
  turn: { next: number },
): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let good = 0;
  let bad = 0;
  let firstBadBody: string | undefined;
  const statuses: Record<string, number> = {};
  const serverCpuBefore = spec.serverPid === undefined ? undefined : treeCpuSeconds(spec.serverPid);
  const databaseCpuBefore = spec.database === undefined ? undefined : databaseCpuSeconds(spec.database);
  const loadCpuBefore = process.cpuUsage();
  const started = performance.now();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (spec.acceptGzip === true) headers['accept-encoding'] = 'gzip';
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.baseUrl,
        connections: spec.connections,
        // autocannon checks whether to stop once per sample: every 25 ms, not every second.
        sampleInt: 25,
        duration: seconds,
        method: shape.method,
        headers,
        requests: [
          {
            method: shape.method,
            path: shape.path,
            setupRequest: (request) => {
              const body = shape.body(turn.next);
              turn.next += 1;
              return body === undefined ? request : { ...request, body };
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
        const serverCpuSeconds =
          serverCpuBefore === undefined || serverCpuAfter === undefined
            ? undefined
            : serverCpuAfter - serverCpuBefore;
        const databaseCpuAfter = spec.database === undefined ? undefined : databaseCpuSeconds(spec.database);
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
          ...(serverCpuSeconds === undefined
            ? {}
            : { serverCpuSeconds, serverCores: serverCpuSeconds / seconds }),
          ...(databaseCpuBefore === undefined || databaseCpuAfter === undefined
            ? {}
            : { databaseCpuSeconds: databaseCpuAfter - databaseCpuBefore }),
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
  const shape = shapeOf(spec.kind, spec.batch ?? 10, spec.zones);
  // One turn across both phases, so the warm-up's zones are not the measured phase's first ones.
  const turn = { next: 0 };
  if (spec.warmupSeconds > 0) await runPhase(spec, shape, spec.warmupSeconds, turn);
  return runPhase(spec, shape, spec.durationSeconds, turn);
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
