import {
  addAffectedInputSchema,
  createTicketInputSchema,
  listTicketsQuerySchema,
  type Page,
  type PageQuery,
  pageQuerySchema,
  saveServiceInputSchema,
  saveTechnicianInputSchema,
  saveZoneInputSchema,
  type Ticket,
  type TicketDesk,
  ticketCountsQuerySchema,
  updateTicketInputSchema,
} from '@tickets/domain';
import { ok } from 'neverthrow';
import { z } from 'zod';
import {
  idempotencyKeySchema,
  ifMatchSchema,
  queueIdParams,
  serviceIdParams,
  technicianIdParams,
  ticketIdParams,
  zoneIdParams,
} from '../inputs.js';
import { type Operation, operations } from '../replies.js';
import {
  affectedAddedViewSchema,
  affectedPageViewSchema,
  namedTicketViewSchema,
  queuedViewSchema,
  queuePageViewSchema,
  servicePageViewSchema,
  serviceViewSchema,
  statusesViewSchema,
  subjectsViewSchema,
  syncReportViewSchema,
  technicianPageViewSchema,
  technicianViewSchema,
  technicianWorkloadPageViewSchema,
  ticketCountsViewSchema,
  ticketHistoryViewSchema,
  ticketPageViewSchema,
  ticketViewSchema,
  type Views,
  zoneBlockedViewSchema,
  zoneCapacityPageViewSchema,
  zoneCapacityViewSchema,
  zonePageViewSchema,
  zoneViewSchema,
} from '../views.js';
import { type AnyRestOperation, restOperation } from './operation.js';

const REPLAYED = {
  'Idempotent-Replayed': {
    description:
      '`true` when this answers a retry of an earlier request (the same Idempotency-Key, or the same customer)',
    type: 'string',
  },
} as const;
const ETAG = {
  ETag: { description: "The ticket's `version` in quotes, for `If-Match`", type: 'string' },
} as const;
/** A ticket's ETag: its version, quoted. */
const etagOf = (ticket: Ticket) => ({ ETag: `"${ticket.version}"` });

/** A listing by id, a page at a time (`?limit=&cursor=`), that refuses nothing but malformed input. */
const pagedList = <Op extends Operation, T, D>(listing: {
  readonly operation: Op;
  readonly path: string;
  readonly tags: readonly string[];
  readonly summary: string;
  readonly data: z.ZodType;
  readonly success: string;
  readonly list: (desk: TicketDesk, page: PageQuery) => Promise<Page<T>>;
  readonly view: (page: Page<T>, views: Views) => D;
}) =>
  restOperation({
    ...listing,
    method: 'get',
    query: pageQuerySchema,
    refusals: {},
    handle: async ({ query }, { desk }) => ok(await listing.list(desk, query)),
  });

/**
 * Every REST operation, by name (its OpenAPI operationId): its route, schemas, success, the
 * refusals its use case can give, and its handler. `rest-app.ts` serves and documents each one;
 * adding an endpoint is adding an entry here.
 */
