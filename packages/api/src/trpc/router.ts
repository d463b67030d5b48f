import {
  createTicketInputSchema,
  listTicketsQuerySchema,
  pageQuerySchema,
  StoreUnavailableError,
  saveServiceInputSchema,
  saveTechnicianInputSchema,
  saveZoneInputSchema,
  type TicketDesk,
  updateTicketInputSchema,
} from '@tickets/domain';
import { initTRPC, TRPCError } from '@trpc/server';
import { ok } from 'neverthrow';
import { fieldErrors, type Issue, operations, respond } from '../replies.js';
import { serviceIdParams, technicianIdParams, ticketIdParams, zoneIdParams } from '../rest/routes.js';
import type { Views } from '../views.js';

export interface TrpcContext {
  readonly desk: TicketDesk;
  readonly views: Views;
}

function issuesOf(cause: unknown): readonly Issue[] | null {
  if (typeof cause === 'object' && cause !== null && 'issues' in cause && Array.isArray(cause.issues)) {
    return cause.issues as Issue[];
  }
  return null;
}

const t = initTRPC.context<TrpcContext>().create({
  // Error bodies never carry stack traces, whatever NODE_ENV says.
  isDev: false,
  // Input that fails its schema is BAD_REQUEST (HTTP 400); the data carries the zod issues, and
  // the same per-field errors the REST API puts in `meta.errors`.
  errorFormatter({ shape, error }) {
    const issues = error.code === 'BAD_REQUEST' ? issuesOf(error.cause) : null;
    const errors = issues === null ? null : fieldErrors(issues);
    return {
      ...shape,
      message: errors === null ? shape.message : errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      data: { ...shape.data, zodIssues: issues, errors },
    };
  },
});

// A store that cannot be reached is SERVICE_UNAVAILABLE (HTTP 503), as on REST.
const procedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof StoreUnavailableError) {
    throw new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: result.error.cause.message,
      cause: result.error.cause,
    });
  }
  return result;
});

// Envelopes come back as values: a full zone is an `info` envelope, not an exception.
export const appRouter = t.router({
  tickets: t.router({
    create: procedure
      .input(createTicketInputSchema)
      .mutation(
        async ({ ctx, input }) =>
          respond(operations.createTicket, await ctx.desk.openTicket(input), ctx.views.ticket).body,
      ),
    get: procedure
      .input(ticketIdParams)
      .query(
        async ({ ctx, input }) =>
          respond(operations.getTicket, await ctx.desk.getTicket(input.ticket_id), ctx.views.ticket).body,
      ),
    list: procedure
      .input(listTicketsQuerySchema.optional())
      .query(
        async ({ ctx, input = {} }) =>
          respond(operations.listTickets, await ctx.desk.listTickets(input), ctx.views.ticketPage).body,
      ),
    updateStatus: procedure
      .input(ticketIdParams.extend(updateTicketInputSchema.shape))
      .mutation(
        async ({ ctx, input: { ticket_id, ...change } }) =>
          respond(operations.updateTicket, await ctx.desk.changeStatus(ticket_id, change), ctx.views.ticket)
            .body,
      ),
    subjects: procedure.query(
      ({ ctx }) => respond(operations.listSubjects, ok(ctx.desk.subjects), ctx.views.subjects).body,
    ),
  }),
  zones: t.router({
    capacity: procedure
      .input(zoneIdParams)
      .query(
        async ({ ctx, input }) =>
          respond(operations.zoneCapacity, await ctx.desk.zoneCapacity(input.zone_id), ctx.views.zoneCapacity)
            .body,
      ),
    save: procedure
      .input(zoneIdParams.extend(saveZoneInputSchema.shape))
      .mutation(
        async ({ ctx, input: { zone_id, ...zone } }) =>
          respond(operations.saveZone, await ctx.desk.saveZone(zone_id, zone), ctx.views.zone).body,
      ),
    list: procedure
      .input(pageQuerySchema.optional())
      .query(
        async ({ ctx, input = {} }) =>
          respond(operations.listZones, await ctx.desk.listZones(input), ctx.views.zonePage).body,
      ),
  }),
  technicians: t.router({
    save: procedure
      .input(technicianIdParams.extend(saveTechnicianInputSchema.shape))
      .mutation(
        async ({ ctx, input: { technician_id, ...technician } }) =>
          respond(
            operations.saveTechnician,
            await ctx.desk.saveTechnician(technician_id, technician),
            ctx.views.technician,
          ).body,
      ),
    list: procedure
      .input(pageQuerySchema.optional())
      .query(
        async ({ ctx, input = {} }) =>
          respond(operations.listTechnicians, await ctx.desk.listTechnicians(input), ctx.views.technicianPage)
            .body,
      ),
  }),
  services: t.router({
    save: procedure
      .input(serviceIdParams.extend(saveServiceInputSchema.shape))
      .mutation(
        async ({ ctx, input: { service_id, ...service } }) =>
          respond(operations.saveService, await ctx.desk.saveService(service_id, service), ctx.views.service)
            .body,
      ),
    list: procedure
      .input(pageQuerySchema.optional())
      .query(
        async ({ ctx, input = {} }) =>
          respond(operations.listServices, await ctx.desk.listServices(input), ctx.views.servicePage).body,
      ),
  }),
});

/** The router's type, for typed clients (`createTRPCClient<AppRouter>`). */
export type AppRouter = typeof appRouter;

export const createCaller = t.createCallerFactory(appRouter);
