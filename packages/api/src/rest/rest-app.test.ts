import type { RouteConfig } from '@hono/zod-openapi';
import {
  createBusinessCalendar,
  createCapacityRule,
  createSubjectCatalogue,
  createTicketDesk,
  type DeliverySettings,
  defaultSubjects,
  markDeliveryFailed,
  noDeliveries,
  readSyncReport,
} from '@tickets/domain';
import { createMemoryTicketStore } from '@tickets/store';
import { ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Envelope, type ErrorMeta, errorMetaSchema } from '../envelope.js';
import { createHttpApp, MAX_BODY_BYTES } from '../http-app.js';
import { declaredRoutes, declaredSchema } from '../testing/routes.js';
import type { TicketView } from '../views.js';

// ---------------------------------------------------------------------------------------------
// Fixture: a desk over the memory store, a controllable clock, Colombian business days.

/** An instant given as wall-clock time in Bogotá (UTC−5 all year, no daylight saving). */
const bogota = (year: number, month: number, day: number, hour = 10, minute = 0) =>
  Date.UTC(year, month - 1, day, hour + 5, minute);

const THURSDAY = bogota(2026, 2, 26);

const colombianHolidays2026 = ['2026-01-01', '2026-01-12', '2026-03-23', '2026-04-02', '2026-04-03'];

