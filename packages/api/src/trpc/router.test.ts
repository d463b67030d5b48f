import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { RouteConfig } from '@hono/zod-openapi';
import {
  createBusinessCalendar,
  createCapacityRule,
  createSubjectCatalogue,
  createTicketDesk,
  type DeliverySettings,
  defaultSubjects,
  noDeliveries,
  readSyncReport,
} from '@tickets/domain';
import { createMemoryTicketStore } from '@tickets/store';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../http-app.js';
import { createResponder } from '../replies.js';
import { declaredSchemas, routes } from '../testing/routes.js';
import { createViews } from '../views.js';
import { createCaller } from './router.js';

// ---------------------------------------------------------------------------------------------
// Fixture: a desk over the memory store, a controllable clock, Colombian business days.

/** An instant given as wall-clock time in Bogotá (UTC−5 all year). */
const bogota = (year: number, month: number, day: number, hour = 10, minute = 0) =>
  Date.UTC(year, month - 1, day, hour + 5, minute);

function setup(deliveries: DeliverySettings = noDeliveries) {
  let now = bogota(2026, 2, 26);
  const store = createMemoryTicketStore();
  const calendar = createBusinessCalendar({
    timeZone: 'America/Bogota',
    weekdays: [1, 2, 3, 4, 5],
    holidays: { holidaysIn: (year) => (year === 2026 ? ['2026-01-01', '2026-03-23'] : []) },
  })._unsafeUnwrap();
  const desk = createTicketDesk({
    store,
    clock: { now: () => now },
    calendar,
    subjects: createSubjectCatalogue(defaultSubjects)._unsafeUnwrap(),
    capacity: createCapacityRule({ maxActiveTicketsPerZone: 3, activeStatuses: [1, 2] }),
    resolutionDays: 3,
    deliveries,
  });
  const defects: unknown[] = [];
  return {
    desk,
    caller: createCaller({
      desk,
      views: createViews(desk.calendar, desk.clock),
      keysRequired: false,
      caller: undefined,
      idempotencyKey: undefined,
      syncReport: () => readSyncReport(store, deliveries),
      respond: createResponder(createViews(desk.calendar, desk.clock)),
    }),
    app: createHttpApp({ desk, onDefect: (error) => defects.push(error) }),
    defects,
    setNow: (ms: number) => {
      now = ms;
    },
  };
}

type Caller = ReturnType<typeof setup>['caller'];

/** Zone 1 (default limit 3), zone 2 (own limit 1); technician 1 active, 2 inactive; service n in zone n. */
async function seed(caller: Caller): Promise<void> {
  await caller.zones.save({ zone_id: 1, name: 'Barrio Centro' });
  await caller.zones.save({ zone_id: 2, name: 'Torre Norte', max_active_tickets: 1 });
  await caller.technicians.save({ technician_id: 1, name: 'Ana Gómez' });
  await caller.technicians.save({ technician_id: 2, name: 'Luis Pérez', active: false });
  await caller.services.save({ service_id: 1, zone_id: 1, customer_name: 'Cliente Uno' });
  await caller.services.save({ service_id: 2, zone_id: 2 });
}

