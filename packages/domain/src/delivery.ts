import type { NewTicketEvent, Ticket, TicketEvent } from './ticket.js';
import type { Change } from './ticket-changes.js';

/** Where the outbox delivers: WispHub, or a webhook endpoint. */
export type DeliveryChannel = 'wisphub' | 'webhook';

/** A delivery a decision asks the store to record with its ticket, to be made once it is committed. */
export type OutboxMessage =
  | { readonly channel: 'wisphub' }
  | {
      readonly channel: 'webhook';
      readonly endpoint: string;
      /** The index, in the decision's `events`, of the event this message announces. */
      readonly event: number;
    };

/** A delivery a worker has claimed. */
export interface Delivery {
  readonly delivery_id: number;
  readonly channel: DeliveryChannel;
  /** The webhook endpoint; null for WispHub. */
  readonly endpoint: string | null;
  /** For WispHub, the ticket as it is now; for a webhook, as the event left it. */
  readonly ticket: Ticket;
  /** For a webhook, the event it announces; null for WispHub. */
  readonly event: TicketEvent | null;
  /** Attempts begun so far. */
  readonly attempts: number;
  /** An earlier attempt may have reached the other side. */
  readonly in_doubt: boolean;
  readonly created_at: number;
}

export interface DeliveryStats {
  readonly pending: number;
  readonly failed: number;
  /** When the oldest pending delivery was recorded; null when none is pending. */
  readonly oldest_pending_at: number | null;
}

/** Why a call to another system did not do what was asked. */
export type RemoteFailure =
  /** A definite refusal (a 4xx other than 429): asking again the same way will not help. */
  | { readonly type: 'refused'; readonly status: number; readonly detail: string }
  /** Down, slow, overloaded or unreachable: worth asking again later. */
  | {
      readonly type: 'unavailable';
      readonly detail: string;
      /** What the other side asked for (Retry-After), if it did. */
      readonly retry_after_ms: number | null;
      /** The request may have been received and acted on (a timeout, a connection lost after sending). */
      readonly may_have_arrived: boolean;
    };

export const refused = (status: number, detail: string): RemoteFailure => ({
  type: 'refused',
  status,
  detail,
});

export const unavailable = (
  detail: string,
  options: { readonly retryAfterMs?: number | null; readonly mayHaveArrived: boolean },
): RemoteFailure => ({
  type: 'unavailable',
  detail,
  retry_after_ms: options.retryAfterMs ?? null,
  may_have_arrived: options.mayHaveArrived,
});

/** Where deliveries go besides the store: configuration, fixed for the life of the process. */
export interface DeliverySettings {
  /** Whether admitted tickets are delivered to WispHub. */
  readonly wisphub: boolean;
  /** Webhook endpoints every ticket event is announced to. */
  readonly webhooks: readonly string[];
}

export const noDeliveries: DeliverySettings = { wisphub: false, webhooks: [] };

/** The event kinds webhooks announce. */
const ANNOUNCED: ReadonlySet<TicketEvent['kind']> = new Set([
  'created',
  'status_changed',
  'answered',
  'delivered',
]);

/** The webhook messages that announce these events, one per endpoint and announced event. */
export function announce(settings: DeliverySettings, events: readonly NewTicketEvent[]): OutboxMessage[] {
  const messages: OutboxMessage[] = [];
  if (settings.webhooks.length === 0) return messages;
  events.forEach((event, index) => {
    if (!ANNOUNCED.has(event.kind)) return;
    for (const endpoint of settings.webhooks) messages.push({ channel: 'webhook', endpoint, event: index });
  });
  return messages;
}

export interface RetryPolicy {
  /** The wait after the first failed attempt. */
  readonly baseMs: number;
  /** The longest wait between two attempts. */
  readonly capMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { baseMs: 1_000, capMs: 60_000 };

/**
 * The wait before attempt `attempts + 1`: exponential from `baseMs`, capped, with jitter (a
 * random half to all of it, `random` in [0, 1)) so that many deliveries failing together do not
 * retry together; never shorter than what the other side asked for.
 */
export function retryDelay(
  attempts: number,
  random: () => number,
  policy: RetryPolicy = defaultRetryPolicy,
  askedMs: number | null = null,
): number {
  const exponential = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  const jittered = Math.round(exponential * (0.5 + random() / 2));
  return Math.max(jittered, askedMs ?? 0);
}

/** A change as a store writes it, with the webhook messages that announce its events. */
export function withAnnouncements(
  settings: DeliverySettings,
  change: Change,
  extra: readonly OutboxMessage[] = [],
) {
  return {
    ticket: change.ticket,
    events: change.events,
    outbox: [...extra, ...announce(settings, change.events)],
  };
}
