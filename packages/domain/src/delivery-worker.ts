import { ok, type Result } from 'neverthrow';
import type { CapacityRule } from './capacity.js';
import {
  type Delivery,
  type DeliveryChannel,
  type DeliverySettings,
  defaultRetryPolicy,
  type RemoteFailure,
  type RetryPolicy,
  retryDelay,
  withAnnouncements,
} from './delivery.js';
import type { Clock, ConnectorStore, DeliveryOutcome, TicketStore, UpdateDecision } from './ports.js';
import type { Ticket, TicketStatus } from './ticket.js';
import { markDelivered, markDeliveryFailed } from './ticket-changes.js';
import type { WispHub } from './wisphub.js';

/** Sends a webhook: the event a delivery announces, with the ticket as the event left it. */
export interface Webhooks {
  send(endpoint: string, delivery: Delivery): Promise<Result<void, RemoteFailure>>;
}

/** What one attempt at one delivery came to, for the logs. */
export interface AttemptReport {
  readonly channel: DeliveryChannel;
  readonly endpoint: string | null;
  readonly delivery_id: number;
  readonly ticket_id: number;
  /** Attempts begun, this one included. */
  readonly attempt: number;
  /**
   * delivered: the other side has it (now, or found there after an attempt in doubt: `found`);
   * failed: refused for good; retry: another attempt later; lost: another worker took it over.
   */
  readonly outcome: 'delivered' | 'failed' | 'retry' | 'lost';
  readonly found?: boolean;
  readonly wisphub_ticket_id?: number;
  readonly detail?: string;
  readonly retry_in_ms?: number;
}

export interface DeliveryWorkerDeps {
  readonly store: TicketStore & ConnectorStore;
  readonly clock: Clock;
  /** In [0, 1): jitter for retries. */
  readonly random: () => number;
  /** This process, unique among every instance's. */
  readonly holder: string;
  readonly capacity: CapacityRule;
  readonly deliveries: DeliverySettings;
  readonly wisphub?: WispHub | undefined;
  readonly webhooks?: Webhooks | undefined;
  /** The status tickets are created with in WispHub (WISPHUB_NEW_STATUS). */
  readonly wisphubNewStatus: TicketStatus;
  /** How long a claim keeps other workers off a delivery: longer than any one attempt takes. */
  readonly leaseMs: number;
  /** How long a webhook is retried before it is given up on. */
  readonly webhookGiveUpMs?: number;
  readonly retry?: RetryPolicy;
  readonly onAttempt?: (report: AttemptReport) => void;
}

/** What one batch did; the caller pauses the channel while it is `unavailable` and nothing went through. */
export interface BatchReport {
  readonly claimed: number;
  readonly delivered: number;
  /** The last "down or unreachable" answer in the batch, if any. */
  readonly unavailable: RemoteFailure | null;
}

export interface DeliveryWorker {
  /** Claims a batch of due deliveries of a channel (and webhook endpoint) and makes them, concurrently. */
  deliverDue(channel: DeliveryChannel, endpoint?: string, limit?: number): Promise<BatchReport>;
}

const DEFAULT_BATCH = 8;
// Stripe retries webhooks for three days.
const WEBHOOK_GIVE_UP_MS = 3 * 24 * 3_600_000;

/**
 * Makes the outbox's deliveries, each at most once at a time across every instance (a lease), and
 * never opens two WispHub tickets for one of ours: before an attempt it records that one is under
 * way, and after an attempt that may have reached WispHub (a timeout, a lost connection, a crash)
 * it first looks in WispHub for the ticket carrying our reference and adopts it.
 */
