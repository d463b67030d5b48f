import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { client, startServer } from './testing/server-process.js';
import { waitFor } from './testing/wait-for.js';

interface Outcome {
  readonly id: string;
  readonly status?: number;
  readonly error?: string;
}

/** A raw connection to the server that has written `data` (nothing, when empty). */
async function openRaw(baseUrl: string, data: string): Promise<Socket> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  if (data !== '') await new Promise<void>((resolve) => socket.write(data, () => resolve()));
  return socket;
}

function closed(socket: Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

/** One create on a connection of its own (no keep-alive), identified by its X-Request-Id. */
function createOnce(baseUrl: string, id: string): Promise<Outcome> {
  const url = new URL('/api/v1/tickets', baseUrl);
  const zone = 1 + (Number(id.split('-')[1]) % 5);
  const body = JSON.stringify({
    service_id: zone,
    subject: 'Falla Masiva',
    description: `petición ${id}`,
    technician_id: 1,
    zone_id: zone,
  });
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-request-id': id,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ id, status: res.statusCode }));
        res.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ id, error: error.code ?? error.message }),
        );
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ id, error: error.code ?? error.message }));
    req.end(body);
  });
}

describe('stopping the server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-shutdown-'));

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every request it accepted when SIGTERM comes mid-burst, then exits 0', async () => {
    const server = await startServer({
      via: 'node',
      env: { DATABASE_URL: `sqlite:${join(dir, 'tickets.db')}`, LOG_LEVEL: 'debug' },
    });
    const api = client(server.baseUrl);
    await api.put('/api/v1/technicians/1', { name: 'Ana' });
    for (let zone = 1; zone <= 5; zone += 1) {
      await api.put(`/api/v1/zones/${zone}`, { name: `Zona ${zone}`, max_active_tickets: 1000 });
    }
    await api.put('/api/v1/services/1', { zone_id: 1 });
    for (let zone = 2; zone <= 5; zone += 1) await api.put(`/api/v1/services/${zone}`, { zone_id: zone });

    let signalled = false;
    const outcomes: Promise<Outcome>[] = [];
    const started = performance.now();
    // Requests keep coming, 8 at a time, until well after the signal.
    let next = 0;
    const workers = Array.from({ length: 8 }, async () => {
      while (performance.now() - started < 1_500) {
        const outcome = createOnce(server.baseUrl, `burst-${next++}`);
        outcomes.push(outcome);
        const done = await outcome;
        if (!signalled && done.status !== undefined && next >= 150) {
          signalled = true;
          server.child.kill('SIGTERM');
        }
        if (done.error !== undefined) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    await Promise.all(workers);
    const results = await Promise.all(outcomes);
    const exitCode = await new Promise<number | null>((resolve) => {
      if (server.child.exitCode !== null) resolve(server.child.exitCode);
      else server.child.once('exit', (code) => resolve(code));
    });

    expect(signalled).toBe(true);
    expect(exitCode).toBe(0);
    // The server's own log says which requests it started and which it answered.
    const log = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { req_id?: string; msg?: string; status?: number });
    const startedIds = new Set(log.filter((l) => l.msg === 'request started').map((l) => l.req_id));
    const answeredIds = new Set(log.filter((l) => l.status !== undefined).map((l) => l.req_id));
    const burst = results.filter((r) => startedIds.has(r.id));
    expect(burst.length).toBeGreaterThan(100);
    for (const r of burst) {
      expect({ id: r.id, answered: answeredIds.has(r.id), status: r.status }).toEqual({
        id: r.id,
        answered: true,
        status: 201,
      });
    }
    // The rest were refused at the door: connection refused, never half-answered.
    const turnedAway = results.filter((r) => !startedIds.has(r.id));
    expect(turnedAway.length).toBeGreaterThan(0);
    for (const r of turnedAway) expect(r.status).toBeUndefined();
    expect(server.output()).toContain('tickets: stopped');
  }, 60_000);

  it('exits 0 within a second of SIGTERM while silent, half-sent and slow connections are open', async () => {
    const server = await startServer({
      via: 'node',
      env: { DATABASE_URL: `sqlite:${join(dir, 'idle.db')}`, LOG_LEVEL: 'debug' },
    });
    const sockets: Socket[] = [];
    try {
      // A keep-alive connection that got its answer and stays open.
      const kept = await openRaw(server.baseUrl, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      sockets.push(kept);
      await new Promise((resolve) => kept.once('data', resolve));
      const silent = [
        await openRaw(server.baseUrl, ''),
        await openRaw(server.baseUrl, 'GET /healthz HT'),
        // 10 bytes of a 1,000-byte body.
        await openRaw(
          server.baseUrl,
          'POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
            'X-Request-Id: slow-body\r\nContent-Length: 1000\r\n\r\n{"service_',
        ),
      ];
      // Read, so that each sees the server close it.
      for (const socket of silent) sockets.push(socket.resume());
      // The slow request is in the app's hands, waiting for the rest of its body.
      await waitFor(
        async () => (server.output().includes('"req_id":"slow-body"') ? true : undefined),
        5_000,
        20,
      );

      const signalled = performance.now();
      server.child.kill('SIGTERM');
      const exitCode = await new Promise<number | null>((resolve) => {
        if (server.child.exitCode !== null) resolve(server.child.exitCode);
        else server.child.once('exit', (code) => resolve(code));
      });
      const tookMs = performance.now() - signalled;

      expect(exitCode).toBe(0);
      expect(tookMs).toBeLessThan(1_500);
      expect(server.output()).toContain('tickets: stopped');
      // The server closed every one of them; none was left to time out.
      await Promise.all(sockets.map(closed));
    } finally {
      for (const socket of sockets) socket.destroy();
      await server.stop('SIGKILL');
    }
  }, 30_000);
});
