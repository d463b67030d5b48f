import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, requireTestDatabase } from '@tickets/store/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createPrivatePostgres, requirePostgresPrograms } from './testing/private-postgres.js';
import { client, type ServerProcess, startServer } from './testing/server-process.js';
import { expectStored } from './testing/stored-tickets.js';

interface Created {
  readonly ticket_id: number;
  readonly zone_id: number;
}

/** Saves `zones` zones (limit `limit`), one technician, and service 1000 + z in each zone z. */
async function seed(baseUrl: string, zones: number, limit: number): Promise<void> {
  const api = client(baseUrl);
  expect((await api.put('/api/v1/technicians/1', { name: 'Ana' })).status).toBe(200);
  for (let zone = 1; zone <= zones; zone += 1) {
    expect(
      (await api.put(`/api/v1/zones/${zone}`, { name: `Zona ${zone}`, max_active_tickets: limit })).status,
    ).toBe(200);
    expect((await api.put(`/api/v1/services/${1000 + zone}`, { zone_id: zone })).status).toBe(200);
  }
}

interface BurstResult {
  readonly created: Created[];
  readonly refused: number;
  /** Requests that got no answer (their server was killed). */
  readonly failed: number;
  readonly other: number[];
}

/** Sends `count` creates at once, spread over the servers in turn and over the zones in turn. */
async function burst(
  servers: readonly string[],
  zones: number,
  count: number,
  onAnswer: (answered: number) => void = () => undefined,
): Promise<BurstResult> {
  let answered = 0;
  const answers = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const zone = (i % zones) + 1;
      const base = servers[i % servers.length] as string;
      try {
        const response = await fetch(`${base}/api/v1/tickets`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            service_id: 1000 + zone,
            subject: 'Falla Masiva',
            description: `Ráfaga ${i}`,
            technician_id: 1,
            zone_id: zone,
          }),
        });
        const body = (await response.json()) as { data: Created };
        answered += 1;
        onAnswer(answered);
        return { status: response.status, ticket: body.data };
      } catch {
        return { status: 0, ticket: undefined };
      }
    }),
  );
  return {
    created: answers.filter((a) => a.status === 201).map((a) => a.ticket as Created),
    refused: answers.filter((a) => a.status === 409).length,
    failed: answers.filter((a) => a.status === 0).length,
    other: answers.filter((a) => ![0, 201, 409].includes(a.status)).map((a) => a.status),
  };
}

async function zoneLoads(baseUrl: string, zones: number): Promise<number[]> {
  const api = client(baseUrl);
  const loads: number[] = [];
  for (let zone = 1; zone <= zones; zone += 1) {
    loads.push(
      (await api.get<{ active_tickets: number }>(`/api/v1/zones/${zone}/capacity`)).body.data.active_tickets,
    );
  }
  return loads;
}

const hasPostgres = requireTestDatabase();
/** The stores the tests run on, by name: SQLite always, PostgreSQL where there is one. */
const databaseKinds = [
  ...(hasPostgres ? ([['PostgreSQL', 'postgres']] as const) : []),
  ['SQLite', 'sqlite'],
] as const;