function setup(deliveries: DeliverySettings = noDeliveries) {
  let now = THURSDAY;
  const store = createMemoryTicketStore();
  const calendar = createBusinessCalendar({
    timeZone: 'America/Bogota',
    weekdays: [1, 2, 3, 4, 5],
    holidays: { holidaysIn: (year) => (year === 2026 ? colombianHolidays2026 : []) },
  })._unsafeUnwrap();
  const capacity = createCapacityRule({ maxActiveTicketsPerZone: 3, activeStatuses: [1, 2] });
  const desk = createTicketDesk({
    store,
    clock: { now: () => now },
    calendar,
    subjects: createSubjectCatalogue(defaultSubjects)._unsafeUnwrap(),
    capacity,
    resolutionDays: 3,
    deliveries,
  });
  const defects: unknown[] = [];
  const app = createHttpApp({
    desk,
    onDefect: (error) => defects.push(error),
    syncReport: () => readSyncReport(store, deliveries),
  });
  return {
    app,
    store,
    capacity,
    api: client(app, defects),
    setNow: (ms: number) => {
      now = ms;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Every response is checked: JSON, exactly the six envelope keys, and the schema its route declares
// for the status it answered with (a status the route does not declare fails the test).

const ENVELOPE_KEYS = ['action', 'data', 'message', 'meta', 'ok', 'type'];

/** Off the declared routes there is only the health check and the `not_found` envelope. */
const unroutedSchema = z.strictObject({
  ok: z.boolean(),
  type: z.enum(['success', 'error', 'info']),
  action: z.string(),
  data: z.unknown(),
  message: z.string().nullable(),
  meta: errorMetaSchema.nullable(),
});

function expectConformance(method: string, path: string, status: number, body: unknown): void {
  const pathname = new URL(path, 'http://localhost').pathname;
  const declared = declaredRoutes.find((r) => r.method === method && r.pattern.test(pathname));
  if (declared === undefined) {
    unroutedSchema.parse(body);
    const otherMethods = declaredRoutes.some((r) => r.pattern.test(pathname));
    if (pathname === '/healthz' && method === 'GET') expect(status).toBe(200);
    else if (otherMethods) {
      expect({ status, action: (body as Envelope).action }).toEqual({
        status: 405,
        action: 'method_not_allowed',
      });
    } else
      expect({ status, action: (body as Envelope).action }).toEqual({ status: 404, action: 'not_found' });
    return;
  }
  // Parsing drops keys a schema does not know, so equality also catches undeclared fields.
  expect(declaredSchema(declared.route, status).parse(body)).toEqual(body);
}

interface Answer<D> {
  readonly status: number;
  readonly body: Envelope & { readonly data: D; readonly meta: ErrorMeta | null };
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function client(app: ReturnType<typeof createHttpApp>, defects: readonly unknown[]) {
  async function request<D = unknown>(
    method: string,
    path: string,
    init: RequestInit = {},
  ): Promise<Answer<D>> {
    const response = await app.request(path, { ...init, method });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as Envelope & { data: D; meta: ErrorMeta | null };
    expect(Object.keys(body).sort()).toEqual(ENVELOPE_KEYS);
    expectConformance(method, path, response.status, body);
    expect(defects).toEqual([]);
    return { status: response.status, body };
  }
  /** A JSON request; a string body is sent as it is. */
  const send = <D = unknown>(method: string, path: string, body: unknown, headers = JSON_HEADERS) =>
    request<D>(method, path, {
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = <D = unknown>(path: string) => request<D>('GET', path);

  /** Everything the store holds, as the API lists it. */
  const snapshot = async () =>
    Promise.all([
      get('/api/v1/tickets?limit=500'),
      get('/api/v1/zones?limit=500'),
      get('/api/v1/technicians?limit=500'),
      get('/api/v1/services?limit=500'),
    ]).then((answers) => answers.map((a) => a.body.data));

  return {
    request,
    send,
    get,
    post: <D = TicketView>(path: string, body: unknown) => send<D>('POST', path, body),
    put: <D = unknown>(path: string, body: unknown) => send<D>('PUT', path, body),
    patch: <D = TicketView>(path: string, body: unknown) => send<D>('PATCH', path, body),
    snapshot,
    /** Runs a refused request and checks that the store holds exactly what it held before. */
    async refused<D = unknown>(call: () => Promise<Answer<D>>): Promise<Answer<D>> {
      const before = await snapshot();
      const answer = await call();
      expect(answer.body.ok).toBe(false);
      expect(await snapshot()).toEqual(before);
      return answer;
    },
  };
}

type Api = ReturnType<typeof client>;

/**
 * Zone 1 (default limit 3), zone 2 (own limit 1), zone 3 (own limit 10); technician 1 active,
 * technician 2 inactive; service n in zone n.
 */
async function seed(api: Api): Promise<void> {
  await api.put('/api/v1/zones/1', { name: 'Barrio Centro' });
  await api.put('/api/v1/zones/2', { name: 'Torre Norte', max_active_tickets: 1 });
  await api.put('/api/v1/zones/3', { name: 'Parque Sur', max_active_tickets: 10 });
  await api.put('/api/v1/technicians/1', { name: 'Ana Gómez' });
  await api.put('/api/v1/technicians/2', { name: 'Luis Pérez', active: false });
  for (const n of [1, 2, 3]) await api.put(`/api/v1/services/${n}`, { zone_id: n, customer_name: `C${n}` });
}

async function seeded(deliveries?: DeliverySettings) {
  const fixture = setup(deliveries);
  await seed(fixture.api);
  return fixture;
}

const ticketIn = (zone: number, extra: Record<string, unknown> = {}) => ({
  service_id: zone,
  subject: 'Falla Masiva',
  description: 'Cliente reporta intermitencia en el servicio de internet',
  technician_id: 1,
  zone_id: zone,
  ...extra,
});

async function createTicket(
  api: Api,
  zone: number,
  extra: Record<string, unknown> = {},
): Promise<TicketView> {
  const { status, body } = await api.post('/api/v1/tickets', ticketIn(zone, extra));
  expect(status).toBe(201);
  return body.data;
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

// ---------------------------------------------------------------------------------------------

describe('GET /api/v1/tickets/subjects', () => {
  it('lists every subject and groups them by priority', async () => {
    const { api } = setup();
    const { status, body } = await api.get<{ all: string[]; by_priority: Record<string, string[]> }>(
      '/api/v1/tickets/subjects',
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, type: 'success', action: 'ticket_subjects_listed' });
    expect(body.data.by_priority).toEqual({
      low: defaultSubjects['1'],
      normal: defaultSubjects['2'],
      high: defaultSubjects['3'],
      very_high: defaultSubjects['4'],
    });
    expect(body.data.all).toHaveLength(32);
    expect(body.data.all).toEqual(expect.arrayContaining(['Falla Masiva', 'Troncal Dañado', 'Cancelación']));
  });
});

describe('GET /api/v1/tickets/statuses', () => {
  it('says what each status means as configured: active (here 1 and 2) and done (3 and 4 by default)', async () => {
    const { api } = setup();
    const { status, body } = await api.get<{ statuses: unknown[] }>('/api/v1/tickets/statuses');
    expect(status).toBe(200);
    expect(body.action).toBe('ticket_statuses_listed');
    expect(body.data.statuses).toEqual([
      { status: 1, label: 'Abierto', active: true, done: false },
      { status: 2, label: 'En Progreso', active: true, done: false },
      { status: 3, label: 'Resuelto', active: false, done: true },
      { status: 4, label: 'Cerrado', active: false, done: true },
    ]);
  });
});

describe('POST /api/v1/tickets', () => {
  it('opens a ticket with status 1, the priority of its subject and an end date three business days on', async () => {
    const { api } = await seeded();
    const { status, body } = await api.post('/api/v1/tickets', ticketIn(1));
    expect(status).toBe(201);
    expect(body).toEqual({
      ok: true,
      type: 'success',
      action: 'ticket_created',
      data: {
        ticket_id: 1,
        service_id: 1,
        zone_id: 1,
        technician_id: 1,
        subject: 'Falla Masiva',
        description: 'Cliente reporta intermitencia en el servicio de internet',
        priority: '3',
        status: 1,
        status_ticket: 'Abierto',
        created_at: '2026-02-26 10:00',
        end_date: '2026-03-03 10:00',
        updated_at: '2026-02-26 10:00',
        answer_text: null,
        business_days_left: 3,
        is_overdue: false,
        source: 'api',
        wisphub_ticket_id: null,
        wisphub_sync: null,
        version: 1,
      },
      message: null,
      meta: null,
    });
    expect((await api.get('/api/v1/tickets/1')).body.data).toEqual(body.data);
  });

  it.each([
    { opened: 'Thu 2026-02-26 10:00', at: bogota(2026, 2, 26), end: '2026-03-03 10:00' },
    { opened: 'Sat 2026-02-28 10:00', at: bogota(2026, 2, 28), end: '2026-03-04 10:00' },
    { opened: 'Wed 2026-03-18 10:00', at: bogota(2026, 3, 18), end: '2026-03-24 10:00' },
    { opened: 'Wed 2025-12-31 10:00', at: bogota(2025, 12, 31), end: '2026-01-06 10:00' },
  ])('gives a ticket opened $opened the end date $end', async ({ opened, at, end }) => {
    const { api, setNow } = await seeded();
    setNow(at);
    const ticket = await createTicket(api, 1);
    expect(ticket.created_at).toBe(opened.slice(4));
    expect(ticket.updated_at).toBe(opened.slice(4));
    expect(ticket.end_date).toBe(end);
  });

  it('gives each subject the priority code of its catalogue group', async () => {
    const { api } = await seeded();
    const subjects = {
      'Cambio de Domicilio': '1',
      'Internet Lento': '2',
      'Falla Masiva': '3',
      'Troncal Dañado': '4',
    };
    for (const [subject, priority] of Object.entries(subjects)) {
      const ticket = await createTicket(api, 3, { subject });
      expect({ subject: ticket.subject, priority: ticket.priority }).toEqual({ subject, priority });
    }
  });

  it('trims the subject and the description before matching and storing them', async () => {
    const { api } = await seeded();
    const ticket = await createTicket(api, 1, { subject: '  Falla Masiva\t', description: '\n sin señal  ' });
    expect(ticket).toMatchObject({ subject: 'Falla Masiva', description: 'sin señal', priority: '3' });
  });

  it('ignores unknown keys such as status, priority and ticket_id in the body', async () => {
    const { api } = await seeded();
    const ticket = await createTicket(api, 1, {
      subject: 'Internet Lento',
      status: 3,
      priority: '4',
      ticket_id: 99,
      answer_text: 'ya resuelto',
    });
    expect(ticket).toMatchObject({
      ticket_id: 1,
      status: 1,
      status_ticket: 'Abierto',
      priority: '2',
      answer_text: null,
    });
  });

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
    { what: 'is an array', body: [ticketIn(1)], fields: ['body'] },
    { what: 'is null', body: 'null', fields: ['body'] },
    { what: 'is a JSON string', body: '"Falla Masiva"', fields: ['body'] },
    {
      what: 'is an empty object',
      body: {},
      fields: ['service_id', 'subject', 'description', 'technician_id', 'zone_id'],
    },
    { what: 'has a fractional service_id', body: ticketIn(1, { service_id: 1.5 }), fields: ['service_id'] },
    { what: 'has a negative zone_id', body: ticketIn(1, { zone_id: -1 }), fields: ['zone_id'] },
    { what: 'has a zero technician_id', body: ticketIn(1, { technician_id: 0 }), fields: ['technician_id'] },
    { what: 'has an id given as text', body: ticketIn(1, { service_id: '1' }), fields: ['service_id'] },
    {
      what: 'has an id beyond the safe integers',
      body: ticketIn(1, { zone_id: 2 ** 53 }),
      fields: ['zone_id'],
    },
    { what: 'has a null subject', body: ticketIn(1, { subject: null }), fields: ['subject'] },
    { what: 'has a blank subject', body: ticketIn(1, { subject: '   ' }), fields: ['subject'] },
    { what: 'has a numeric subject', body: ticketIn(1, { subject: 3 }), fields: ['subject'] },
    { what: 'has a blank description', body: ticketIn(1, { description: '\n\t ' }), fields: ['description'] },
    {
      what: 'has a description over 10000 characters',
      body: ticketIn(1, { description: 'd'.repeat(10_001) }),
      fields: ['description'],
    },
    {
      what: 'has several wrong fields',
      body: ticketIn(1, { service_id: -3, technician_id: 'x', description: '' }),
      fields: ['service_id', 'description', 'technician_id'],
    },
  ])('refuses a body that $what with 400 naming each field', async ({ body, fields }) => {
    const { api } = await seeded();
    const answer = await api.refused(() => api.post('/api/v1/tickets', body));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      ok: false,
      type: 'error',
      action: 'ticket_creation_failed',
      data: null,
    });
    expect(answer.body.meta?.errors.map((e) => e.field)).toEqual(fields);
    for (const field of fields) expect(answer.body.message).toContain(`${field}:`);
  });

  it('tells a missing field from a wrong one', async () => {
    const { api } = await seeded();
    const { service_id: _, ...withoutService } = ticketIn(1);
    const answer = await api.refused(() =>
      api.post('/api/v1/tickets', { ...withoutService, zone_id: 'two' }),
    );
    expect(answer.body.meta?.errors).toEqual([
      { field: 'service_id', code: 'invalid_type', message: 'is required' },
      { field: 'zone_id', code: 'invalid_type', message: 'must be a positive integer' },
    ]);
  });

  it.each([
    { what: 'malformed JSON', text: '{"service_id": 1,' },
    { what: 'an empty body', text: '' },
  ])('refuses $what with 400 naming the body', async ({ text }) => {
    const { api } = await seeded();
    const answer = await api.refused(() => api.post('/api/v1/tickets', text));
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
    {
      what: 'a subject outside the catalogue',
      body: ticketIn(1, { subject: 'falla masiva' }),
      errors: [{ field: 'subject', code: 'unknown_subject' }],
    },
    {
      what: 'an unknown service',
      body: ticketIn(1, { service_id: 40 }),
      errors: [{ field: 'service_id', code: 'unknown_service' }],
    },
    {
      what: 'an unknown technician',
      body: ticketIn(1, { technician_id: 40 }),
      errors: [{ field: 'technician_id', code: 'unknown_technician' }],
    },
    {
      what: 'an unknown zone',
      body: ticketIn(1, { service_id: 1, zone_id: 40 }),
      errors: [
        { field: 'zone_id', code: 'service_in_other_zone' },
        { field: 'zone_id', code: 'unknown_zone' },
      ],
    },
    {
      what: 'an inactive technician',
      body: ticketIn(1, { technician_id: 2 }),
      errors: [{ field: 'technician_id', code: 'inactive_technician' }],
    },
    {
      what: 'a service that belongs to another zone',
      body: ticketIn(1, { service_id: 2 }),
      errors: [{ field: 'zone_id', code: 'service_in_other_zone' }],
    },
    {
      what: 'unknown service, technician and zone at once',
      body: ticketIn(1, { service_id: 40, technician_id: 41, zone_id: 42 }),
      errors: [
        { field: 'service_id', code: 'unknown_service' },
        { field: 'technician_id', code: 'unknown_technician' },
        { field: 'zone_id', code: 'unknown_zone' },
      ],
    },
  ])('refuses $what with 422 naming the field', async ({ body, errors }) => {
    const { api } = await seeded();
    const answer = await api.refused(() => api.post('/api/v1/tickets', body));
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      ok: false,
      type: 'error',
      action: 'ticket_creation_failed',
      data: null,
    });
    expect(answer.body.meta?.errors.map(({ field, code }) => ({ field, code }))).toEqual(errors);
    for (const { field } of errors) expect(answer.body.message).toContain(`${field}:`);
  });

  it('refuses a subject outside the catalogue even in a full zone, without counting it', async () => {
    const { api } = await seeded();
    await createTicket(api, 2);
    const answer = await api.refused(() =>
      api.post('/api/v1/tickets', ticketIn(2, { subject: 'Otra cosa' })),
    );
    expect(answer.status).toBe(422);
    expect(answer.body.message).toContain("subject: 'Otra cosa'");
  });

  it.each([
    { what: 'text/plain', headers: { 'content-type': 'text/plain' } },
    { what: 'form data', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
  ])('refuses a body sent as $what with a 415 envelope', async ({ headers }) => {
    const { api } = await seeded();
    const answer = await api.refused(() => api.send('POST', '/api/v1/tickets', ticketIn(1), headers));
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({
      ok: false,
      type: 'error',
      action: 'ticket_creation_failed',
      meta: { errors: [{ field: 'body', code: 'unsupported_media_type' }] },
    });
  });

  it('refuses a streamed body without a Content-Type with a 415 envelope', async () => {
    const { api } = await seeded();
    const answer = await api.refused(() =>
      api.request('POST', '/api/v1/tickets', streamed(JSON.stringify(ticketIn(1)), {})),
    );
    expect(answer.status).toBe(415);
  });

  it('refuses a body over 64 KB that declares its Content-Length with 413', async () => {
    const { api } = await seeded();
    const text = overLimit(1);
    const answer = await api.refused(() =>
      api.request('POST', '/api/v1/tickets', {
        headers: { ...JSON_HEADERS, 'content-length': String(new TextEncoder().encode(text).length) },
        body: text,
      }),
    );
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({
      ok: false,
      type: 'error',
      action: 'payload_too_large',
      data: null,
      message: 'body: larger than 65536 bytes',
    });
  });

  it('refuses a chunked body of unknown length once it passes 64 KB with 413', async () => {
    const { api } = await seeded();
    const answer = await api.refused(() => api.request('POST', '/api/v1/tickets', streamed(overLimit(1))));
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

  it('refuses a fourth active ticket in a zone of the default limit 3 with a 409 info envelope', async () => {
    const { api } = await seeded();
    for (let i = 0; i < 3; i += 1) await createTicket(api, 1);
    const answer = await api.refused(() => api.post('/api/v1/tickets', ticketIn(1)));
    expect(answer.status).toBe(409);
    expect(answer.body).toEqual({
      ok: false,
      type: 'info',
      action: 'zone_ticket_limit_reached',
      data: { zone_id: 1, active_tickets: 3, max_tickets: 3 },
      message: expect.stringContaining('Zone 1'),
      meta: null,
    });
  });

  it('holds a zone to its own max_active_tickets instead of the default', async () => {
    const { api } = await seeded();
    await createTicket(api, 2);
    const full = await api.refused(() => api.post('/api/v1/tickets', ticketIn(2)));
    expect(full.status).toBe(409);
    expect(full.body.data).toEqual({ zone_id: 2, active_tickets: 1, max_tickets: 1 });
    for (let i = 0; i < 10; i += 1) await createTicket(api, 3);
    expect((await api.refused(() => api.post('/api/v1/tickets', ticketIn(3)))).body.data).toEqual({
      zone_id: 3,
      active_tickets: 10,
      max_tickets: 10,
    });
  });

  it('lets a zone take a new ticket once an active one is resolved', async () => {
    const { api } = await seeded();
    const first = await createTicket(api, 2);
    expect((await api.refused(() => api.post('/api/v1/tickets', ticketIn(2)))).status).toBe(409);
    await api.patch(`/api/v1/tickets/${first.ticket_id}`, { status: 3 });
    expect((await api.post('/api/v1/tickets', ticketIn(2))).status).toBe(201);
  });

  it('gives exactly three 201s and fifty-seven 409s to 60 parallel creates in a zone of limit 3', async () => {
    const { api } = await seeded();
    const answers = await Promise.all(
      Array.from({ length: 60 }, () => api.post('/api/v1/tickets', ticketIn(1))),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(57);
    for (const refusal of answers.filter((a) => a.status === 409)) {
      expect(refusal.body.data).toEqual({ zone_id: 1, active_tickets: 3, max_tickets: 3 });
    }
    const listed = await api.get<{ tickets: TicketView[] }>('/api/v1/tickets?zone_id=1&limit=500');
    expect(listed.body.data.tickets.map((t) => t.ticket_id)).toEqual([3, 2, 1]);
    const capacity = await api.get('/api/v1/zones/1/capacity');
    expect(capacity.body.data).toEqual({ zone_id: 1, active_tickets: 3, max_tickets: 3, is_blocked: true });
  });
});

describe('GET /api/v1/tickets/{ticket_id}', () => {
  it('reads a ticket by id', async () => {
    const { api } = await seeded();
    const ticket = await createTicket(api, 1);
    const { status, body } = await api.get(`/api/v1/tickets/${ticket.ticket_id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, type: 'success', action: 'ticket_found', data: ticket });
  });

  it('answers 404 ticket_not_found for an id no ticket has', async () => {
    const { api } = await seeded();
    const { status, body } = await api.refused(() => api.get('/api/v1/tickets/7'));
    expect(status).toBe(404);
    expect(body).toEqual({
      ok: false,
      type: 'error',
      action: 'ticket_not_found',
      data: null,
      message: 'ticket_id: no ticket 7',
      meta: null,
    });
  });

  it.each(['1.5', '-1', '0', 'abc', '1e3', '9007199254740993'])(
    'refuses the path id %s with 400 naming ticket_id',
    async (id) => {
      const { api } = await seeded();
      await createTicket(api, 1);
      const { status, body } = await api.refused(() => api.get(`/api/v1/tickets/${id}`));
      expect(status).toBe(400);
      expect(body).toMatchObject({ type: 'error', action: 'invalid_request', data: null });
      expect(body.meta?.errors.map((e) => e.field)).toEqual(['ticket_id']);
      expect(body.message).toContain('ticket_id:');
    },
  );
});

describe('GET /api/v1/tickets', () => {
  interface TicketPage {
    tickets: TicketView[];
    next_cursor: string | null;
  }
  const ids = (answer: Answer<TicketPage>) => answer.body.data.tickets.map((t) => t.ticket_id);

  it('lists tickets newest first and pages through them with next_cursor', async () => {
    const { api } = await seeded();
    for (let i = 0; i < 5; i += 1) await createTicket(api, 3);
    const first = await api.get<TicketPage>('/api/v1/tickets?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.action).toBe('tickets_listed');
    expect(ids(first)).toEqual([5, 4]);
    expect(first.body.data.next_cursor).toBe('4');
    const second = await api.get<TicketPage>('/api/v1/tickets?limit=2&cursor=4');
    expect(ids(second)).toEqual([3, 2]);
    expect(second.body.data.next_cursor).toBe('2');
    const last = await api.get<TicketPage>('/api/v1/tickets?limit=2&cursor=2');
    expect(ids(last)).toEqual([1]);
    expect(last.body.data.next_cursor).toBeNull();
  });

  it('gives no next_cursor when the page holds exactly the remaining tickets', async () => {
    const { api } = await seeded();
    for (let i = 0; i < 2; i += 1) await createTicket(api, 3);
    const page = await api.get<TicketPage>('/api/v1/tickets?limit=2');
    expect(ids(page)).toEqual([2, 1]);
    expect(page.body.data.next_cursor).toBeNull();
  });

  it('answers an empty page when there are no tickets', async () => {
    const { api } = setup();
    const page = await api.get<TicketPage>('/api/v1/tickets');
    expect(page.body.data).toEqual({ tickets: [], next_cursor: null });
  });

  it('filters by zone and status, with numbers given as query text', async () => {
    const { api } = await seeded();
    await createTicket(api, 1);
    await createTicket(api, 3);
    await createTicket(api, 1);
    await createTicket(api, 3);
    await api.patch('/api/v1/tickets/3', { status: 4 });
    expect(ids(await api.get<TicketPage>('/api/v1/tickets?zone_id=1'))).toEqual([3, 1]);
    expect(ids(await api.get<TicketPage>('/api/v1/tickets?status=1'))).toEqual([4, 2, 1]);
    expect(ids(await api.get<TicketPage>('/api/v1/tickets?zone_id=1&status=1'))).toEqual([1]);
    expect(ids(await api.get<TicketPage>('/api/v1/tickets?zone_id=1&status=4'))).toEqual([3]);
    expect(ids(await api.get<TicketPage>('/api/v1/tickets?zone_id=2'))).toEqual([]);
    const page = await api.get<TicketPage>('/api/v1/tickets?zone_id=3&limit=1');
    expect(ids(page)).toEqual([4]);
    expect(
      ids(await api.get<TicketPage>(`/api/v1/tickets?zone_id=3&cursor=${page.body.data.next_cursor}`)),
    ).toEqual([2]);
  });

  it.each([
    ['zone_id=1.5', 'zone_id'],
    ['zone_id=-2', 'zone_id'],
    ['zone_id=0', 'zone_id'],
    ['zone_id=abc', 'zone_id'],
    ['zone_id=', 'zone_id'],
    ['status=5', 'status'],
    ['status=0', 'status'],
    ['status=abierto', 'status'],
    ['status=1.5', 'status'],
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=2.5', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=many', 'limit'],
    ['cursor=abc', 'cursor'],
    ['cursor=0', 'cursor'],
    ['cursor=-4', 'cursor'],
    ['cursor=1.5', 'cursor'],
  ])('refuses the query %s with 400 naming %s', async (query, field) => {
    const { api } = await seeded();
    const { status, body } = await api.refused(() => api.get(`/api/v1/tickets?${query}`));
    expect(status).toBe(400);
    expect(body).toMatchObject({ ok: false, type: 'error', action: 'invalid_request', data: null });
    expect(body.meta?.errors.map((e) => e.field)).toEqual([field]);
    expect(body.message).toContain(`${field}:`);
  });
});

describe('PATCH /api/v1/tickets/{ticket_id}', () => {
  it('changes the status and records the trimmed answer_text and the time of the change', async () => {
    const { api, setNow } = await seeded();
    const ticket = await createTicket(api, 1);
    setNow(bogota(2026, 2, 27, 16, 45));
    const { status, body } = await api.patch(`/api/v1/tickets/${ticket.ticket_id}`, {
      status: 3,
      answer_text: '  Se reemplazó el conector RJ45 ',
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, type: 'success', action: 'ticket_updated' });
    expect(body.data).toEqual({
      ...ticket,
      status: 3,
      status_ticket: 'Resuelto',
      answer_text: 'Se reemplazó el conector RJ45',
      updated_at: '2026-02-27 16:45',
      // Friday afternoon: Monday and Tuesday are left.
      business_days_left: 2,
      version: 2,
    });
    expect((await api.get(`/api/v1/tickets/${ticket.ticket_id}`)).body.data).toEqual(body.data);
  });

  it('keeps the earlier answer when a later change gives none, and labels every status', async () => {
    const { api } = await seeded();
    const ticket = await createTicket(api, 1);
    const path = `/api/v1/tickets/${ticket.ticket_id}`;
    expect((await api.patch(path, { status: 2, answer_text: 'En camino' })).body.data).toMatchObject({
      status_ticket: 'En Progreso',
      answer_text: 'En camino',
    });
    expect((await api.patch(path, { status: 3 })).body.data).toMatchObject({
      status_ticket: 'Resuelto',
      answer_text: 'En camino',
    });
    expect((await api.patch(path, { status: 4, unknown: true })).body.data).toMatchObject({
      status: 4,
      status_ticket: 'Cerrado',
    });
    expect((await api.patch(path, { status: 1 })).body.data).toMatchObject({ status_ticket: 'Abierto' });
  });

  it('answers 404 ticket_not_found for an id no ticket has', async () => {
    const { api } = await seeded();
    const { status, body } = await api.refused(() => api.patch('/api/v1/tickets/9', { status: 3 }));
    expect(status).toBe(404);
    expect(body).toMatchObject({
      type: 'error',
      action: 'ticket_not_found',
      message: 'ticket_id: no ticket 9',
    });
  });

  it.each([
    { what: 'a status outside 1 to 4', body: { status: 5 }, fields: ['status'] },
    { what: 'a status given as text', body: { status: '3' }, fields: ['status'] },
    { what: 'no status', body: { answer_text: 'hecho' }, fields: ['status'] },
    { what: 'a blank answer_text', body: { status: 3, answer_text: '   ' }, fields: ['answer_text'] },
    { what: 'a numeric answer_text', body: { status: 3, answer_text: 42 }, fields: ['answer_text'] },
    { what: 'an array', body: [{ status: 3 }], fields: ['body'] },
    { what: 'malformed JSON', body: '{"status": ', fields: ['body'] },
  ])('refuses a body with $what with 400 naming the field', async ({ body, fields }) => {
    const { api } = await seeded();
    const ticket = await createTicket(api, 1);
    const answer = await api.refused(() => api.patch(`/api/v1/tickets/${ticket.ticket_id}`, body));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      ok: false,
      type: 'error',
      action: 'ticket_update_failed',
      data: null,
    });
    expect(answer.body.meta?.errors.map((e) => e.field)).toEqual(fields);
  });

  it.each(['1.5', '-1', 'uno'])('refuses the path id %s with 400 naming ticket_id', async (id) => {
    const { api } = await seeded();
    await createTicket(api, 1);
    const answer = await api.refused(() => api.patch(`/api/v1/tickets/${id}`, { status: 3 }));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      action: 'ticket_update_failed',
      meta: { errors: [{ field: 'ticket_id' }] },
    });
  });

  it('refuses to reopen a resolved ticket into a full zone with a 409 info envelope', async () => {
    const { api } = await seeded();
    const resolved = await createTicket(api, 2);
    await api.patch(`/api/v1/tickets/${resolved.ticket_id}`, { status: 3 });
    await createTicket(api, 2);
    for (const status of [1, 2]) {
      const answer = await api.refused(() => api.patch(`/api/v1/tickets/${resolved.ticket_id}`, { status }));
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({
        ok: false,
        type: 'info',
        action: 'zone_ticket_limit_reached',
        data: { zone_id: 2, active_tickets: 1, max_tickets: 1 },
        meta: null,
      });
    }
    expect((await api.get<TicketView>(`/api/v1/tickets/${resolved.ticket_id}`)).body.data.status).toBe(3);
  });

  it('reopens a resolved ticket when its zone has room, and then counts it', async () => {
    const { api } = await seeded();
    const ticket = await createTicket(api, 2);
    await api.patch(`/api/v1/tickets/${ticket.ticket_id}`, { status: 4 });
    const reopened = await api.patch(`/api/v1/tickets/${ticket.ticket_id}`, { status: 1 });
    expect(reopened.status).toBe(200);
    expect((await api.get('/api/v1/zones/2/capacity')).body.data).toMatchObject({
      active_tickets: 1,
      is_blocked: true,
    });
  });

  it('moves a ticket between active statuses in a full zone', async () => {
    const { api } = await seeded();
    const ticket = await createTicket(api, 2);
    const { status, body } = await api.patch(`/api/v1/tickets/${ticket.ticket_id}`, { status: 2 });
    expect(status).toBe(200);
    expect(body.data.status_ticket).toBe('En Progreso');
    expect((await api.patch(`/api/v1/tickets/${ticket.ticket_id}`, { status: 1 })).status).toBe(200);
  });

  it('refuses a body that is not JSON with 415 and a body over 64 KB with 413', async () => {
    const { api } = await seeded();
    const ticket = await createTicket(api, 1);
    const path = `/api/v1/tickets/${ticket.ticket_id}`;
    const notJson = await api.refused(() =>
      api.send('PATCH', path, { status: 3 }, { 'content-type': 'text/plain' }),
    );
    expect(notJson.status).toBe(415);
    expect(notJson.body.action).toBe('ticket_update_failed');
    const huge = JSON.stringify({ status: 3, answer_text: 'a'.repeat(MAX_BODY_BYTES) });
    const tooLarge = await api.refused(() => api.request('PATCH', path, streamed(huge)));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.action).toBe('payload_too_large');
  });
});

describe('GET /api/v1/zones/{zone_id}/capacity and GET /api/v1/tickets/zone-blocked/{zone_id}', () => {
  it("counts a zone's active tickets against its limit", async () => {
    const { api } = await seeded();
    const empty = await api.get('/api/v1/zones/1/capacity');
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({
      ok: true,
      type: 'success',
      action: 'zone_capacity',
      data: { zone_id: 1, active_tickets: 0, max_tickets: 3, is_blocked: false },
    });
    const blocked = await api.get('/api/v1/tickets/zone-blocked/1');
    expect(blocked.body).toMatchObject({
      action: 'zone_blocked_status',
      data: { is_blocked: false, max_tickets: 3 },
    });
    const first = await createTicket(api, 1);
    await createTicket(api, 1);
    await createTicket(api, 1);
    expect((await api.get('/api/v1/zones/1/capacity')).body.data).toEqual({
      zone_id: 1,
      active_tickets: 3,
      max_tickets: 3,
      is_blocked: true,
    });
    expect((await api.get('/api/v1/tickets/zone-blocked/1')).body.data).toEqual({
      is_blocked: true,
      max_tickets: 3,
    });
    await api.patch(`/api/v1/tickets/${first.ticket_id}`, { status: 3 });
    expect((await api.get('/api/v1/tickets/zone-blocked/1')).body.data).toEqual({
      is_blocked: false,
      max_tickets: 3,
    });
  });

  it("reports a zone's own limit", async () => {
    const { api } = await seeded();
    await createTicket(api, 2);
    expect((await api.get('/api/v1/zones/2/capacity')).body.data).toEqual({
      zone_id: 2,
      active_tickets: 1,
      max_tickets: 1,
      is_blocked: true,
    });
    expect((await api.get('/api/v1/tickets/zone-blocked/2')).body.data).toEqual({
      is_blocked: true,
      max_tickets: 1,
    });
  });

  it.each(['/api/v1/zones/8/capacity', '/api/v1/tickets/zone-blocked/8'])(
    'answers 404 zone_not_found at %s for an unknown zone',
    async (path) => {
      const { api } = await seeded();
      const { status, body } = await api.refused(() => api.get(path));
      expect(status).toBe(404);
      expect(body).toEqual({
        ok: false,
        type: 'error',
        action: 'zone_not_found',
        data: null,
        message: 'zone_id: no zone 8',
        meta: null,
      });
    },
  );

  it.each([
    '/api/v1/zones/1.5/capacity',
    '/api/v1/zones/-1/capacity',
    '/api/v1/zones/centro/capacity',
    '/api/v1/tickets/zone-blocked/0',
    '/api/v1/tickets/zone-blocked/2.5',
  ])('refuses %s with 400 naming zone_id', async (path) => {
    const { api } = await seeded();
    const { status, body } = await api.refused(() => api.get(path));
    expect(status).toBe(400);
    expect(body).toMatchObject({ action: 'invalid_request', meta: { errors: [{ field: 'zone_id' }] } });
  });
});

describe('zones, technicians and services', () => {
  it('saves a zone with a trimmed name and the default limit, and replaces it on a second PUT', async () => {
    const { api } = setup();
    const saved = await api.put('/api/v1/zones/4', { name: '  Barrio Centro ' });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({
      ok: true,
      type: 'success',
      action: 'zone_saved',
      data: { zone_id: 4, name: 'Barrio Centro', max_active_tickets: null },
      message: null,
      meta: null,
    });
    const replaced = await api.put('/api/v1/zones/4', { name: 'Centro', max_active_tickets: 5 });
    expect(replaced.body.data).toEqual({ zone_id: 4, name: 'Centro', max_active_tickets: 5 });
    const cleared = await api.put('/api/v1/zones/4', { name: 'Centro', max_active_tickets: null });
    expect(cleared.body.data).toEqual({ zone_id: 4, name: 'Centro', max_active_tickets: null });
    expect((await api.get('/api/v1/zones')).body.data).toEqual({
      zones: [cleared.body.data],
      next_cursor: null,
    });
  });

  it("applies a zone's changed limit to the next create", async () => {
    const { api } = await seeded();
    await createTicket(api, 2);
    await api.put('/api/v1/zones/2', { name: 'Torre Norte', max_active_tickets: 2 });
    await createTicket(api, 2);
    expect((await api.refused(() => api.post('/api/v1/tickets', ticketIn(2)))).status).toBe(409);
  });

  it.each([
    { what: 'a blank name', path: '/api/v1/zones/4', body: { name: ' ' }, field: 'name' },
    { what: 'no name', path: '/api/v1/zones/4', body: { max_active_tickets: 2 }, field: 'name' },
    {
      what: 'a limit of 0',
      path: '/api/v1/zones/4',
      body: { name: 'Z', max_active_tickets: 0 },
      field: 'max_active_tickets',
    },
    {
      what: 'a fractional limit',
      path: '/api/v1/zones/4',
      body: { name: 'Z', max_active_tickets: 2.5 },
      field: 'max_active_tickets',
    },
    {
      what: 'a limit given as text',
      path: '/api/v1/zones/4',
      body: { name: 'Z', max_active_tickets: '2' },
      field: 'max_active_tickets',
    },
    { what: 'a fractional path id', path: '/api/v1/zones/4.5', body: { name: 'Z' }, field: 'zone_id' },
    { what: 'a negative path id', path: '/api/v1/zones/-4', body: { name: 'Z' }, field: 'zone_id' },
    { what: 'an array body', path: '/api/v1/zones/4', body: [{ name: 'Z' }], field: 'body' },
  ])('refuses a zone with $what with 400 zone_save_failed', async ({ path, body, field }) => {
    const { api } = await seeded();
    const answer = await api.refused(() => api.put(path, body));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ ok: false, type: 'error', action: 'zone_save_failed', data: null });
    expect(answer.body.meta?.errors.map((e) => e.field)).toEqual([field]);
    expect(answer.body.message).toContain(`${field}:`);
  });

  it('saves technicians active by default, or inactive when asked', async () => {
    const { api } = setup();
    const active = await api.put('/api/v1/technicians/5', { name: ' Ana Gómez ' });
    expect(active.status).toBe(200);
    expect(active.body).toMatchObject({
      action: 'technician_saved',
      data: { technician_id: 5, name: 'Ana Gómez', active: true },
    });
    const inactive = await api.put('/api/v1/technicians/5', { name: 'Ana Gómez', active: false });
    expect(inactive.body.data).toEqual({ technician_id: 5, name: 'Ana Gómez', active: false });
  });

  it('lets a reactivated technician take tickets again', async () => {
    const { api } = await seeded();
    expect(
      (await api.refused(() => api.post('/api/v1/tickets', ticketIn(1, { technician_id: 2 })))).status,
    ).toBe(422);
    await api.put('/api/v1/technicians/2', { name: 'Luis Pérez', active: true });
    expect((await api.post('/api/v1/tickets', ticketIn(1, { technician_id: 2 }))).status).toBe(201);
  });

  it.each([
    { what: 'a blank name', path: '/api/v1/technicians/5', body: { name: '' }, field: 'name' },
    {
      what: 'active given as text',
      path: '/api/v1/technicians/5',
      body: { name: 'A', active: 'yes' },
      field: 'active',
    },
    {
      what: 'a fractional path id',
      path: '/api/v1/technicians/0.5',
      body: { name: 'A' },
      field: 'technician_id',
    },
    {
      what: 'a textual path id',
      path: '/api/v1/technicians/ana',
      body: { name: 'A' },
      field: 'technician_id',
    },
  ])('refuses a technician with $what with 400 technician_save_failed', async ({ path, body, field }) => {
    const { api } = await seeded();
    const answer = await api.refused(() => api.put(path, body));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ type: 'error', action: 'technician_save_failed' });
    expect(answer.body.meta?.errors.map((e) => e.field)).toEqual([field]);
  });

  it('saves services of known zones, with or without a customer name', async () => {
    const { api } = await seeded();
    const named = await api.put('/api/v1/services/7', { zone_id: 2, customer_name: '  Luis Pérez ' });
    expect(named.status).toBe(200);
    expect(named.body).toMatchObject({
      action: 'service_saved',
      data: { service_id: 7, zone_id: 2, customer_name: 'Luis Pérez' },
    });
    const moved = await api.put('/api/v1/services/7', { zone_id: 3 });
    expect(moved.body.data).toEqual({ service_id: 7, zone_id: 3, customer_name: null });
  });

  it('refuses a service whose zone does not exist with 422 naming zone_id', async () => {
    const { api } = await seeded();
    const answer = await api.refused(() => api.put('/api/v1/services/7', { zone_id: 99 }));
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({
      ok: false,
      type: 'error',
      action: 'service_save_failed',
      data: null,
      message: 'zone_id: no zone 99',
      meta: { errors: [{ field: 'zone_id', code: 'unknown_zone', message: 'zone_id: no zone 99' }] },
    });
  });

  it.each([
    { what: 'no zone_id', path: '/api/v1/services/7', body: {}, field: 'zone_id' },
    { what: 'a zone_id given as text', path: '/api/v1/services/7', body: { zone_id: '1' }, field: 'zone_id' },
    { what: 'a fractional zone_id', path: '/api/v1/services/7', body: { zone_id: 1.5 }, field: 'zone_id' },
    {
      what: 'a blank customer name',
      path: '/api/v1/services/7',
      body: { zone_id: 1, customer_name: ' ' },
      field: 'customer_name',
    },
    { what: 'a negative path id', path: '/api/v1/services/-7', body: { zone_id: 1 }, field: 'service_id' },
  ])('refuses a service with $what with 400 service_save_failed', async ({ path, body, field }) => {
    const { api } = await seeded();
    const answer = await api.refused(() => api.put(path, body));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ type: 'error', action: 'service_save_failed' });
    expect(answer.body.meta?.errors.map((e) => e.field)).toEqual([field]);
  });

  it.each([
    { path: '/api/v1/zones/9', action: 'zone_save_failed' },
    { path: '/api/v1/technicians/9', action: 'technician_save_failed' },
    { path: '/api/v1/services/9', action: 'service_save_failed' },
  ])('refuses a PUT to $path that is not JSON with 415, or over 64 KB with 413', async ({ path, action }) => {
    const { api } = await seeded();
    const notJson = await api.refused(() =>
      api.send('PUT', path, { name: 'Z', zone_id: 1 }, { 'content-type': 'text/plain' }),
    );
    expect(notJson.status).toBe(415);
    expect(notJson.body.action).toBe(action);
    const huge = JSON.stringify({ name: 'n'.repeat(MAX_BODY_BYTES), zone_id: 1 });
    const tooLarge = await api.refused(() => api.request('PUT', path, streamed(huge)));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.action).toBe('payload_too_large');
  });

  it.each([
    { list: 'zones', action: 'zones_listed', key: 'zone_id' },
    { list: 'technicians', action: 'technicians_listed', key: 'technician_id' },
    { list: 'services', action: 'services_listed', key: 'service_id' },
  ])('lists $list by id and pages through them with next_cursor', async ({ list, action, key }) => {
    const { api } = await seeded();
    const idsOf = (answer: Answer<Record<string, Record<string, number>[]>>) =>
      (answer.body.data[list] ?? []).map((row) => row[key]);
    await api.put('/api/v1/zones/10', { name: 'Z10' });
    await api.put('/api/v1/technicians/10', { name: 'T10' });
    await api.put('/api/v1/services/10', { zone_id: 10 });
    const all = await api.get<Record<string, Record<string, number>[]>>(`/api/v1/${list}`);
    expect(all.status).toBe(200);
    expect(all.body.action).toBe(action);
    expect(all.body.data.next_cursor).toBeNull();
    const expected = list === 'technicians' ? [1, 2, 10] : [1, 2, 3, 10];
    expect(idsOf(all)).toEqual(expected);
    const first = await api.get<Record<string, Record<string, number>[]>>(`/api/v1/${list}?limit=2`);
    expect(idsOf(first)).toEqual([1, 2]);
    const cursor = first.body.data.next_cursor;
    expect(cursor).toBe('2');
    const rest = await api.get<Record<string, Record<string, number>[]>>(
      `/api/v1/${list}?limit=2&cursor=${cursor}`,
    );
    expect(idsOf(rest)).toEqual(expected.slice(2));
  });

  it.each([
    '/api/v1/zones?limit=0',
    '/api/v1/zones?cursor=x',
    '/api/v1/technicians?limit=1.5',
    '/api/v1/technicians?cursor=-1',
    '/api/v1/services?limit=9999',
    '/api/v1/services?cursor=0',
  ])('refuses the page request %s with 400', async (path) => {
    const { api } = await seeded();
    const { status, body } = await api.refused(() => api.get(path));
    expect(status).toBe(400);
    expect(body).toMatchObject({ ok: false, type: 'error', action: 'invalid_request' });
  });
});

describe('health and unknown routes', () => {
  it('answers GET /healthz with 200', async () => {
    const { api } = setup();
    const { status, body } = await api.get('/healthz');
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, type: 'success' });
  });

  it.each([
    ['DELETE', '/api/v1/tickets/1', 'GET, HEAD, PATCH'],
    ['POST', '/api/v1/zones', 'GET, HEAD'],
    ['PUT', '/api/v1/tickets', 'POST, GET, HEAD'],
  ])('answers %s %s, a path that takes other methods, with 405 and Allow', async (method, path, allow) => {
    const { app, api } = await seeded();
    const { status, body } = await api.refused(() => api.request(method, path));
    expect(status).toBe(405);
    expect(body).toEqual({
      ok: false,
      type: 'error',
      action: 'method_not_allowed',
      data: null,
      message: `${method} ${path}: this path takes ${allow}`,
      meta: null,
    });
    expect((await app.request(path, { method })).headers.get('allow')).toBe(allow);
  });

  it.each([
    ['GET', '/nope'],
    ['GET', '/api/v1/tickets/1/comments'],
    ['GET', '/api/v2/tickets'],
  ])('answers %s %s with a 404 not_found envelope', async (method, path) => {
    const { api } = await seeded();
    const { status, body } = await api.refused(() => api.request(method, path));
    expect(status).toBe(404);
    expect(body).toEqual({
      ok: false,
      type: 'error',
      action: 'not_found',
      data: null,
      message: `No route for ${method} ${path}`,
      meta: null,
    });
  });
});

describe('envelopes', () => {
  it('carry exactly ok, type, action, data, message and meta in success, error and info answers', async () => {
    const { api } = await seeded();
    await createTicket(api, 2);
    const answers = [
      await api.get('/api/v1/tickets/1'),
      await api.get('/api/v1/tickets/2'),
      await api.post('/api/v1/tickets', ticketIn(2)),
      await api.post('/api/v1/tickets', '{'),
      await api.post('/api/v1/tickets', ticketIn(1, { subject: 'x' })),
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

describe('business days left and the zone board', () => {
  it('counts the business days left to end_date, and marks a ticket overdue once it has passed', async () => {
    const { api, setNow } = await seeded();
    const ticket = await createTicket(api, 1);
    expect([ticket.business_days_left, ticket.is_overdue]).toEqual([3, false]);
    setNow(bogota(2026, 3, 3, 9, 0));
    const dueToday = (await api.get<TicketView>(`/api/v1/tickets/${ticket.ticket_id}`)).body.data;
    expect([dueToday.business_days_left, dueToday.is_overdue]).toEqual([0, false]);
    setNow(bogota(2026, 3, 5, 9, 0));
    const late = (await api.get<TicketView>(`/api/v1/tickets/${ticket.ticket_id}`)).body.data;
    expect([late.business_days_left, late.is_overdue]).toEqual([-2, true]);
  });

  it('lists every zone with its load, a page at a time', async () => {
    const { api } = await seeded();
    await createTicket(api, 1);
    const { status, body } = await api.get<{
      zones: {
        zone_id: number;
        name: string;
        active_tickets: number;
        max_tickets: number;
        is_blocked: boolean;
      }[];
      next_cursor: string | null;
    }>('/api/v1/zones/capacity?limit=2');
    expect(status).toBe(200);
    expect(body.action).toBe('zone_capacities_listed');
    expect(body.data.zones[0]).toMatchObject({ zone_id: 1, active_tickets: 1, is_blocked: false });
    expect(body.data.zones).toHaveLength(2);
    const rest = await api.get<{ zones: unknown[] }>(
      `/api/v1/zones/capacity?cursor=${body.data.next_cursor}`,
    );
    expect(rest.status).toBe(200);
    expect((await api.get('/api/v1/zones/capacity?limit=0')).status).toBe(400);
  });
});

describe('WispHub deliveries', () => {
  const connected: DeliverySettings = { wisphub: true, webhooks: [] };

  /** Opens a ticket and has WispHub refuse its delivery, as a delivery worker records it. */
  async function refusedByWispHub(fixture: Awaited<ReturnType<typeof seeded>>): Promise<TicketView> {
    const ticket = await createTicket(fixture.api, 1);
    const [delivery] = await fixture.store.claimDeliveries({
      channel: 'wisphub',
      holder: 'test',
      now: THURSDAY,
      leaseMs: 1_000,
      limit: 1,
    });
    const answer = 'WispHub answered 400: {"servicio":["no existe"]}';
    await fixture.store.settleDelivery(
      delivery?.delivery_id ?? 0,
      'test',
      { state: 'failed', at: THURSDAY, error: answer },
      {
        rule: fixture.capacity,
        decide: (context) => {
          const change = markDeliveryFailed(context.ticket, answer, THURSDAY);
          return ok({ ...change, outbox: [] });
        },
      },
    );
    return ticket;
  }

  it('shows where each ticket stands with WispHub: pending once created, failed with its answer in the history', async () => {
    const fixture = await seeded(connected);
    const ticket = await refusedByWispHub(fixture);
    expect(ticket).toMatchObject({ source: 'api', wisphub_sync: 'pending', wisphub_ticket_id: null });
    const found = await fixture.api.get<TicketView>(`/api/v1/tickets/${ticket.ticket_id}`);
    expect(found.body.data.wisphub_sync).toBe('failed');
    const history = await fixture.api.get<{
      events: { kind: string; actor: string | null; note: string | null }[];
    }>(`/api/v1/tickets/${ticket.ticket_id}/history`);
    expect(history.body.data.events.at(-1)).toMatchObject({
      kind: 'delivery_failed',
      actor: 'wisphub',
      note: 'WispHub answered 400: {"servicio":["no existe"]}',
    });
  });

  it('puts a refused ticket back in line for WispHub, once', async () => {
    const fixture = await seeded(connected);
    const ticket = await refusedByWispHub(fixture);
    const retried = await fixture.api.send<TicketView>(
      'POST',
      `/api/v1/tickets/${ticket.ticket_id}/wisphub/retry`,
      '',
    );
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({
      ok: true,
      action: 'delivery_retried',
      data: { wisphub_sync: 'pending' },
    });
    const again = await fixture.api.refused(() =>
      fixture.api.request('POST', `/api/v1/tickets/${ticket.ticket_id}/wisphub/retry`),
    );
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      action: 'delivery_not_failed',
      message: `ticket_id: the delivery of ticket ${ticket.ticket_id} to WispHub is pending; only a failed one is retried`,
    });
    expect((await fixture.store.deliveryStats('wisphub')).pending).toBe(1);
  });

  it('refuses a retry for an unknown ticket, a malformed id, or with the connector off', async () => {
    const fixture = await seeded(connected);
    expect((await fixture.api.request('POST', '/api/v1/tickets/999/wisphub/retry')).body.action).toBe(
      'ticket_not_found',
    );
    const malformed = await fixture.api.request('POST', '/api/v1/tickets/abc/wisphub/retry');
    expect([malformed.status, malformed.body.action]).toEqual([400, 'delivery_retry_failed']);
    const standalone = await seeded();
    const ticket = await createTicket(standalone.api, 1);
    expect(ticket.wisphub_sync).toBeNull();
    const off = await standalone.api.request('POST', `/api/v1/tickets/${ticket.ticket_id}/wisphub/retry`);
    expect([off.status, off.body.action, off.body.message]).toEqual([
      409,
      'wisphub_disabled',
      'The WispHub connector is off: WISPHUB_URL is not set',
    ]);
  });

  it("reports the connector's pending and failed deliveries, and that it is off when it is", async () => {
    const fixture = await seeded(connected);
    await refusedByWispHub(fixture);
    await createTicket(fixture.api, 3);
    fixture.setNow(THURSDAY + 90_000);
    const sync = await fixture.api.get('/api/v1/sync/wisphub');
    expect(sync.body).toMatchObject({ ok: true, action: 'sync_status' });
    expect(sync.body.data).toEqual({
      wisphub: {
        enabled: true,
        status_pull: null,
        reference_pull: null,
        deliveries: {
          pending: 1,
          failed: 1,
          oldest_pending_at: '2026-02-26 10:00',
          oldest_pending_age_seconds: 90,
        },
      },
      webhooks: {
        endpoints: 0,
        deliveries: { pending: 0, failed: 0, oldest_pending_at: null, oldest_pending_age_seconds: null },
      },
    });
    const off = await (await seeded()).api.get<{ wisphub: { enabled: boolean } }>('/api/v1/sync/wisphub');
    expect(off.body.data.wisphub.enabled).toBe(false);
  });
});

describe('changes that must not overwrite another (If-Match)', () => {
  const patchIf = (api: Api, id: number, ifMatch: string, body: unknown) =>
    api.request<TicketView>('PATCH', `/api/v1/tickets/${id}`, {
      headers: { ...JSON_HEADERS, 'if-match': ifMatch },
      body: JSON.stringify(body),
    });

  it("answers a ticket's version as its ETag, and the new one after a change", async () => {
    const { app, api } = await seeded();
    const ticket = await createTicket(api, 1);
    expect(ticket.version).toBe(1);
    const read = await app.request(`/api/v1/tickets/${ticket.ticket_id}`);
    expect(read.headers.get('etag')).toBe('"1"');
    const changed = await app.request(`/api/v1/tickets/${ticket.ticket_id}`, {
      method: 'PATCH',
      headers: { ...JSON_HEADERS, 'if-match': '"1"' },
      body: JSON.stringify({ status: 2 }),
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"2"');
    expect(((await changed.json()) as { data: TicketView }).data.version).toBe(2);
  });

  it("refuses with 412 a dispatcher's answer to a ticket another resolved meanwhile, and keeps the first answer", async () => {
    const { api } = await seeded();
    const ticket = await createTicket(api, 1);
    // Both read version 1; the first resolves it with a reply.
    const first = await patchIf(api, ticket.ticket_id, '"1"', {
      status: 3,
      answer_text: 'Se cambió el conector',
    });
    expect(first.status).toBe(200);
    // The second, whose form still says "Abierto", saves.
    const second = await api.refused(() => patchIf(api, ticket.ticket_id, '"1"', { status: 1 }));
    expect(second.status).toBe(412);
    expect(second.body).toMatchObject({ ok: false, type: 'error', action: 'ticket_changed' });
    expect(second.body.data).toEqual(first.body.data);
    expect(second.body.message).toContain('version 2');
    const now = await api.get<TicketView>(`/api/v1/tickets/${ticket.ticket_id}`);
    expect(now.body.data).toMatchObject({ status: 3, answer_text: 'Se cambió el conector', version: 2 });
  });

  it('takes a weak ETag and *, and without If-Match lets the last change win', async () => {
    const { api } = await seeded();
    const ticket = await createTicket(api, 1);
    expect((await patchIf(api, ticket.ticket_id, 'W/"1"', { status: 2 })).status).toBe(200);
    expect((await patchIf(api, ticket.ticket_id, '*', { status: 3 })).status).toBe(200);
    const blind = await api.patch(`/api/v1/tickets/${ticket.ticket_id}`, { status: 4 });
    expect([blind.status, blind.body.data.version]).toEqual([200, 4]);
  });

  it('refuses an If-Match that is not an ETag, naming the header', async () => {
    const { api } = await seeded();
    const ticket = await createTicket(api, 1);
    for (const value of ['1', '"abc"', '"0"', 'W/1']) {
      const answer = await api.refused(() => patchIf(api, ticket.ticket_id, value, { status: 3 }));
      expect(answer.status).toBe(400);
      expect(answer.body.action).toBe('ticket_update_failed');
      expect(answer.body.meta?.errors[0]?.field).toBe('if-match');
    }
  });
});

describe('GET /api/v1/tickets/{ticket_id}/history, a page at a time', () => {
  it('pages through a long history oldest first with next_cursor', async () => {
    const { api } = await seeded();
    const ticket = await createTicket(api, 3);
    for (const status of [2, 3, 2, 3, 4]) await api.patch(`/api/v1/tickets/${ticket.ticket_id}`, { status });
    type History = { events: { kind: string; after: { status?: number } }[]; next_cursor: string | null };
    const first = await api.get<History>(`/api/v1/tickets/${ticket.ticket_id}/history?limit=4`);
    expect(first.body.data.events.map((e) => e.after.status ?? e.kind)).toEqual([1, 2, 3, 2]);
    const cursor = first.body.data.next_cursor;
    expect(cursor).not.toBeNull();
    const second = await api.get<History>(
      `/api/v1/tickets/${ticket.ticket_id}/history?limit=4&cursor=${cursor}`,
    );
    expect(second.body.data.events.map((e) => e.after.status)).toEqual([3, 4]);
    expect(second.body.data.next_cursor).toBeNull();
    const all = await api.get<History>(`/api/v1/tickets/${ticket.ticket_id}/history`);
    expect(all.body.data.events).toHaveLength(6);
    const bad = await api.get(`/api/v1/tickets/${ticket.ticket_id}/history?limit=501`);
    expect([bad.status, bad.body.action]).toEqual([400, 'invalid_request']);
  });
});
