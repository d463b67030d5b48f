import { createRoute } from '@hono/zod-openapi';
import {
  createTicketInputSchema,
  listTicketsQuerySchema,
  pageQuerySchema,
  positiveIntegerParamSchema,
  saveServiceInputSchema,
  saveTechnicianInputSchema,
  saveZoneInputSchema,
  updateTicketInputSchema,
} from '@tickets/domain';
import { z } from 'zod';
import {
  failureSchema,
  failureWithDataSchema,
  infoSchema,
  replayableSuccessSchema,
  successSchema,
} from '../envelope.js';
import { operations } from '../replies.js';
import {
  servicePageViewSchema,
  serviceViewSchema,
  subjectsViewSchema,
  syncReportViewSchema,
  technicianPageViewSchema,
  technicianViewSchema,
  ticketHistoryViewSchema,
  ticketPageViewSchema,
  ticketViewSchema,
  zoneBlockedViewSchema,
  zoneCapacityViewSchema,
  zoneLimitViewSchema,
  zoneLoadPageViewSchema,
  zonePageViewSchema,
  zoneViewSchema,
} from '../views.js';

/** Path parameters, shared with the tRPC procedures that take the same ids. */
export const ticketIdParams = z.object({ ticket_id: positiveIntegerParamSchema });
export const zoneIdParams = z.object({ zone_id: positiveIntegerParamSchema });
export const technicianIdParams = z.object({ technician_id: positiveIntegerParamSchema });
export const serviceIdParams = z.object({ service_id: positiveIntegerParamSchema });

const json = <S extends z.ZodType>(description: string, schema: S) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A response that also sets documented headers. */
const withHeaders = <R extends object>(
  response: R,
  headers: Record<string, { readonly description: string; readonly type: 'string' | 'integer' }>,
) => ({
  ...response,
  headers: Object.fromEntries(
    Object.entries(headers).map(([name, h]) => [
      name,
      { description: h.description, schema: { type: h.type } },
    ]),
  ),
});

/** A response that also sets a documented header. */
const withHeader = <R extends object>(
  response: R,
  name: string,
  description: string,
  type: 'string' | 'integer',
) => withHeaders(response, { [name]: { description, type } });

const ETAG = {
  ETag: { description: "The ticket's `version` in quotes, for `If-Match`", type: 'string' as const },
};

/**
 * `If-Match: "<version>"` (a weak `W/"<version>"` is read the same): the change applies only to
 * that version of the ticket. `*` matches any.
 */
export const ifMatchSchema = z
  .string()
  .regex(/^\s*(?:\*|(?:W\/)?"[1-9]\d{0,14}")\s*$/, {
    error: 'must be the ticket\'s ETag, e.g. "3" (its version in quotes), or *',
  })
  .transform((value) => {
    const version = /"(\d+)"/.exec(value)?.[1];
    return version === undefined ? undefined : Number(version);
  })
  .meta({
    description:
      "The ticket's `ETag` (its `version` in quotes) as last read: a change made since answers 412 `ticket_changed`. Without it, the last change wins",
    example: '"3"',
  });

const body = <S extends z.ZodType>(schema: S) => ({
  required: true,
  content: { 'application/json': { schema } },
});

const invalid = <const A extends string>(action: A, what = 'Malformed JSON, or a field of the wrong shape') =>
  json(`${what}; \`meta.errors\` names each field`, failureSchema([action]));

// Every route with a JSON body also answers these two before its handler runs (see http-app.ts).
const tooLarge = json('A body larger than 64 KiB', failureSchema(['payload_too_large']));
const notJson = <const A extends string>(action: A) =>
  json('A body not sent as `Content-Type: application/json`', failureSchema([action]));

const zoneFull = json(
  'The zone already holds its maximum of active tickets',
  infoSchema('zone_ticket_limit_reached', zoneLimitViewSchema),
);
// With API_KEYS set, every /api route answers these to a request without the right key.
const unauthorized = withHeader(
  json(
    'No API key, or one that is not configured (`Authorization: Api-Key <key>` or `Bearer <key>`)',
    failureSchema(['unauthorized']),
  ),
  'WWW-Authenticate',
  'Bearer realm="tickets"',
  'string',
);
const forbidden = json("The API key's scope does not allow this call", failureSchema(['forbidden']));
const security: Record<string, string[]>[] = [{ ApiKey: [] }, { Bearer: [] }, { XApiKey: [] }];

