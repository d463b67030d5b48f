import { StoreUnavailableError, type TicketStore } from '@tickets/domain';
import { createMemoryTicketStore } from '@tickets/store';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from './http-app.js';
import { createTestDesk } from './testing/desk.js';
import { declaredSchema, routes } from './testing/routes.js';

/** A memory store that can be switched off: while off, every call throws as an unreachable database does. */
function switchableStore() {
  const store = createMemoryTicketStore();
  let up = true;
  const guarded = Object.fromEntries(
    Object.entries(store).map(([name, method]) => [
      name,
      (...args: unknown[]) =>
        up
          ? (method as (...a: unknown[]) => Promise<unknown>)(...args)
          : Promise.reject(new StoreUnavailableError('connect ECONNREFUSED 127.0.0.1:5432')),
    ]),
  ) as unknown as TicketStore;
  return {
    store: guarded,
    setUp: (value: boolean) => {
      up = value;
    },
    isUp: () => up,
  };
}

function setup(checkReady?: () => Promise<void>) {
  const switchable = switchableStore();
  const desk = createTestDesk({ store: switchable.store });
  const defects: unknown[] = [];
  const app = createHttpApp({
    desk,
    checkReady:
      checkReady ?? (async () => (switchable.isUp() ? undefined : Promise.reject(new Error('store down')))),
    onDefect: (error) => defects.push(error),
  });
  return { app, defects, setUp: switchable.setUp };
}

const ticket = { service_id: 1, subject: 'Falla Masiva', description: 'Caído', technician_id: 1, zone_id: 1 };

type App = ReturnType<typeof createHttpApp>;

/** A request with a JSON body. */
const send = (app: App, method: string, path: string, body: unknown) =>
  app.request(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function seed(app: App) {
  await send(app, 'PUT', '/api/v1/zones/1', { name: 'Z' });
  await send(app, 'PUT', '/api/v1/technicians/1', { name: 'T' });
  await send(app, 'PUT', '/api/v1/services/1', { zone_id: 1 });
}

describe('when the store cannot be reached', () => {
  it('answers REST calls with a 503 service_unavailable envelope and Retry-After, then recovers', async () => {
    const { app, defects, setUp } = setup();
    await seed(app);
    setUp(false);
    const refused = await send(app, 'POST', '/api/v1/tickets', ticket);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    const body = await refused.json();
    expect(declaredSchema(routes.createTicket, 503).parse(body)).toEqual(body);
    expect(body).toMatchObject({ ok: false, type: 'error', action: 'service_unavailable', data: null });
    // The driver's words stay in the log.
    expect((body as { message: string }).message).toBe(
      'The ticket store cannot be reached right now; retry shortly',
    );
    const read = await app.request('/api/v1/tickets/1');
    expect(read.status).toBe(503);
    expect(declaredSchema(routes.getTicket, 503).parse(await read.json())).toBeTruthy();
    expect(defects).toEqual([]);

    setUp(true);
    const created = await send(app, 'POST', '/api/v1/tickets', ticket);
    expect(created.status).toBe(201);
  });

  it('answers tRPC calls with SERVICE_UNAVAILABLE, HTTP 503', async () => {
    const { app, defects, setUp } = setup();
    await seed(app);
    setUp(false);
    const response = await send(app, 'POST', '/trpc/tickets.create', ticket);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    const body = (await response.json()) as {
      error: { message: string; data: { code: string; httpStatus: number } };
    };
    expect(body.error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });
    expect(body.error.message).toBe('The ticket store cannot be reached right now; retry shortly');
    expect(defects).toEqual([]);
  });

  it('says not ready on /readyz without repeating the reason', async () => {
    const { app } = setup(async () => {
      throw new Error('password authentication failed for user "tickets"');
    });
    const refused = await (await app.request('/readyz')).json();
    expect(JSON.stringify(refused)).not.toContain('password');
    expect(refused).toMatchObject({ ok: false, action: 'service_unavailable' });
  });

  it('says not ready on /readyz while the store is down, and ready again after', async () => {
    const { app, setUp } = setup();
    expect((await app.request('/readyz')).status).toBe(200);
    setUp(false);
    const down = await app.request('/readyz');
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ ok: false, action: 'service_unavailable' });
    expect((await app.request('/healthz')).status).toBe(200);
    setUp(true);
    expect(await (await app.request('/readyz')).json()).toMatchObject({ ok: true, action: 'ready' });
  });

  it('says not ready within about two seconds when the store does not answer at all', async () => {
    const { app } = setup(() => new Promise(() => undefined));
    const started = performance.now();
    const response = await app.request('/readyz');
    expect(response.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(4_000);
  });
});
