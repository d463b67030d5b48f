import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { TicketDesk } from '@tickets/domain';
import type { Context } from 'hono';
import { ok } from 'neverthrow';
import { invalidInput, operations, type Reply, respond } from '../replies.js';
import type { Views } from '../views.js';
import {
  createTicketRoute,
  getTicketRoute,
  listServicesRoute,
  listSubjectsRoute,
  listTechniciansRoute,
  listTicketsRoute,
  listZonesRoute,
  routeFailureActions,
  saveServiceRoute,
  saveTechnicianRoute,
  saveZoneRoute,
  updateTicketRoute,
  zoneBlockedRoute,
  zoneCapacityRoute,
} from './routes.js';

const routeKey = (method: string, honoPath: string) => `${method.toUpperCase()} ${honoPath}`;
const toHonoPath = (route: RouteConfig) => route.path.replace(/\{(\w+)\}/g, ':$1');

const failureActions = new Map<string, string>(
  routeFailureActions.map(([route, action]) => [routeKey(route.method, toHonoPath(route)), action]),
);

/** The action a refusal on the matched route carries (`invalid_request` off the known routes). */
export function failureActionOf(c: Context): string {
  return failureActions.get(routeKey(c.req.method, c.req.routePath)) ?? 'invalid_request';
}

/**
 * Sends a reply from the shared mapping. The route's declared response types cannot follow a
 * reply chosen at run time; the HTTP tests check every response against the route's schemas.
 */
function send<T>(c: Context, reply: Reply): T {
  return c.json(reply.body, reply.status) as unknown as T;
}

/** The REST API: each handler parses (by its route's schemas), calls one use case, maps the result. */
export function createRestApp(desk: TicketDesk, views: Views): OpenAPIHono {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) return send(c, invalidInput(result.error.issues, failureActionOf(c)));
    },
  });
  // The catalogue is fixed for the life of the process: answer it from one prepared reply.
  const subjects = respond(operations.listSubjects, ok(desk.subjects), views.subjects);

  app.openapi(listSubjectsRoute, (c) => send(c, subjects));

  app.openapi(createTicketRoute, async (c) =>
    send(c, respond(operations.createTicket, await desk.openTicket(c.req.valid('json')), views.ticket)),
  );

  app.openapi(getTicketRoute, async (c) =>
    send(
      c,
      respond(operations.getTicket, await desk.getTicket(c.req.valid('param').ticket_id), views.ticket),
    ),
  );

  app.openapi(listTicketsRoute, async (c) =>
    send(c, respond(operations.listTickets, await desk.listTickets(c.req.valid('query')), views.ticketPage)),
  );

  app.openapi(updateTicketRoute, async (c) => {
    const { ticket_id } = c.req.valid('param');
    const result = await desk.changeStatus(ticket_id, c.req.valid('json'));
    return send(c, respond(operations.updateTicket, result, views.ticket));
  });

  app.openapi(zoneCapacityRoute, async (c) =>
    send(
      c,
      respond(
        operations.zoneCapacity,
        await desk.zoneCapacity(c.req.valid('param').zone_id),
        views.zoneCapacity,
      ),
    ),
  );

  app.openapi(zoneBlockedRoute, async (c) =>
    send(
      c,
      respond(
        operations.zoneBlocked,
        await desk.zoneCapacity(c.req.valid('param').zone_id),
        views.zoneBlocked,
      ),
    ),
  );

  app.openapi(saveZoneRoute, async (c) => {
    const result = await desk.saveZone(c.req.valid('param').zone_id, c.req.valid('json'));
    return send(c, respond(operations.saveZone, result, views.zone));
  });

  app.openapi(listZonesRoute, async (c) =>
    send(c, respond(operations.listZones, await desk.listZones(c.req.valid('query')), views.zonePage)),
  );

  app.openapi(saveTechnicianRoute, async (c) => {
    const result = await desk.saveTechnician(c.req.valid('param').technician_id, c.req.valid('json'));
    return send(c, respond(operations.saveTechnician, result, views.technician));
  });

  app.openapi(listTechniciansRoute, async (c) =>
    send(
      c,
      respond(
        operations.listTechnicians,
        await desk.listTechnicians(c.req.valid('query')),
        views.technicianPage,
      ),
    ),
  );

  app.openapi(saveServiceRoute, async (c) => {
    const result = await desk.saveService(c.req.valid('param').service_id, c.req.valid('json'));
    return send(c, respond(operations.saveService, result, views.service));
  });

  app.openapi(listServicesRoute, async (c) =>
    send(
      c,
      respond(operations.listServices, await desk.listServices(c.req.valid('query')), views.servicePage),
    ),
  );

  return app;
}