/** An Idempotency-Key: 1 to 255 visible ASCII characters, unique per API key. */
export const idempotencyKeySchema = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(255, { error: 'must be at most 255 characters' })
  .regex(/^[\x21-\x7E]+$/, { error: 'must be visible ASCII characters without spaces' })
  .meta({
    description:
      'Makes the create safe to retry: a retry with the same key and body answers with the first ticket and creates nothing. Keys are kept at least 24 hours.',
    example: 'crm-7f3a9c2e',
  });

// Any route that reads or writes the store answers this while the store cannot be reached.
const storeUnavailable = withHeader(
  json(
    'The ticket store cannot be reached right now; retry after the `Retry-After` seconds',
    failureSchema(['service_unavailable']),
  ),
  'Retry-After',
  'Seconds to wait before trying again',
  'integer',
);
const ticketNotFound = json('No ticket with this id', failureSchema(['ticket_not_found']));
const zoneNotFound = json('No zone with this id', failureSchema(['zone_not_found']));

export const listSubjectsRoute = createRoute({
  method: 'get',
  path: '/api/v1/tickets/subjects',
  tags: ['Tickets'],
  summary: 'List the valid ticket subjects, grouped by priority',
  security,
  responses: {
    401: unauthorized,
    403: forbidden,
    200: json('The catalogue', successSchema(operations.listSubjects.action, subjectsViewSchema)),
  },
});

export const createTicketRoute = createRoute({
  method: 'post',
  path: '/api/v1/tickets',
  tags: ['Tickets'],
  summary: 'Open a ticket, unless its zone already holds its maximum of active tickets',
  request: {
    headers: z.object({ 'idempotency-key': idempotencyKeySchema.optional() }),
    body: body(createTicketInputSchema),
  },
  security,
  responses: {
    401: unauthorized,
    403: forbidden,
    201: withHeaders(
      json('Ticket created', replayableSuccessSchema(operations.createTicket.action, ticketViewSchema)),
      {
        'Idempotent-Replayed': {
          description: '`true` when this answers a retry of an earlier request with the same Idempotency-Key',
          type: 'string',
        },
        ...ETAG,
      },
    ),
    400: invalid(operations.createTicket.failureAction),
    409: zoneFull,
    413: tooLarge,
    415: notJson(operations.createTicket.failureAction),
    422: json(
      'Unknown subject, unknown service, technician or zone, inactive technician, or a service of another zone (`ticket_creation_failed`); an Idempotency-Key already used with another body (`idempotency_key_reused`)',
      failureSchema([operations.createTicket.failureAction, 'idempotency_key_reused']),
    ),
    503: storeUnavailable,
  },
});

export const getTicketRoute = createRoute({
  method: 'get',
  path: '/api/v1/tickets/{ticket_id}',
  tags: ['Tickets'],
  summary: 'Read a ticket',
  request: { params: ticketIdParams },
  security,
  responses: {
    401: unauthorized,
    403: forbidden,
    200: withHeaders(json('The ticket', successSchema(operations.getTicket.action, ticketViewSchema)), ETAG),
    400: invalid(operations.getTicket.failureAction, 'The id is not a positive integer'),
    404: ticketNotFound,
    503: storeUnavailable,
  },
});

export const ticketHistoryRoute = createRoute({
  method: 'get',
  path: '/api/v1/tickets/{ticket_id}/history',
  tags: ['Tickets'],
  summary:
    "A ticket's changes, oldest first, a page at a time: creation, status changes, answers, deliveries to WispHub, with time and who made them",
  request: { params: ticketIdParams, query: pageQuerySchema },
  security,
  responses: {
    401: unauthorized,
    403: forbidden,
    200: json('The history', successSchema(operations.ticketHistory.action, ticketHistoryViewSchema)),
    400: invalid(
      operations.ticketHistory.failureAction,
      'The id is not a positive integer, or a page request of the wrong shape',
    ),
    404: ticketNotFound,
    503: storeUnavailable,
  },
});

export const retryDeliveryRoute = createRoute({
  method: 'post',
  path: '/api/v1/tickets/{ticket_id}/wisphub/retry',
  tags: ['WispHub'],
  summary: 'Send a ticket that WispHub refused to WispHub again (after correcting what it refused)',
  request: { params: ticketIdParams },
  security,
  responses: {
    401: unauthorized,
    403: forbidden,
    200: withHeaders(
      json(
        'The ticket, back in line for WispHub (`wisphub_sync: pending`)',
        successSchema(operations.retryDelivery.action, ticketViewSchema),
      ),
      ETAG,
    ),
    400: invalid(operations.retryDelivery.failureAction, 'The id is not a positive integer'),
    404: ticketNotFound,
    409: json(
      'Its delivery has not failed (`delivery_not_failed`), or the WispHub connector is off (`wisphub_disabled`)',
      failureSchema(['delivery_not_failed', 'wisphub_disabled']),
    ),
    503: storeUnavailable,
  },
});

