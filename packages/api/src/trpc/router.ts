import {
  addAffectedInputSchema,
  type CreateOutcome,
  createTicketInputSchema,
  listTicketsInputSchema,
  type Page,
  type PageQuery,
  pageInputSchema,
  positiveIntegerSchema,
  requireSomeChange,
  StoreUnavailableError,
  type SyncReport,
  saveServiceInputSchema,
  saveTechnicianInputSchema,
  saveZoneInputSchema,
  type TicketDesk,
  ticketCountsInputSchema,
  updateTicketFields,
} from '@tickets/domain';
import { initTRPC, TRPCError } from '@trpc/server';
import { err, ok } from 'neverthrow';
import { z } from 'zod';
import { allows, type Caller } from '../auth.js';
import { idempotencyKeySchema } from '../inputs.js';
import { fieldErrors, type Issue, type Operation, operations, type Respond } from '../replies.js';
import type { Views } from '../views.js';

export interface TrpcContext {
  readonly desk: TicketDesk;
  readonly views: Views;
  /** Whether API keys are configured; when they are, every procedure needs one. */
  readonly keysRequired: boolean;
  /** The caller whose key the request carried, if it is a configured key. */
  readonly caller: Caller | undefined;
  /** The request's Idempotency-Key header, used by tickets.create. */
  readonly idempotencyKey: string | undefined;
  /** The WispHub connector's and webhooks' state. */
  readonly syncReport: () => Promise<SyncReport>;
  /** A use case's result as the envelope REST sends. */
  readonly respond: Respond;
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
    // A defect's own words (a driver's message, say) go to the log, never to the caller.
    const message =
      error.code === 'INTERNAL_SERVER_ERROR'
        ? 'An unexpected error occurred; it has been logged'
        : errors === null
          ? shape.message
          : errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return {
      ...shape,
      message,
      data: { ...shape.data, zodIssues: issues, errors },
    };
  },
});

/**
 * A procedure for an operation, in one middleware (each one costs tRPC a copy of its options):
 * with API keys configured, it needs a key of the operation's scope; a store that cannot be
 * reached is SERVICE_UNAVAILABLE (HTTP 503), as on REST.
 */
const procedureFor = (operation: Operation) =>
  t.procedure.use(async ({ ctx, next }) => {
    if (ctx.keysRequired) {
      if (ctx.caller === undefined) {
        throw new TRPCError({
          code: 'UNAUTHORIZED',
          message:
            'Authorization: send a configured API key as "Api-Key <key>" or "Bearer <key>" (or in X-API-Key)',
        });
      }
      if (!allows(ctx.caller.scope, operation.scope)) {
        throw new TRPCError({
          code: 'FORBIDDEN',
          message: `The API key "${ctx.caller.name}" (scope ${ctx.caller.scope}) cannot make this call; it needs scope ${operation.scope}`,
        });
      }
    }
    const result = await next();
    if (!result.ok && result.error.cause instanceof StoreUnavailableError) {
      throw new TRPCError({
        code: 'SERVICE_UNAVAILABLE',
        message: 'The ticket store cannot be reached right now; retry shortly',
        cause: result.error.cause,
      });
    }
    return result;
  });

const actorOf = (ctx: TrpcContext) => ctx.caller?.name ?? null;

// Ids as numbers: text-to-number coercion belongs to REST paths and query strings only.
const ticketIdParams = z.object({ ticket_id: positiveIntegerSchema });
const zoneIdParams = z.object({ zone_id: positiveIntegerSchema });
const technicianIdParams = z.object({ technician_id: positiveIntegerSchema });
const serviceIdParams = z.object({ service_id: positiveIntegerSchema });
const queueIdParams = z.object({ queue_id: positiveIntegerSchema });

/** A listing by id, a page at a time, that refuses nothing but malformed input. */
const pagedList = <Op extends Operation, T, D>(
  operation: Op,
  list: (desk: TicketDesk, page: PageQuery) => Promise<Page<T>>,
  view: (views: Views, page: Page<T>) => D,
) =>
  procedureFor(operation)
    .input(pageInputSchema.optional())
    .query(
      async ({ ctx, input = {} }) =>
        ctx.respond(operation, ok(await list(ctx.desk, input)), (page) => view(ctx.views, page)).body,
    );