async function seeded(deliveries?: DeliverySettings) {
  const fixture = setup(deliveries);
  await seed(fixture.caller);
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

/** tRPC answers with the envelopes REST sends: each value matches a response its REST route declares. */
function expectRouteEnvelope(route: RouteConfig, value: unknown): void {
  const matches = declaredSchemas(route).filter((schema) => {
    const parsed = schema.safeParse(value);
    return parsed.success && JSON.stringify(parsed.data) === JSON.stringify(value);
  });
  expect(matches, `${route.method.toUpperCase()} ${route.path}: ${JSON.stringify(value)}`).not.toHaveLength(
    0,
  );
  expect(Object.keys(value as object).sort()).toEqual(['action', 'data', 'message', 'meta', 'ok', 'type']);
}

/** The data of a success envelope; fails on any other. */
function dataOf<T extends { readonly ok: boolean; readonly data: unknown }>(
  answer: T,
): Extract<T, { readonly ok: true }>['data'] {
  expect(answer.ok).toBe(true);
  return answer.data as Extract<T, { readonly ok: true }>['data'];
}

/** The error a call rejects with; fails when it resolves. */
async function rejection(call: Promise<unknown>): Promise<TRPCError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

const issuePaths = (error: TRPCError) =>
  ((error.cause as { issues?: { path: PropertyKey[] }[] } | undefined)?.issues ?? []).map((i) =>
    i.path.join('.'),
  );

// ---------------------------------------------------------------------------------------------

describe('tickets.subjects', () => {
  it('lists the catalogue grouped by priority', async () => {
    const { caller } = setup();
    const answer = await caller.tickets.subjects();
    expectRouteEnvelope(routes.listSubjects, answer);
    expect(answer).toMatchObject({ ok: true, type: 'success', action: 'ticket_subjects_listed' });
    expect(dataOf(answer).by_priority.very_high).toEqual(defaultSubjects['4']);
    expect(dataOf(answer).all).toContain('Falla Masiva');
  });
});

describe('tickets.statuses', () => {
  it('answers what REST answers: each status, active and done', async () => {
    const { caller } = setup();
    const answer = await caller.tickets.statuses();
    expectRouteEnvelope(routes.listStatuses, answer);
    expect(
      dataOf(answer)
        .statuses.filter((s) => s.done)
        .map((s) => s.status),
    ).toEqual([3, 4]);
  });
});

describe('tickets.create', () => {
  it('opens a ticket and answers the ticket_created envelope', async () => {
    const { caller } = await seeded();
    const answer = await caller.tickets.create(ticketIn(1, { status: 4, priority: 1 }));
    expectRouteEnvelope(routes.createTicket, answer);
    expect(answer).toEqual({
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
  });

  it('counts business days past holidays for the end date', async () => {
    const { caller, setNow } = await seeded();
    setNow(bogota(2026, 3, 18));
    const answer = await caller.tickets.create(ticketIn(1));
    expect(answer.data).toMatchObject({ created_at: '2026-03-18 10:00', end_date: '2026-03-24 10:00' });
  });

  it('answers a full zone with an info envelope value instead of throwing', async () => {
    const { caller } = await seeded();
    await caller.tickets.create(ticketIn(2));
    const answer = await caller.tickets.create(ticketIn(2));
    expectRouteEnvelope(routes.createTicket, answer);
    expect(answer).toEqual({
      ok: false,
      type: 'info',
      action: 'zone_ticket_limit_reached',
      data: { zone_id: 2, active_tickets: 1, max_tickets: 1 },
      message: expect.stringContaining('Zone 2'),
      meta: null,
    });
    expect(dataOf(await caller.tickets.list({ zone_id: 2 })).tickets).toHaveLength(1);
  });

  it('answers unknown references and an inactive technician with an error envelope value', async () => {
    const { caller } = await seeded();
    const unknownSubject = await caller.tickets.create(ticketIn(1, { subject: 'Falla masiva' }));
    expectRouteEnvelope(routes.createTicket, unknownSubject);
    expect(unknownSubject).toMatchObject({
      ok: false,
      type: 'error',
      action: 'ticket_creation_failed',
      meta: { errors: [{ field: 'subject', code: 'unknown_subject' }] },
    });
    const references = await caller.tickets.create(ticketIn(1, { service_id: 2, technician_id: 2 }));
    expectRouteEnvelope(routes.createTicket, references);
    if (references.action !== 'ticket_creation_failed') throw new Error(`answered ${references.action}`);
    expect(references.meta?.errors.map(({ field, code }) => ({ field, code }))).toEqual([
      { field: 'zone_id', code: 'service_in_other_zone' },
      { field: 'technician_id', code: 'inactive_technician' },
    ]);
    expect(dataOf(await caller.tickets.list({})).tickets).toEqual([]);
  });
});

describe('tickets.get, tickets.list and tickets.update', () => {
  it('reads a ticket, and answers ticket_not_found for an unknown id', async () => {
    const { caller } = await seeded();
    const created = await caller.tickets.create(ticketIn(1));
    const found = await caller.tickets.get({ ticket_id: 1 });
    expectRouteEnvelope(routes.getTicket, found);
    expect(found).toMatchObject({ ok: true, action: 'ticket_found', data: created.data });
    const missing = await caller.tickets.get({ ticket_id: 9 });
    expectRouteEnvelope(routes.getTicket, missing);
    expect(missing).toEqual({
      ok: false,
      type: 'error',
      action: 'ticket_not_found',
      data: null,
      message: 'ticket_id: no ticket 9',
      meta: null,
    });
  });

  it('lists tickets newest first, filtered, in pages joined by next_cursor', async () => {
    const { caller } = await seeded();
    for (let i = 0; i < 3; i += 1) await caller.tickets.create(ticketIn(1));
    await caller.tickets.create(ticketIn(2));
    await caller.tickets.update({ ticket_id: 2, status: 3 });
    const first = await caller.tickets.list({ limit: 2 });
    expectRouteEnvelope(routes.listTickets, first);
    expect(dataOf(first).tickets.map((t) => t.ticket_id)).toEqual([4, 3]);
    expect(dataOf(first).next_cursor).toBe('3');
    const rest = await caller.tickets.list({ limit: 2, cursor: dataOf(first).next_cursor ?? undefined });
    expect(dataOf(rest).tickets.map((t) => t.ticket_id)).toEqual([2, 1]);
    expect(dataOf(rest).next_cursor).toBeNull();
    const open = await caller.tickets.list({ zone_id: 1, status: 1 });
    expect(dataOf(open).tickets.map((t) => t.ticket_id)).toEqual([3, 1]);
  });

  it('lists with the default page when called without input', async () => {
    const { caller } = await seeded();
    await caller.tickets.create(ticketIn(1));
    expect(dataOf(await caller.tickets.list()).tickets.map((t) => t.ticket_id)).toEqual([1]);
    expect(dataOf(await caller.zones.list()).zones.length).toBeGreaterThan(0);
    expect(dataOf(await caller.technicians.list()).technicians.length).toBeGreaterThan(0);
    expect(dataOf(await caller.services.list()).services.length).toBeGreaterThan(0);
  });

  it('changes a status with an answer, and refuses to reopen into a full zone with an info envelope', async () => {
    const { caller, setNow } = await seeded();
    await caller.tickets.create(ticketIn(2));
    setNow(bogota(2026, 2, 27, 9, 30));
    const resolved = await caller.tickets.update({ ticket_id: 1, status: 3, answer_text: ' Listo ' });
    expectRouteEnvelope(routes.updateTicket, resolved);
    expect(resolved).toMatchObject({
      ok: true,
      action: 'ticket_updated',
      data: { status: 3, status_ticket: 'Resuelto', answer_text: 'Listo', updated_at: '2026-02-27 09:30' },
    });
    await caller.tickets.create(ticketIn(2));
    const reopen = await caller.tickets.update({ ticket_id: 1, status: 1 });
    expectRouteEnvelope(routes.updateTicket, reopen);
    expect(reopen).toMatchObject({
      ok: false,
      type: 'info',
      action: 'zone_ticket_limit_reached',
      data: { zone_id: 2, active_tickets: 1, max_tickets: 1 },
    });
    expect((await caller.tickets.get({ ticket_id: 1 })).data).toMatchObject({ status: 3 });
    const missing = await caller.tickets.update({ ticket_id: 7, status: 4 });
    expectRouteEnvelope(routes.updateTicket, missing);
    expect(missing.action).toBe('ticket_not_found');
  });
});

describe('tickets.update with expected_version, and tickets.history by pages', () => {
  it('refuses a change made against an older version with the ticket as it is now', async () => {
    const { caller } = await seeded();
    const ticket = dataOf(await caller.tickets.create(ticketIn(1)));
    const first = await caller.tickets.update({
      ticket_id: ticket.ticket_id,
      status: 3,
      answer_text: 'Listo',
      expected_version: 1,
    });
    expect(dataOf(first).version).toBe(2);
    const stale = await caller.tickets.update({
      ticket_id: ticket.ticket_id,
      status: 1,
      expected_version: 1,
    });
    expectRouteEnvelope(routes.updateTicket, stale);
    expect(stale).toMatchObject({ ok: false, action: 'ticket_changed', data: { version: 2, status: 3 } });
    const history = await caller.tickets.history({ ticket_id: ticket.ticket_id, limit: 1 });
    expect(dataOf(history).events).toHaveLength(1);
    expect(dataOf(history).next_cursor).not.toBeNull();
  });
});

describe('tickets.retryDelivery and sync.wisphub', () => {
  it('answers with the envelopes of the REST routes: a retry refused while the delivery is pending, and the sync status', async () => {
    const { caller } = await seeded({ wisphub: true, webhooks: [] });
    const created = await caller.tickets.create(ticketIn(1));
    const ticket = dataOf(created);
    expect(ticket).toMatchObject({ wisphub_sync: 'pending', source: 'api' });
    const refused = await caller.tickets.retryDelivery({ ticket_id: ticket.ticket_id });
    expectRouteEnvelope(routes.retryDelivery, refused);
    expect(refused).toMatchObject({ ok: false, action: 'delivery_not_failed' });
    const sync = await caller.sync.wisphub();
    expectRouteEnvelope(routes.syncStatus, sync);
    expect(dataOf(sync).wisphub).toMatchObject({ enabled: true, deliveries: { pending: 1, failed: 0 } });
  });

  it('refuses a retry with the connector off', async () => {
    const { caller } = await seeded();
    const ticket = dataOf(await caller.tickets.create(ticketIn(1)));
    expect(await caller.tickets.retryDelivery({ ticket_id: ticket.ticket_id })).toMatchObject({
      ok: false,
      action: 'wisphub_disabled',
    });
    expect(dataOf(await caller.sync.wisphub()).wisphub.enabled).toBe(false);
  });
});

describe('zones, technicians and services', () => {
  it("reports a zone's capacity, and zone_not_found for an unknown zone", async () => {
    const { caller } = await seeded();
    await caller.tickets.create(ticketIn(1));
    const capacity = await caller.zones.capacity({ zone_id: 1 });
    expectRouteEnvelope(routes.zoneCapacity, capacity);
    expect(capacity).toMatchObject({
      ok: true,
      action: 'zone_capacity',
      data: { zone_id: 1, active_tickets: 1, max_tickets: 3, is_blocked: false },
    });
    const missing = await caller.zones.capacity({ zone_id: 5 });
    expectRouteEnvelope(routes.zoneCapacity, missing);
    expect(missing).toMatchObject({ ok: false, action: 'zone_not_found', message: 'zone_id: no zone 5' });
  });

  it('lists every zone with its load for a board', async () => {
    const { caller } = await seeded();
    await caller.tickets.create(ticketIn(1));
    const board = await caller.zones.capacities();
    expectRouteEnvelope(routes.listZoneCapacities, board);
    expect(board).toMatchObject({ ok: true, action: 'zone_capacities_listed', data: { next_cursor: null } });
    expect(dataOf(board).zones[0]).toMatchObject({
      zone_id: 1,
      active_tickets: 1,
      max_tickets: 3,
      is_blocked: false,
    });
  });

  it('saves and lists zones, technicians and services', async () => {
    const { caller } = setup();
    const zone = await caller.zones.save({ zone_id: 3, name: ' Parque ', max_active_tickets: 4 });
    expectRouteEnvelope(routes.saveZone, zone);
    expect(zone.data).toEqual({ zone_id: 3, name: 'Parque', max_active_tickets: 4 });
    await caller.zones.save({ zone_id: 1, name: 'Centro' });
    const zones = await caller.zones.list({ limit: 1 });
    expectRouteEnvelope(routes.listZones, zones);
    expect(zones.data).toEqual({
      zones: [{ zone_id: 1, name: 'Centro', max_active_tickets: null }],
      next_cursor: '1',
    });
    expect(dataOf(await caller.zones.list({ cursor: '1' })).zones.map((z) => z.zone_id)).toEqual([3]);

    const technician = await caller.technicians.save({ technician_id: 8, name: 'Ana', active: false });
    expectRouteEnvelope(routes.saveTechnician, technician);
    expect(technician).toMatchObject({
      action: 'technician_saved',
      data: { technician_id: 8, active: false },
    });
    const technicians = await caller.technicians.list({});
    expectRouteEnvelope(routes.listTechnicians, technicians);
    expect(technicians.data).toEqual({ technicians: [technician.data], next_cursor: null });

    const service = await caller.services.save({ service_id: 4, zone_id: 3 });
    expectRouteEnvelope(routes.saveService, service);
    expect(service).toMatchObject({
      action: 'service_saved',
      data: { service_id: 4, zone_id: 3, customer_name: null },
    });
    const services = await caller.services.list({});
    expectRouteEnvelope(routes.listServices, services);
    expect(services.data).toEqual({ services: [service.data], next_cursor: null });
  });

  it('answers a service whose zone does not exist with an error envelope value and saves nothing', async () => {
    const { caller } = setup();
    const answer = await caller.services.save({ service_id: 4, zone_id: 30 });
    expectRouteEnvelope(routes.saveService, answer);
    expect(answer).toEqual({
      ok: false,
      type: 'error',
      action: 'service_save_failed',
      data: null,
      message: 'zone_id: no zone 30',
      meta: { errors: [{ field: 'zone_id', code: 'unknown_zone', message: 'zone_id: no zone 30' }] },
    });
    expect(dataOf(await caller.services.list({})).services).toEqual([]);
  });
});

describe('input validation', () => {
  const badInputs: { name: string; call: (caller: Caller) => Promise<unknown>; paths: string[] }[] = [
    {
      name: 'tickets.create with a fractional service_id and a blank subject',
      call: (c) => c.tickets.create(ticketIn(1, { service_id: 1.5, subject: '  ' })),
      paths: ['service_id', 'subject'],
    },
    {
      name: 'tickets.create with an id given as text',
      call: (c) => c.tickets.create(ticketIn(1, { zone_id: '1' }) as never),
      paths: ['zone_id'],
    },
    {
      name: 'tickets.create with an array',
      call: (c) => c.tickets.create([ticketIn(1)] as never),
      paths: [''],
    },
    {
      name: 'tickets.get with a negative id',
      call: (c) => c.tickets.get({ ticket_id: -1 }),
      paths: ['ticket_id'],
    },
    {
      name: 'tickets.get with a textual id',
      call: (c) => c.tickets.get({ ticket_id: 'uno' as never }),
      paths: ['ticket_id'],
    },
    {
      // Text-to-number coercion is REST's, for paths and query strings only.
      name: 'tickets.get with an id given as digits in a string',
      call: (c) => c.tickets.get({ ticket_id: '2' as never }),
      paths: ['ticket_id'],
    },
    {
      name: 'zones.save with a zone id given as text with spaces',
      call: (c) => c.zones.save({ zone_id: ' 2 ' as never, name: 'x' }),
      paths: ['zone_id'],
    },
    {
      name: 'tickets.list with a limit given as text',
      call: (c) => c.tickets.list({ limit: '10' as never }),
      paths: ['limit'],
    },
    {
      name: 'tickets.list with a status of 5 and a limit of 0',
      call: (c) => c.tickets.list({ status: 5 as never, limit: 0 }),
      paths: ['status', 'limit'],
    },
    {
      name: 'tickets.list with a bad cursor',
      call: (c) => c.tickets.list({ cursor: 'abc' }),
      paths: ['cursor'],
    },
    {
      name: 'tickets.update with a blank answer',
      call: (c) => c.tickets.update({ ticket_id: 1, status: 3, answer_text: ' ' }),
      paths: ['answer_text'],
    },
    {
      name: 'tickets.update without a status',
      call: (c) => c.tickets.update({ ticket_id: 1 } as never),
      paths: ['status'],
    },
    { name: 'zones.capacity with zone 0', call: (c) => c.zones.capacity({ zone_id: 0 }), paths: ['zone_id'] },
    {
      name: 'zones.save with a limit of 0',
      call: (c) => c.zones.save({ zone_id: 9, name: 'Z', max_active_tickets: 0 }),
      paths: ['max_active_tickets'],
    },
    { name: 'zones.list with a limit of 501', call: (c) => c.zones.list({ limit: 501 }), paths: ['limit'] },
    {
      name: 'technicians.save with active given as text',
      call: (c) => c.technicians.save({ technician_id: 9, name: 'T', active: 'yes' as never }),
      paths: ['active'],
    },
    {
      name: 'technicians.list with a cursor of 0',
      call: (c) => c.technicians.list({ cursor: '0' }),
      paths: ['cursor'],
    },
    {
      name: 'services.save with a fractional service id',
      call: (c) => c.services.save({ service_id: 2.5, zone_id: 1 }),
      paths: ['service_id'],
    },
    {
      name: 'services.list with a fractional limit',
      call: (c) => c.services.list({ limit: 1.5 }),
      paths: ['limit'],
    },
  ];

  it.each(badInputs)('rejects $name with BAD_REQUEST carrying the zod issues', async ({ call, paths }) => {
    const { caller } = await seeded();
    await caller.tickets.create(ticketIn(1));
    const before = JSON.stringify([await caller.tickets.list({}), await caller.zones.list({})]);
    const error = await rejection(call(caller));
    expect(error.code).toBe('BAD_REQUEST');
    expect(issuePaths(error)).toEqual(paths);
    expect(JSON.stringify([await caller.tickets.list({}), await caller.zones.list({})])).toBe(before);
  });

  it('formats a BAD_REQUEST with data.zodIssues and per-field data.errors', async () => {
    const { app, defects } = await seeded();
    const response = await app.request('/trpc/tickets.create', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ticketIn(1, { service_id: -1, description: '' })),
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({
      message: 'service_id: must be a positive integer; description: must not be blank',
      code: -32600,
      data: {
        code: 'BAD_REQUEST',
        httpStatus: 400,
        path: 'tickets.create',
        zodIssues: [
          expect.objectContaining({ path: ['service_id'], code: 'too_small' }),
          expect.objectContaining({ path: ['description'], code: 'too_small' }),
        ],
        errors: [
          { field: 'service_id', code: 'too_small', message: 'must be a positive integer' },
          { field: 'description', code: 'too_small', message: 'must not be blank' },
        ],
      },
    });
    expect(defects).toEqual([]);
  });

  it('formats errors that are not about input without zodIssues', async () => {
    const { app } = setup();
    const response = await app.request('/trpc/tickets.nothing');
    expect(response.status).toBe(404);
    const { error } = (await response.json()) as { error: { data: Record<string, unknown> } };
    expect(error.data).toMatchObject({ code: 'NOT_FOUND', zodIssues: null, errors: null });
  });

  it('formats a bad query input the same way', async () => {
    const { app } = setup();
    const input = encodeURIComponent(JSON.stringify({ ticket_id: 2.5 }));
    const response = await app.request(`/trpc/tickets.get?input=${input}`);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { data: Record<string, unknown> } };
    expect(error.data).toMatchObject({
      code: 'BAD_REQUEST',
      zodIssues: [expect.objectContaining({ path: ['ticket_id'] })],
      errors: [{ field: 'ticket_id', code: 'invalid_type', message: 'must be a positive integer' }],
    });
  });
});

describe('tRPC request bodies', () => {
  it('refuses a body over 64 KB with the 413 payload_too_large envelope and writes nothing', async () => {
    const { app, caller } = await seeded();
    const response = await app.request('/trpc/tickets.create', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ticketIn(1, { description: 'x'.repeat(70_000) })),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      ok: false,
      type: 'error',
      action: 'payload_too_large',
      data: null,
      message: 'body: larger than 65536 bytes',
      meta: null,
    });
    expect(dataOf(await caller.tickets.list({})).tickets).toEqual([]);
  });
});

