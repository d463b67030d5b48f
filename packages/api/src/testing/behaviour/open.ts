import type { DeliverySettings } from '@tickets/domain';
import { expect } from 'vitest';
import type { TicketView } from '../../views.js';
import { type ApiFixture, apiFixture, seedDirectory, ticketIn } from '../api-fixture.js';
import { type Answer, InputRefused, type Transport } from './transport.js';

/** The transport to a fixture's app. */
export type Connect = (fixture: ApiFixture) => Transport;

export interface OpenOptions {
  readonly deliveries?: DeliverySettings;
}

/** The answer stands for this HTTP status (over tRPC: REST declares its envelope for this status). */
export const expectStatus = (answer: Answer, status: number) => expect(answer.statuses).toContain(status);

/**
 * A create or reopening refused because the zone is full: 409, an info envelope with the zone's
 * capacity, its active tickets (newest first) and how many wait in its line.
 */
export function expectZoneFull(
  answer: Answer,
  zone_id: number,
  active_tickets: number,
  max_tickets: number,
  waiting = 0,
) {
  expectStatus(answer, 409);
  expect(answer.body).toEqual({
    ok: false,
    type: 'info',
    action: 'zone_ticket_limit_reached',
    data: { zone_id, active_tickets, max_tickets, waiting, tickets: expect.any(Array) },
    message: expect.stringContaining(`Zone ${zone_id} has reached its maximum of ${max_tickets}`),
    meta: null,
  });
  const { tickets } = answer.body.data as { tickets: { ticket_id: number }[] };
  expect(tickets).toHaveLength(Math.min(active_tickets, 50));
  const ids = tickets.map((t) => t.ticket_id);
  expect(ids).toEqual([...ids].sort((a, b) => b - a));
}

/** No such ticket or zone: 404, an error envelope that names the id. */
export function expectNotFound(
  answer: Answer,
  action: 'ticket_not_found' | 'zone_not_found',
  message: string,
) {
  expectStatus(answer, 404);
  expect(answer.body).toEqual({ ok: false, type: 'error', action, data: null, message, meta: null });
}

/** The fields refused input names, in order. */
export const fieldsOf = (refusal: InputRefused) => refusal.errors.map((e) => e.field);

/** A fresh app over a fresh store, the transport to it, and the suite's helpers. */
function openWith(connect: Connect, options?: OpenOptions) {
  const fixture = apiFixture(options);
  const api = connect(fixture);
  return {
    ...fixture,
    api,
    /** Makes a call the API must refuse with an envelope, and checks that it wrote nothing. */
    async refused<D>(call: () => Promise<Answer<D>>): Promise<Answer<D>> {
      const answer = await fixture.unchanged(call);
      expect(answer.body.ok).toBe(false);
      return answer;
    },
    /** Makes a call whose input must be refused before any use case runs, and checks that it wrote nothing. */
    async refusedInput(call: () => Promise<unknown>): Promise<InputRefused> {
      const error = await fixture.unchanged(call).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputRefused);
      return error as InputRefused;
    },
    /** Opens a ticket with `ticketIn(zone, extra)`, which must be created. */
    async createTicket(zone: number, extra: Record<string, unknown> = {}): Promise<TicketView> {
      const answer = await api.createTicket(ticketIn(zone, extra));
      expectStatus(answer, 201);
      return answer.body.data;
    },
  };
}

export type Opened = ReturnType<typeof openWith>;

/** How each test of the suite starts: with nothing stored, or with the directory seeded. */
export interface Suite {
  open(options?: OpenOptions): Opened;
  /** Opened, with the zones, technicians and services of `seedDirectory`. */
  seeded(options?: OpenOptions): Promise<Opened>;
}

export function suiteOver(connect: Connect): Suite {
  return {
    open: (options) => openWith(connect, options),
    async seeded(options) {
      const opened = openWith(connect, options);
      await seedDirectory(opened.desk);
      return opened;
    },
  };
}
