import { OpenAPIHono } from '@hono/zod-openapi';
import type { SyncReport, Ticket, TicketDesk } from '@tickets/domain';
import type { Context, MiddlewareHandler } from 'hono';
import { ok, type Result } from 'neverthrow';
import { type Authenticator, allows, type Caller } from '../auth.js';
import { failure } from '../envelope.js';
import { requestHeader } from '../headers.js';
import { createResponder, type Operation, operations } from '../replies.js';
import type { Views } from '../views.js';
import {
  createTicketRoute,
  getTicketRoute,
  listServicesRoute,
  listSubjectsRoute,
  listTechniciansRoute,
  listTicketsRoute,
  listZoneLoadsRoute,
  listZonesRoute,
  restRoutes,
  retryDeliveryRoute,
  saveServiceRoute,
  saveTechnicianRoute,
  saveZoneRoute,
  syncStatusRoute,
  ticketHistoryRoute,
  updateTicketRoute,
  zoneBlockedRoute,
  zoneCapacityRoute,
} from './routes.js';
import { serveRoute } from './serve-route.js';

/** What the HTTP layer keeps per request. */
export interface AppEnv {
  Variables: {
    /** The caller whose API key was accepted; undefined while the API is open (no keys configured). */
    caller: Caller | undefined;
    /** This request's id, echoed in X-Request-Id and logged. */
    requestId: string;
  };
}

// Compiled once: which operation a method and path belong to, for authorization and for the
// action of refusals raised before a handler runs (malformed JSON, a body too large).
const routeTable = restRoutes.map(([route, operation]) => ({
  method: route.method.toUpperCase(),
  pattern: new RegExp(`^${route.path.replace(/\{\w+\}/g, '[^/]+')}$`),
  operation: operation as Operation,
}));

function operationOf(method: string, path: string): Operation | undefined {
  for (const entry of routeTable)
    if (entry.method === method && entry.pattern.test(path)) return entry.operation;
  return undefined;
}

/** The action a refusal on this request's route carries (`invalid_request` off the known routes). */
export function failureActionOf(c: Context): string {
  return operationOf(c.req.method, c.req.path)?.failureAction ?? 'invalid_request';
}

/** A ticket's ETag: its version, quoted. */
const etagOf = (ticket: Ticket): string => `"${ticket.version}"`;

/** Passes a ticket result on, setting its ETag on the response when it is one. */
function tagged<E>(c: Context, result: Result<Ticket, E>): Result<Ticket, E> {
  if (result.isOk()) c.header('ETag', etagOf(result.value));
  return result;
}

/** The caller's API key name, recorded with each change; null while the API is open. */
const actorOf = (c: Context<AppEnv>): string | null => c.get('caller')?.name ?? null;

/**
 * With API keys configured, a request needs a known key (401 `unauthorized`) whose scope allows
 * the operation (403 `forbidden`). Without keys, everything is open.
 */
export function authorizeRest(authenticator: Authenticator): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!authenticator.enabled) return next();
    const caller = authenticator.identify(requestHeader(c, 'authorization'), requestHeader(c, 'x-api-key'));
    if (caller === undefined) {
      c.header('WWW-Authenticate', 'Bearer realm="tickets"');
      return c.json(
        failure(
          'unauthorized',
          'Authorization: send a configured API key as "Api-Key <key>" or "Bearer <key>" (or in X-API-Key)',
        ),
        401,
      );
    }
    const needed = operationOf(c.req.method, c.req.path)?.scope ?? 'admin';
    if (!allows(caller.scope, needed)) {
      return c.json(
        failure(
          'forbidden',
          `The API key "${caller.name}" (scope ${caller.scope}) cannot make this call; it needs scope ${needed}`,
        ),
        403,
      );
    }
    c.set('caller', caller);
    return next();
  };
}