describe('several server processes on one database', () => {
  const cleanups: (() => Promise<void> | void)[] = [];

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /** The URL of a new, empty database of `kind`, dropped or deleted after the tests. */
  async function newDatabase(kind: 'postgres' | 'sqlite'): Promise<string> {
    if (kind === 'postgres') {
      const database = await createTestDatabase();
      cleanups.push(database.drop);
      return database.url;
    }
    const dir = mkdtempSync(join(tmpdir(), 'tickets-instances-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return `sqlite:${join(dir, 'tickets.db')}`;
  }

  /** `count` servers on one database, stopped after the tests. */
  async function startAll(count: number, databaseUrl: string): Promise<ServerProcess[]> {
    const servers = await Promise.all(
      Array.from({ length: count }, () => startServer({ env: { DATABASE_URL: databaseUrl } })),
    );
    cleanups.push(() => Promise.all(servers.map((s) => s.stop())).then(() => undefined));
    return servers;
  }

  it.each(
    databaseKinds.map(([name, kind]) => ({
      name,
      kind,
      ...(kind === 'postgres'
        ? { instances: 3, zones: 20, creates: 600 }
        : { instances: 2, zones: 10, creates: 500 }),
    })),
  )(
    'hold every zone to its limit across $instances instances on $name: $creates creates over $zones zones of 3',
    async ({ kind, instances, zones, creates }) => {
      const servers = await startAll(instances, await newDatabase(kind));
      await seed(servers[0]?.baseUrl as string, zones, 3);

      const result = await burst(
        servers.map((s) => s.baseUrl),
        zones,
        creates,
      );
      expect(result.other).toEqual([]);
      expect(result.failed).toBe(0);
      expect(result.created).toHaveLength(zones * 3);
      expect(result.refused).toBe(creates - zones * 3);
      expect(new Set(result.created.map((t) => t.ticket_id)).size).toBe(zones * 3);
      for (let zone = 1; zone <= zones; zone += 1) {
        expect(result.created.filter((t) => t.zone_id === zone)).toHaveLength(3);
      }
      expect(await zoneLoads(servers.at(-1)?.baseUrl as string, zones)).toEqual(Array(zones).fill(3));
    },
    120_000,
  );

  it.each(databaseKinds)(
    'keeps every acknowledged ticket when one of 3 instances is killed mid-burst (%s)',
    async (_, kind) => {
      const servers = await startAll(3, await newDatabase(kind));
      const [victim, ...survivors] = servers as [ServerProcess, ...ServerProcess[]];
      await seed(victim.baseUrl, 20, 15);

      const running = burst(
        servers.map((s) => s.baseUrl),
        20,
        600,
      );
      await new Promise((resolve) => setTimeout(resolve, 60));
      await victim.stop('SIGKILL');
      const result = await running;

      expect(result.other).toEqual([]);
      expect(result.created.length).toBeGreaterThan(0);
      const reader = client(survivors[0]?.baseUrl as string);
      await expectStored(reader, result.created);
      const loads = await zoneLoads(survivors[1]?.baseUrl as string, 20);
      for (const load of loads) expect(load).toBeLessThanOrEqual(15);
      expect(loads.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(result.created.length);
    },
    120_000,
  );

  it.each(databaseKinds)(
    'runs WEB_CONCURRENCY=3 workers on one port that hold the limit (%s)',
    async (_, kind) => {
      const server = await startServer({
        env: { DATABASE_URL: await newDatabase(kind), WEB_CONCURRENCY: '3' },
      });
      cleanups.push(() => server.stop());
      await seed(server.baseUrl, 10, 3);
      const result = await burst([server.baseUrl], 10, 300);
      expect(result.other).toEqual([]);
      expect(result.created).toHaveLength(30);
      expect(await zoneLoads(server.baseUrl, 10)).toEqual(Array(10).fill(3));
      // Three workers answered, each with its own process id in the log.
      expect(server.output().match(/listening on/g)).toHaveLength(3);
    },
    120_000,
  );
});

describe.skipIf(!requirePostgresPrograms())('a database outage under a running server', () => {
  it('answers 503 within 5 s while PostgreSQL is stopped, and serves again once it is back, without a restart', async () => {
    const postgres = await createPrivatePostgres();
    let server: ServerProcess | undefined;
    try {
      server = await startServer({ env: { DATABASE_URL: postgres.url } });
      const api = client(server.baseUrl);
      await seed(server.baseUrl, 1, 100);
      const ticket = {
        service_id: 1001,
        subject: 'Falla Masiva',
        description: 'x',
        technician_id: 1,
        zone_id: 1,
      };
      expect((await api.post('/api/v1/tickets', ticket)).status).toBe(201);

      postgres.stop('fast');
      const started = performance.now();
      const refused = await api.post('/api/v1/tickets', ticket);
      const elapsed = performance.now() - started;
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ ok: false, type: 'error', action: 'service_unavailable' });
      expect(elapsed).toBeLessThan(5_000);
      expect((await api.get('/readyz')).status).toBe(503);
      expect((await api.get('/healthz')).status).toBe(200);

      postgres.start();
      expect((await api.post('/api/v1/tickets', ticket)).status).toBe(201);
      expect((await api.get('/readyz')).status).toBe(200);
      expect(
        (await api.get<{ active_tickets: number }>('/api/v1/zones/1/capacity')).body.data.active_tickets,
      ).toBe(2);
    } finally {
      await server?.stop();
      postgres.destroy();
    }
  }, 120_000);
});