// Envelopes come back as values: a full zone is an `info` envelope, not an exception.
export const appRouter = t.router({
  tickets: t.router({
    create: procedureFor(operations.createTicket)
      .input(
        createTicketInputSchema.extend({
          idempotency_key: idempotencyKeySchema.optional().meta({
            description:
              "This call's idempotency key (each call of a batch its own); the Idempotency-Key header is used when it is absent",
          }),
        }),
      )
      .mutation(async ({ ctx, input: { idempotency_key, ...ticket } }) => {
        let key = idempotency_key;
        if (key === undefined && ctx.idempotencyKey !== undefined) {
          const header = idempotencyKeySchema.safeParse(ctx.idempotencyKey);
          if (!header.success) {
            const message = header.error.issues[0]?.message ?? 'is invalid';
            throw new TRPCError({ code: 'BAD_REQUEST', message: `Idempotency-Key: ${message}` });
          }
          key = header.data;
        }
        const actor = actorOf(ctx);
        const result = await ctx.desk.createTicket(ticket, {
          actor,
          idempotency: key === undefined ? undefined : { client: actor ?? '', key },
        });
        const replay = (outcome: { readonly replayed: boolean }) =>
          outcome.replayed ? { replayed: true as const } : null;
        const created = (outcome: Extract<CreateOutcome, { kind: 'created' }>) =>
          ctx.views.ticket(outcome.ticket);
        if (result.isErr())
          return ctx.respond(operations.createTicket, err(result.error), created, replay).body;
        const outcome = result.value;
        // A full zone with `queue_if_full`: the request waits in the zone's line (REST's 202).
        return outcome.kind === 'queued'
          ? ctx.respond(operations.queueTicket, ok(outcome), ctx.views.queued, replay).body
          : ctx.respond(operations.createTicket, ok(outcome), created, replay).body;
      }),
    addAffected: procedureFor(operations.addAffected)
      .input(ticketIdParams.extend(addAffectedInputSchema.shape))
      .mutation(
        async ({ ctx, input: { ticket_id, ...customer } }) =>
          ctx.respond(
            operations.addAffected,
            await ctx.desk.addAffected(ticket_id, customer, { actor: actorOf(ctx) }),
            ctx.views.affectedAdded,
            (outcome) => (outcome.replayed ? { replayed: true as const } : null),
          ).body,
      ),
    affected: procedureFor(operations.listAffected)
      .input(ticketIdParams.extend(pageInputSchema.shape))
      .query(
        async ({ ctx, input: { ticket_id, ...page } }) =>
          ctx.respond(
            operations.listAffected,
            await ctx.desk.listAffected(ticket_id, page),
            ctx.views.affectedPage(ticket_id),
          ).body,
      ),
    get: procedureFor(operations.getTicket)
      .input(ticketIdParams)
      .query(
        async ({ ctx, input }) =>
          ctx.respond(operations.getTicket, await ctx.desk.getTicket(input.ticket_id), ctx.views.namedTicket)
            .body,
      ),
    history: procedureFor(operations.ticketHistory)
      .input(ticketIdParams.extend(pageInputSchema.shape))
      .query(
        async ({ ctx, input: { ticket_id, ...page } }) =>
          ctx.respond(
            operations.ticketHistory,
            await ctx.desk.ticketHistory(ticket_id, page),
            ctx.views.history(ticket_id),
          ).body,
      ),
    list: procedureFor(operations.listTickets)
      .input(listTicketsInputSchema.optional())
      .query(
        async ({ ctx, input = {} }) =>
          ctx.respond(operations.listTickets, ok(await ctx.desk.listTickets(input)), ctx.views.ticketPage)
            .body,
      ),
    counts: procedureFor(operations.ticketCounts)
      .input(ticketCountsInputSchema.optional())
      .query(
        async ({ ctx, input = {} }) =>
          ctx.respond(operations.ticketCounts, ok(await ctx.desk.countTickets(input)), ctx.views.ticketCounts)
            .body,
      ),
    update: procedureFor(operations.updateTicket)
      .input(
        requireSomeChange(
          ticketIdParams.extend(updateTicketFields).extend({
            expected_version: positiveIntegerSchema.optional().meta({
              description:
                "The ticket's `version` as last read: a change made since answers `ticket_changed` with the ticket as it is now",
            }),
          }),
        ),
      )
      .mutation(
        async ({ ctx, input: { ticket_id, expected_version, ...change } }) =>
          ctx.respond(
            operations.updateTicket,
            await ctx.desk.updateTicket(ticket_id, change, {
              actor: actorOf(ctx),
              expectedVersion: expected_version,
            }),
            ctx.views.ticket,
          ).body,
      ),
    retryDelivery: procedureFor(operations.retryDelivery)
      .input(ticketIdParams)
      .mutation(
        async ({ ctx, input }) =>
          ctx.respond(
            operations.retryDelivery,
            await ctx.desk.retryDelivery(input.ticket_id, { actor: actorOf(ctx) }),
            ctx.views.ticket,
          ).body,
      ),
    statuses: procedureFor(operations.listStatuses).query(
      ({ ctx }) => ctx.respond(operations.listStatuses, ok(ctx.desk.statuses), ctx.views.statuses).body,
    ),
    subjects: procedureFor(operations.listSubjects).query(
      ({ ctx }) => ctx.respond(operations.listSubjects, ok(ctx.desk.subjects), ctx.views.subjects).body,
    ),
  }),
  zones: t.router({
    capacity: procedureFor(operations.zoneCapacity)
      .input(zoneIdParams)
      .query(
        async ({ ctx, input }) =>
          ctx.respond(
            operations.zoneCapacity,
            await ctx.desk.zoneCapacity(input.zone_id),
            ctx.views.zoneCapacity,
          ).body,
      ),
    queue: procedureFor(operations.listQueue)
      .input(zoneIdParams.extend(pageInputSchema.shape))
      .query(
        async ({ ctx, input: { zone_id, ...page } }) =>
          ctx.respond(operations.listQueue, await ctx.desk.listQueue(zone_id, page), ctx.views.queuePage)
            .body,
      ),
    capacities: pagedList(
      operations.listZoneCapacities,
      (desk, page) => desk.listZoneCapacities(page),
      (views, page) => views.zoneCapacityPage(page),
    ),
    save: procedureFor(operations.saveZone)
      .input(zoneIdParams.extend(saveZoneInputSchema.shape))
      .mutation(
        async ({ ctx, input: { zone_id, ...zone } }) =>
          ctx.respond(operations.saveZone, ok(await ctx.desk.saveZone(zone_id, zone)), ctx.views.zone).body,
      ),
    list: pagedList(
      operations.listZones,
      (desk, page) => desk.listZones(page),
      (views, page) => views.zonePage(page),
    ),
  }),
  queue: t.router({
    get: procedureFor(operations.getQueued)
      .input(queueIdParams)
      .query(
        async ({ ctx, input }) =>
          ctx.respond(operations.getQueued, await ctx.desk.getQueued(input.queue_id), ctx.views.queued).body,
      ),
    withdraw: procedureFor(operations.withdrawQueued)
      .input(queueIdParams)
      .mutation(
        async ({ ctx, input }) =>
          ctx.respond(
            operations.withdrawQueued,
            await ctx.desk.withdrawQueued(input.queue_id),
            ctx.views.queued,
          ).body,
      ),
  }),
  sync: t.router({
    wisphub: procedureFor(operations.syncStatus).query(
      async ({ ctx }) =>
        ctx.respond(operations.syncStatus, ok(await ctx.syncReport()), ctx.views.syncReport).body,
    ),
  }),
  technicians: t.router({
    save: procedureFor(operations.saveTechnician)
      .input(technicianIdParams.extend(saveTechnicianInputSchema.shape))
      .mutation(
        async ({ ctx, input: { technician_id, ...technician } }) =>
          ctx.respond(
            operations.saveTechnician,
            ok(await ctx.desk.saveTechnician(technician_id, technician)),
            ctx.views.technician,
          ).body,
      ),
    workload: pagedList(
      operations.technicianWorkload,
      (desk, page) => desk.technicianWorkload(page),
      (views, page) => views.technicianWorkloadPage(page),
    ),
    list: pagedList(
      operations.listTechnicians,
      (desk, page) => desk.listTechnicians(page),
      (views, page) => views.technicianPage(page),
    ),
  }),
  services: t.router({
    save: procedureFor(operations.saveService)
      .input(serviceIdParams.extend(saveServiceInputSchema.shape))
      .mutation(
        async ({ ctx, input: { service_id, ...service } }) =>
          ctx.respond(
            operations.saveService,
            await ctx.desk.saveService(service_id, service),
            ctx.views.service,
          ).body,
      ),
    list: pagedList(
      operations.listServices,
      (desk, page) => desk.listServices(page),
      (views, page) => views.servicePage(page),
    ),
  }),
});

/** The router's type, for typed clients (`createTRPCClient<AppRouter>`). */
export type AppRouter = typeof appRouter;

export const createCaller = t.createCallerFactory(appRouter);
