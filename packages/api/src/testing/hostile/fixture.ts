import type {
  AffectedContext,
  AffectedDecision,
  CreateContext,
  CreateDecision,
  CreateRequest,
  TicketStore,
  UpdateContext,
  UpdateDecision,
  ZoneRule,
} from '@tickets/domain';
import { createMemoryTicketStore } from '@tickets/store';
import { createTestDesk, TEST_NOW } from '@tickets/testing';
import type { Result } from 'neverthrow';
import { type ApiKey, createAuthenticator } from '../../auth.js';
import { createHttpApp } from '../../http-app.js';
import { snapshotOf } from '../api-fixture.js';

/** The fixture's clock: Thursday 2026-02-26 10:00 in Bogotá. */
export const NOW = TEST_NOW;
export const TICKETS_KEY = 'crm-0123456789abcdef';
export const ADMIN_KEY = 'ops-fedcba9876543210';
/** The keys a fixture made with `keys: true` accepts. */
export const CONFIGURED_KEYS: readonly string[] = [TICKETS_KEY, ADMIN_KEY];
const API_KEYS: readonly ApiKey[] = [
  { name: 'crm', key: TICKETS_KEY, scope: 'tickets' },
  { name: 'ops', key: ADMIN_KEY, scope: 'admin' },
];
/** Each property test's time limit; the runs themselves take a fraction of it. */
export const TIMEOUT_MS = 60_000;

/** A store that records each write it carries out (a create or change that the desk refused writes nothing). */
function recordingWrites(store: TicketStore, writes: string[]): TicketStore {
  const note =
    <A extends unknown[], R>(name: string, write: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      writes.push(name);
      return write(...args);
    };
  return {
    ...store,
    async createTicket<E>(
      request: CreateRequest,
      rule: ZoneRule,
      decide: (context: CreateContext) => Result<CreateDecision, E>,
    ) {
      const result = await store.createTicket(request, rule, decide);
      if (result.isOk() && !result.value.replayed) {
        const outcome = result.value;
        writes.push(
          outcome.kind === 'created'
            ? `createTicket ${outcome.ticket.ticket_id}`
            : `queue ${outcome.queued.queue_id}`,
        );
      }
      return result;
    },
    async addAffected<E>(
      ticketId: number,
      serviceId: number,
      decide: (context: AffectedContext) => Result<AffectedDecision, E>,
    ) {
      const result = await store.addAffected(ticketId, serviceId, decide);
      if (result.isOk() && !result.value.replayed) writes.push(`addAffected ${ticketId} ${serviceId}`);
      return result;
    },
    async withdrawQueued(queueId: number, at: number) {
      const result = await store.withdrawQueued(queueId, at);
      if (result.isOk()) writes.push(`withdrawQueued ${queueId}`);
      return result;
    },
    async updateTicket<E>(
      ticketId: number,
      rule: ZoneRule,
      decide: (context: UpdateContext) => Result<UpdateDecision, E>,
    ) {
      const result = await store.updateTicket(ticketId, rule, decide);
      if (result.isOk()) writes.push(`updateTicket ${ticketId}`);
      return result;
    },
    purgeIdempotencyKeys: note('purgeIdempotencyKeys', store.purgeIdempotencyKeys),
    saveZone: note('saveZone', store.saveZone),
    saveZones: note('saveZones', store.saveZones),
    saveTechnician: note('saveTechnician', store.saveTechnician),
    saveTechnicians: note('saveTechnicians', store.saveTechnicians),
    saveService: note('saveService', store.saveService),
    saveServices: note('saveServices', store.saveServices),
  };
}

/**
 * A fresh app over a fresh memory store whose every write is recorded, with a fixed clock and a few
 * rows. Zone 1 has room (limit 5, one active ticket: 1; 3 is resolved). Zone 2 is full (limit 1,
 * ticket 4 active), so reopening its resolved ticket 2 is refused. Technician 2 is inactive. With
 * `keys`, the app asks for `TICKETS_KEY` (scope tickets) or `ADMIN_KEY` (scope admin).
 *
 * Only the memory store is behind the desk here; the SQL stores are not exercised by these inputs.
 */
export async function fixture({ keys = false }: { keys?: boolean } = {}) {
  const base = createMemoryTicketStore();
  const writes: string[] = [];
  const store = recordingWrites(base, writes);
  const desk = createTestDesk({ store, maxActiveTicketsPerZone: 5, activeStatuses: [1, 2] });
  await base.saveZone({ zone_id: 1, name: 'Centro', max_active_tickets: null });
  await base.saveZone({ zone_id: 2, name: 'Norte', max_active_tickets: 1 });
  await base.saveTechnician({ technician_id: 1, name: 'Ana', active: true });
  await base.saveTechnician({ technician_id: 2, name: 'Beto', active: false });
  await base.saveService({ service_id: 1, zone_id: 1, customer_name: 'Luis' });
  await base.saveService({ service_id: 2, zone_id: 2, customer_name: null });
  const zone1 = { service_id: 1, technician_id: 1, zone_id: 1 };
  const zone2 = { service_id: 2, technician_id: 1, zone_id: 2 };
  (await desk.createTicket({ ...zone1, subject: 'Falla Masiva', description: 'Caído' }))._unsafeUnwrap();
  (await desk.createTicket({ ...zone2, subject: 'Cancelación', description: 'x' }))._unsafeUnwrap();
  (await desk.updateTicket(2, { status: 3 }))._unsafeUnwrap();
  (await desk.createTicket({ ...zone1, subject: 'Internet Lento', description: 'Lento' }))._unsafeUnwrap();
  (await desk.updateTicket(3, { status: 3, answer_text: 'Listo' }))._unsafeUnwrap();
  (await desk.createTicket({ ...zone2, subject: 'Troncal Dañado', description: 'y' }))._unsafeUnwrap();
  writes.length = 0;

  const defects: unknown[] = [];
  const app = createHttpApp({
    desk,
    authenticator: createAuthenticator(keys ? API_KEYS : []),
    onDefect: (error) => defects.push(error),
  });
  return { app, base, writes, defects, snapshot: () => snapshotOf(base) };
}
export type Fixture = Awaited<ReturnType<typeof fixture>>;
