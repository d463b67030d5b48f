import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from './testing/server-process.js';

const MB = 1024 * 1024;

/** The resident memory of a process, from /proc (Linux). */
function rssOf(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

function get(path: string, requestId?: string): string {
  const id = requestId === undefined ? '' : `X-Request-Id: ${requestId}\r\n`;
  return `GET ${path} HTTP/1.1\r\nHost: x\r\n${id}\r\n`;
}

/** A raw connection that has written `requests` at once, pipelined, and reads nothing. */
function pipeline(baseUrl: string, requests: string): Socket {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  socket.write(requests);
  return socket;
}

/** How long /healthz takes to answer 200, or Infinity when it does not within 5 s. */
async function healthzMs(baseUrl: string): Promise<number> {
  const started = performance.now();
  try {
    const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return response.status === 200 ? performance.now() - started : Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function closed(socket: Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

describe('clients that pipeline requests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-pipelining-'));
  let server: ServerProcess;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    server = await startServer({ via: 'node', env: { DATABASE_URL: `sqlite:${join(dir, 't.db')}` } });
  }, 30_000);

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.destroy();
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 15_000);

  it('keeps memory bounded and answers others while 40 connections pipeline without reading', async () => {
    const pid = server.child.pid;
    if (pid === undefined) throw new Error('the server has no pid');
    // The document is built on its first request, and kept.
    expect((await fetch(`${server.baseUrl}/openapi.json`)).status).toBe(200);
    const baseline = rssOf(pid);

    // 40 x 2,000 requests for an 80 KB document: 6.4 GB of answers nobody reads.
    for (let i = 0; i < 40; i += 1)
      sockets.push(pipeline(server.baseUrl, get('/openapi.json').repeat(2_000)));
    let peak = baseline;
    const waits: number[] = [];
    const started = performance.now();
    while (performance.now() - started < 8_000) {
      waits.push(await healthzMs(server.baseUrl));
      peak = Math.max(peak, rssOf(pid));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const growthMb = Math.round((peak - baseline) / MB);
    const slowestMs = Math.round(Math.max(...waits));
    const summary =
      `RSS ${Math.round(baseline / MB)} MB, then up to ${Math.round(peak / MB)} MB; ` +
      `slowest /healthz ${slowestMs} ms`;
    // Without back-pressure: 748 MB (every request answered into memory), /healthz unanswered for 5 s.
    expect(growthMb, summary).toBeLessThan(200);
    // Node parses each connection's first 64 KB read (1,500 requests) at once; measured 0.6 to 1.3 s
    // on a quiet machine, 2.0 to 3.5 s with the full suite or other work on both cores. Without
    // back-pressure it goes unanswered for 5 s.
    expect(slowestMs, summary).toBeLessThan(4_000);
    expect(waits.length).toBeGreaterThan(20);

    for (const socket of sockets) socket.destroy();
    expect(await healthzMs(server.baseUrl)).toBeLessThan(5_000);
  }, 30_000);

  it('closes a connection that pipelines 2,000 requests at once, far ahead of its answers', async () => {
    const socket = pipeline(server.baseUrl, get('/healthz').repeat(2_000));
    sockets.push(socket);
    await closed(socket);
    expect(await healthzMs(server.baseUrl)).toBeLessThan(1_000);
  }, 10_000);

  it('answers in order every request of a client that pipelines 200 and reads the answers', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `p-${i}`);
    const socket = pipeline(server.baseUrl, ids.map((id) => get('/healthz', id)).join(''));
    sockets.push(socket);
    let received = '';
    const answered = () => [...received.matchAll(/^x-request-id: (p-\d+)\r$/gim)].map((m) => m[1]);
    await new Promise<void>((resolve, reject) => {
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        if (answered().length >= ids.length) resolve();
      });
      socket.once('close', () => reject(new Error(`closed after ${answered().length} answers`)));
    });
    expect(answered()).toEqual(ids);
    expect(received.match(/HTTP\/1\.1 200 /g)?.length).toBe(ids.length);
  }, 10_000);
});
