import {
  type ConnectorStore,
  createDeliveryWorker,
  createWispHubSync,
  type DeliverySettings,
  type DeliveryWorker,
  type TicketStore,
} from '@tickets/domain';
import { createMemoryTicketStore } from '@tickets/store';
import { createTestClock, createTestDesk } from '@tickets/testing';
import { createWispHubSimulator, type WispHubSimulatorOptions } from '@tickets/wisphub-sim';
import { onTestFinished } from 'vitest';
import { createWebhookSender } from '../webhook-sender.js';
import { createWispHubClient } from '../wisphub-client.js';
import { httpReceiver } from './http-receiver.js';

export interface ReceivedWebhook {
  readonly id: number;
  readonly type: string;
  readonly ticket: { readonly ticket_id: number; readonly status: number };
}

/** A webhook receiver on a free port: answers `status()` (204 by default) and keeps what it took. */
export async function webhookReceiver() {
  const received: ReceivedWebhook[] = [];
  let status = 204;
  const base = await httpReceiver(({ body }) => {
    if (status < 300) received.push(JSON.parse(body) as ReceivedWebhook);
    return status;
  });
  return {
    url: `${base}/`,
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
  const clock = createTestClock();
  const store: TicketStore & ConnectorStore = createMemoryTicketStore();
  const deliveries: DeliverySettings = { wisphub: true, webhooks: options.webhooks ?? [] };
  const desk = createTestDesk({
    store,
    clock,
    maxActiveTicketsPerZone: options.maxActiveTicketsPerZone,
    deliveries,
  });
  const { calendar, capacity } = desk.deps;
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
  const sync = createWispHubSync({ ...desk.deps, store, wisphub, deliveries, newStatus: 1 });
  return {
    sim,
    store,
    desk,
    sync,
    worker: workerFor('worker-1'),
    workerFor,
    /** Moves the test's clock on. */
    advance: clock.advance,
  };
}
