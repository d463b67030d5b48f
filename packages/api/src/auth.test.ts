import { createMemoryTicketStore } from '@tickets/store';
import { describe, expect, it } from 'vitest';
import { allows, createAuthenticator } from './auth.js';
import { createHttpApp, type RequestLogger } from './http-app.js';
import { createTestDesk } from './testing/desk.js';

const TICKETS_KEY = 'crm-0123456789abcdef';
const ADMIN_KEY = 'ops-fedcba9876543210';

function setup(withKeys = true) {
  const store = createMemoryTicketStore();
  const desk = createTestDesk({ store });
  const lines: object[] = [];
  const logger: RequestLogger = {
    debug: () => undefined,
    info: (fields) => lines.push(fields),
    error: (fields) => lines.push(fields),
  };
  const app = createHttpApp({
    desk,
    logger,
    authenticator: createAuthenticator(
      withKeys
        ? [
            { name: 'crm', key: TICKETS_KEY, scope: 'tickets' },
            { name: 'ops', key: ADMIN_KEY, scope: 'admin' },
          ]
        : [],
    ),
    corsOrigins: ['https://console.example.com'],
  });
  const call = async (method: string, path: string, key?: string, body?: unknown, scheme = 'Api-Key') => {
    const headers: Record<string, string> = {};
    if (key !== undefined) headers.authorization = `${scheme} ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await app.request(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  };
  return { app, call, lines, store };
}

const ticket = { service_id: 1, subject: 'Falla Masiva', description: 'Caído', technician_id: 1, zone_id: 1 };

async function seed(call: ReturnType<typeof setup>['call']) {
  expect((await call('PUT', '/api/v1/zones/1', ADMIN_KEY, { name: 'Centro' })).status).toBe(200);
  expect((await call('PUT', '/api/v1/technicians/1', ADMIN_KEY, { name: 'Ana' })).status).toBe(200);
  expect((await call('PUT', '/api/v1/services/1', ADMIN_KEY, { zone_id: 1 })).status).toBe(200);
}

describe('the authenticator', () => {
  const authenticator = createAuthenticator([{ name: 'crm', key: TICKETS_KEY, scope: 'tickets' }]);

  it('accepts Api-Key and Bearer, in any letter case, and nothing else', () => {
    expect(authenticator.identify(`Api-Key ${TICKETS_KEY}`)).toEqual({ name: 'crm', scope: 'tickets' });
    expect(authenticator.identify(`bearer ${TICKETS_KEY}`)).toEqual({ name: 'crm', scope: 'tickets' });
    expect(authenticator.identify(TICKETS_KEY)).toBeUndefined();
    expect(authenticator.identify(`Basic ${TICKETS_KEY}`)).toBeUndefined();
    expect(authenticator.identify(`Api-Key ${TICKETS_KEY}x`)).toBeUndefined();
    expect(authenticator.identify(`Api-Key ${TICKETS_KEY.slice(0, -1)}`)).toBeUndefined();
    expect(authenticator.identify(undefined)).toBeUndefined();
  });

  it('lets admin do everything and tickets only tickets', () => {
    expect([allows('admin', 'admin'), allows('admin', 'tickets'), allows('tickets', 'tickets')]).toEqual([
      true,
      true,
      true,
    ]);
    expect(allows('tickets', 'admin')).toBe(false);
  });
});

describe('API keys over REST', () => {
  it('answers 401 unauthorized without a key or with a wrong one, and 403 forbidden for the wrong scope', async () => {
    const { call } = setup();
    const none = await call('GET', '/api/v1/tickets');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ ok: false, type: 'error', action: 'unauthorized', data: null });
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await call('GET', '/api/v1/tickets', 'not-a-configured-key')).status).toBe(401);
    const forbidden = await call('PUT', '/api/v1/zones/1', TICKETS_KEY, { name: 'Centro' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ ok: false, action: 'forbidden' });
    expect((await call('GET', '/api/v1/zones', TICKETS_KEY)).status).toBe(403);
    expect((await call('GET', '/api/v1/services', TICKETS_KEY)).status).toBe(403);
  });

  it('lets a tickets key create, read and update tickets, read subjects and zone capacity', async () => {
    const { call } = setup();
    await seed(call);
    const created = await call('POST', '/api/v1/tickets', TICKETS_KEY, ticket);
    expect(created.status).toBe(201);
    expect((await call('GET', '/api/v1/tickets/1', TICKETS_KEY, undefined, 'Bearer')).status).toBe(200);
    expect((await call('GET', '/api/v1/tickets', TICKETS_KEY)).status).toBe(200);
    expect((await call('PATCH', '/api/v1/tickets/1', TICKETS_KEY, { status: 3 })).status).toBe(200);
    expect((await call('GET', '/api/v1/tickets/1/history', TICKETS_KEY)).status).toBe(200);
    expect((await call('GET', '/api/v1/tickets/subjects', TICKETS_KEY)).status).toBe(200);
    expect((await call('GET', '/api/v1/zones/1/capacity', TICKETS_KEY)).status).toBe(200);
    expect((await call('GET', '/api/v1/tickets/zone-blocked/1', TICKETS_KEY)).status).toBe(200);
  });

  it("takes a key in X-API-Key, as the reference middleware's clients send it", async () => {
    const { app } = setup();
    const withHeader = (key: string) => app.request('/api/v1/tickets', { headers: { 'X-API-Key': key } });
    expect((await withHeader(TICKETS_KEY)).status).toBe(200);
    expect((await withHeader('not-a-configured-key')).status).toBe(401);
    const trpc = await app.request('/trpc/tickets.subjects', { headers: { 'x-api-key': TICKETS_KEY } });
    expect(trpc.status).toBe(200);
  });

  it('guards /metrics like an admin operation when a registry is given', async () => {
    const app = createHttpApp({
      desk: createTestDesk(),
      authenticator: createAuthenticator([
        { name: 'ops', key: ADMIN_KEY, scope: 'admin' },
        { name: 'bot', key: TICKETS_KEY, scope: 'tickets' },
      ]),
      metrics: {
        observe: () => undefined,
        scrape: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'up 1\n' }),
      },
    });
    expect((await app.request('/metrics')).status).toBe(401);
    expect((await app.request('/metrics', { headers: { 'X-API-Key': TICKETS_KEY } })).status).toBe(403);
    const scraped = await app.request('/metrics', { headers: { Authorization: `Api-Key ${ADMIN_KEY}` } });
    expect([scraped.status, await scraped.text()]).toEqual([200, 'up 1\n']);
  });

  it('lets an admin key do everything', async () => {
    const { call } = setup();
    await seed(call);
    expect((await call('POST', '/api/v1/tickets', ADMIN_KEY, ticket)).status).toBe(201);
    for (const path of ['/api/v1/zones', '/api/v1/technicians', '/api/v1/services', '/api/v1/tickets']) {
      expect((await call('GET', path, ADMIN_KEY)).status).toBe(200);
    }
  });

  it('writes nothing for a refused key', async () => {
    const { call, store } = setup();
    await seed(call);
    expect((await call('POST', '/api/v1/tickets', undefined, ticket)).status).toBe(401);
    expect((await call('PUT', '/api/v1/zones/2', TICKETS_KEY, { name: 'Norte' })).status).toBe(403);
    expect(await store.listTickets({ limit: 10 })).toEqual([]);
    expect(await store.getZone(2)).toBeUndefined();
  });

  it('keeps /healthz and /readyz open', async () => {
    const { app } = setup();
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/readyz')).status).toBe(200);
  });

  it('records the key name of who made each change in the history', async () => {
    const { call } = setup();
    await seed(call);
    await call('POST', '/api/v1/tickets', TICKETS_KEY, ticket);
    await call('PATCH', '/api/v1/tickets/1', ADMIN_KEY, { status: 3, answer_text: 'Listo' });
    await call('PUT', '/api/v1/technicians/9', ADMIN_KEY, { name: 'Marta Ríos' });
    expect((await call('PATCH', '/api/v1/tickets/1', TICKETS_KEY, { technician_id: 9 })).status).toBe(200);
    const history = await call('GET', '/api/v1/tickets/1/history', TICKETS_KEY);
    const events = (history.body.data as { events: { kind: string; actor: string }[] }).events;
    expect(events.map((e) => [e.kind, e.actor])).toEqual([
      ['created', 'crm'],
      ['status_changed', 'ops'],
      ['answered', 'ops'],
      ['technician_changed', 'crm'],
    ]);
  });

  it('is open, with anonymous changes, when no key is configured', async () => {
    const { call } = setup(false);
    await seed(call);
    expect((await call('POST', '/api/v1/tickets', undefined, ticket)).status).toBe(201);
    const history = await call('GET', '/api/v1/tickets/1/history');
    expect((history.body.data as { events: { actor: null }[] }).events[0]?.actor).toBeNull();
  });
});

describe('API keys over tRPC', () => {
  const trpc = async (app: ReturnType<typeof setup>['app'], path: string, key?: string, body?: unknown) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key !== undefined) headers.authorization = `Api-Key ${key}`;
    const response = await app.request(`/trpc/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as { error?: { data: { code: string } } },
    };
  };

  it('answers 401 without a key, 403 for the wrong scope, and works with the right key', async () => {
    const { app, call } = setup();
    await seed(call);
    const none = await trpc(app, 'tickets.create', undefined, ticket);
    expect(none.status).toBe(401);
    expect(none.body.error?.data.code).toBe('UNAUTHORIZED');
    expect((await trpc(app, 'tickets.create', 'wrong-key-0123456789', ticket)).status).toBe(401);
    const forbidden = await trpc(app, 'zones.save', TICKETS_KEY, { zone_id: 2, name: 'Norte' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error?.data.code).toBe('FORBIDDEN');
    expect((await trpc(app, 'tickets.create', TICKETS_KEY, ticket)).status).toBe(200);
    expect((await trpc(app, 'zones.save', ADMIN_KEY, { zone_id: 2, name: 'Norte' })).status).toBe(200);
    expect(
      (await trpc(app, `zones.capacity?input=${encodeURIComponent('{"zone_id":1}')}`, TICKETS_KEY)).status,
    ).toBe(200);
  });
});