export const syncStatusRoute = createRoute({
  method: 'get',
  path: '/api/v1/sync/wisphub',
  tags: ['WispHub'],
  summary:
    "The WispHub connector's state: the last status and reference pulls, pending and failed deliveries, and webhooks",
  security,
  responses: {
    401: unauthorized,
    403: forbidden,
    200: json('The connector', successSchema(operations.syncStatus.action, syncReportViewSchema)),
    503: storeUnavailable,
  },
});

export const listTicketsRoute = createRoute({
  method: 'get',
  path: '/api/v1/tickets',
  tags: ['Tickets'],
  summary: 'List tickets, newest first, optionally of one zone and status',
  request: { query: listTicketsQuerySchema },
  security,
  responses: {
    401: unauthorized,
    403: forbidden,
    200: json('A page of tickets', successSchema(operations.listTickets.action, ticketPageViewSchema)),
    400: invalid(operations.listTickets.failureAction, 'A filter of the wrong shape'),
    503: storeUnavailable,
  },
});

export const updateTicketRoute = createRoute({
  method: 'patch',
  path: '/api/v1/tickets/{ticket_id}',
  tags: ['Tickets'],
  summary:
    "Change a ticket's status, optionally with an answer; reopening counts against the zone. With If-Match, only if nobody changed it since",
  request: {
    params: ticketIdParams,
    headers: z.object({ 'if-match': ifMatchSchema.optional() }),
    body: body(updateTicketInputSchema),
  },
  security,
  responses: {
    401: unauthorized,
    403: forbidden,
    200: withHeaders(
      json('The changed ticket', successSchema(operations.updateTicket.action, ticketViewSchema)),
      ETAG,
    ),
    400: invalid(operations.updateTicket.failureAction),
    404: ticketNotFound,
    409: zoneFull,
    412: json(
      'The ticket changed since the version `If-Match` names; `data` is the ticket as it is now, and nothing was written',
      failureWithDataSchema('ticket_changed', ticketViewSchema),
    ),
    413: tooLarge,
    415: notJson(operations.updateTicket.failureAction),
    503: storeUnavailable,
  },
});

export const zoneCapacityRoute = createRoute({
  method: 'get',
  path: '/api/v1/zones/{zone_id}/capacity',
  tags: ['Zones'],
  summary: "A zone's active tickets against its limit",
  request: { params: zoneIdParams },
  security,
  responses: {
    401: unauthorized,
    403: forbidden,
    200: json('The zone capacity', successSchema(operations.zoneCapacity.action, zoneCapacityViewSchema)),
    400: invalid(operations.zoneCapacity.failureAction, 'The id is not a positive integer'),
    404: zoneNotFound,
    503: storeUnavailable,
  },
});

export const listZoneLoadsRoute = createRoute({
  method: 'get',
  path: '/api/v1/zones/capacity',
  tags: ['Zones'],
  summary: 'Every zone with its active tickets against its limit, by id (a board of zones)',
  request: { query: pageQuerySchema },
  security,
  responses: {
    401: unauthorized,
    403: forbidden,
    200: json(
      'A page of zones with their load',
      successSchema(operations.listZoneLoads.action, zoneLoadPageViewSchema),
    ),
    400: invalid(operations.listZoneLoads.failureAction, 'A page request of the wrong shape'),
    503: storeUnavailable,
  },
});

export const zoneBlockedRoute = createRoute({
  method: 'get',
  path: '/api/v1/tickets/zone-blocked/{zone_id}',
  tags: ['Zones'],
  summary: 'Whether a zone is blocked (kept for clients of the reference service)',
  request: { params: zoneIdParams },
  security,
  responses: {
    401: unauthorized,
    403: forbidden,
    200: json(
      'Whether the zone is blocked',
      successSchema(operations.zoneBlocked.action, zoneBlockedViewSchema),
    ),
    400: invalid(operations.zoneBlocked.failureAction, 'The id is not a positive integer'),
    404: zoneNotFound,
    503: storeUnavailable,
  },
});

