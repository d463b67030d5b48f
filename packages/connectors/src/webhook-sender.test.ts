import type { Delivery, Ticket } from '@tickets/domain';
import { describe, expect, it } from 'vitest';
import { httpReceiver, type ReceivedRequest } from './testing/http-receiver.js';
import { createWebhookSender, SIGNATURE_HEADER, signWebhook, verifyWebhook } from './webhook-sender.js';

const SECRET = 'whsec-0123456789abcdef';
const NOW = Date.UTC(2026, 1, 26, 15);

const ticket = { ticket_id: 4, status: 3 } as unknown as Ticket;
const delivery: Delivery = {
  delivery_id: 1,
  channel: 'webhook',
  endpoint: null,
  ticket,
  event: {
    event_id: 31,
    ticket_id: 4,
    at: NOW,
    actor: 'wisphub',
    kind: 'status_changed',
    before: { status: 1 },
    after: { status: 3 },
    note: null,
  },
  attempts: 0,
  in_doubt: false,
  created_at: NOW,
};

/** A receiver that keeps every request and answers each with the next status of `statuses` (then 204). */
async function receiver(statuses: number[] = []) {
  const received: ReceivedRequest[] = [];
  const base = await httpReceiver((request) => {
    received.push(request);
    return statuses.shift() ?? 204;
  });
  return { url: `${base}/hooks`, received };
}

const sender = createWebhookSender({
  secret: SECRET,
  clock: { now: () => NOW },
  timeoutMs: 2_000,
  render: (t) => ({ ticket_id: t.ticket_id, status: t.status }),
});

describe('webhooks', () => {
  it('POSTs the event as signed JSON that the documented scheme verifies', async () => {
    const { url, received } = await receiver();
    expect((await sender.send(url, delivery)).isOk()).toBe(true);
    const [request] = received;
    expect(JSON.parse(request?.body ?? '')).toEqual({
      id: 31,
      type: 'ticket.status_changed',
      occurred_at: '2026-02-26T15:00:00.000Z',
      ticket: { ticket_id: 4, status: 3 },
    });
    expect(request?.headers['content-type']).toBe('application/json');
    const signature = request?.headers[SIGNATURE_HEADER.toLowerCase()] as string;
    expect(signature).toBe(`t=${NOW / 1000},v1=${signWebhook(SECRET, NOW / 1000, request?.body ?? '')}`);
    expect(verifyWebhook(SECRET, signature, request?.body ?? '', NOW / 1000)).toBe(true);
  });

  it('refuses a signature over another body, with another secret, or too old', async () => {
    const body = '{"id":1}';
    const header = `t=${NOW / 1000},v1=${signWebhook(SECRET, NOW / 1000, body)}`;
    expect(verifyWebhook(SECRET, header, body, NOW / 1000 + 300)).toBe(true);
    expect(verifyWebhook(SECRET, header, '{"id":2}', NOW / 1000)).toBe(false);
    expect(verifyWebhook('another-secret-0000', header, body, NOW / 1000)).toBe(false);
    expect(verifyWebhook(SECRET, header, body, NOW / 1000 + 301)).toBe(false);
    expect(verifyWebhook(SECRET, undefined, body, NOW / 1000)).toBe(false);
    expect(verifyWebhook(SECRET, 't=abc,v1=00', body, NOW / 1000)).toBe(false);
  });

  it('tells a receiver that is down from one that refuses', async () => {
    const { url } = await receiver([503, 410]);
    expect((await sender.send(url, delivery))._unsafeUnwrapErr()).toMatchObject({ type: 'unavailable' });
    expect((await sender.send(url, delivery))._unsafeUnwrapErr()).toMatchObject({
      type: 'refused',
      status: 410,
    });
  });
});
