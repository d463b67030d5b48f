import type { AppRouter } from '@tickets/api';
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  splitLink,
  type TRPCClient,
  TRPCClientError,
} from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

// Every type here comes from the server's router: no hand-written API types.
export type Api = TRPCClient<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;
type Success<T> = Extract<T, { ok: true }>;

/** A ticket as listings and its page show it, with its customer's and technician's names. */
export type NamedTicketView = Success<Outputs['tickets']['list']>['data']['tickets'][number];
/** A ticket as every answer shows it (a create's, a change's). */
export type TicketView = Omit<NamedTicketView, 'customer_name' | 'technician_name'>;
export type NamedZoneCapacity = Success<Outputs['zones']['capacities']>['data']['zones'][number];
export type ZoneCapacity = Success<Outputs['zones']['capacity']>['data'];
export type Subjects = Success<Outputs['tickets']['subjects']>['data'];
export type StatusMeaning = Success<Outputs['tickets']['statuses']>['data']['statuses'][number];
export type Service = Success<Outputs['services']['list']>['data']['services'][number];
export type Technician = Success<Outputs['technicians']['list']>['data']['technicians'][number];
export type CreateTicketInput = Inputs['tickets']['create'];
export type CreateTicketReply = Outputs['tickets']['create'];
export type AddAffectedInput = Inputs['tickets']['addAffected'];
export type AddAffectedReply = Outputs['tickets']['addAffected'];
export type WithdrawQueuedReply = Outputs['queue']['withdraw'];
export type UpdateTicketInput = Inputs['tickets']['update'];
export type UpdateTicketReply = Outputs['tickets']['update'];
export type TicketStatus = TicketView['status'];
export type FieldError = NonNullable<Extract<CreateTicketReply, { type: 'error' }>['meta']>['errors'][number];

export interface ApiOptions {
  /** Where the router answers; the console is served by the same server, so `/trpc`. */
  readonly url?: string;
  /** The API key to send, if any, read on every call. */
  readonly apiKey: () => string | null;
  /** For tests: a fetch that answers in place of the server. */
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * The tRPC client. Queries are batched (one GET for the calls of a render); each mutation is a
 * request of its own, so that a create can carry its own `Idempotency-Key`.
 */
export function createApi({ url = '/trpc', apiKey, fetch }: ApiOptions): Api {
  const headers = (extra: Record<string, string> = {}): Record<string, string> => {
    const key = apiKey();
    return key === null ? extra : { ...extra, Authorization: `Api-Key ${key}` };
  };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'mutation',
        true: httpLink({
          url,
          fetch,
          headers: ({ op }) => {
            const key = op.context.idempotencyKey;
            return headers(typeof key === 'string' ? { 'Idempotency-Key': key } : {});
          },
        }),
        false: httpBatchLink({ url, fetch, headers: () => headers() }),
      }),
    ],
  });
}

/** The tRPC error code of a failed call (`UNAUTHORIZED`, `FORBIDDEN`, `BAD_REQUEST`…), if the server sent one. */
export function errorCode(error: unknown): string | undefined {
  return error instanceof TRPCClientError ? (error.data as { code?: string } | null)?.code : undefined;
}

/** The per-field errors of a BAD_REQUEST (input that failed the router's schema). */
export function badRequestErrors(error: unknown): readonly FieldError[] {
  if (!(error instanceof TRPCClientError) || errorCode(error) !== 'BAD_REQUEST') return [];
  const errors = (error.data as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) ? (errors as FieldError[]) : [];
}

/** A refusal envelope where the console needed data. */
export class EnvelopeError extends Error {
  constructor(
    readonly action: string,
    message: string | null,
  ) {
    super(message ?? action);
    this.name = 'EnvelopeError';
  }
}

interface AnyEnvelope {
  readonly ok: boolean;
  readonly action: string;
  readonly data?: unknown;
  readonly message: string | null;
}

/** The data of a success envelope; a refusal is thrown, for TanStack Query to report. */
export function unwrap<E extends AnyEnvelope>(envelope: E): Extract<E, { ok: true }>['data'] {
  if (!envelope.ok) throw new EnvelopeError(envelope.action, envelope.message);
  return envelope.data as Extract<E, { ok: true }>['data'];
}

/** What a full zone answers: `zone_ticket_limit_reached`, with the zone's limit, its active tickets and line. */
export type ZoneLimit = Extract<CreateTicketReply, { action: 'zone_ticket_limit_reached' }>['data'];
/** One of a full zone's active tickets, as its refusal lists them. */
export type ActiveTicketSummary = ZoneLimit['tickets'][number];
/** A create that waits in its zone's line (`queue_if_full`), as `ticket_queued` and `queue.get` answer it. */
export type QueuedRequest = Success<Outputs['queue']['get']>['data'];

export interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

/** Every page of a listing, up to `maxPages`; `complete` says whether the last one was reached. */
export async function allPages<T>(
  page: (cursor: string | undefined) => Promise<Page<T>>,
  maxPages = 10,
): Promise<{ items: T[]; complete: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i += 1) {
    const { items: more, next } = await page(cursor);
    items.push(...more);
    if (next === null) return { items, complete: true };
    cursor = next;
  }
  return { items, complete: false };
}

/** A fresh Idempotency-Key (crypto.randomUUID needs a secure context; this does not). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
