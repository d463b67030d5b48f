import { OpenAPIHono } from '@hono/zod-openapi';
import { noDeliveries, StoreUnavailableError, type SyncReport, type TicketDesk } from '@tickets/domain';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { compress } from 'hono/compress';
import { cors } from 'hono/cors';
import { etag } from 'hono/etag';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { routePath } from 'hono/route';
import { type Authenticator, allows, createAuthenticator } from './auth.js';
import { serveDocs } from './docs.js';
import { success } from './envelope.js';
import { healthRoute, OPENAPI_PATH, readyRoute, serveOpenApiDocument } from './openapi.js';
import { createResponder } from './replies.js';
import { type AppEnv, createRestApp } from './rest/rest-app.js';
import { carriesRequestId, MAX_BODY_BYTES, RETRY_AFTER_SECONDS, refuse } from './transport.js';
import { appRouter, type TrpcContext } from './trpc/router.js';
import { createViews } from './views.js';

export { MAX_BODY_BYTES } from './transport.js';

/** The part of a pino logger the HTTP layer uses. */
export interface RequestLogger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

const silent: RequestLogger = { debug: () => undefined, info: () => undefined, error: () => undefined };

export interface HttpAppDeps {
  readonly desk: TicketDesk;
  /** API keys; without any, the API is open. */
  readonly authenticator?: Authenticator;
  /** One line per request (method, path, status, duration, request id), and every defect. */
  readonly logger?: RequestLogger;
  /** Browser origins allowed to call the API (CORS), e.g. `https://console.example.com`; `*` for any. */
  readonly corsOrigins?: readonly string[];
  /**
   * Answers GET requests outside the API (`/api`, `/trpc`): the dispatcher console's pages and
   * files. Without it, those get the `not_found` envelope.
   */
  readonly site?: MiddlewareHandler;
  /** Resolves when the store answers; `/readyz` is ready while it does. */
  readonly checkReady?: () => Promise<void>;
  /** Also told of every defect (unexpected error), which answers 500 with an envelope. */
  readonly onDefect?: (error: unknown, c: Context) => void;
  /** The WispHub connector's and webhooks' state; without it, both are reported off. */
  readonly syncReport?: () => Promise<SyncReport>;
  /** Told of every answered request, and served at `GET /metrics` (an `admin` key with API_KEYS). */
  readonly metrics?: HttpMetrics;
}

/** What the HTTP layer reports to a metrics registry (Prometheus' text format at /metrics). */
export interface HttpMetrics {
  /** One answered request: its method, its route's pattern (not its path), its status, how long it took. */
  observe(request: { method: string; route: string; status: number; seconds: number }): void;
  /** The registry's exposition: its content type and text. */
  scrape(): Promise<{ readonly contentType: string; readonly body: string }>;
}

const NONE = { pending: 0, failed: 0, oldest_pending_at: null };
const standalone = async (): Promise<SyncReport> => ({
  wisphub: { enabled: noDeliveries.wisphub, status_pull: null, reference_pull: null, deliveries: NONE },
  webhooks: { endpoints: 0, deliveries: NONE },
});

/** How long `/readyz` waits for the store before saying it is not ready. */
const READY_TIMEOUT_MS = 2_000;

/** Most calls one tRPC batch may make; a larger batch is refused with a 400 (BAD_REQUEST). */
export const MAX_TRPC_BATCH = 20;

// Callers are told the store cannot be reached in general words; the driver's own go to the log.
const unavailable = (c: Context) => refuse(c, { type: 'service_unavailable' });

/** A request the client abandoned before sending all of it (Node's `aborted`, ECONNRESET). */
export function isClientAbort(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; name?: unknown } | null;
  return (e?.code === 'ECONNRESET' && e.message === 'aborted') || e?.name === 'AbortError';
}

function withTimeout(check: () => Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([check(), timeout]).finally(() => clearTimeout(timer));
}

/**
 * A client's X-Request-Id when it is a sane token (letters, digits, _, - and =, at most 128),
 * echoed and logged; otherwise one is made.
 */
const requestIdOf = (given: string | undefined): string =>
  given !== undefined && given.length > 0 && given.length <= 128 && !/[^\w\-=]/.test(given)
    ? given
    : crypto.randomUUID();

const tooLarge = (c: Context) => refuse(c, { type: 'payload_too_large' });

const streamedBodyLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });

