import type { RouteConfig } from '@hono/zod-openapi';
import { expect } from 'vitest';
import type { FieldError } from '../envelope.js';
import type { ApiFixture } from './api-fixture.js';
import { type Answer, InputRefused, type Transport } from './behaviour/transport.js';
import { ENVELOPE_KEYS, JSON_HEADERS } from './rest-transport.js';
import { matchingStatuses, routes } from './routes.js';

/** What /trpc answers: a procedure's result, or an error. */
type TrpcBody =
  | { readonly result: { readonly data: Answer['body'] } }
  | {
      readonly error: {
        readonly message: string;
        readonly data: { readonly code: string; readonly errors: readonly FieldError[] | null };
      };
    };

/**
 * The behaviour suite's operations as tRPC calls to the fixture's app at /trpc (queries as GET with
 * `?input=`, mutations as POST), with numbers as JSON numbers. Each result must be an envelope the
 * REST route of the same operation declares; a BAD_REQUEST rejects with InputRefused.
 */
export function trpcTransport({ app, defects }: ApiFixture): Transport {
  async function call(kind: 'query' | 'mutation', path: string, route: RouteConfig, input?: unknown) {
    const response =
      kind === 'query'
        ? await app.request(
            input === undefined
              ? `/trpc/${path}`
              : `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
          )
        : await app.request(`/trpc/${path}`, {
            method: 'POST',
            headers: JSON_HEADERS,
            body: JSON.stringify(input),
          });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as TrpcBody;
    expect(defects).toEqual([]);
    if ('error' in body) {
      expect([response.status, body.error.data.code]).toEqual([400, 'BAD_REQUEST']);
      throw new InputRefused(body.error.message, body.error.data.errors ?? []);
    }
    expect(response.status).toBe(200);
    const envelope = body.result.data;
    expect(Object.keys(envelope).sort()).toEqual(ENVELOPE_KEYS);
    const statuses = matchingStatuses(route, envelope);
    expect(statuses, `${path} answered ${JSON.stringify(envelope)}`).not.toHaveLength(0);
    return { statuses, body: envelope as never };
  }
  const query = (path: string, route: RouteConfig, input?: unknown) => call('query', path, route, input);
  const mutation = (path: string, route: RouteConfig, input: unknown) => call('mutation', path, route, input);
  return {
    subjects: () => query('tickets.subjects', routes.listSubjects),
    statuses: () => query('tickets.statuses', routes.listStatuses),
    createTicket: (input) => mutation('tickets.create', routes.createTicket, input),
    getTicket: (id) => query('tickets.get', routes.getTicket, { ticket_id: id }),
    ticketHistory: (id, page) => query('tickets.history', routes.ticketHistory, { ticket_id: id, ...page }),
    listTickets: (input) => query('tickets.list', routes.listTickets, input),
    ticketCounts: (input) => query('tickets.counts', routes.ticketCounts, input),
    technicianWorkload: (page) => query('technicians.workload', routes.technicianWorkload, page),
    updateTicket: (id, change, expected_version) =>
      mutation('tickets.update', routes.updateTicket, { ticket_id: id, ...change, expected_version }),
    retryDelivery: (id) => mutation('tickets.retryDelivery', routes.retryDelivery, { ticket_id: id }),
    syncStatus: () => query('sync.wisphub', routes.syncStatus),
    zoneCapacity: (id) => query('zones.capacity', routes.zoneCapacity, { zone_id: id }),
    zoneCapacities: (page) => query('zones.capacities', routes.listZoneCapacities, page),
    saveZone: (id, zone) => mutation('zones.save', routes.saveZone, { zone_id: id, ...zone }),
    listZones: (page) => query('zones.list', routes.listZones, page),
    saveTechnician: (id, technician) =>
      mutation('technicians.save', routes.saveTechnician, { technician_id: id, ...technician }),
    listTechnicians: (page) => query('technicians.list', routes.listTechnicians, page),
    saveService: (id, service) =>
      mutation('services.save', routes.saveService, { service_id: id, ...service }),
    listServices: (page) => query('services.list', routes.listServices, page),
    addAffected: (id, customer) =>
      mutation('tickets.addAffected', routes.addAffected, { ticket_id: id, ...customer }),
    listAffected: (id, page) => query('tickets.affected', routes.listAffected, { ticket_id: id, ...page }),
    getQueued: (id) => query('queue.get', routes.getQueued, { queue_id: id }),
    withdrawQueued: (id) => mutation('queue.withdraw', routes.withdrawQueued, { queue_id: id }),
    listQueue: (id, page) => query('zones.queue', routes.listQueue, { zone_id: id, ...page }),
  };
}
