import type { RouteConfig } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../http-app.js';
import { apiFixture, seedDirectory, ticketIn } from '../testing/api-fixture.js';
import { describeBehaviour } from '../testing/behaviour-suite.js';
import {
  ENVELOPE_KEYS,
  JSON_HEADERS,
  type RestAnswer,
  restClient,
  restTransport,
} from '../testing/rest-transport.js';
import { declaredRoutes, declaredSchema } from '../testing/routes.js';
import type { TicketView } from '../views.js';

describeBehaviour('REST', restTransport);

// What only REST has: HTTP statuses and headers, bodies as bytes, paths, unknown routes.

/** The seeded fixture, with a REST client that checks every answer against the route's schema. */
async function seeded() {
  const fixture = apiFixture();
  await seedDirectory(fixture.desk);
  const api = restClient(fixture);
  /** Makes a request that must be refused, and checks that it wrote nothing. */
  async function refused<D>(call: () => Promise<RestAnswer<D>>): Promise<RestAnswer<D>> {
    const answer = await fixture.unchanged(call);
    expect(answer.body.ok).toBe(false);
    return answer;
  }
  /** Opens a ticket, which must be created. */
  async function createTicket(zone: number): Promise<TicketView> {
    const { status, body } = await api.send<TicketView>('POST', '/api/v1/tickets', ticketIn(zone));
    expect(status).toBe(201);
    return body.data;
  }
  return { ...fixture, api, refused, createTicket };
}

/** A body that streams in chunks, so the request has no Content-Length. */
function streamOf(text: string, chunk = 16 * 1024): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
}

const streamed = (text: string, headers: Record<string, string> = JSON_HEADERS): RequestInit =>
  ({ headers, body: streamOf(text), duplex: 'half' }) as RequestInit;

const overLimit = (zone: number) =>
  JSON.stringify(ticketIn(zone, { description: 'x'.repeat(MAX_BODY_BYTES) }));

