import { createMemoryTicketStore } from '@tickets/store';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from './http-app.js';
import { createTestDesk } from './testing/desk.js';

function setup() {
  const store = createMemoryTicketStore();
  const desk = createTestDesk({ store });
  return { app: createHttpApp({ desk }), store };
}

const json = { 'content-type': 'application/json' };
const ticket = { service_id: 1, subject: 'Falla Masiva', description: 'Caído', technician_id: 1, zone_id: 1 };

async function seed(app: ReturnType<typeof setup>['app']) {
  for (const [path, body] of [
    ['/api/v1/zones/1', { name: 'Centro' }],
    ['/api/v1/zones/2', { name: 'Norte' }],
    ['/api/v1/technicians/1', { name: 'Ana' }],
    ['/api/v1/services/1', { zone_id: 1 }],
    ['/api/v1/services/2', { zone_id: 2 }],
  ] as const) {
    expect(
      (await app.request(path, { method: 'PUT', headers: json, body: JSON.stringify(body) })).status,
    ).toBe(200);
  }
}

const create = (app: ReturnType<typeof setup>['app'], body: unknown, key?: string) =>
  app.request('/api/v1/tickets', {
    method: 'POST',
    headers: key === undefined ? json : { ...json, 'idempotency-key': key },
    body: JSON.stringify(body),
  });

describe('Idempotency-Key on POST /api/v1/tickets', () => {
  it('answers 20 concurrent retries of one key with the same ticket, created once', async () => {
    const { app, store } = setup();
    await seed(app);
    const responses = await Promise.all(Array.from({ length: 20 }, () => create(app, ticket, 'retry-1')));
    const bodies = await Promise.all(
      responses.map((r) => r.json() as Promise<{ data: { ticket_id: number }; meta: unknown }>),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(bodies.map((b) => b.data.ticket_id))).toEqual(new Set([1]));
    // The same answer, but that the retries say they are.
    const firstBody = bodies.find((b) => b.meta === null);
    expect(firstBody).toBeDefined();
    for (const body of bodies) {
      if (body !== firstBody) expect(body).toEqual({ ...firstBody, meta: { replayed: true } });
    }
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(19);
    expect(await store.listTickets({ limit: 50 })).toHaveLength(1);
    expect(await store.listTicketEvents(1, { limit: 10 })).toHaveLength(1);
  });

  it('refuses the same key with another body with 422 idempotency_key_reused, and creates nothing', async () => {
    const { app, store } = setup();
    await seed(app);
    expect((await create(app, ticket, 'k')).status).toBe(201);
    const reused = await create(app, { ...ticket, description: 'otra cosa' }, 'k');
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ ok: false, type: 'error', action: 'idempotency_key_reused' });
    const otherZone = await create(app, { ...ticket, service_id: 2, zone_id: 2 }, 'k');
    expect(otherZone.status).toBe(422);
    expect(await store.listTickets({ limit: 50 })).toHaveLength(1);
  });

  it('treats different keys, and no key, as different requests', async () => {
    const { app, store } = setup();
    await seed(app);
    await create(app, ticket, 'a');
    await create(app, ticket, 'b');
    await create(app, ticket);
    expect(await store.listTickets({ limit: 50 })).toHaveLength(3);
  });

  it('keeps answering with the first ticket after the zone filled up', async () => {
    const { app } = setup();
    await seed(app);
    const first = (await (await create(app, ticket, 'early')).json()) as Record<string, unknown>;
    await create(app, ticket);
    await create(app, ticket);
    expect((await create(app, ticket)).status).toBe(409);
    const retry = await create(app, ticket, 'early');
    expect(retry.status).toBe(201);
    expect(await retry.json()).toEqual({ ...first, meta: { replayed: true } });
  });

  it('refuses a malformed key with 400 naming the header', async () => {
    const { app, store } = setup();
    await seed(app);
    const response = await create(app, ticket, 'has spaces in it');
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('idempotency-key');
    expect(await store.listTickets({ limit: 50 })).toHaveLength(0);
  });

  it('works the same on tickets.create over tRPC', async () => {
    const { app, store } = setup();
    await seed(app);
    const call = () =>
      app.request('/trpc/tickets.create', {
        method: 'POST',
        headers: { ...json, 'idempotency-key': 'trpc-1' },
        body: JSON.stringify(ticket),
      });
    const answers = await Promise.all(Array.from({ length: 5 }, call));
    const bodies = await Promise.all(
      answers.map((r) => r.json() as Promise<{ result: { data: { data: { ticket_id: number } } } }>),
    );
    expect(new Set(bodies.map((b) => b.result.data.data.ticket_id))).toEqual(new Set([1]));
    const reused = await app.request('/trpc/tickets.create', {
      method: 'POST',
      headers: { ...json, 'idempotency-key': 'trpc-1' },
      body: JSON.stringify({ ...ticket, description: 'otra' }),
    });
    expect(await reused.json()).toMatchObject({
      result: { data: { ok: false, action: 'idempotency_key_reused' } },
    });
    const malformed = await app.request('/trpc/tickets.create', {
      method: 'POST',
      headers: { ...json, 'idempotency-key': ' ' },
      body: JSON.stringify(ticket),
    });
    expect(malformed.status).toBe(400);
    expect(await store.listTickets({ limit: 50 })).toHaveLength(1);
  });
});
