import { OpenAPIHono } from '@hono/zod-openapi';
import type { TicketDesk } from '@tickets/domain';
import type { Context, MiddlewareHandler } from 'hono';
import { ok } from 'neverthrow';
import { type Authenticator, allows, type Caller } from '../auth.js';
import { failure } from '../envelope.js';
import { invalidInput, type Operation, operations, type Reply, respond } from '../replies.js';
import type { Views } from '../views.js';
import {
  createTicketRoute,
  getTicketRoute,
  listServicesRoute,
  listSubjectsRoute,
  listTechniciansRoute,
  listTicketsRoute,
  listZonesRoute,
  restRoutes,
  saveServiceRoute,
  saveTechnicianRoute,
  saveZoneRoute,
  ticketHistoryRoute,
  updateTicketRoute,
  zoneBlockedRoute,
  zoneCapacityRoute,
} from './routes.js';

/** What the HTTP layer keeps per request. */
export interface AppEnv {
  Variables: {
    /** The caller whose API key was accepted; undefined while the API is open (no keys configured). */
    caller: Caller | undefined;
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

/** The caller's API key name, recorded with each change; null while the API is open. */
const actorOf = (c: Context<AppEnv>): string | null => c.get('caller')?.name ?? null;

/**
 * With API keys configured, a request needs a known key (401 `unauthorized`) whose scope allows
 * the operation (403 `forbidden`). Without keys, everything is open.
 */
export function authorizeRest(authenticator: Authenticator): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!authenticator.enabled) return next();
    const caller = authenticator.identify(c.req.header('authorization'));
    if (caller === undefined) {
      c.header('WWW-Authenticate', 'Bearer realm="tickets"');
      return c.json(
        failure(
          'unauthorized',
          'Authorization: send a configured API key as "Api-Key <key>" or "Bearer <key>"',
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

/**
 * Sends a reply from the shared mapping. The route's declared response types cannot follow a
 * reply chosen at run time; the HTTP tests check every response against the route's schemas.
 */
function send<T>(c: Context, reply: Reply): T {
  return c.json(reply.body, reply.status) as unknown as T;
}

/** The REST API: each handler parses (by its route's schemas), calls one use case, maps the result. */
export function createRestApp(desk: TicketDesk, views: Views): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return send(c, invalidInput(result.error.issues, failureActionOf(c)));
    },
  });
  // The catalogue is fixed for the life of the process: answer it from one prepared reply.
  const subjects = respond(operations.listSubjects, ok(desk.subjects), views.subjects);

  app.openapi(listSubjectsRoute, (c) => send(c, subjects));

  app.openapi(createTicketRoute, async (c) => {
    const actor = actorOf(c);
    const key = c.req.valid('header')['idempotency-key'];
    const result = await desk.openTicket(c.req.valid('json'), {
      actor,
      idempotency: key === undefined ? undefined : { client: actor ?? '', key },
    });
    if (result.isOk() && result.value.replayed) c.header('Idempotent-Replayed', 'true');
    return send(
      c,
      respond(operations.createTicket, result, (outcome) => views.ticket(outcome.ticket)),
    );
  });

  app.openapi(getTicketRoute, async (c) =>
    send(
      c,
      respond(operations.getTicket, await desk.getTicket(c.req.valid('param').ticket_id), views.ticket),
    ),
  );

  app.openapi(ticketHistoryRoute, async (c) => {
    const { ticket_id } = c.req.valid('param');
    return send(
      c,
      respond(operations.ticketHistory, await desk.ticketHistory(ticket_id), views.history(ticket_id)),
    );
  });

  app.openapi(listTicketsRoute, async (c) =>
    send(c, respond(operations.listTickets, await desk.listTickets(c.req.valid('query')), views.ticketPage)),
  );

  app.openapi(updateTicketRoute, async (c) => {
    const { ticket_id } = c.req.valid('param');
    const result = await desk.changeStatus(ticket_id, c.req.valid('json'), { actor: actorOf(c) });
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
