import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createHttpApp } from '../http-app.js';
import { createTestDesk } from '../testing/desk.js';
import type { AppRouter } from './router.js';

/** A server on a free port, and a client typed by the router alone, batching. */
async function connected() {
  const app = createHttpApp({ desk: createTestDesk() });
  const { server, port } = await new Promise<{ server: ServerType; port: number }>((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ server, port: info.port }),
    );
  });
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const trpc = createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `http://127.0.0.1:${port}/trpc` })],
  });
  await trpc.zones.save.mutate({ zone_id: 1, name: 'Centro', max_active_tickets: 2 });
  await trpc.technicians.save.mutate({ technician_id: 1, name: 'Ana' });
  await trpc.services.save.mutate({ service_id: 1, zone_id: 1 });
  return trpc;
}

const ticket = { service_id: 1, zone_id: 1, technician_id: 1, subject: 'Falla Masiva', description: 'Caído' };

describe('a frontend on the typed tRPC client', () => {
  it('narrows each reply on its action to typed data, and cannot name an answer a procedure never gives', async () => {
    const trpc = await connected();
    for (let i = 0; i < 2; i += 1) {
      const created = await trpc.tickets.create.mutate(ticket);
      if (created.action !== 'ticket_created') throw new Error(`not created: ${created.action}`);
      expect(created.data.end_date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    }
    const reply = await trpc.tickets.create.mutate(ticket);
    if (reply.action === 'zone_ticket_limit_reached') {
      const limit: number = reply.data.max_tickets;
      expect(limit).toBe(2);
    } else {
      throw new Error(`expected a full zone, got ${reply.action}`);
    }
    const found = await trpc.tickets.get.query({ ticket_id: 1 });
    if (found.action === 'ticket_not_found') expect.unreachable();
    else expect(found.data.version).toBe(1);
    const another = await trpc.tickets.create.mutate(ticket);
    expect(another.action).toBe('zone_ticket_limit_reached');
    // @ts-expect-error creating a ticket never answers ticket_not_found
    if (another.action === 'ticket_not_found') expect.unreachable();
    // @ts-expect-error a typo in an action does not compile
    if (another.action === 'zone_limit_reached') expect.unreachable();
    // Each answer a create can give, and no other.
    const actions: (typeof another)['action'][] = [
      'ticket_created',
      'ticket_queued',
      'ticket_creation_failed',
      'zone_ticket_limit_reached',
      'idempotency_key_reused',
    ];
    expect(actions).toContain(another.action);
    // Asked to wait, a full zone answers the request's place in its line, typed.
    const waiting = await trpc.tickets.create.mutate({ ...ticket, queue_if_full: true });
    if (waiting.action !== 'ticket_queued') throw new Error(`not queued: ${waiting.action}`);
    const position: number | null = waiting.data.position;
    expect(position).toBe(1);
    const zones = await trpc.zones.list.query();
    // @ts-expect-error listing zones has no refusal to narrow to
    if (zones.action === 'invalid_request') expect.unreachable();
  });

  it('refuses wrong input types at compile time, and at run time', async () => {
    const trpc = await connected();
    // @ts-expect-error ids are numbers
    await expect(trpc.tickets.get.query({ ticket_id: 'abc' })).rejects.toThrow(/ticket_id/);
    // @ts-expect-error a zone id as text is no id, with or without spaces
    await expect(trpc.zones.save.mutate({ zone_id: ' 2 ', name: 'x' })).rejects.toThrow(/zone_id/);
    // @ts-expect-error statuses are 1 to 4
    await expect(trpc.tickets.list.query({ status: 7 })).rejects.toThrow(/status/);
  });

  it('gives each create of a batch its own idempotency key, and says which replies are replays', async () => {
    const trpc = await connected();
    const [first, second] = await Promise.all([
      trpc.tickets.create.mutate({ ...ticket, idempotency_key: 'batch-a' }),
      trpc.tickets.create.mutate({ ...ticket, description: 'otro', idempotency_key: 'batch-b' }),
    ]);
    expect([first.ok, second.ok]).toEqual([true, true]);
    expect([first.meta, second.meta]).toEqual([null, null]);
    const [again, reused] = await Promise.all([
      trpc.tickets.create.mutate({ ...ticket, idempotency_key: 'batch-a' }),
      trpc.tickets.create.mutate({ ...ticket, idempotency_key: 'batch-b' }),
    ]);
    if (again.action !== 'ticket_created' || first.action !== 'ticket_created')
      throw new Error('not created');
    expect(again.meta).toEqual({ replayed: true });
    expect(again.data.ticket_id).toBe(first.data.ticket_id);
    expect(reused.action).toBe('idempotency_key_reused');
  });
});