export const endpoints = {
  listSubjects: restOperation({
    operation: operations.listSubjects,
    method: 'get',
    path: '/api/v1/tickets/subjects',
    tags: ['Tickets'],
    summary: 'List the valid ticket subjects, grouped by priority',
    data: subjectsViewSchema,
    success: 'The catalogue',
    usesStore: false,
    refusals: {},
    handle: (_input, { desk }) => ok(desk.subjects),
    view: (subjects, views) => views.subjects(subjects),
  }),

  listStatuses: restOperation({
    operation: operations.listStatuses,
    method: 'get',
    path: '/api/v1/tickets/statuses',
    tags: ['Tickets'],
    summary:
      'List the ticket statuses with what each means here: active (counts against its zone) and done (no resolution date left to meet)',
    data: statusesViewSchema,
    success: 'The statuses, 1 to 4',
    usesStore: false,
    refusals: {},
    handle: (_input, { desk }) => ok(desk.statuses),
    view: (statuses, views) => views.statuses(statuses),
  }),

  createTicket: restOperation({
    operation: operations.createTicket,
    method: 'post',
    path: '/api/v1/tickets',
    tags: ['Tickets'],
    summary:
      "Open a ticket, unless its zone already holds its maximum of active tickets; with `queue_if_full`, wait in the zone's line instead of being refused",
    headers: z.object({ 'idempotency-key': idempotencyKeySchema.optional() }),
    body: createTicketInputSchema,
    data: ticketViewSchema,
    success: 'Ticket created',
    replayable: true,
    successHeaders: { ...REPLAYED, ...ETAG },
    otherwise: {
      operation: operations.queueTicket,
      when: (outcome) => outcome.kind === 'queued',
      data: queuedViewSchema,
      success:
        "The zone is full and the request asked to wait (`queue_if_full`): its place in the zone's line. It is admitted, first in first out, the moment a slot frees; GET the `Location` to follow it",
      successHeaders: {
        ...REPLAYED,
        Location: { description: 'Where to follow the request: /api/v1/queue/{queue_id}', type: 'string' },
      },
    },
    refusals: {
      unknown_subject: 'A subject not in the catalogue (`ticket_creation_failed`)',
      invalid_references:
        'An unknown service, technician or zone, an inactive technician, or a service of another zone (`ticket_creation_failed`)',
      zone_full:
        'The zone already holds its maximum of active tickets; `data.tickets` lists them (is it the same fault? POST /api/v1/tickets/{ticket_id}/affected), `data.waiting` how many wait in its line',
      idempotency_key_reused: 'An Idempotency-Key already used with another body (`idempotency_key_reused`)',
    },
    handle: ({ headers, body }, { desk }, { actor }) => {
      const key = headers['idempotency-key'];
      return desk.createTicket(body, {
        actor,
        idempotency: key === undefined ? undefined : { client: actor ?? '', key },
      });
    },
    view: (outcome, views) =>
      outcome.kind === 'created' ? views.ticket(outcome.ticket) : views.queued(outcome),
    meta: (outcome) => (outcome.replayed ? { replayed: true } : null),
    headersOf: (outcome) => ({
      ...(outcome.kind === 'created'
        ? etagOf(outcome.ticket)
        : { Location: `/api/v1/queue/${outcome.queued.queue_id}` }),
      ...(outcome.replayed ? { 'Idempotent-Replayed': 'true' } : {}),
    }),
  }),

  addAffected: restOperation({
    operation: operations.addAffected,
    method: 'post',
    path: '/api/v1/tickets/{ticket_id}/affected',
    tags: ['Tickets'],
    summary:
      "Record a customer's service as affected by an active ticket's fault (same zone): no zone slot is taken, the same service twice is one record, and they are resolved with the ticket",
    params: ticketIdParams,
    body: addAffectedInputSchema,
    data: affectedAddedViewSchema,
    success: "Recorded (or recorded already: `meta.replayed`), with the ticket's count of affected customers",
    replayable: true,
    refusals: {
      ticket_not_found: 'No ticket with this id',
      ticket_not_active: 'The ticket no longer counts against its zone (resolved, closed)',
      invalid_references:
        "An unknown service, or a service of another zone than the ticket's (`affected_add_failed`)",
    },
    handle: ({ params, body }, { desk }, { actor }) => desk.addAffected(params.ticket_id, body, { actor }),
    view: (outcome, views) => views.affectedAdded(outcome),
    meta: (outcome) => (outcome.replayed ? { replayed: true } : null),
  }),

  listAffected: restOperation({
    operation: operations.listAffected,
    method: 'get',
    path: '/api/v1/tickets/{ticket_id}/affected',
    tags: ['Tickets'],
    summary: "A ticket's affected customers, by service id, a page at a time",
    params: ticketIdParams,
    query: pageQuerySchema,
    data: affectedPageViewSchema,
    success: 'A page of affected customers',
    refusals: { ticket_not_found: 'No ticket with this id' },
    handle: async ({ params, query }, { desk }) =>
      (await desk.listAffected(params.ticket_id, query)).map((page) => ({
        ticketId: params.ticket_id,
        page,
      })),
    view: ({ ticketId, page }, views) => views.affectedPage(ticketId)(page),
  }),

  getQueued: restOperation({
    operation: operations.getQueued,
    method: 'get',
    path: '/api/v1/queue/{queue_id}',
    tags: ['Zones'],
    summary: "A request waiting in its zone's line: its position, or its ticket once admitted",
    params: queueIdParams,
    data: queuedViewSchema,
    success: 'The request',
    refusals: { queue_entry_not_found: 'No waiting request with this id' },
    handle: ({ params }, { desk }) => desk.getQueued(params.queue_id),
    view: (place, views) => views.queued(place),
  }),

  withdrawQueued: restOperation({
    operation: operations.withdrawQueued,
    method: 'delete',
    path: '/api/v1/queue/{queue_id}',
    tags: ['Zones'],
    summary: "Withdraw a request from its zone's line",
    params: queueIdParams,
    data: queuedViewSchema,
    success: 'Withdrawn: it will not be admitted',
    refusals: {
      queue_entry_not_found: 'No waiting request with this id',
      queue_entry_not_waiting: 'It no longer waits: admitted (`data.ticket_id`) or withdrawn already',
    },
    handle: ({ params }, { desk }) => desk.withdrawQueued(params.queue_id),
    view: (place, views) => views.queued(place),
  }),

  listQueue: restOperation({
    operation: operations.listQueue,
    method: 'get',
    path: '/api/v1/zones/{zone_id}/queue',
    tags: ['Zones'],
    summary: "A zone's waiting line, first in line first, a page at a time",
    params: zoneIdParams,
    query: pageQuerySchema,
    data: queuePageViewSchema,
    success: 'A page of waiting requests with their positions',
    refusals: { zone_not_found: 'No zone with this id' },
    handle: ({ params, query }, { desk }) => desk.listQueue(params.zone_id, query),
    view: (page, views) => views.queuePage(page),
  }),

  ticketCounts: restOperation({
    operation: operations.ticketCounts,
    method: 'get',
    path: '/api/v1/tickets/counts',
    tags: ['Tickets'],
    summary:
      "The header counters: open tickets (not done), those overdue and those due later today, among those the list's filters take",
    query: ticketCountsQuerySchema,
    data: ticketCountsViewSchema,
    success: 'The counters',
    refusals: {},
    handle: async ({ query }, { desk }) => ok(await desk.countTickets(query)),
    view: (counts, views) => views.ticketCounts(counts),
  }),

  getTicket: restOperation({
    operation: operations.getTicket,
    method: 'get',
    path: '/api/v1/tickets/{ticket_id}',
    tags: ['Tickets'],
    summary: "Read a ticket, with its customer's and its technician's names",
    params: ticketIdParams,
    data: namedTicketViewSchema,
    success: 'The ticket',
    successHeaders: ETAG,
    refusals: { ticket_not_found: 'No ticket with this id' },
    handle: ({ params }, { desk }) => desk.getTicket(params.ticket_id),
    view: (ticket, views) => views.namedTicket(ticket),
    headersOf: etagOf,
  }),

  ticketHistory: restOperation({
    operation: operations.ticketHistory,
    method: 'get',
    path: '/api/v1/tickets/{ticket_id}/history',
    tags: ['Tickets'],
    summary:
      "A ticket's changes, oldest first, a page at a time: creation, status changes, answers, deliveries to WispHub, with time and who made them",
    params: ticketIdParams,
    query: pageQuerySchema,
    data: ticketHistoryViewSchema,
    success: 'The history',
    refusals: { ticket_not_found: 'No ticket with this id' },
    handle: async ({ params, query }, { desk }) =>
      (await desk.ticketHistory(params.ticket_id, query)).map((page) => ({
        ticketId: params.ticket_id,
        page,
      })),
    view: ({ ticketId, page }, views) => views.history(ticketId)(page),
  }),

  listTickets: restOperation({
    operation: operations.listTickets,
    method: 'get',
    path: '/api/v1/tickets',
    tags: ['Tickets'],
    summary:
      "List tickets with their customer's and technician's names, newest first or in the order `sort` names, filtered by zone, status, technician, due (overdue, today) and one search `q` (ticket number, service number, customer name); `next_cursor` pages on in the same sort",
    query: listTicketsQuerySchema,
    data: ticketPageViewSchema,
    success: 'A page of tickets',
    refusals: {},
    handle: async ({ query }, { desk }) => ok(await desk.listTickets(query)),
    view: (page, views) => views.ticketPage(page),
  }),

  updateTicket: restOperation({
    operation: operations.updateTicket,
    method: 'patch',
    path: '/api/v1/tickets/{ticket_id}',
    tags: ['Tickets'],
    summary:
      "Change a ticket's status, its answer (null removes it) or its technician (checked as a create checks it), each recorded in its history; reopening counts against the zone. With If-Match, only if nobody changed it since",
    params: ticketIdParams,
    headers: z.object({ 'if-match': ifMatchSchema.optional() }),
    body: updateTicketInputSchema,
    data: ticketViewSchema,
    success: 'The changed ticket',
    successHeaders: ETAG,
    refusals: {
      ticket_not_found: 'No ticket with this id',
      zone_full: 'Reopening it would take its zone over its maximum of active tickets',
      ticket_changed:
        'The ticket changed since the version `If-Match` names; `data` is the ticket as it is now, and nothing was written',
      invalid_references:
        'An unknown or inactive technician (`ticket_update_failed`, naming technician_id), as a create refuses it',
    },
    handle: ({ params, headers, body }, { desk }, { actor }) =>
      desk.updateTicket(params.ticket_id, body, { actor, expectedVersion: headers['if-match'] }),
    view: (ticket, views) => views.ticket(ticket),
    headersOf: etagOf,
  }),

  retryDelivery: restOperation({
    operation: operations.retryDelivery,
    method: 'post',
    path: '/api/v1/tickets/{ticket_id}/wisphub/retry',
    tags: ['WispHub'],
    summary: 'Send a ticket that WispHub refused to WispHub again (after correcting what it refused)',
    params: ticketIdParams,
    data: ticketViewSchema,
    success: 'The ticket, back in line for WispHub (`wisphub_sync: pending`)',
    successHeaders: ETAG,
    refusals: {
      ticket_not_found: 'No ticket with this id',
      delivery_not_failed: 'Its delivery has not failed (`delivery_not_failed`)',
      wisphub_disabled: 'The WispHub connector is off (`wisphub_disabled`)',
    },
    handle: ({ params }, { desk }, { actor }) => desk.retryDelivery(params.ticket_id, { actor }),
    view: (ticket, views) => views.ticket(ticket),
    headersOf: etagOf,
  }),

  syncStatus: restOperation({
    operation: operations.syncStatus,
    method: 'get',
    path: '/api/v1/sync/wisphub',
    tags: ['WispHub'],
    summary:
      "The WispHub connector's state: the last status and reference pulls, pending and failed deliveries, and webhooks",
    data: syncReportViewSchema,
    success: 'The connector',
    refusals: {},
    handle: async (_input, { syncReport }) => ok(await syncReport()),
    view: (report, views) => views.syncReport(report),
  }),

  zoneCapacity: restOperation({
    operation: operations.zoneCapacity,
    method: 'get',
    path: '/api/v1/zones/{zone_id}/capacity',
    tags: ['Zones'],
    summary: "A zone's active tickets against its limit",
    params: zoneIdParams,
    data: zoneCapacityViewSchema,
    success: 'The zone capacity',
    refusals: { zone_not_found: 'No zone with this id' },
    handle: ({ params }, { desk }) => desk.zoneCapacity(params.zone_id),
    view: (capacity, views) => views.zoneCapacity(capacity),
  }),

  listZoneCapacities: pagedList({
    operation: operations.listZoneCapacities,
    path: '/api/v1/zones/capacity',
    tags: ['Zones'],
    summary: 'Every zone with its active tickets against its limit, by id (a board of zones)',
    data: zoneCapacityPageViewSchema,
    success: 'A page of zones with their capacity',
    list: (desk, page) => desk.listZoneCapacities(page),
    view: (page, views) => views.zoneCapacityPage(page),
  }),

  zoneBlocked: restOperation({
    operation: operations.zoneBlocked,
    method: 'get',
    path: '/api/v1/tickets/zone-blocked/{zone_id}',
    tags: ['Zones'],
    summary: 'Whether a zone is blocked (kept for clients of the reference service)',
    params: zoneIdParams,
    data: zoneBlockedViewSchema,
    success: 'Whether the zone is blocked',
    refusals: { zone_not_found: 'No zone with this id' },
    handle: ({ params }, { desk }) => desk.zoneCapacity(params.zone_id),
    view: (capacity, views) => views.zoneBlocked(capacity),
  }),

  saveZone: restOperation({
    operation: operations.saveZone,
    method: 'put',
    path: '/api/v1/zones/{zone_id}',
    tags: ['Zones'],
    summary: 'Create or replace a zone',
    params: zoneIdParams,
    body: saveZoneInputSchema,
    data: zoneViewSchema,
    success: 'The zone as saved',
    refusals: {},
    handle: async ({ params, body }, { desk }) => ok(await desk.saveZone(params.zone_id, body)),
    view: (zone, views) => views.zone(zone),
  }),

  listZones: pagedList({
    operation: operations.listZones,
    path: '/api/v1/zones',
    tags: ['Zones'],
    summary: 'List zones by id',
    data: zonePageViewSchema,
    success: 'A page of zones',
    list: (desk, page) => desk.listZones(page),
    view: (page, views) => views.zonePage(page),
  }),

  saveTechnician: restOperation({
    operation: operations.saveTechnician,
    method: 'put',
    path: '/api/v1/technicians/{technician_id}',
    tags: ['Technicians'],
    summary: 'Create or replace a technician',
    params: technicianIdParams,
    body: saveTechnicianInputSchema,
    data: technicianViewSchema,
    success: 'The technician as saved',
    refusals: {},
    handle: async ({ params, body }, { desk }) => ok(await desk.saveTechnician(params.technician_id, body)),
    view: (technician, views) => views.technician(technician),
  }),

  technicianWorkload: pagedList({
    operation: operations.technicianWorkload,
    path: '/api/v1/technicians/workload',
    tags: ['Technicians'],
    summary:
      'Every technician by id with their open tickets (not done), those in progress (status 2) and those overdue; technicians without tickets count zeros',
    data: technicianWorkloadPageViewSchema,
    success: 'A page of technicians with their workload',
    list: (desk, page) => desk.technicianWorkload(page),
    view: (page, views) => views.technicianWorkloadPage(page),
  }),

  listTechnicians: pagedList({
    operation: operations.listTechnicians,
    path: '/api/v1/technicians',
    tags: ['Technicians'],
    summary: 'List technicians by id',
    data: technicianPageViewSchema,
    success: 'A page of technicians',
    list: (desk, page) => desk.listTechnicians(page),
    view: (page, views) => views.technicianPage(page),
  }),

  saveService: restOperation({
    operation: operations.saveService,
    method: 'put',
    path: '/api/v1/services/{service_id}',
    tags: ['Services'],
    summary: "Create or replace a customer's service",
    params: serviceIdParams,
    body: saveServiceInputSchema,
    data: serviceViewSchema,
    success: 'The service as saved',
    refusals: { invalid_references: 'The zone does not exist' },
    handle: ({ params, body }, { desk }) => desk.saveService(params.service_id, body),
    view: (service, views) => views.service(service),
  }),

  listServices: pagedList({
    operation: operations.listServices,
    path: '/api/v1/services',
    tags: ['Services'],
    summary: 'List services by id',
    data: servicePageViewSchema,
    success: 'A page of services',
    list: (desk, page) => desk.listServices(page),
    view: (page, views) => views.servicePage(page),
  }),
} satisfies Record<string, AnyRestOperation>;