export function createDeliveryWorker(deps: DeliveryWorkerDeps): DeliveryWorker {
  const { store, clock, random, holder, capacity, deliveries, wisphubNewStatus } = deps;
  const policy = deps.retry ?? defaultRetryPolicy;
  const giveUpMs = deps.webhookGiveUpMs ?? WEBHOOK_GIVE_UP_MS;
  const report = deps.onAttempt ?? (() => undefined);

  const base = (d: Delivery) => ({
    channel: d.channel,
    endpoint: d.endpoint,
    delivery_id: d.delivery_id,
    ticket_id: d.ticket.ticket_id,
  });

  async function settle(
    d: Delivery,
    outcome: DeliveryOutcome,
    decide?: (ticket: Ticket) => UpdateDecision,
  ): Promise<boolean> {
    const settled = await store.settleDelivery(
      d.delivery_id,
      holder,
      outcome,
      decide === undefined
        ? undefined
        : { rule: capacity, decide: (context) => ok<UpdateDecision, never>(decide(context.ticket)) },
    );
    return settled.isOk() && settled.value;
  }

  async function retryLater(d: Delivery, attempts: number, failure: RemoteFailure, inDoubt: boolean) {
    const waitMs = retryDelay(
      attempts,
      random,
      policy,
      failure.type === 'unavailable' ? failure.retry_after_ms : null,
    );
    const kept = await settle(d, {
      state: 'pending',
      next_attempt_at: clock.now() + waitMs,
      error: failure.detail,
      in_doubt: inDoubt,
    });
    report({
      ...base(d),
      attempt: attempts,
      outcome: kept ? 'retry' : 'lost',
      detail: failure.detail,
      retry_in_ms: waitMs,
    });
  }

  async function delivered(d: Delivery, wisphubTicketId: number, attempts: number, found: boolean) {
    const now = clock.now();
    const kept = await settle(
      d,
      { state: 'delivered', at: now, wisphub_ticket_id: wisphubTicketId },
      (ticket) =>
        ticket.wisphub_ticket_id === null
          ? withAnnouncements(deliveries, markDelivered(ticket, wisphubTicketId, wisphubNewStatus, now))
          : { ticket, events: [], outbox: [] },
    );
    report({
      ...base(d),
      attempt: attempts,
      outcome: kept ? 'delivered' : 'lost',
      found,
      wisphub_ticket_id: wisphubTicketId,
    });
  }

  async function toWispHub(wisphub: WispHub, d: Delivery): Promise<RemoteFailure | 'delivered' | 'other'> {
    // Found in WispHub by a status pull already.
    if (d.ticket.wisphub_ticket_id !== null) {
      await delivered(d, d.ticket.wisphub_ticket_id, d.attempts, true);
      return 'delivered';
    }
    if (d.in_doubt) {
      const found = await wisphub.findTicket(d.ticket);
      if (found.isErr()) {
        await retryLater(d, d.attempts, found.error, true);
        return found.error.type === 'unavailable' ? found.error : 'other';
      }
      if (found.value !== null) {
        await delivered(d, found.value, d.attempts, true);
        return 'delivered';
      }
    }
    if (!(await store.beginAttempt(d.delivery_id, holder, clock.now() + deps.leaseMs))) {
      report({ ...base(d), attempt: d.attempts, outcome: 'lost' });
      return 'other';
    }
    const attempts = d.attempts + 1;
    const opened = await wisphub.createTicket(d.ticket);
    if (opened.isOk()) {
      await delivered(d, opened.value, attempts, false);
      return 'delivered';
    }
    const failure = opened.error;
    if (failure.type === 'refused') {
      const answer = `WispHub answered ${failure.status}: ${failure.detail}`;
      const now = clock.now();
      const kept = await settle(d, { state: 'failed', at: now, error: answer }, (ticket) =>
        withAnnouncements(deliveries, markDeliveryFailed(ticket, answer, now)),
      );
      report({ ...base(d), attempt: attempts, outcome: kept ? 'failed' : 'lost', detail: answer });
      return 'other';
    }
    await retryLater(d, attempts, failure, failure.may_have_arrived);
    return failure;
  }

  async function toWebhook(webhooks: Webhooks, d: Delivery): Promise<RemoteFailure | 'delivered' | 'other'> {
    if (!(await store.beginAttempt(d.delivery_id, holder, clock.now() + deps.leaseMs))) {
      report({ ...base(d), attempt: d.attempts, outcome: 'lost' });
      return 'other';
    }
    const attempts = d.attempts + 1;
    const sent = await webhooks.send(d.endpoint ?? '', d);
    const now = clock.now();
    if (sent.isOk()) {
      const kept = await settle(d, { state: 'delivered', at: now, wisphub_ticket_id: null });
      report({ ...base(d), attempt: attempts, outcome: kept ? 'delivered' : 'lost' });
      return 'delivered';
    }
    const failure = sent.error;
    const detail =
      failure.type === 'refused' ? `answered ${failure.status}: ${failure.detail}` : failure.detail;
    if (now - d.created_at >= giveUpMs) {
      const kept = await settle(d, { state: 'failed', at: now, error: detail });
      report({ ...base(d), attempt: attempts, outcome: kept ? 'failed' : 'lost', detail });
      return 'other';
    }
    // A receiver that refuses may be fixed later: it is retried like one that is down.
    await retryLater(d, attempts, { ...failure, detail }, false);
    return failure.type === 'unavailable' ? failure : 'other';
  }

  return {
    async deliverDue(channel, endpoint, limit = DEFAULT_BATCH) {
      const claimed = await store.claimDeliveries({
        channel,
        endpoint,
        holder,
        now: clock.now(),
        leaseMs: deps.leaseMs,
        limit,
      });
      const outcomes = await Promise.all(
        claimed.map((d) => {
          if (d.channel === 'wisphub') {
            return deps.wisphub === undefined
              ? Promise.resolve('other' as const)
              : toWispHub(deps.wisphub, d);
          }
          return deps.webhooks === undefined
            ? Promise.resolve('other' as const)
            : toWebhook(deps.webhooks, d);
        }),
      );
      let unavailable: RemoteFailure | null = null;
      let delivered = 0;
      for (const outcome of outcomes) {
        if (outcome === 'delivered') delivered += 1;
        else if (outcome !== 'other') unavailable = outcome;
      }
      return { claimed: claimed.length, delivered, unavailable };
    },
  };
}
