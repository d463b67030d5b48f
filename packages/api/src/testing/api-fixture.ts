import {
  type DeliverySettings,
  noDeliveries,
  readSyncReport,
  type TicketDesk,
  type TicketStore,
} from '@tickets/domain';
import { createMemoryTicketStore } from '@tickets/store';
import { createTestClock, createTestDesk, TEST_NOW } from '@tickets/testing';
import { expect } from 'vitest';
import { createHttpApp } from '../http-app.js';

/** An instant given as wall-clock time in Bogotá (UTC−5 all year, no daylight saving). */
export const bogota = (year: number, month: number, day: number, hour = 10, minute = 0) =>
  Date.UTC(year, month - 1, day, hour + 5, minute);

/** When the tickets are opened unless a test moves the clock: Thursday 2026-02-26 10:00. */
export const THURSDAY = TEST_NOW;

/** Colombia's public holidays of 2026 up to Easter. */
const HOLIDAYS = ['2026-01-01', '2026-01-12', '2026-03-23', '2026-04-02', '2026-04-03'];

/** Everything a store holds that its methods can list. */
export async function snapshotOf(store: TicketStore) {
  const all = { limit: 1_000_000 };
  const tickets = await store.listTickets(all);
  const zones = await store.listZones(all);
  return {
    tickets,
    events: await Promise.all(tickets.map((t) => store.listTicketEvents(t.ticket_id, all))),
    affected: await Promise.all(tickets.map((t) => store.listAffected(t.ticket_id, all))),
    queues: await Promise.all(zones.map((z) => store.listQueue(z.zone_id, all))),
    zones,
    technicians: await store.listTechnicians(all),
    services: await store.listServices(all),
  };
}

/**
 * The app over a memory store, a clock the test moves, Colombian business days, statuses 1 and 2
 * active, zones of 3 by default; every defect is kept in `defects`.
 */
export function apiFixture({ deliveries = noDeliveries }: { readonly deliveries?: DeliverySettings } = {}) {
  const clock = createTestClock();
  const store = createMemoryTicketStore();
  const desk = createTestDesk({ store, clock, holidays: HOLIDAYS, activeStatuses: [1, 2], deliveries });
  const defects: unknown[] = [];
  const app = createHttpApp({
    desk,
    onDefect: (error) => defects.push(error),
    syncReport: () => readSyncReport(store, deliveries),
  });
  return {
    app,
    store,
    desk,
    defects,
    setNow: clock.set,
    /** Makes a call that must be refused, and checks that the store holds exactly what it held before. */
    async unchanged<T>(call: () => Promise<T>): Promise<T> {
      const before = await snapshotOf(store);
      const outcome = await call().then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      expect(await snapshotOf(store)).toEqual(before);
      if ('error' in outcome) throw outcome.error;
      return outcome.value;
    },
  };
}

export type ApiFixture = ReturnType<typeof apiFixture>;

/**
 * Zone 1 (default limit 3), zone 2 (own limit 1), zone 3 (own limit 10); technician 1 active,
 * technician 2 inactive; service n in zone n.
 */
export async function seedDirectory(desk: TicketDesk): Promise<void> {
  await desk.saveZone(1, { name: 'Barrio Centro', max_active_tickets: null });
  await desk.saveZone(2, { name: 'Torre Norte', max_active_tickets: 1 });
  await desk.saveZone(3, { name: 'Parque Sur', max_active_tickets: 10 });
  await desk.saveTechnician(1, { name: 'Ana Gómez', active: true });
  await desk.saveTechnician(2, { name: 'Luis Pérez', active: false });
  for (const n of [1, 2, 3]) {
    (await desk.saveService(n, { zone_id: n, customer_name: `C${n}` }))._unsafeUnwrap();
  }
}

/** A create's input in zone `zone`: service `zone` (service n is in zone n), technician 1, Falla Masiva. */
export const ticketIn = (zone: number, extra: Record<string, unknown> = {}) => ({
  service_id: zone,
  subject: 'Falla Masiva',
  description: 'Cliente reporta intermitencia en el servicio de internet',
  technician_id: 1,
  zone_id: zone,
  ...extra,
});
