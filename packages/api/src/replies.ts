import type { TicketError } from '@tickets/domain';
import type { Result } from 'neverthrow';
import { z } from 'zod';
import type { Scope } from './auth.js';
import {
  type Envelope,
  type ErrorEnvelope,
  type FieldError,
  failure,
  failureSchema,
  failureWithDataSchema,
  type InfoEnvelope,
  info,
  infoSchema,
  type ReplayMeta,
  type SuccessEnvelope,
  success,
} from './envelope.js';
import { type TicketView, ticketViewSchema, type Views, zoneLimitViewSchema } from './views.js';

const queueSettledSchema = z
  .object({
    queue_id: z.int().positive(),
    state: z.enum(['admitted', 'withdrawn']),
    ticket_id: z.int().positive().nullable(),
  })
  .meta({ id: 'QueueSettled' });

/** An HTTP status and the envelope to send with it. tRPC sends the envelope alone. */
export interface Reply<Body extends Envelope = Envelope> {
  readonly status: 200 | 201 | 202 | 400 | 401 | 403 | 404 | 405 | 409 | 412 | 413 | 415 | 422 | 500 | 503;
  readonly body: Body;
  /** Headers the answer sets besides Content-Type (Retry-After, Allow, WWW-Authenticate). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** An operation's answer: its success status and action, its refusals' action, the scope it needs. */
const answer = <
  const Status extends 200 | 201 | 202,
  const Action extends string,
  const FailureAction extends string,
  const S extends Scope,
>(
  status: Status,
  action: Action,
  failureAction: FailureAction,
  scope: S,
) => ({ status, action, failureAction, scope }) as const;

/**
 * Each use case's answer (success status and action, the action of its refusals) and the API key
 * scope it needs, on REST and tRPC alike.
 */
export const operations = {
  createTicket: answer(201, 'ticket_created', 'ticket_creation_failed', 'tickets'),
  /** A create that asked to wait (`queue_if_full`) in a full zone: its place in the zone's line. */
  queueTicket: answer(202, 'ticket_queued', 'ticket_creation_failed', 'tickets'),
  addAffected: answer(201, 'affected_added', 'affected_add_failed', 'tickets'),
  listAffected: answer(200, 'affected_listed', 'invalid_request', 'tickets'),
  getQueued: answer(200, 'queue_entry_found', 'invalid_request', 'tickets'),
  withdrawQueued: answer(200, 'queue_entry_withdrawn', 'invalid_request', 'tickets'),
  listQueue: answer(200, 'zone_queue_listed', 'invalid_request', 'tickets'),
  getTicket: answer(200, 'ticket_found', 'invalid_request', 'tickets'),
  ticketHistory: answer(200, 'ticket_history', 'invalid_request', 'tickets'),
  listTickets: answer(200, 'tickets_listed', 'invalid_request', 'tickets'),
  ticketCounts: answer(200, 'ticket_counts', 'invalid_request', 'tickets'),
  technicianWorkload: answer(200, 'technician_workload', 'invalid_request', 'tickets'),
  updateTicket: answer(200, 'ticket_updated', 'ticket_update_failed', 'tickets'),
  listStatuses: answer(200, 'ticket_statuses_listed', 'invalid_request', 'tickets'),
  listSubjects: answer(200, 'ticket_subjects_listed', 'invalid_request', 'tickets'),
  zoneCapacity: answer(200, 'zone_capacity', 'invalid_request', 'tickets'),
  zoneBlocked: answer(200, 'zone_blocked_status', 'invalid_request', 'tickets'),
  listZoneCapacities: answer(200, 'zone_capacities_listed', 'invalid_request', 'tickets'),
  retryDelivery: answer(200, 'delivery_retried', 'delivery_retry_failed', 'tickets'),
  syncStatus: answer(200, 'sync_status', 'invalid_request', 'admin'),
  saveZone: answer(200, 'zone_saved', 'zone_save_failed', 'admin'),
  listZones: answer(200, 'zones_listed', 'invalid_request', 'admin'),
  saveTechnician: answer(200, 'technician_saved', 'technician_save_failed', 'admin'),
  listTechnicians: answer(200, 'technicians_listed', 'invalid_request', 'admin'),
  saveService: answer(200, 'service_saved', 'service_save_failed', 'admin'),
  listServices: answer(200, 'services_listed', 'invalid_request', 'admin'),
};

export type Operation = (typeof operations)[keyof typeof operations];

/** A full zone's data: its active tickets against its limit, those tickets, its waiting line. */
export type ZoneLimit = z.output<typeof zoneLimitViewSchema>;

/**
 * The envelope each refusal is answered with, for an operation whose own refusals carry the
 * action `FA`: what a client narrows on `action` to, with typed `data`.
 */
export interface RefusalEnvelopes<FA extends string> {
  unknown_subject: ErrorEnvelope<FA>;
  invalid_references: ErrorEnvelope<FA>;
  zone_full: InfoEnvelope<'zone_ticket_limit_reached', ZoneLimit>;
  ticket_not_found: ErrorEnvelope<'ticket_not_found'>;
  zone_not_found: ErrorEnvelope<'zone_not_found'>;
  idempotency_key_reused: ErrorEnvelope<'idempotency_key_reused'>;
  delivery_not_failed: ErrorEnvelope<'delivery_not_failed'>;
  wisphub_disabled: ErrorEnvelope<'wisphub_disabled'>;
  ticket_changed: ErrorEnvelope<'ticket_changed', TicketView>;
  ticket_not_active: ErrorEnvelope<'ticket_not_active'>;
  queue_entry_not_found: ErrorEnvelope<'queue_entry_not_found'>;
  queue_entry_not_waiting: ErrorEnvelope<'queue_entry_not_waiting', QueueSettled>;
}

/** A request that no longer waits: its state, and its ticket once admitted. */
export interface QueueSettled {
  readonly queue_id: number;
  readonly state: 'admitted' | 'withdrawn';
  readonly ticket_id: number | null;
}

/** The envelopes of exactly the refusals `E` of an operation whose refusals carry `FA`. */
export type RefusalEnvelope<E extends TicketError, FA extends string> = RefusalEnvelopes<FA>[E['type']];

type RefusalTable = {
  readonly [K in TicketError['type']]: {
    readonly status: Reply['status'];
    readonly envelope: (
      error: Extract<TicketError, { type: K }>,
      failureAction: string,
      views: Views,
    ) => RefusalEnvelopes<string>[K];
    /** Its envelope's schema, for the OpenAPI document and the tests that check answers. */
    readonly schema: (failureAction: string) => z.ZodType;
  };
};

/** How every domain refusal is answered. A new kind of error does not compile until it is here. */
const refusals: RefusalTable = {
  unknown_subject: {
    status: 422,
    schema: (action) => failureSchema([action]),
    envelope: (e, action) => {
      const message = `subject: '${e.subject}' is not in the subject catalogue (GET /api/v1/tickets/subjects lists it)`;
      return failure(action, message, [{ field: 'subject', code: 'unknown_subject', message }]);
    },
  },
  invalid_references: {
    status: 422,
    schema: (action) => failureSchema([action]),
    envelope: (e, action) =>
      failure(
        action,
        e.problems.map((p) => p.message).join('; '),
        e.problems.map((p) => ({ field: p.field, code: p.code, message: p.message })),
      ),
  },
  zone_full: {
    status: 409,
    schema: () => infoSchema('zone_ticket_limit_reached', zoneLimitViewSchema),
    envelope: (e, _action, views) =>
      info(
        'zone_ticket_limit_reached',
        views.zoneLimit(e),
        `Zone ${e.zone_id} has reached its maximum of ${e.max_tickets} active tickets: if the customer's fault is one of its tickets, record them on it; otherwise wait in the zone's line (queue_if_full) or until one is resolved`,
      ),
  },
  ticket_not_found: {
    status: 404,
    schema: () => failureSchema(['ticket_not_found']),
    envelope: (e) => failure('ticket_not_found', `ticket_id: no ticket ${e.ticket_id}`),
  },
  zone_not_found: {
    status: 404,
    schema: () => failureSchema(['zone_not_found']),
    envelope: (e) => failure('zone_not_found', `zone_id: no zone ${e.zone_id}`),
  },
  delivery_not_failed: {
    status: 409,
    schema: () => failureSchema(['delivery_not_failed']),
    envelope: (e) =>
      failure(
        'delivery_not_failed',
        e.wisphub_sync === null
          ? `ticket_id: ticket ${e.ticket_id} is not delivered to WispHub`
          : `ticket_id: the delivery of ticket ${e.ticket_id} to WispHub is ${e.wisphub_sync}; only a failed one is retried`,
      ),
  },
  wisphub_disabled: {
    status: 409,
    schema: () => failureSchema(['wisphub_disabled']),
    envelope: () => failure('wisphub_disabled', 'The WispHub connector is off: WISPHUB_URL is not set'),
  },
  ticket_changed: {
    status: 412,
    schema: () => failureWithDataSchema('ticket_changed', ticketViewSchema),
    envelope: (e, _action, views) =>
      failure(
        'ticket_changed',
        `ticket_id: ticket ${e.ticket.ticket_id} has changed since the version the request was made against (it is at version ${e.ticket.version}); read it again, and change it if the change still applies`,
        [],
        views.ticket(e.ticket),
      ),
  },
  ticket_not_active: {
    status: 409,
    schema: () => failureSchema(['ticket_not_active']),
    envelope: (e) =>
      failure(
        'ticket_not_active',
        `ticket_id: ticket ${e.ticket_id} no longer counts against its zone (status ${e.status}); customers are recorded only on an active ticket`,
      ),
  },
  queue_entry_not_found: {
    status: 404,
    schema: () => failureSchema(['queue_entry_not_found']),
    envelope: (e) => failure('queue_entry_not_found', `queue_id: no waiting request ${e.queue_id}`),
  },
  queue_entry_not_waiting: {
    status: 409,
    schema: () => failureWithDataSchema('queue_entry_not_waiting', queueSettledSchema),
    envelope: (e) =>
      failure(
        'queue_entry_not_waiting',
        e.state === 'admitted'
          ? `queue_id: request ${e.queue_id} was admitted as ticket ${e.ticket_id}; it no longer waits`
          : `queue_id: request ${e.queue_id} was withdrawn already`,
        [],
        { queue_id: e.queue_id, state: e.state, ticket_id: e.ticket_id },
      ),
  },
  idempotency_key_reused: {
    status: 422,
    schema: () => failureSchema(['idempotency_key_reused']),
    envelope: (e) => {
      const message = `Idempotency-Key: '${e.key}' was used for a create with another body; use a new key for a new ticket`;
      return failure('idempotency_key_reused', message, [
        { field: 'Idempotency-Key', code: 'idempotency_key_reused', message },
      ]);
    },
  },
};

/** A refusal's status and the schema of its envelope, for an operation whose refusals carry `failureAction`. */
export function refusalResponse(
  type: TicketError['type'],
  failureAction: string,
): { readonly status: Reply['status']; readonly schema: z.ZodType } {
  const entry = refusals[type];
  return { status: entry.status, schema: entry.schema(failureAction) };
}

export function refusal(error: TicketError, failureAction: string, views: Views): Reply {
  // The table is indexed by the error's own tag, so the entry always takes this error.
  const entry = refusals[error.type] as RefusalTable[TicketError['type']] & {
    envelope: (error: TicketError, failureAction: string, views: Views) => Envelope;
  };
  return { status: entry.status, body: entry.envelope(error, failureAction, views) };
}

/** The reply to a use case's result: its success envelope, or exactly the refusals it can give. */
export type Respond = <T, E extends TicketError, D, Op extends Operation, M extends ReplayMeta | null = null>(
  operation: Op,
  result: Result<T, E>,
  view: (value: T) => D,
  metaOf?: (value: T) => M,
) => Reply<SuccessEnvelope<Op['action'], D, M> | RefusalEnvelope<E, Op['failureAction']>>;

/** `respond`, with the views refusals that carry a ticket (`ticket_changed`) show it with. */
export function createResponder(views: Views): Respond {
  return <T, E extends TicketError, D, Op extends Operation, M extends ReplayMeta | null = null>(
    operation: Op,
    result: Result<T, E>,
    view: (value: T) => D,
    metaOf?: (value: T) => M,
  ) =>
    result.match(
      (value) => ({
        status: operation.status,
        body: success(operation.action, view(value), metaOf === undefined ? (null as M) : metaOf(value)),
      }),
      // The table answers each refusal with its envelope, `FA` being the operation's failure action.
      (error) =>
        refusal(error, operation.failureAction, views) as Reply<RefusalEnvelope<E, Op['failureAction']>>,
    );
}

/** Validation issues in the shape every schema library reports (zod, Standard Schema). */
export interface Issue {
  readonly path: readonly PropertyKey[] | readonly { readonly key: PropertyKey }[];
  readonly message: string;
  readonly code?: string;
}

function fieldOf(issue: Issue): string {
  const keys = issue.path.map((segment) =>
    typeof segment === 'object' && segment !== null ? String(segment.key) : String(segment),
  );
  return keys.length === 0 ? 'body' : keys.join('.');
}

export function fieldErrors(issues: readonly Issue[]): FieldError[] {
  return issues.map((issue) => ({
    field: fieldOf(issue),
    code: issue.code ?? 'invalid',
    message: issue.message,
  }));
}

/** 400 for input that does not have the expected shape, naming each field. */
export function invalidInput(issues: readonly Issue[], failureAction: string): Reply {
  const errors = fieldErrors(issues);
  return {
    status: 400,
    body: failure(failureAction, errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors),
  };
}
