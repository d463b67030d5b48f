import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, requireTestDatabase } from '@tickets/store/testing';
import { createWispHubSimulator } from '@tickets/wisphub-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from './testing/server-process.js';

const ADMIN = 'ops-0123456789abcdef';
const BOT = 'bot-fedcba9876543210';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function sqliteUrl(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-metrics-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return `sqlite:${join(dir, 't.db')}`;
}

async function call(baseUrl: string, method: string, path: string, body?: unknown) {
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Api-Key ${ADMIN}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** The value of one sample of the exposition, e.g. `tickets_created_total` or `x{a="b"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function seed(baseUrl: string, limit = 2) {
  await call(baseUrl, 'PUT', '/api/v1/zones/1', { name: 'Centro', max_active_tickets: limit });
  await call(baseUrl, 'PUT', '/api/v1/technicians/1', { name: 'Ana' });
  await call(baseUrl, 'PUT', '/api/v1/services/1', { zone_id: 1 });
}

const create = (baseUrl: string) =>
  call(baseUrl, 'POST', '/api/v1/tickets', {
    service_id: 1,
    zone_id: 1,
    technician_id: 1,
    subject: 'Falla Masiva',
    description: 'x',
  });

describe('GET /metrics', () => {
  it('counts requests by route, creates admitted and refused, and the outbox, for an admin key only', async () => {
    const sim = createWispHubSimulator({ clients: 5, zones: 1, technicians: 1 });
    const { url } = await sim.start();
    cleanups.push(() => sim.close());
    // WispHub refuses every create for now, so deliveries wait.
    sim.setFault({ kind: 'status', status: 503, match: { method: 'POST' } });
    const server = await startServer({
      via: 'node',
      env: {
        DATABASE_URL: sqliteUrl(),
        API_KEYS: `ops:${ADMIN}:admin,bot:${BOT}:tickets`,
        WISPHUB_URL: url,
        WISPHUB_API_KEY: sim.apiKey,
        WISPHUB_SYNC_SECONDS: '1',
        WISPHUB_REFERENCE_SYNC_SECONDS: '3600',
      },
    });
    cleanups.push(() => server.stop());
    await seed(server.baseUrl);
    expect((await create(server.baseUrl)).status).toBe(201);
    expect((await create(server.baseUrl)).status).toBe(201);
    expect((await create(server.baseUrl)).status).toBe(409);

    expect((await fetch(`${server.baseUrl}/metrics`)).status).toBe(401);
    const forbidden = await fetch(`${server.baseUrl}/metrics`, { headers: { 'x-api-key': BOT } });
    expect(forbidden.status).toBe(403);
    const scraped = await fetch(`${server.baseUrl}/metrics`, {
      headers: { authorization: `Api-Key ${ADMIN}` },
    });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await scraped.text();
    expect(sample(text, 'http_requests_total{method="POST",route="/api/v1/tickets",status="201"}')).toBe(2);
    expect(sample(text, 'http_requests_total{method="POST",route="/api/v1/tickets",status="409"}')).toBe(1);
    expect(sample(text, 'tickets_created_total')).toBe(2);
    expect(sample(text, 'tickets_refused_total{reason="zone_full"}')).toBe(1);
    expect(
      sample(text, 'http_request_duration_seconds_count{method="POST",route="/api/v1/tickets",status="201"}'),
    ).toBe(2);
    expect(sample(text, 'outbox_pending{channel="wisphub"}')).toBe(2);
    expect(sample(text, 'outbox_oldest_pending_age_seconds{channel="wisphub"}')).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toContain('store_errors_total');
  }, 60_000);

  it.skipIf(!requireTestDatabase())(
    "reports the PostgreSQL pool, and every worker's requests with WEB_CONCURRENCY=2",
    async () => {
      const database = await createTestDatabase();
      cleanups.push(database.drop);
      const server = await startServer({
        via: 'node',
        env: { DATABASE_URL: database.url, WEB_CONCURRENCY: '2', API_KEYS: `ops:${ADMIN}:admin` },
      });
      cleanups.push(() => server.stop());
      await seed(server.baseUrl, 1000);
      for (let i = 0; i < 20; i += 1) expect((await create(server.baseUrl)).status).toBe(201);
      const text = await (await call(server.baseUrl, 'GET', '/metrics')).text();
      // Counted by whichever worker answered, summed over both.
      expect(sample(text, 'http_requests_total{method="POST",route="/api/v1/tickets",status="201"}')).toBe(
        20,
      );
      expect(sample(text, 'tickets_created_total')).toBe(20);
      expect(text).toMatch(/^pg_pool_connections\{state="idle"\} \d+/m);
      expect(text).toMatch(/^pg_pool_connections\{state="waiting"\} 0/m);
    },
    60_000,
  );
});