export const saveZoneRoute = createRoute({
  method: 'put',
  path: '/api/v1/zones/{zone_id}',
  tags: ['Zones'],
  summary: 'Create or replace a zone',
  request: { params: zoneIdParams, body: body(saveZoneInputSchema) },
  security,
  responses: {
    401: unauthorized,
    403: forbidden,
    200: json('The zone as saved', successSchema(operations.saveZone.action, zoneViewSchema)),
    400: invalid(operations.saveZone.failureAction),
    413: tooLarge,
    415: notJson(operations.saveZone.failureAction),
    503: storeUnavailable,
  },
});

export const listZonesRoute = createRoute({
  method: 'get',
  path: '/api/v1/zones',
  tags: ['Zones'],
  summary: 'List zones by id',
  request: { query: pageQuerySchema },
  security,
  responses: {
    401: unauthorized,
    403: forbidden,
    200: json('A page of zones', successSchema(operations.listZones.action, zonePageViewSchema)),
    400: invalid(operations.listZones.failureAction, 'A page request of the wrong shape'),
    503: storeUnavailable,
  },
});

export const saveTechnicianRoute = createRoute({
  method: 'put',
  path: '/api/v1/technicians/{technician_id}',
  tags: ['Technicians'],
  summary: 'Create or replace a technician',
  request: { params: technicianIdParams, body: body(saveTechnicianInputSchema) },
  security,
  responses: {
    401: unauthorized,
    403: forbidden,
    200: json(
      'The technician as saved',
      successSchema(operations.saveTechnician.action, technicianViewSchema),
    ),
    400: invalid(operations.saveTechnician.failureAction),
    413: tooLarge,
    415: notJson(operations.saveTechnician.failureAction),
    503: storeUnavailable,
  },
});

export const listTechniciansRoute = createRoute({
  method: 'get',
  path: '/api/v1/technicians',
  tags: ['Technicians'],
  summary: 'List technicians by id',
  request: { query: pageQuerySchema },
  security,
  responses: {
    401: unauthorized,
    403: forbidden,
    200: json(
      'A page of technicians',
      successSchema(operations.listTechnicians.action, technicianPageViewSchema),
    ),
    400: invalid(operations.listTechnicians.failureAction, 'A page request of the wrong shape'),
    503: storeUnavailable,
  },
});

export const saveServiceRoute = createRoute({
  method: 'put',
  path: '/api/v1/services/{service_id}',
  tags: ['Services'],
  summary: "Create or replace a customer's service",
  request: { params: serviceIdParams, body: body(saveServiceInputSchema) },
  security,
  responses: {
    401: unauthorized,
    403: forbidden,
    200: json('The service as saved', successSchema(operations.saveService.action, serviceViewSchema)),
    400: invalid(operations.saveService.failureAction),
    413: tooLarge,
    415: notJson(operations.saveService.failureAction),
    422: invalid(operations.saveService.failureAction, 'The zone does not exist'),
    503: storeUnavailable,
  },
});

export const listServicesRoute = createRoute({
  method: 'get',
  path: '/api/v1/services',
  tags: ['Services'],
  summary: 'List services by id',
  request: { query: pageQuerySchema },
  security,
  responses: {
    401: unauthorized,
    403: forbidden,
    200: json('A page of services', successSchema(operations.listServices.action, servicePageViewSchema)),
    400: invalid(operations.listServices.failureAction, 'A page request of the wrong shape'),
    503: storeUnavailable,
  },
});

/** Every REST route with its operation: the actions it answers and the scope it needs. */
export const restRoutes = [
  [listSubjectsRoute, operations.listSubjects],
  [createTicketRoute, operations.createTicket],
  [getTicketRoute, operations.getTicket],
  [ticketHistoryRoute, operations.ticketHistory],
  [listTicketsRoute, operations.listTickets],
  [updateTicketRoute, operations.updateTicket],
  [retryDeliveryRoute, operations.retryDelivery],
  [syncStatusRoute, operations.syncStatus],
  [zoneCapacityRoute, operations.zoneCapacity],
  [listZoneLoadsRoute, operations.listZoneLoads],
  [zoneBlockedRoute, operations.zoneBlocked],
  [saveZoneRoute, operations.saveZone],
  [listZonesRoute, operations.listZones],
  [saveTechnicianRoute, operations.saveTechnician],
  [listTechniciansRoute, operations.listTechnicians],
  [saveServiceRoute, operations.saveService],
  [listServicesRoute, operations.listServices],
] as const;