/**
 * A declared Content-Length is checked without touching the body, which keeps the server's fast
 * path for reading JSON; only a body of unknown length (chunked) is read through a counting limit.
 */
const limitBody: MiddlewareHandler = async (c, next) => {
  // GET and HEAD bodies are never read.
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
  const length = c.req.header('content-length');
  if (length !== undefined && /^\d+$/.test(length)) {
    if (Number(length) > MAX_BODY_BYTES) return tooLarge(c);
    return next();
  }
  return streamedBodyLimit(c, next);
};

/** The smallest answer worth compressing: a poll's short JSON goes as it is. */
export const COMPRESS_MIN_BYTES = 1024;

const compressAnswer = compress({ threshold: COMPRESS_MIN_BYTES });

/**
 * GET answers (the API's reads, the console's files) are compressed when large enough; the
 * answers to writes are short, and a create should not pay for a compressor.
 */
const compressReads: MiddlewareHandler = (c, next) =>
  c.req.method === 'GET' ? compressAnswer(c, next) : next();

const revalidateByEtag = etag();

/**
 * API reads are revalidated on every use (`Cache-Control: no-cache`) and answered 304 without a
 * body when the ETag of what they would answer is the one the client has (a poll of an unchanged
 * board costs headers only). Their length is made known, so that compression can skip short ones.
 */
const revalidateReads: MiddlewareHandler = async (c, next) => {
  if (c.req.method !== 'GET') return next();
  let version: string | null = null;
  await revalidateByEtag(c, async () => {
    await next();
    // A ticket's own ETag is its version, which If-Match compares; its answer also changes with
    // the day (business_days_left), so it is revalidated by its content, never by the version.
    version = c.res.headers.get('ETag');
    if (version !== null) c.res.headers.delete('ETag');
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-cache');
    if (c.res.body !== null && !c.res.headers.has('Content-Length')) {
      const body = await c.res.arrayBuffer();
      c.res = new Response(body, c.res);
      c.header('Content-Length', String(body.byteLength));
    }
  });
  if (version !== null) c.res.headers.set('ETag', version);
};

/**
 * The whole HTTP surface: REST under /api/v1, tRPC under /trpc, health, the OpenAPI document at
 * /openapi.json and its reference at /docs, and envelopes for the rest.
 */
