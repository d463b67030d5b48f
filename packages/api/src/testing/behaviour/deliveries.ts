import { type DeliverySettings, markDeliveryFailed } from '@tickets/domain';
import { ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import type { TicketView } from '../../views.js';
import { THURSDAY } from '../api-fixture.js';
import { expectNotFound, expectStatus, fieldsOf, type Opened, type Suite } from './open.js';

/** Deliveries to WispHub: where a ticket stands, retrying a refused one, the sync report. */
export function describeDeliveries({ seeded }: Suite): void {
  describe('WispHub deliveries', () => {
    const connected: DeliverySettings = { wisphub: true, webhooks: [] };

    /** Opens a ticket and has WispHub refuse its delivery, as a delivery worker records it. */
    async function refusedByWispHub(fixture: Opened): Promise<TicketView> {
      const ticket = await fixture.createTicket(1);
      const [delivery] = await fixture.store.claimDeliveries({
        channel: 'wisphub',
        holder: 'test',
        now: THURSDAY,
        leaseMs: 1_000,
        limit: 1,
      });
      const answer = 'WispHub answered 400: {"servicio":["no existe"]}';
      await fixture.store.settleDelivery(
        delivery?.delivery_id ?? 0,
        'test',
        { state: 'failed', at: THURSDAY, error: answer },
        {
          rule: fixture.desk.deps.capacity,
          decide: (context) => ok({ ...markDeliveryFailed(context.ticket, answer, THURSDAY), outbox: [] }),
        },
      );
      return ticket;
    }

    it('shows where each ticket stands with WispHub: pending once created, failed with its answer in the history', async () => {
      const fixture = await seeded({ deliveries: connected });
      const ticket = await refusedByWispHub(fixture);
      expect(ticket).toMatchObject({ source: 'api', wisphub_sync: 'pending', wisphub_ticket_id: null });
      const found = await fixture.api.getTicket(ticket.ticket_id);
      expect(found.body.data.wisphub_sync).toBe('failed');
      const history = await fixture.api.ticketHistory(ticket.ticket_id);
      expect(history.body.data.events.at(-1)).toMatchObject({
        kind: 'delivery_failed',
        actor: 'wisphub',
        note: 'WispHub answered 400: {"servicio":["no existe"]}',
      });
    });

    it('puts a refused ticket back in line for WispHub, once', async () => {
      const fixture = await seeded({ deliveries: connected });
      const { api, refused } = fixture;
      const ticket = await refusedByWispHub(fixture);
      const retried = await api.retryDelivery(ticket.ticket_id);
      expectStatus(retried, 200);
      expect(retried.body).toMatchObject({
        ok: true,
        action: 'delivery_retried',
        data: { wisphub_sync: 'pending' },
      });
      const again = await refused(() => api.retryDelivery(ticket.ticket_id));
      expectStatus(again, 409);
      expect(again.body).toMatchObject({
        action: 'delivery_not_failed',
        message: `ticket_id: the delivery of ticket ${ticket.ticket_id} to WispHub is pending; only a failed one is retried`,
      });
      expect((await fixture.store.deliveryStats('wisphub')).pending).toBe(1);
    });

    it('refuses a retry for an unknown ticket, a malformed id, or with the connector off', async () => {
      const { api, refused, refusedInput } = await seeded({ deliveries: connected });
      expectNotFound(
        await refused(() => api.retryDelivery(999)),
        'ticket_not_found',
        'ticket_id: no ticket 999',
      );
      expect(fieldsOf(await refusedInput(() => api.retryDelivery('abc')))).toEqual(['ticket_id']);
      const standalone = await seeded();
      const ticket = await standalone.createTicket(1);
      expect(ticket.wisphub_sync).toBeNull();
      const off = await standalone.refused(() => standalone.api.retryDelivery(ticket.ticket_id));
      expectStatus(off, 409);
      expect([off.body.action, off.body.message]).toEqual([
        'wisphub_disabled',
        'The WispHub connector is off: WISPHUB_URL is not set',
      ]);
    });

    it("reports the connector's pending and failed deliveries, and that it is off when it is", async () => {
      const fixture = await seeded({ deliveries: connected });
      await refusedByWispHub(fixture);
      await fixture.createTicket(3);
      fixture.setNow(THURSDAY + 90_000);
      const sync = await fixture.api.syncStatus();
      expectStatus(sync, 200);
      expect(sync.body).toMatchObject({ ok: true, action: 'sync_status' });
      expect(sync.body.data).toEqual({
        wisphub: {
          enabled: true,
          status_pull: null,
          reference_pull: null,
          deliveries: {
            pending: 1,
            failed: 1,
            oldest_pending_at: '2026-02-26 10:00',
            oldest_pending_age_seconds: 90,
          },
        },
        webhooks: {
          endpoints: 0,
          deliveries: { pending: 0, failed: 0, oldest_pending_at: null, oldest_pending_age_seconds: null },
        },
      });
      const off = await (await seeded()).api.syncStatus();
      expect(off.body.data.wisphub.enabled).toBe(false);
    });
  });
}