describe('POST /api/v1/tickets bodies', () => {
  it('accepts a Content-Type that names a charset', async () => {
    const { api } = await seeded();
    const { status } = await api.send('POST', '/api/v1/tickets', ticketIn(1), {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(status).toBe(201);
  });

  it('accepts a streamed body of unknown length under the limit', async () => {
    const { api } = await seeded();
    // Several chunks: a long description and whitespace after the JSON, 60 000 bytes in all.
    const text = JSON.stringify(ticketIn(1, { description: 'y'.repeat(10_000) })).padEnd(60_000, ' ');
    const { status, body } = await api.request<TicketView>('POST', '/api/v1/tickets', streamed(text));
    expect(status).toBe(201);
    expect(body.data.description).toHaveLength(10_000);
  });

  it.each([
    { what: 'malformed JSON', text: '{"service_id": 1,' },
    { what: 'an empty body', text: '' },
  ])('refuses $what with 400 naming the body', async ({ text }) => {
    const { api, refused } = await seeded();
    const answer = await refused(() => api.send('POST', '/api/v1/tickets', text));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      ok: false,
      type: 'error',
      action: 'ticket_creation_failed',
      message: 'body: malformed JSON',
      meta: { errors: [{ field: 'body', code: 'malformed_json', message: 'malformed JSON' }] },
    });
  });

  it.each([
    { what: 'text/plain', headers: { 'content-type': 'text/plain' } },
    { what: 'form data', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
  ])('refuses a body sent as $what with a 415 envelope', async ({ headers }) => {
    const { api, refused } = await seeded();
    const answer = await refused(() => api.send('POST', '/api/v1/tickets', ticketIn(1), headers));
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({
      ok: false,
      type: 'error',
      action: 'ticket_creation_failed',
      meta: { errors: [{ field: 'body', code: 'unsupported_media_type' }] },
    });
  });

  it('refuses a streamed body without a Content-Type with a 415 envelope', async () => {
    const { api, refused } = await seeded();
    const answer = await refused(() =>
      api.request('POST', '/api/v1/tickets', streamed(JSON.stringify(ticketIn(1)), {})),
    );
    expect(answer.status).toBe(415);
  });

  it('refuses a body over 64 KB that declares its Content-Length with 413', async () => {
    const { api, refused } = await seeded();
    const text = overLimit(1);
    const answer = await refused(() =>
      api.request('POST', '/api/v1/tickets', {
        headers: { ...JSON_HEADERS, 'content-length': String(new TextEncoder().encode(text).length) },
        body: text,
      }),
    );
    expect([answer.status, answer.body.action, answer.body.message]).toEqual([
      413,
      'payload_too_large',
      'body: larger than 65536 bytes',
    ]);
  });

  it('refuses a chunked body of unknown length once it passes 64 KB with 413', async () => {
    const { api, refused } = await seeded();
    const answer = await refused(() => api.request('POST', '/api/v1/tickets', streamed(overLimit(1))));
    expect(answer.status).toBe(413);
    expect(answer.body.action).toBe('payload_too_large');
  });

  it.each([
    { how: 'with a Content-Length', streamedBody: false },
    { how: 'streamed', streamedBody: true },
  ])('accepts a body of exactly 64 KB sent $how', async ({ streamedBody }) => {
    const { api } = await seeded();
    // JSON allows trailing whitespace, which fills the body up to the limit.
    const text = JSON.stringify(ticketIn(3, { description: 'z'.repeat(10_000) })).padEnd(MAX_BODY_BYTES, ' ');
    expect(new TextEncoder().encode(text).length).toBe(MAX_BODY_BYTES);
    const init = streamedBody
      ? streamed(text)
      : { headers: { ...JSON_HEADERS, 'content-length': String(MAX_BODY_BYTES) }, body: text };
    expect((await api.request('POST', '/api/v1/tickets', init)).status).toBe(201);
  });
});

describe('PATCH and PUT bodies', () => {
  it.each<[string, string, string, unknown, string]>([
    [
      'a change whose body is an array',
      'PATCH',
      '/api/v1/tickets/1',
      [{ status: 3 }],
      'ticket_update_failed',
    ],
    [
      'a change whose body is malformed JSON',
      'PATCH',
      '/api/v1/tickets/1',
      '{"status": ',
      'ticket_update_failed',
    ],
    ['a zone whose body is an array', 'PUT', '/api/v1/zones/4', [{ name: 'Z' }], 'zone_save_failed'],
  ])('refuses %s with 400 naming the body', async (_what, method, path, body, action) => {
    const { api, refused, createTicket } = await seeded();
    await createTicket(1);
    const answer = await refused(() => api.send(method, path, body));
    expect([answer.status, answer.body.action]).toEqual([400, action]);
    expect(answer.body.meta?.errors.map((e) => e.field)).toEqual(['body']);
  });

  it('refuses a change whose body is not JSON with 415 and one over 64 KB with 413', async () => {
    const { api, refused, createTicket } = await seeded();
    const ticket = await createTicket(1);
    const path = `/api/v1/tickets/${ticket.ticket_id}`;
    const notJson = await refused(() =>
      api.send('PATCH', path, { status: 3 }, { 'content-type': 'text/plain' }),
    );
    expect(notJson.status).toBe(415);
    expect(notJson.body.action).toBe('ticket_update_failed');
    const huge = JSON.stringify({ status: 3, answer_text: 'a'.repeat(MAX_BODY_BYTES) });
    const tooLarge = await refused(() => api.request('PATCH', path, streamed(huge)));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.action).toBe('payload_too_large');
  });

  it.each([
    { path: '/api/v1/zones/9', action: 'zone_save_failed' },
    { path: '/api/v1/technicians/9', action: 'technician_save_failed' },
    { path: '/api/v1/services/9', action: 'service_save_failed' },
  ])('refuses a PUT to $path that is not JSON with 415, or over 64 KB with 413', async ({ path, action }) => {
    const { api, refused } = await seeded();
    const notJson = await refused(() =>
      api.send('PUT', path, { name: 'Z', zone_id: 1 }, { 'content-type': 'text/plain' }),
    );
    expect(notJson.status).toBe(415);
    expect(notJson.body.action).toBe(action);
    const huge = JSON.stringify({ name: 'n'.repeat(MAX_BODY_BYTES), zone_id: 1 });
    const tooLarge = await refused(() => api.request('PUT', path, streamed(huge)));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.action).toBe('payload_too_large');
  });
});

describe('GET /api/v1/tickets/zone-blocked/{zone_id}, the reference service’s alias', () => {
  it('says whether a zone is blocked and its limit, its own or the default', async () => {
    const { api, createTicket } = await seeded();
    const blocked = async (zone: number) => (await api.get(`/api/v1/tickets/zone-blocked/${zone}`)).body;
    expect(await blocked(1)).toMatchObject({
      ok: true,
      action: 'zone_blocked_status',
      data: { is_blocked: false, max_tickets: 3 },
    });
    const first = await createTicket(1);
    await createTicket(1);
    await createTicket(1);
    expect((await blocked(1)).data).toEqual({ is_blocked: true, max_tickets: 3 });
    await api.send('PATCH', `/api/v1/tickets/${first.ticket_id}`, { status: 3 });
    expect((await blocked(1)).data).toEqual({ is_blocked: false, max_tickets: 3 });
    await createTicket(2);
    expect((await blocked(2)).data).toEqual({ is_blocked: true, max_tickets: 1 });
  });

  it('answers 404 zone_not_found for an unknown zone', async () => {
    const { api, refused } = await seeded();
    const { status, body } = await refused(() => api.get('/api/v1/tickets/zone-blocked/8'));
    expect([status, body.action, body.message]).toEqual([404, 'zone_not_found', 'zone_id: no zone 8']);
  });

  it.each(['0', '2.5'])('refuses the zone id %s with 400 naming zone_id', async (id) => {
    const { api, refused } = await seeded();
    const { status, body } = await refused(() => api.get(`/api/v1/tickets/zone-blocked/${id}`));
    expect(status).toBe(400);
    expect(body).toMatchObject({ action: 'invalid_request', meta: { errors: [{ field: 'zone_id' }] } });
  });
});

