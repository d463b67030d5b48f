import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireFaketime } from '@tickets/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { client, repoRoot, startRefused, startServer } from './testing/server-process.js';
import { expectStored } from './testing/stored-tickets.js';

const ticketBody = (zone_id: number, service_id: number) => ({
  service_id,
  subject: 'Falla Masiva',
  description: 'Cliente reporta intermitencia en el servicio de internet',
  technician_id: 5,
  zone_id,
});

async function seed(api: ReturnType<typeof client>) {
  expect((await api.put('/api/v1/zones/2', { name: 'Centro' })).status).toBe(200);
  expect((await api.put('/api/v1/zones/3', { name: 'Norte', max_active_tickets: 5 })).status).toBe(200);
  expect((await api.put('/api/v1/technicians/5', { name: 'Ana Gómez' })).status).toBe(200);
  expect((await api.put('/api/v1/services/100', { zone_id: 2 })).status).toBe(200);
  expect((await api.put('/api/v1/services/300', { zone_id: 3 })).status).toBe(200);
}

describe('the server process, started as the README says', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-e2e-'));

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every ticket and every zone count across a restart on its SQLite file', async () => {
    const env = { DATABASE_URL: `sqlite:${join(dir, 'restart.db')}` };
    const first = await startServer({ env });
    const api = client(first.baseUrl);
    await seed(api);
    const created: unknown[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await api.post('/api/v1/tickets', ticketBody(2, 100));
      expect(response.status).toBe(201);
      created.push(response.body.data);
    }
    for (let i = 0; i < 2; i += 1)
      expect((await api.post('/api/v1/tickets', ticketBody(3, 300))).status).toBe(201);
    expect((await api.post('/api/v1/tickets', ticketBody(2, 100))).status).toBe(409);
    const listed = (await api.get('/api/v1/tickets?limit=100')).body.data;
    await first.stop('SIGTERM');
    expect(first.output()).toContain('tickets: stopped');

    const second = await startServer({ env });
    try {
      const again = client(second.baseUrl);
      await expectStored(again, created);
      expect((await again.get('/api/v1/tickets?limit=100')).body.data).toEqual(listed);
      expect((await again.get('/api/v1/zones/2/capacity')).body.data).toEqual({
        zone_id: 2,
        active_tickets: 3,
        max_tickets: 3,
        is_blocked: true,
        waiting: 0,
        overdue: 0,
      });
      expect((await again.get('/api/v1/zones/3/capacity')).body.data).toEqual({
        zone_id: 3,
        active_tickets: 2,
        max_tickets: 5,
        is_blocked: false,
        waiting: 0,
        overdue: 0,
      });
      const refused = await again.post('/api/v1/tickets', ticketBody(2, 100));
      expect(refused.status).toBe(409);
      expect(refused.body.data).toMatchObject({ zone_id: 2, active_tickets: 3, max_tickets: 3, waiting: 0 });
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('answers 60 parallel creates into a zone of limit 3 with three 201s and fifty-seven 409s', async () => {
    const server = await startServer({ env: { DATABASE_URL: `sqlite:${join(dir, 'burst.db')}` } });
    try {
      const api = client(server.baseUrl);
      await seed(api);
      const statuses = await Promise.all(
        Array.from(
          { length: 60 },
          async () => (await api.post('/api/v1/tickets', ticketBody(2, 100))).status,
        ),
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(3);
      expect(statuses.filter((s) => s === 409)).toHaveLength(57);
    } finally {
      await server.stop();
    }
  }, 60_000);

  // Under libfaketime the process's own clock reads the given time; TZ=UTC shows that the host's
  // zone plays no part. Without faketime installed (apt-get install faketime) this cannot run.
  it.skipIf(!requireFaketime())(
    'gives the worked examples with its own process in TZ=UTC (runs under faketime)',
    async () => {
      const examples = [
        ['2026-02-26 15:00:00', '2026-02-26 10:00', '2026-03-03 10:00'],
        ['2026-02-28 15:00:00', '2026-02-28 10:00', '2026-03-04 10:00'],
        ['2026-03-18 15:00:00', '2026-03-18 10:00', '2026-03-24 10:00'],
        ['2025-12-31 15:00:00', '2025-12-31 10:00', '2026-01-06 10:00'],
      ] as const;
      const results = await Promise.all(
        examples.map(async ([utc, created, due]) => {
          const server = await startServer({ env: { TZ: 'UTC', DATABASE_URL: 'memory:' }, fakeTime: utc });
          try {
            const api = client(server.baseUrl);
            await seed(api);
            const response = await api.post('/api/v1/tickets', ticketBody(2, 100));
            const { created_at, end_date } = response.body.data as { created_at: string; end_date: string };
            return { created_at, end_date, expected: { created_at: created, end_date: due } };
          } finally {
            await server.stop();
          }
        }),
      );
      for (const result of results) {
        expect({ created_at: result.created_at, end_date: result.end_date }).toEqual(result.expected);
      }
    },
    60_000,
  );

  it('migrates alone with pnpm migrate, once', () => {
    const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'migrate.db')}` };
    const migrate = () =>
      execFileSync('pnpm', ['--silent', 'migrate'], { cwd: repoRoot, env, encoding: 'utf8' });
    expect(migrate()).toContain('applied 0001_tickets');
    expect(migrate()).toContain('is up to date');
  }, 60_000);

  it('refuses a bad configuration with one line naming the variable', async () => {
    const cases = [
      [{ MAX_ACTIVE_TICKETS_PER_ZONE: 'three' }, 'MAX_ACTIVE_TICKETS_PER_ZONE'],
      [{ BUSINESS_WEEKDAYS: '' }, 'BUSINESS_WEEKDAYS must name at least one working weekday'],
      [{ HOLIDAY_COUNTRY: 'XX' }, 'HOLIDAY_COUNTRY'],
      [{ BUSINESS_TIME_ZONE: 'America/Atlantis' }, 'BUSINESS_TIME_ZONE'],
      [{ DATABASE_URL: 'mysql://localhost/tickets' }, 'DATABASE_URL'],
    ] as const;
    const results = await Promise.all(cases.map(([env]) => startRefused(env)));
    results.forEach(({ code, output }, i) => {
      const lines = output.split('\n').filter((line) => line.startsWith('tickets: configuration error:'));
      expect(code).not.toBe(0);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(cases[i]?.[1]);
    });
  }, 60_000);
});