export function createHttpApp({
  desk,
  checkReady = async () => undefined,
  authenticator = createAuthenticator([]),
  logger = silent,
  corsOrigins = [],
  site,
  onDefect = () => undefined,
  syncReport = standalone,
  metrics,
}: HttpAppDeps): OpenAPIHono<AppEnv> {
  const views = createViews(desk.calendar, desk.clock);
  const respond = createResponder(views);
  const app = new OpenAPIHono<AppEnv>();
  const defect = (error: unknown, c: Context) => {
    logger.error({ req_id: c.get('requestId'), err: error }, 'defect');
    onDefect(error, c);
  };

  app.use('*', async (c, next) => {
    const started = performance.now();
    const requestId = requestIdOf(c.req.header('x-request-id'));
    c.set('requestId', requestId);
    logger.debug({ req_id: requestId, method: c.req.method, path: c.req.path }, 'request started');
    await next();
    if (!carriesRequestId(c.res)) c.res.headers.set('X-Request-Id', requestId);
    // 499, as nginx logs it: the client went away before its request was whole. (Only a 400 or
    // a 5xx can be one: reading c.req.raw builds a whole Request, which a create should not pay.)
    const answered = c.res.status;
    const status = (answered === 400 || answered >= 500) && c.req.raw.signal.aborted ? 499 : answered;
    const elapsed = performance.now() - started;
    metrics?.observe({ method: c.req.method, route: routePath(c), status, seconds: elapsed / 1000 });
    logger.info({
      req_id: requestId,
      method: c.req.method,
      path: c.req.path,
      status,
      duration_ms: Math.round(elapsed * 100) / 100,
      caller: c.get('caller')?.name,
    });
  });

  app.use('*', compressReads);

  if (corsOrigins.length > 0) {
    const allowCors = cors({
      origin: corsOrigins.includes('*') ? '*' : [...corsOrigins],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      allowHeaders: [
        'Content-Type',
        'Authorization',
        'X-API-Key',
        'Idempotency-Key',
        'If-Match',
        'If-None-Match',
        'X-Request-Id',
        'trpc-accept',
      ],
      exposeHeaders: ['X-Request-Id', 'Idempotent-Replayed', 'Retry-After', 'ETag', 'Location'],
      maxAge: 600,
    });
    app.use('/api/*', allowCors);
    app.use('/trpc/*', allowCors);
    app.use(OPENAPI_PATH, allowCors);
  }

  app.use('/api/*', limitBody);
  app.use('/trpc/*', limitBody);
  app.use('/api/*', revalidateReads);
  app.use('/trpc/*', revalidateReads);

  app.openAPIRegistry.registerPath(healthRoute);
  app.get(healthRoute.path, (c) => c.json(success('healthy', { status: 'ok' })));

  app.openAPIRegistry.registerPath(readyRoute);
  app.get(readyRoute.path, async (c) => {
    try {
      await withTimeout(checkReady, READY_TIMEOUT_MS);
      return c.json(success('ready', { status: 'ready' }));
    } catch (error) {
      logger.info({ req_id: c.get('requestId'), err: error }, 'not ready');
      return unavailable(c);
    }
  });

  app.route('/', createRestApp({ desk, views, respond, authenticator, syncReport }));

  if (metrics !== undefined) {
    app.get('/metrics', async (c) => {
      if (authenticator.enabled) {
        const caller = authenticator.identify(c.req.header('authorization'), c.req.header('x-api-key'));
        if (caller === undefined) return refuse(c, { type: 'unauthorized' });
        if (!allows(caller.scope, 'admin')) return refuse(c, { type: 'forbidden', caller, needed: 'admin' });
      }
      const { contentType, body } = await metrics.scrape();
      return c.body(body, 200, { 'Content-Type': contentType });
    });
  }

  // The API's description and its interactive reference: open, like the health checks.
  serveOpenApiDocument(app);
  serveDocs(app);

  app.all('/trpc/*', (c) =>
    fetchRequestHandler({
      endpoint: '/trpc',
      req: c.req.raw,
      router: appRouter,
      createContext: (): TrpcContext => ({
        desk,
        views,
        keysRequired: authenticator.enabled,
        caller: authenticator.identify(c.req.header('authorization'), c.req.header('x-api-key')),
        idempotencyKey: c.req.header('idempotency-key'),
        syncReport,
        respond,
      }),
      maxBatchSize: MAX_TRPC_BATCH,
      onError: ({ error }) => {
        const cause = error.cause ?? error;
        if (error.code === 'SERVICE_UNAVAILABLE')
          logger.info({ req_id: c.get('requestId'), err: cause }, 'store unavailable');
        else if (error.code === 'INTERNAL_SERVER_ERROR' && !isClientAbort(cause)) defect(cause, c);
      },
      responseMeta: ({ errors }) =>
        errors.some((e) => e.code === 'SERVICE_UNAVAILABLE')
          ? { headers: new Headers({ 'Retry-After': String(RETRY_AFTER_SECONDS) }) }
          : {},
    }),
  );

  if (site !== undefined) {
    // Registered last: a request reaches it only when no API route answered.
    app.use('*', (c, next) => {
      if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || /^\/(?:api|trpc)(?:\/|$)/.test(c.req.path)) {
        return next();
      }
      return site(c, next);
    });
  }

  app.notFound((c) => {
    // With keys, an API path says nothing, not even whether it exists, to a caller without one.
    const guarded = authenticator.enabled && /^\/api(?:\/|$)/.test(c.req.path);
    if (
      guarded &&
      authenticator.identify(c.req.header('authorization'), c.req.header('x-api-key')) === undefined
    ) {
      return refuse(c, { type: 'unauthorized' });
    }
    return refuse(c, { type: 'not_found', method: c.req.method, path: c.req.path });
  });
  // Registered last, it sees every route: a path served for other methods answers 405 with Allow.
  app.use(
    '*',
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        refuse(c, {
          type: 'method_not_allowed',
          method: c.req.method,
          path: c.req.path,
          allowed: methods.join(', '),
        }),
    }),
  );

  app.onError((error, c) => {
    if (error instanceof StoreUnavailableError) {
      logger.info({ req_id: c.get('requestId'), err: error }, 'store unavailable');
      return unavailable(c);
    }
    if (isClientAbort(error)) return refuse(c, { type: 'request_aborted' });
    defect(error, c);
    return refuse(c, { type: 'internal_error' });
  });

  return app;
}