/** The REST API: each handler gets its request parsed by its route's schemas, calls one use case, maps the result. */
export function createRestApp(
  desk: TicketDesk,
  views: Views,
  syncReport: () => Promise<SyncReport>,
): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  const respond = createResponder(views);
  // The catalogue is fixed for the life of the process: answer it from one prepared reply.
  const subjects = respond(operations.listSubjects, ok(desk.subjects), views.subjects);

  serveRoute(app, listSubjectsRoute, operations.listSubjects.failureAction, () => subjects);

  serveRoute(app, createTicketRoute, operations.createTicket.failureAction, async (c, { body, headers }) => {
    const actor = actorOf(c);
    const key = headers['idempotency-key'];
    const result = await desk.openTicket(body, {
      actor,
      idempotency: key === undefined ? undefined : { client: actor ?? '', key },
    });
    if (result.isOk()) {
      if (result.value.replayed) c.header('Idempotent-Replayed', 'true');
      c.header('ETag', etagOf(result.value.ticket));
    }
    return respond(
      operations.createTicket,
      result,
      (outcome) => views.ticket(outcome.ticket),
      (outcome) => (outcome.replayed ? { replayed: true as const } : null),
    );
  });

  serveRoute(app, getTicketRoute, operations.getTicket.failureAction, async (c, { params }) =>
    respond(operations.getTicket, tagged(c, await desk.getTicket(params.ticket_id)), views.ticket),
  );

  serveRoute(app, ticketHistoryRoute, operations.ticketHistory.failureAction, async (_c, { params, query }) =>
    respond(
      operations.ticketHistory,
      await desk.ticketHistory(params.ticket_id, query),
      views.history(params.ticket_id),
    ),
  );

  serveRoute(app, listTicketsRoute, operations.listTickets.failureAction, async (_c, { query }) =>
    respond(operations.listTickets, await desk.listTickets(query), views.ticketPage),
  );

  serveRoute(
    app,
    updateTicketRoute,
    operations.updateTicket.failureAction,
    async (c, { params, headers, body }) =>
      respond(
        operations.updateTicket,
        tagged(
          c,
          await desk.changeStatus(params.ticket_id, body, {
            actor: actorOf(c),
            expectedVersion: headers['if-match'],
          }),
        ),
        views.ticket,
      ),
  );

  serveRoute(app, retryDeliveryRoute, operations.retryDelivery.failureAction, async (c, { params }) =>
    respond(
      operations.retryDelivery,
      await desk.retryDelivery(params.ticket_id, { actor: actorOf(c) }),
      views.ticket,
    ),
  );

  serveRoute(app, syncStatusRoute, operations.syncStatus.failureAction, async () =>
    respond(operations.syncStatus, ok(await syncReport()), views.syncReport),
  );

  serveRoute(app, zoneCapacityRoute, operations.zoneCapacity.failureAction, async (_c, { params }) =>
    respond(operations.zoneCapacity, await desk.zoneCapacity(params.zone_id), views.zoneCapacity),
  );

  serveRoute(app, listZoneLoadsRoute, operations.listZoneLoads.failureAction, async (_c, { query }) =>
    respond(operations.listZoneLoads, await desk.listZoneLoads(query), views.zoneLoadPage),
  );

  serveRoute(app, zoneBlockedRoute, operations.zoneBlocked.failureAction, async (_c, { params }) =>
    respond(operations.zoneBlocked, await desk.zoneCapacity(params.zone_id), views.zoneBlocked),
  );

  serveRoute(app, saveZoneRoute, operations.saveZone.failureAction, async (_c, { params, body }) =>
    respond(operations.saveZone, await desk.saveZone(params.zone_id, body), views.zone),
  );

  serveRoute(app, listZonesRoute, operations.listZones.failureAction, async (_c, { query }) =>
    respond(operations.listZones, await desk.listZones(query), views.zonePage),
  );

  serveRoute(
    app,
    saveTechnicianRoute,
    operations.saveTechnician.failureAction,
    async (_c, { params, body }) =>
      respond(
        operations.saveTechnician,
        await desk.saveTechnician(params.technician_id, body),
        views.technician,
      ),
  );

  serveRoute(app, listTechniciansRoute, operations.listTechnicians.failureAction, async (_c, { query }) =>
    respond(operations.listTechnicians, await desk.listTechnicians(query), views.technicianPage),
  );

  serveRoute(app, saveServiceRoute, operations.saveService.failureAction, async (_c, { params, body }) =>
    respond(operations.saveService, await desk.saveService(params.service_id, body), views.service),
  );

  serveRoute(app, listServicesRoute, operations.listServices.failureAction, async (_c, { query }) =>
    respond(operations.listServices, await desk.listServices(query), views.servicePage),
  );

  return app;
}
