import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  type Clock,
  type Delivery,
  type RemoteFailure,
  refused,
  type Ticket,
  unavailable,
  type Webhooks,
} from '@tickets/domain';
import { err, ok } from 'neverthrow';
import { excerpt, httpCall, retryAfterMs } from './http-call.js';

/** The header that carries a webhook's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'Tickets-Signature';

/** The signature of a body sent at `timestamp` (unix seconds): HMAC-SHA256 of `<timestamp>.<body>`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * Whether a webhook's signature header is right for its raw body, signed with `secret` at most
 * `toleranceSeconds` from `nowSeconds` (which refuses replays of old deliveries).
 */
export function verifyWebhook(
  secret: string,
  header: string | null | undefined,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = new Map(
    (header ?? '').split(',').map((part) => {
      const [key = '', ...value] = part.trim().split('=');
      return [key, value.join('=')] as const;
    }),
  );
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  if (!/^[0-9a-f]{64}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(signWebhook(secret, timestamp, body), 'hex'));
}

export interface WebhookSenderOptions {
  /** WEBHOOK_SECRET, the key of every signature. */
  readonly secret: string;
  readonly clock: Clock;
  /** How long one delivery may take, its answer included. */
  readonly timeoutMs: number;
  /** The ticket as the API shows it. */
  readonly render: (ticket: Ticket) => unknown;
}

/**
 * POSTs each event as JSON `{id, type, occurred_at, ticket}` with a signature header, as Stripe
 * and GitHub do; any 2xx answer is a delivery.
 */
export function createWebhookSender({ secret, clock, timeoutMs, render }: WebhookSenderOptions): Webhooks {
  return {
    async send(endpoint: string, delivery: Delivery) {
      const event = delivery.event;
      if (event === null) return err(refused(0, 'a webhook delivery without its event'));
      const body = JSON.stringify({
        id: event.event_id,
        type: `ticket.${event.kind}`,
        occurred_at: new Date(event.at).toISOString(),
        ticket: render(delivery.ticket),
      });
      const timestamp = Math.floor(clock.now() / 1000);
      const answer = await httpCall(
        endpoint,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': 'tickets-webhooks/1',
            [SIGNATURE_HEADER]: `t=${timestamp},v1=${signWebhook(secret, timestamp, body)}`,
          },
          body,
        },
        timeoutMs,
      );
      if (answer.isErr()) return err(answer.error);
      const { status, text, headers } = answer.value;
      if (status >= 200 && status < 300) return ok(undefined);
      const failure: RemoteFailure =
        status >= 400 && status < 500 && status !== 429 && status !== 408
          ? refused(status, excerpt(text.trim()))
          : unavailable(`answered ${status}`, {
              retryAfterMs: retryAfterMs(headers, clock.now()),
              mayHaveArrived: status >= 500,
            });
      return err(failure);
    },
  };
}
