import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestDatabase,
  requirePsql,
  requireTestDatabase,
  testDatabaseUrl,
} from '@tickets/store/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { client, type ServerProcess, startServer } from './testing/server-process.js';
import { mountSmallDisk, requireSmallDisk } from './testing/small-disk.js';
import { holdWriteLock } from './testing/sqlite-lock.js';
import { startTcpProxy } from './testing/tcp-proxy.js';
import { waitFor } from './testing/wait-for.js';

const TICKET = {
  service_id: 1,
  subject: 'Falla Masiva',
  description: 'x',
  technician_id: 1,
  zone_id: 1,
};

interface Timed {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly message: string;
  readonly ms: number;
}

/** One create, timed; status 0 when it got no answer within `limitMs` or no answer at all. */
async function create(baseUrl: string, limitMs = 10_000, description = 'x'): Promise<Timed> {
  const started = performance.now();
  try {
    const response = await fetch(`${baseUrl}/api/v1/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...TICKET, description }),
      signal: AbortSignal.timeout(limitMs),
    });
    const body = (await response.json()) as { message: string | null };
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      message: body.message ?? '',
      ms: performance.now() - started,
    };
  } catch (error) {
    return { status: 0, retryAfter: null, message: String(error), ms: performance.now() - started };
  }
}

/** A zone of limit 100000, technician 1 and service 1 in zone 1. */
async function seed(baseUrl: string): Promise<void> {
  const api = client(baseUrl);
  expect((await api.put('/api/v1/zones/1', { name: 'Z', max_active_tickets: 100_000 })).status).toBe(200);
  expect((await api.put('/api/v1/technicians/1', { name: 'T' })).status).toBe(200);
  expect((await api.put('/api/v1/services/1', { zone_id: 1 })).status).toBe(200);
}

/** Runs SQL on the test server as its administrator, with psql. */
function admin(statement: string): string {
  return execFileSync('psql', [testDatabaseUrl, '-v', 'ON_ERROR_STOP=1', '-Atc', statement], {
    encoding: 'utf8',
  }).trim();
}

/** Ends every session that `where` selects in pg_stat_activity, and waits until they are gone. */
async function endSessions(where: string): Promise<void> {
  admin(`select pg_terminate_backend(pid) from pg_stat_activity where ${where}`);
  await waitFor(async () =>
    admin(`select count(*) from pg_stat_activity where ${where}`) === '0' ? true : undefined,
  );
}

const databaseName = (url: string) => new URL(url).pathname.slice(1);

/** Three creates in a row, each answered 503 with Retry-After within 5 s; returns the last message. */
async function refusedThrice(baseUrl: string): Promise<string> {
  const answers = [await create(baseUrl), await create(baseUrl), await create(baseUrl)];
  for (const answer of answers) {
    expect(answer).toMatchObject({ status: 503, retryAfter: '5' });
    expect(answer.ms).toBeLessThan(5_000);
  }
  return answers[2]?.message ?? '';
}

/**
 * Expects the server to give `reason` for a refusal: in the answer's message, or in its log, where
 * the API may keep the driver's words instead (written asynchronously, so perhaps a moment later).
 */
async function expectReason(server: ServerProcess, message: string, reason: RegExp): Promise<void> {
  const said = () => `${message}\n${server.output()}`;
  await waitFor(async () => (reason.test(said()) ? true : undefined), 3_000).catch(() => undefined);
  expect(said()).toMatch(reason);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const hasPostgres = requireTestDatabase() && requirePsql();

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(!hasPostgres)('PostgreSQL connections cut under a running server', () => {
  it('keeps the process up through dropped connections, answering 201 or 503, and creates again without a restart', async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const target = new URL(testDatabaseUrl);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    cleanups.push(() => proxy.close());
    const proxied = new URL(database.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const server: ServerProcess = await startServer({
      via: 'node',
      env: { DATABASE_URL: proxied.toString() },
    });
    cleanups.push(() => server.stop());
    await seed(server.baseUrl);

    const answers: Timed[] = [];
    let running = true;
    const clients = Array.from({ length: 8 }, async () => {
      while (running) answers.push(await create(server.baseUrl, 6_000));
    });
    let cut = 0;
    for (let drop = 0; drop < 6; drop += 1) {
      await sleep(400);
      cut += proxy.drop(drop % 2 === 0 ? 'close' : 'reset');
    }
    await sleep(400);
    running = false;
    await Promise.all(clients);

    expect(server.child.exitCode, server.output()).toBeNull();
    expect(server.output()).not.toMatch(/Unhandled 'error' event/);
    expect(cut).toBeGreaterThan(0);
    const statuses = new Set(answers.map((a) => a.status));
    expect([...statuses].filter((status) => status !== 201 && status !== 503)).toEqual([]);
    expect(answers.filter((a) => a.status === 503).every((a) => a.retryAfter !== null)).toBe(true);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(6_000);
    expect(answers.filter((a) => a.status === 503).length).toBeGreaterThan(0);

    expect((await create(server.baseUrl)).status).toBe(201);
    expect((await client(server.baseUrl).get('/readyz')).status).toBe(200);
  }, 60_000);
});

describe.skipIf(!hasPostgres)('a PostgreSQL database that refuses connections under a running server', () => {
  async function serve(url: string): Promise<ServerProcess> {
    const server = await startServer({ via: 'node', env: { DATABASE_URL: url } });
    cleanups.push(() => server.stop());
    await seed(server.baseUrl);
    expect((await create(server.baseUrl)).status).toBe(201);
    return server;
  }

  it('answers 503 while the database does not allow connections (55000), and creates again once it does', async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const name = databaseName(database.url);
    const server = await serve(database.url);
    const api = client(server.baseUrl);

    admin(`alter database ${name} allow_connections false`);
    await endSessions(`datname = '${name}'`);
    await expectReason(server, await refusedThrice(server.baseUrl), /is not currently accepting connections/);
    expect((await api.get('/readyz')).status).toBe(503);

    admin(`alter database ${name} allow_connections true`);
    expect((await create(server.baseUrl)).status).toBe(201);
    expect((await api.get('/readyz')).status).toBe(200);
  }, 60_000);

  it('answers 503 while its role may not log in (28000), and creates again once it may', async () => {
    const role = `tickets_role_${process.pid}_${randomBytes(4).toString('hex')}`;
    admin(`create role ${role} login`);
    cleanups.push(() => admin(`drop role if exists ${role}`));
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const name = databaseName(database.url);
    admin(`alter database ${name} owner to ${role}`);
    const url = new URL(database.url);
    url.username = role;
    const server = await serve(url.toString());
    const api = client(server.baseUrl);

    admin(`alter role ${role} nologin`);
    await endSessions(`usename = '${role}'`);
    await expectReason(server, await refusedThrice(server.baseUrl), /is not permitted to log in/);
    expect((await api.get('/readyz')).status).toBe(503);

    admin(`alter role ${role} login`);
    expect((await create(server.baseUrl)).status).toBe(201);
    expect((await api.get('/readyz')).status).toBe(200);
  }, 60_000);

  it('answers 503, and stays up, once its database has been dropped (3D000)', async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const server = await serve(database.url);
    const api = client(server.baseUrl);

    await database.drop();
    await expectReason(server, await refusedThrice(server.baseUrl), /does not exist/);
    expect((await api.get('/readyz')).status).toBe(503);
    expect((await api.get('/healthz')).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
  }, 60_000);
});

describe('SQLite under a running server', () => {
  it('answers every create within SQLITE_BUSY_TIMEOUT_MS with 503 while another process holds the write lock, and creates once it lets go', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickets-busy-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'tickets.db');
    const server = await startServer({
      via: 'node',
      env: { DATABASE_URL: `sqlite:${path}`, SQLITE_BUSY_TIMEOUT_MS: '1000' },
    });
    cleanups.push(() => server.stop());
    await seed(server.baseUrl);
    expect((await create(server.baseUrl)).status).toBe(201);

    const lock = holdWriteLock(path);
    let answers: Timed[];
    try {
      // The second wave arrives while the first is still waiting for the lock.
      const first = Array.from({ length: 10 }, () => create(server.baseUrl));
      await sleep(500);
      const second = Array.from({ length: 10 }, () => create(server.baseUrl));
      answers = await Promise.all([...first, ...second]);
    } finally {
      lock.release();
    }
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 503, retryAfter: '5' });
      expect(answer.ms).toBeGreaterThanOrEqual(1_000);
      expect(answer.ms).toBeLessThan(1_500);
    }
    expect((await create(server.baseUrl)).status).toBe(201);
  }, 60_000);

  it.skipIf(!requireSmallDisk())(
    'answers 503 while its disk is full, with /readyz red, and serves and is ready again once space is freed',
    async () => {
      const disk = mountSmallDisk(4 * 1024 * 1024);
      if (disk === undefined) throw new Error('could not mount a tmpfs');
      cleanups.push(() => disk.unmount());
      const server = await startServer({
        via: 'node',
        env: { DATABASE_URL: `sqlite:${disk.dir}/tickets.db` },
      });
      cleanups.push(() => server.stop());
      const api = client(server.baseUrl);
      await seed(server.baseUrl);
      expect((await create(server.baseUrl)).status).toBe(201);

      disk.fill();
      const answers: Timed[] = [];
      for (let i = 0; i < 200 && answers.at(-1)?.status !== 503; i += 1) {
        answers.push(await create(server.baseUrl, 10_000, 'x'.repeat(5_000)));
      }
      expect(answers.filter((a) => a.status !== 201 && a.status !== 503)).toEqual([]);
      const refused = answers.at(-1);
      expect(refused).toMatchObject({ status: 503, retryAfter: '5' });
      await expectReason(server, refused?.message ?? '', /disk is full/);
      // A refusal is not a one-off: the next creates are refused too, and readiness says so.
      expect((await create(server.baseUrl, 10_000, 'x'.repeat(5_000))).status).toBe(503);
      expect((await api.get('/readyz')).status).toBe(503);
      expect((await api.get('/healthz')).status).toBe(200);
      expect((await api.get('/api/v1/tickets/1')).status).toBe(200);

      disk.free();
      expect((await api.get('/readyz')).status).toBe(200);
      expect((await create(server.baseUrl)).status).toBe(201);
      expect((await api.get('/readyz')).status).toBe(200);
    },
    60_000,
  );
});