describe('tRPC over real HTTP', () => {
  it('creates, reads, batches and refuses bad input through a listening server', async () => {
    const { app, defects } = await seeded();
    const { server, port } = await new Promise<{ server: ServerType; port: number }>((resolve) => {
      const server = serve(
        { fetch: app.fetch, port: 0, hostname: '127.0.0.1', overrideGlobalObjects: false },
        (info: AddressInfo) => resolve({ server, port: info.port }),
      );
    });
    const base = `http://127.0.0.1:${port}/trpc`;
    const post = (path: string, input: unknown) =>
      fetch(`${base}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
    const query = (path: string, input: unknown) =>
      fetch(`${base}/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);
    try {
      const created = await post('tickets.create', ticketIn(1));
      expect(created.status).toBe(200);
      const createdBody = (await created.json()) as { result: { data: { data: { ticket_id: number } } } };
      expectRouteEnvelope(routes.createTicket, createdBody.result.data);
      expect(createdBody.result.data).toMatchObject({
        ok: true,
        action: 'ticket_created',
        data: { ticket_id: 1 },
      });

      const read = await query('tickets.get', { ticket_id: 1 });
      expect(read.status).toBe(200);
      expect(await read.json()).toEqual({
        result: { data: { ...createdBody.result.data, action: 'ticket_found' } },
      });

      // What httpBatchLink sends: procedures joined by commas, inputs keyed by position.
      const batch = await fetch(
        `${base}/tickets.get,zones.capacity?batch=1&input=${encodeURIComponent(
          JSON.stringify({ 0: { ticket_id: 1 }, 1: { zone_id: 1 } }),
        )}`,
      );
      expect(batch.status).toBe(200);
      const [ticket, capacity] = (await batch.json()) as { result: { data: { action: string } } }[];
      expect([ticket?.result.data.action, capacity?.result.data.action]).toEqual([
        'ticket_found',
        'zone_capacity',
      ]);

      const refused = await post('tickets.create', ticketIn(1, { zone_id: 1.5, technician_id: '1' }));
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
      const { error } = (await refused.json()) as { error: Record<string, unknown> };
      expect(error).toMatchObject({
        code: -32600,
        data: {
          code: 'BAD_REQUEST',
          httpStatus: 400,
          zodIssues: [
            expect.objectContaining({ path: ['technician_id'] }),
            expect.objectContaining({ path: ['zone_id'] }),
          ],
          errors: [
            { field: 'technician_id', code: 'invalid_type', message: 'must be a positive integer' },
            { field: 'zone_id', code: 'invalid_type', message: 'must be a positive integer' },
          ],
        },
      });

      const listed = (await (await query('tickets.list', {})).json()) as {
        result: { data: { data: { tickets: unknown[] } } };
      };
      expect(listed.result.data.data.tickets).toHaveLength(1);
    } finally {
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    }
    expect(defects).toEqual([]);
  });
});
