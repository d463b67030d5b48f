// What the orchestrator (bench.ts) and the load generator (load.ts) agree on: the load to send,
// and the result the load generator prints as one line of JSON.

/** Zones a full run's creates spread their tickets over; zone i has service i (ids 1..ZONES). */
export const ZONES = 2_000;
/** Each of those zones takes this many active tickets, so creates succeed. */
export const ZONE_LIMIT = 1_000_000;
/** The one technician every ticket names. */
export const TECHNICIAN_ID = 1;
/** The full zone of the refusal path (the outage storm): limit 1, one ticket in it already. */
export const FULL_ZONE_ID = 9_000;
export const SUBJECT = 'Falla Masiva';

/**
 * What each request carries:
 * - `echo`: a create body, answered by the echo baselines (expect 200);
 * - `rest-create`: `POST /api/v1/tickets` spread over the zones (expect 201);
 * - `rest-refused`: `POST /api/v1/tickets` into the full zone (expect 409);
 * - `trpc-create`: `POST /trpc/tickets.create` (expect 200 and an `ok: true` envelope);
 * - `trpc-batch`: `POST /trpc/tickets.create,…?batch=1` with `batch` creates (expect 200 and
 *   `batch` `ok: true` envelopes);
 * - `small-answer`: `GET /api/v1/zones/1/capacity`, a small JSON answer (expect 200).
 */
export type BodyKind =
  | 'echo'
  | 'rest-create'
  | 'rest-refused'
  | 'trpc-create'
  | 'trpc-batch'
  | 'small-answer';

/** The path a kind of load asks for. */
export function pathOf(kind: BodyKind, batch: number): string {
  switch (kind) {
    case 'echo':
      return '/echo';
    case 'rest-create':
    case 'rest-refused':
      return '/api/v1/tickets';
    case 'trpc-create':
      return '/trpc/tickets.create';
    case 'trpc-batch':
      // httpBatchLink's format: the procedure paths joined by commas, inputs keyed by position.
      return `/trpc/${Array.from({ length: batch }, () => 'tickets.create').join(',')}?batch=1`;
    case 'small-answer':
      return '/api/v1/zones/1/capacity';
  }
}

/** The status every answer must have; tRPC answers must also hold `ok: true` envelopes. */
export function expectedStatus(kind: BodyKind): number {
  return kind === 'rest-create' ? 201 : kind === 'rest-refused' ? 409 : 200;
}

export interface LoadSpec {
  readonly baseUrl: string;
  readonly kind: BodyKind;
  /** Creates spread over zones 1..zones (the store holds them, service i in zone i). */
  readonly zones: number;
  /** Creates per batched tRPC request (trpc-batch only). */
  readonly batch?: number;
  readonly connections: number;
  /** Seconds of load sent first and thrown away (0 for none). */
  readonly warmupSeconds: number;
  /** Seconds measured (whole seconds with wrk). */
  readonly durationSeconds: number;
  /** The server's process, whose CPU time (with its workers') is read around the measured phase. */
  readonly serverPid?: number;
  /** Sends `Accept-Encoding: gzip` with every request. */
  readonly acceptGzip?: boolean;
  /** The PostgreSQL database the server uses, whose backends' CPU time is read too. */
  readonly database?: string;
}

export interface LoadResult {
  /** Responses received in the measured phase, whatever their status. */
  readonly responses: number;
  /** Responses with the expected status (and body, for tRPC). */
  readonly good: number;
  /** Responses with another status or body. */
  readonly bad: number;
  /** Connection errors and timeouts, as the load generator counts them. */
  readonly connectionErrors: number;
  /** Wall-clock seconds of the measured phase. */
  readonly seconds: number;
  /** Good responses per second. */
  readonly perSecond: number;
  /** Latency percentiles of every response of the measured phase, in ms (0 when none). */
  readonly p50: number;
  readonly p99: number;
  /** Cores the server's processes kept busy in the measured phase, on average (1 = one core). */
  readonly serverCores?: number;
  /** CPU seconds (user + system) the server's processes, workers included, used in the measured phase. */
  readonly serverCpuSeconds?: number;
  /** CPU seconds the PostgreSQL backends serving the server's database used in the measured phase. */
  readonly databaseCpuSeconds?: number;
  /** Cores the load generator itself kept busy. */
  readonly loadCores: number;
  /** Responses per HTTP status. */
  readonly statuses: Readonly<Record<string, number>>;
  /** One body of an unexpected answer, cut short, to tell what went wrong. */
  readonly firstBadBody?: string;
}

export function createBody(zoneId: number): Record<string, unknown> {
  return {
    service_id: zoneId,
    subject: SUBJECT,
    description: 'Sin servicio desde las 9',
    technician_id: TECHNICIAN_ID,
    zone_id: zoneId,
  };
}

/** The nearest-rank percentile of sorted values (0 for none). */
export function percentile(sorted: Float64Array | readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