describe('request logs', () => {
  it('logs one line per request with its method, path, status, duration and request id, echoed back', async () => {
    const { app, lines } = setup();
    const response = await app.request('/api/v1/tickets?zone_id=1', {
      headers: { authorization: `Api-Key ${TICKETS_KEY}`, 'x-request-id': 'chatbot-42' },
    });
    expect(response.headers.get('x-request-id')).toBe('chatbot-42');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      req_id: 'chatbot-42',
      method: 'GET',
      path: '/api/v1/tickets',
      status: 200,
      caller: 'crm',
    });
    expect(typeof (lines[0] as { duration_ms: unknown }).duration_ms).toBe('number');
  });

  it('makes up a request id when the client sends none or a malformed one', async () => {
    const { app, lines } = setup();
    const response = await app.request('/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines[0]).toMatchObject({ req_id: id });
  });

  it('never logs a key or a request body', async () => {
    const { call, lines } = setup();
    await seed(call);
    await call('POST', '/api/v1/tickets', TICKETS_KEY, { ...ticket, description: 'secreto del cliente' });
    await call('GET', '/api/v1/tickets', 'wrong-key-that-is-long');
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(TICKETS_KEY);
    expect(logged).not.toContain(ADMIN_KEY);
    expect(logged).not.toContain('wrong-key-that-is-long');
    expect(logged).not.toContain('secreto del cliente');
  });
});

describe('CORS', () => {
  it('allows a named browser origin, with the headers a frontend needs, and no other origin', async () => {
    const { app } = setup();
    const preflight = await app.request('/api/v1/tickets', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://console.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,idempotency-key',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
    const other = await app.request('/api/v1/tickets', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const trpc = await app.request('/trpc/tickets.subjects', {
      headers: { origin: 'https://console.example.com', authorization: `Api-Key ${TICKETS_KEY}` },
    });
    expect(trpc.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
  });
});
