import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { createResponder } from '../replies.js';
import { apiFixture, seedDirectory, ticketIn } from '../testing/api-fixture.js';
import { describeBehaviour } from '../testing/behaviour-suite.js';
import { matchingStatuses, routes } from '../testing/routes.js';
import { trpcTransport } from '../testing/trpc-transport.js';
import { createViews } from '../views.js';
import { createCaller } from './router.js';

describeBehaviour('tRPC', trpcTransport);

// What only tRPC has: calls without HTTP, typed results, BAD_REQUEST errors, numbers only, batches.

/** The seeded fixture, with a caller of the router itself (no HTTP). */
async function seeded() {
  const fixture = apiFixture();
  await seedDirectory(fixture.desk);
  const views = createViews(fixture.desk.calendar, fixture.desk.clock);
  const caller = createCaller({
    desk: fixture.desk,
    views,
    keysRequired: false,
    caller: undefined,
    idempotencyKey: undefined,
    syncReport: () => Promise.reject(new Error('not wanted here')),
    respond: createResponder(views),
  });
  return { ...fixture, caller };
}

type Caller = Awaited<ReturnType<typeof seeded>>['caller'];

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

describe('the router without HTTP (createCaller)', () => {
  it('answers each call with the envelopes of its REST route, narrowed on action to typed data', async () => {
    const { caller } = await seeded();
    const created = await caller.tickets.create(ticketIn(2));
    expect(matchingStatuses(routes.createTicket, created)).toEqual([201]);
    if (created.action !== 'ticket_created') throw new Error(`answered ${created.action}`);
    const endDate: string = created.data.end_date;
    expect(endDate).toBe('2026-03-03 10:00');
    const full = await caller.tickets.create(ticketIn(2));
    expect(matchingStatuses(routes.createTicket, full)).toEqual([409]);
    if (full.action !== 'zone_ticket_limit_reached') throw new Error(`answered ${full.action}`);
    const limit: number = full.data.max_tickets;
    expect(limit).toBe(1);
    await caller.tickets.update({ ticket_id: 1, status: 3, expected_version: 1 });
    const stale = await caller.tickets.update({ ticket_id: 1, status: 1, expected_version: 1 });
    expect(matchingStatuses(routes.updateTicket, stale)).toEqual([412]);
    if (stale.action !== 'ticket_changed') throw new Error(`answered ${stale.action}`);
    const version: number = stale.data.version;
    expect(version).toBe(2);
  });

  // Text-to-number coercion is REST's, for paths and query strings only.
  it.each<{ name: string; call: (caller: Caller) => Promise<unknown>; paths: string[] }>([
    {
      name: 'tickets.get with an id given as digits in a string',
      call: (c) => c.tickets.get({ ticket_id: '2' as never }),
      paths: ['ticket_id'],
    },
    {
      name: 'tickets.update with an id given as digits in a string',
      call: (c) => c.tickets.update({ ticket_id: '1' as never, status: 3 }),
      paths: ['ticket_id'],
    },
    {
      name: 'zones.save with a zone id given as text with spaces',
      call: (c) => c.zones.save({ zone_id: ' 2 ' as never, name: 'x' }),
      paths: ['zone_id'],
    },
    {
      name: 'zones.capacity with a zone id given as digits in a string',
      call: (c) => c.zones.capacity({ zone_id: '1' as never }),
      paths: ['zone_id'],
    },
    {
      name: 'tickets.list with a limit given as text',
      call: (c) => c.tickets.list({ limit: '10' as never }),
      paths: ['limit'],
    },
    {
      name: 'tickets.create with an array',
      call: (c) => c.tickets.create([ticketIn(1)] as never),
      paths: [''],
    },
  ])('rejects $name with BAD_REQUEST carrying the zod issues', async ({ call, paths }) => {
    const { caller, unchanged } = await seeded();
    await caller.tickets.create(ticketIn(1));
    const error = await unchanged(() => rejection(call(caller)));
    expect(error.code).toBe('BAD_REQUEST');
    expect(issuePaths(error)).toEqual(paths);
  });
});

describe('BAD_REQUEST and other errors over HTTP', () => {
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
    const { app } = await seeded();
    const response = await app.request('/trpc/tickets.nothing');
    expect(response.status).toBe(404);
    const { error } = (await response.json()) as { error: { data: Record<string, unknown> } };
    expect(error.data).toMatchObject({ code: 'NOT_FOUND', zodIssues: null, errors: null });
  });

  it('formats a bad query input the same way', async () => {
    const { app } = await seeded();
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

  it('refuses a body over 64 KB with the 413 payload_too_large envelope and writes nothing', async () => {
    const { app, unchanged } = await seeded();
    const response = await unchanged(async () =>
      app.request('/trpc/tickets.create', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ticketIn(1, { description: 'x'.repeat(70_000) })),
      }),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      ok: false,
      type: 'error',
      action: 'payload_too_large',
      data: null,
      message: 'body: larger than 65536 bytes',
      meta: null,
    });
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
      expect(matchingStatuses(routes.createTicket, createdBody.result.data)).toEqual([201]);
      expect(createdBody.result.data).toMatchObject({
        ok: true,
        action: 'ticket_created',
        data: { ticket_id: 1 },
      });

      const read = await query('tickets.get', { ticket_id: 1 });
      expect(read.status).toBe(200);
      expect(await read.json()).toEqual({
        result: {
          data: {
            ...createdBody.result.data,
            action: 'ticket_found',
            data: { ...createdBody.result.data.data, customer_name: 'C1', technician_name: 'Ana Gómez' },
          },
        },
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