describe('health and unknown routes', () => {
  const errorEnvelope = (action: string, message: string) => ({
    ok: false,
    type: 'error',
    action,
    data: null,
    message,
    meta: null,
  });

  it('answers GET /healthz with 200', async () => {
    const { api } = await seeded();
    const { status, body } = await api.get('/healthz');
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, type: 'success' });
  });

  it.each([
    ['DELETE', '/api/v1/tickets/1', 'GET, HEAD, PATCH'],
    ['POST', '/api/v1/zones', 'GET, HEAD'],
    ['PUT', '/api/v1/tickets', 'POST, GET, HEAD'],
  ])('answers %s %s, a path that takes other methods, with 405 and Allow', async (method, path, allow) => {
    const { api, refused } = await seeded();
    const { status, headers, body } = await refused(() => api.request(method, path));
    expect(status).toBe(405);
    expect(body).toEqual(errorEnvelope('method_not_allowed', `${method} ${path}: this path takes ${allow}`));
    expect(headers.get('allow')).toBe(allow);
  });

  it.each([
    ['GET', '/nope'],
    ['GET', '/api/v1/tickets/1/comments'],
    ['GET', '/api/v2/tickets'],
  ])('answers %s %s with a 404 not_found envelope', async (method, path) => {
    const { api, refused } = await seeded();
    const { status, body } = await refused(() => api.request(method, path));
    expect(status).toBe(404);
    expect(body).toEqual(errorEnvelope('not_found', `No route for ${method} ${path}`));
  });
});

describe('envelopes', () => {
  it('carry exactly ok, type, action, data, message and meta in success, error and info answers', async () => {
    const { api, createTicket } = await seeded();
    await createTicket(2);
    const answers = [
      await api.get('/api/v1/tickets/1'),
      await api.get('/api/v1/tickets/2'),
      await api.send('POST', '/api/v1/tickets', ticketIn(2)),
      await api.send('POST', '/api/v1/tickets', '{'),
      await api.send('POST', '/api/v1/tickets', ticketIn(1, { subject: 'x' })),
      await api.get('/missing'),
      await api.get('/healthz'),
    ];
    expect(answers.map((a) => [a.status, a.body.type])).toEqual([
      [200, 'success'],
      [404, 'error'],
      [409, 'info'],
      [400, 'error'],
      [422, 'error'],
      [404, 'error'],
      [200, 'success'],
    ]);
    for (const { body } of answers) expect(Object.keys(body).sort()).toEqual(ENVELOPE_KEYS);
  });

  it('are checked against the schema their route declares for the status', () => {
    const { route } = declaredRoutes.find((r) => r.route.path === '/api/v1/tickets/subjects') ?? {};
    expect(route).toBeDefined();
    expect(() => declaredSchema(route as RouteConfig, 409)).toThrow('does not declare a 409 response');
    expect(() => declaredSchema(route as RouteConfig, 200).parse({ ok: true })).toThrow();
  });
});

describe('changes that must not overwrite another (If-Match)', () => {
  const patchIf = (
    api: Awaited<ReturnType<typeof seeded>>['api'],
    id: number,
    ifMatch: string,
    body: unknown,
  ) =>
    api.request<TicketView>('PATCH', `/api/v1/tickets/${id}`, {
      headers: { ...JSON_HEADERS, 'if-match': ifMatch },
      body: JSON.stringify(body),
    });

  it("answers a ticket's version as its ETag, and the new one after a change", async () => {
    const { api, createTicket } = await seeded();
    const ticket = await createTicket(1);
    expect(ticket.version).toBe(1);
    const read = await api.get(`/api/v1/tickets/${ticket.ticket_id}`);
    expect(read.headers.get('etag')).toBe('"1"');
    const changed = await patchIf(api, ticket.ticket_id, '"1"', { status: 2 });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"2"');
    expect(changed.body.data.version).toBe(2);
  });

  it('takes a weak ETag and *', async () => {
    const { api, createTicket } = await seeded();
    const ticket = await createTicket(1);
    expect((await patchIf(api, ticket.ticket_id, 'W/"1"', { status: 2 })).status).toBe(200);
    const any = await patchIf(api, ticket.ticket_id, '*', { status: 3 });
    expect([any.status, any.body.data.version]).toEqual([200, 3]);
  });

  it('refuses an If-Match that is not an ETag, naming the header', async () => {
    const { api, refused, createTicket } = await seeded();
    const ticket = await createTicket(1);
    for (const value of ['1', '"abc"', '"0"', 'W/1']) {
      const answer = await refused(() => patchIf(api, ticket.ticket_id, value, { status: 3 }));
      expect(answer.status).toBe(400);
      expect(answer.body.action).toBe('ticket_update_failed');
      expect(answer.body.meta?.errors[0]?.field).toBe('if-match');
    }
  });
});
