import { createTestDatabase, requireTestDatabase } from '@tickets/store/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { client, type ServerProcess, startServer } from './testing/server-process.js';

const hasPostgres = requireTestDatabase();

const LIMIT = 3;
const WAITING = 40;
const CHAOS_MS = 10_000;

interface Queued {
  readonly queue_id: number;
  readonly state: 'waiting' | 'admitted' | 'withdrawn';
  readonly position: number | null;
  readonly ticket_id: number | null;
  readonly settled_at: string | null;
}

interface Event {
  readonly event_id: number;
  readonly kind: string;
  readonly after: { readonly status?: number; readonly queue_id?: number };
}

const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(Math.random() * items.length)];

describe.skipIf(!hasPostgres)("a zone's waiting line across three instances on PostgreSQL", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it(`admits ${WAITING} waiting requests exactly once, first in first out, never over ${LIMIT} active, through ${CHAOS_MS / 1000} s of resolutions, reopenings and withdrawals`, async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const servers: ServerProcess[] = await Promise.all(
      Array.from({ length: 3 }, () => startServer({ env: { DATABASE_URL: database.url } })),
    );
    cleanups.push(() => Promise.all(servers.map((s) => s.stop())));
    const apis = servers.map((s) => client(s.baseUrl));
    const api = () => pick(apis) as (typeof apis)[number];
    const first = apis[0] as (typeof apis)[number];

    expect((await first.put('/api/v1/zones/1', { name: 'Torre', max_active_tickets: LIMIT })).status).toBe(
      200,
    );
    expect((await first.put('/api/v1/technicians/1', { name: 'Ana' })).status).toBe(200);
    expect((await first.put('/api/v1/services/1', { zone_id: 1 })).status).toBe(200);
    const create = (extra: Record<string, unknown>) =>
      api().post<{ ticket_id: number; queue_id: number }>('/api/v1/tickets', {
        service_id: 1,
        subject: 'Falla Masiva',
        description: 'Sin servicio',
        technician_id: 1,
        zone_id: 1,
        ...extra,
      });
    for (let i = 0; i < LIMIT; i += 1) expect((await create({})).status).toBe(201);
    const queued = await Promise.all(Array.from({ length: WAITING }, () => create({ queue_if_full: true })));
    expect(queued.map((q) => q.status)).toEqual(Array(WAITING).fill(202));
    const queueIds = queued.map((q) => q.body.data.queue_id);

    // Several actors at once, each on any instance: resolve, reopen, withdraw.
    const until = Date.now() + CHAOS_MS;
    const statuses: number[] = [];
    const actor = async () => {
      while (Date.now() < until) {
        const roll = Math.random();
        if (roll < 0.5) {
          const active = await api().get<{ tickets: { ticket_id: number }[] }>(
            '/api/v1/tickets?zone_id=1&status=1&limit=10',
          );
          const ticket = pick(active.body.data.tickets);
          if (ticket !== undefined)
            statuses.push((await api().patch(`/api/v1/tickets/${ticket.ticket_id}`, { status: 3 })).status);
        } else if (roll < 0.8) {
          const resolved = await api().get<{ tickets: { ticket_id: number }[] }>(
            '/api/v1/tickets?zone_id=1&status=3&limit=20',
          );
          const ticket = pick(resolved.body.data.tickets);
          if (ticket !== undefined)
            statuses.push((await api().patch(`/api/v1/tickets/${ticket.ticket_id}`, { status: 1 })).status);
        } else {
          statuses.push((await api().delete(`/api/v1/queue/${pick(queueIds)}`)).status);
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, actor));
    // Every answer was an answer: a change, a full zone's refusal, a request no longer waiting.
    expect(new Set(statuses.filter((s) => ![200, 409].includes(s)))).toEqual(new Set());

    const entries = await Promise.all(
      queueIds.map(async (id) => (await first.get<Queued>(`/api/v1/queue/${id}`)).body.data),
    );
    const admitted = entries.filter((e) => e.state === 'admitted');
    const waiting = entries.filter((e) => e.state === 'waiting');
    expect(admitted.length).toBeGreaterThan(0);
    // Each admitted exactly once: one ticket each, none shared.
    expect(new Set(admitted.map((e) => e.ticket_id)).size).toBe(admitted.length);
    // First in, first out: of those not withdrawn, every admitted one was queued before every waiting one.
    const lastAdmitted = Math.max(...admitted.map((e) => e.queue_id));
    expect(waiting.every((e) => e.queue_id > lastAdmitted)).toBe(true);
    // Still waiting: in order, at positions 1, 2, 3…
    expect(waiting.map((e) => e.position)).toEqual(waiting.map((_, i) => i + 1));
    // No free slot while someone waits.
    const capacity = (
      await first.get<{ active_tickets: number; waiting: number }>('/api/v1/zones/1/capacity')
    ).body.data;
    expect(capacity.waiting).toBe(waiting.length);
    if (waiting.length > 0) expect(capacity.active_tickets).toBe(LIMIT);

    // Replay the history, in the order it was written: never more than LIMIT active at any moment,
    // and each admitted request's ticket created once, from that request.
    const all = await first.get<{ tickets: { ticket_id: number }[] }>('/api/v1/tickets?zone_id=1&limit=500');
    const histories = await Promise.all(
      all.body.data.tickets.map(async ({ ticket_id }) => {
        const history = await first.get<{ events: Event[] }>(
          `/api/v1/tickets/${ticket_id}/history?limit=500`,
        );
        return history.body.data.events.map((event) => ({ ...event, ticket_id }));
      }),
    );
    const events = histories.flat().sort((a, b) => a.event_id - b.event_id);
    const status = new Map<number, number>();
    let active = 0;
    let most = 0;
    const fromQueue = new Map<number, number>();
    for (const event of events) {
      const next = event.after.status;
      if (next === undefined) continue;
      const before = status.get(event.ticket_id);
      if (before === 1) active -= 1;
      if (next === 1) active += 1;
      status.set(event.ticket_id, next);
      most = Math.max(most, active);
      expect(active, `after event ${event.event_id}`).toBeLessThanOrEqual(LIMIT);
      if (event.kind === 'created' && event.after.queue_id !== undefined) {
        expect(fromQueue.has(event.after.queue_id)).toBe(false);
        fromQueue.set(event.after.queue_id, event.ticket_id);
      }
    }
    expect(most).toBe(LIMIT);
    expect(new Map(admitted.map((e) => [e.queue_id, e.ticket_id]))).toEqual(fromQueue);
  }, 60_000);
});
