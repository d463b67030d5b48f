import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ConnectorStore,
  createBusinessCalendar,
  createCapacityRule,
  createDeliveryWorker,
  createSubjectCatalogue,
  createTicketDesk,
  createWispHubSync,
  type DeliverySettings,
  type DeliveryWorker,
  defaultSubjects,
  noHolidays,
  type TicketStore,
} from '@tickets/domain';
import { createMemoryTicketStore } from '@tickets/store';
import { createWispHubSimulator, type WispHubSimulatorOptions } from '@tickets/wisphub-sim';
import { onTestFinished } from 'vitest';
import { createWebhookSender } from '../webhook-sender.js';
import { createWispHubClient } from '../wisphub-client.js';

/** Thursday 2026-02-26 10:00 in Bogotá. */
export const START = Date.UTC(2026, 1, 26, 15);

export const calendar = createBusinessCalendar({
  timeZone: 'America/Bogota',
  weekdays: [1, 2, 3, 4, 5],
  holidays: noHolidays,
})._unsafeUnwrap();

export interface ReceivedWebhook {
  readonly id: number;
  readonly type: string;
  readonly ticket: { readonly ticket_id: number; readonly status: number };
}

/** A webhook receiver on a free port: answers `status()` (204 by default) and keeps what it took. */
export async function webhookReceiver() {
  const received: ReceivedWebhook[] = [];
  let status = 204;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      if (status < 300) received.push(JSON.parse(body) as ReceivedWebhook);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received,
    answer(next: number) {
      status = next;
    },
  };
}

export interface ConnectedDeskOptions {
  readonly sim?: WispHubSimulatorOptions;
  readonly webhooks?: readonly string[];
  readonly timeoutMs?: number;
  readonly maxActiveTicketsPerZone?: number;
  /** The key the client sends, when not the simulator's. */
  readonly apiKey?: string;
}

/**
 * The use cases over a memory store with the WispHub connector on, against a simulator over real
 * HTTP, with a clock the test moves.
 */
export async function connectedDesk(options: ConnectedDeskOptions = {}) {
  const sim = createWispHubSimulator({ clients: 60, zones: 4, technicians: 3, pageSize: 20, ...options.sim });
  const { url } = await sim.start();
  onTestFinished(() => sim.close());
  let now = START;
  const clock = { now: () => now };
  const store: TicketStore & ConnectorStore = createMemoryTicketStore();
  const deliveries: DeliverySettings = { wisphub: true, webhooks: options.webhooks ?? [] };
  const capacity = createCapacityRule({
    maxActiveTicketsPerZone: options.maxActiveTicketsPerZone ?? 3,
    activeStatuses: [1],
  });
  const subjects = createSubjectCatalogue(defaultSubjects)._unsafeUnwrap();
  const desk = createTicketDesk({
    store,
    clock,
    calendar,
    subjects,
    capacity,
    resolutionDays: 3,
    deliveries,
  });
  const wisphub = createWispHubClient({
    url,
    apiKey: options.apiKey ?? sim.apiKey,
    calendar,
    newStatus: 1,
    department: 'Soporte Técnico',
    timeoutMs: options.timeoutMs ?? 2_000,
  });
  const webhooks = createWebhookSender({
    secret: 'secret-0123456789abcdef',
    clock,
    timeoutMs: 2_000,
    render: (ticket) => ({ ticket_id: ticket.ticket_id, status: ticket.status }),
  });
  const workerFor = (holder: string): DeliveryWorker =>
    createDeliveryWorker({
      store,
      clock,
      random: () => 0.5,
      holder,
      capacity,
      deliveries,
      wisphub,
      webhooks,
      wisphubNewStatus: 1,
      leaseMs: 30_000,
    });
  const sync = createWispHubSync({
    store,
    wisphub,
    clock,
    calendar,
    subjects,
    capacity,
    resolutionDays: 3,
    deliveries,
    newStatus: 1,
  });
  return {
    sim,
    store,
    desk,
    sync,
    worker: workerFor('worker-1'),
    workerFor,
    /** Moves the test's clock on. */
    advance(ms: number) {
      now += ms;
    },
  };
}
