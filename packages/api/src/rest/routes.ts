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
import { failureSchema, infoSchema, successSchema } from '../envelope.js';
import { operations } from '../replies.js';
import {
  servicePageViewSchema,
  serviceViewSchema,
  subjectsViewSchema,
  technicianPageViewSchema,
  technicianViewSchema,
  ticketPageViewSchema,
  ticketViewSchema,
  zoneBlockedViewSchema,
  zoneCapacityViewSchema,
  zoneLimitViewSchema,
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
// Any route that reads or writes the store answers this while the store cannot be reached.
const storeUnavailable = json(
  'The ticket store cannot be reached right now; retry after the `Retry-After` seconds',
  failureSchema(['service_unavailable']),
);
const ticketNotFound = json('No ticket with this id', failureSchema(['ticket_not_found']));
const zoneNotFound = json('No zone with this id', failureSchema(['zone_not_found']));

export const listSubjectsRoute = createRoute({
  method: 'get',
  path: '/api/v1/tickets/subjects',
  tags: ['Tickets'],
  summary: 'List the valid ticket subjects, grouped by priority',
  responses: {
    200: json('The catalogue', successSchema(operations.listSubjects.action, subjectsViewSchema)),
  },
});

export const createTicketRoute = createRoute({
  method: 'post',
  path: '/api/v1/tickets',
  tags: ['Tickets'],
  summary: 'Open a ticket, unless its zone already holds its maximum of active tickets',
  request: { body: body(createTicketInputSchema) },
  responses: {
    201: json('Ticket created', successSchema(operations.createTicket.action, ticketViewSchema)),
    400: invalid(operations.createTicket.failureAction),
    409: zoneFull,
    413: tooLarge,
    415: notJson(operations.createTicket.failureAction),
    422: invalid(
      operations.createTicket.failureAction,
      'Unknown subject, unknown service, technician or zone, inactive technician, or a service of another zone',
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
  responses: {
    200: json('The ticket', successSchema(operations.getTicket.action, ticketViewSchema)),
    400: invalid(operations.getTicket.failureAction, 'The id is not a positive integer'),
    404: ticketNotFound,
    503: storeUnavailable,
  },
});

export const listTicketsRoute = createRoute({
  method: 'get',
  path: '/api/v1/tickets',
  tags: ['Tickets'],
  summary: 'List tickets, newest first, optionally of one zone and status',
  request: { query: listTicketsQuerySchema },
  responses: {
    200: json('A page of tickets', successSchema(operations.listTickets.action, ticketPageViewSchema)),
    400: invalid(operations.listTickets.failureAction, 'A filter of the wrong shape'),
    503: storeUnavailable,
  },
});

export const updateTicketRoute = createRoute({
  method: 'patch',
  path: '/api/v1/tickets/{ticket_id}',
  tags: ['Tickets'],
  summary: "Change a ticket's status, optionally with an answer; reopening counts against the zone",
  request: { params: ticketIdParams, body: body(updateTicketInputSchema) },
  responses: {
    200: json('The changed ticket', successSchema(operations.updateTicket.action, ticketViewSchema)),
    400: invalid(operations.updateTicket.failureAction),
    404: ticketNotFound,
    409: zoneFull,
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
  responses: {
    200: json('The zone capacity', successSchema(operations.zoneCapacity.action, zoneCapacityViewSchema)),
    400: invalid(operations.zoneCapacity.failureAction, 'The id is not a positive integer'),
    404: zoneNotFound,
    503: storeUnavailable,
  },
});

export const zoneBlockedRoute = createRoute({
  method: 'get',
  path: '/api/v1/tickets/zone-blocked/{zone_id}',
  tags: ['Zones'],
  summary: 'Whether a zone is blocked (kept for clients of the reference service)',
  request: { params: zoneIdParams },
  responses: {
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
  responses: {
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
  responses: {
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
  responses: {
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
  responses: {
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
  responses: {
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
  responses: {
    200: json('A page of services', successSchema(operations.listServices.action, servicePageViewSchema)),
    400: invalid(operations.listServices.failureAction, 'A page request of the wrong shape'),
    503: storeUnavailable,
  },
});

/** Every REST route with the action its refusals carry. */
export const routeFailureActions = [
  [listSubjectsRoute, operations.listSubjects.failureAction],
  [createTicketRoute, operations.createTicket.failureAction],
  [getTicketRoute, operations.getTicket.failureAction],
  [listTicketsRoute, operations.listTickets.failureAction],
  [updateTicketRoute, operations.updateTicket.failureAction],
  [zoneCapacityRoute, operations.zoneCapacity.failureAction],
  [zoneBlockedRoute, operations.zoneBlocked.failureAction],
  [saveZoneRoute, operations.saveZone.failureAction],
  [listZonesRoute, operations.listZones.failureAction],
  [saveTechnicianRoute, operations.saveTechnician.failureAction],
  [listTechniciansRoute, operations.listTechnicians.failureAction],
  [saveServiceRoute, operations.saveService.failureAction],
  [listServicesRoute, operations.listServices.failureAction],
] as const;
