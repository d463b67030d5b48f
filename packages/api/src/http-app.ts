import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { noDeliveries, StoreUnavailableError, type SyncReport, type TicketDesk } from '@tickets/domain';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import { type Authenticator, allows, createAuthenticator } from './auth.js';
import { serveDocs } from './docs.js';
import { failure, success } from './envelope.js';
import { requestHeader } from './headers.js';
import { healthRoute, OPENAPI_PATH, readyRoute, serveOpenApiDocument } from './openapi.js';
import { createResponder, type Reply } from './replies.js';
import { type AppEnv, authorizeRest, createRestApp, failureActionOf } from './rest/rest-app.js';
import { appRouter, type TrpcContext } from './trpc/router.js';
import { createViews } from './views.js';

/** Largest request body accepted, refused with 413 before it is read whole. */
export const MAX_BODY_BYTES = 64 * 1024;

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

const reply = (c: Context, { status, body }: Reply) => c.json(body, status);

/**
 * A response typed as its route declares it: the envelope types are readonly where the schemas'
 * are not. The tests check every answer against its route's schema.
 */
const declared = <T>(response: Response): T => response as unknown as T;

// A client's X-Request-Id is echoed and logged when it is a sane token; otherwise one is made.
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** How long `/readyz` waits for the store before saying it is not ready. */
const READY_TIMEOUT_MS = 2_000;
const RETRY_AFTER_SECONDS = '5';

/** Most calls one tRPC batch may make; a larger batch is refused with a 400 (BAD_REQUEST). */
export const MAX_TRPC_BATCH = 20;

// What callers are told when the store cannot be reached; the driver's own words go to the log.
const UNAVAILABLE_MESSAGE = 'The ticket store cannot be reached right now; retry shortly';

const unavailable = (c: Context) => {
  c.header('Retry-After', RETRY_AFTER_SECONDS);
  return reply(c, { status: 503, body: failure('service_unavailable', UNAVAILABLE_MESSAGE) });
};

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

const tooLarge = (c: Context) =>
  reply(c, {
    status: 413,
    body: failure('payload_too_large', `body: larger than ${MAX_BODY_BYTES} bytes`),
  });

const streamedBodyLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });

/**
 * A declared Content-Length is checked without touching the body, which keeps the server's fast
 * path for reading JSON; only a body of unknown length (chunked) is read through a counting limit.
 */
const limitBody: MiddlewareHandler = async (c, next) => {
  // GET and HEAD bodies are never read.
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
  const length = requestHeader(c, 'content-length');
  if (length !== undefined && /^\d+$/.test(length)) {
    if (Number(length) > MAX_BODY_BYTES) return tooLarge(c);
    return next();
  }
  return streamedBodyLimit(c, next);
};

function httpExceptionReply(error: HTTPException, c: Context): Reply {
  const action = failureActionOf(c);
  switch (error.status) {
    case 400:
      return {
        status: 400,
        body: failure(action, 'body: malformed JSON', [
          { field: 'body', code: 'malformed_json', message: 'malformed JSON' },
        ]),
      };
    case 413:
      return { status: 413, body: failure('payload_too_large', `body: larger than ${MAX_BODY_BYTES} bytes`) };
    case 415:
      return {
        status: 415,
        body: failure(action, 'body: send JSON with the header Content-Type: application/json', [
          { field: 'body', code: 'unsupported_media_type', message: 'must be application/json' },
        ]),
      };
    default:
      return { status: 400, body: failure(action, error.message) };
  }
}

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
    const given = requestHeader(c, 'x-request-id');
    const requestId = given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
    // Kept on the context: touching c.req.raw would build a full fetch Request for every request.
    c.set('requestId', requestId);
    logger.debug({ req_id: requestId, method: c.req.method, path: c.req.path }, 'request started');
    await next();
    c.res.headers.set('X-Request-Id', requestId);
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

  if (corsOrigins.length > 0) {
    const allowCors = cors({
      origin: corsOrigins.includes('*') ? '*' : [...corsOrigins],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'OPTIONS'],
      allowHeaders: ['Content-Type', 'Authorization', 'Idempotency-Key', 'X-Request-Id', 'trpc-accept'],
      exposeHeaders: ['X-Request-Id', 'Idempotent-Replayed', 'Retry-After'],
      maxAge: 600,
    });
    app.use('/api/*', allowCors);
    app.use('/trpc/*', allowCors);
    app.use(OPENAPI_PATH, allowCors);
  }

  app.use('/api/*', limitBody);
  app.use('/trpc/*', limitBody);
  if (authenticator.enabled) app.use('/api/*', authorizeRest(authenticator));

  app.openapi(healthRoute, (c) => declared(c.json(success('healthy', { status: 'ok' }))));

  app.openapi(readyRoute, async (c) => {
    try {
      await withTimeout(checkReady, READY_TIMEOUT_MS);
      return declared(c.json(success('ready', { status: 'ready' })));
    } catch (error) {
      logger.info({ req_id: c.get('requestId'), err: error }, 'not ready');
      return declared(unavailable(c));
    }
  });

  app.route('/', createRestApp(desk, views, syncReport));

  if (metrics !== undefined) {
    app.get('/metrics', async (c) => {
      if (authenticator.enabled) {
        const caller = authenticator.identify(
          requestHeader(c, 'authorization'),
          requestHeader(c, 'x-api-key'),
        );
        if (caller === undefined) {
          c.header('WWW-Authenticate', 'Bearer realm="tickets"');
          return reply(c, { status: 401, body: failure('unauthorized', '/metrics needs an admin API key') });
        }
        if (!allows(caller.scope, 'admin')) {
          return reply(c, {
            status: 403,
            body: failure(
              'forbidden',
              `The API key "${caller.name}" (scope ${caller.scope}) cannot read /metrics; it needs scope admin`,
            ),
          });
        }
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
        caller: authenticator.identify(requestHeader(c, 'authorization'), requestHeader(c, 'x-api-key')),
        idempotencyKey: requestHeader(c, 'idempotency-key'),
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
          ? { headers: new Headers({ 'Retry-After': RETRY_AFTER_SECONDS }) }
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

  // Which methods each documented path takes, from the routes' own declarations (compiled once).
  let documented: { readonly pattern: RegExp; readonly methods: string[] }[] | undefined;
  const methodsFor = (path: string): string[] => {
    documented ??= Object.values(
      app.openAPIRegistry.definitions.reduce<Record<string, { pattern: RegExp; methods: string[] }>>(
        (paths, definition) => {
          if (definition.type !== 'route') return paths;
          const { method, path: template } = definition.route;
          const entry = paths[template] ?? {
            pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`),
            methods: [],
          };
          entry.methods.push(method.toUpperCase());
          paths[template] = entry;
          return paths;
        },
        {},
      ),
    );
    return documented.filter((entry) => entry.pattern.test(path)).flatMap((entry) => entry.methods);
  };

  app.notFound((c) => {
    const methods = methodsFor(c.req.path);
    if (methods.length > 0) {
      const allowed = [...new Set(methods.includes('GET') ? [...methods, 'HEAD'] : methods)].join(', ');
      c.header('Allow', allowed);
      return reply(c, {
        status: 405,
        body: failure('method_not_allowed', `${c.req.method} ${c.req.path}: this path takes ${allowed}`),
      });
    }
    return reply(c, {
      status: 404,
      body: failure('not_found', `No route for ${c.req.method} ${c.req.path}`),
    });
  });

  app.onError((error, c) => {
    if (error instanceof HTTPException) return reply(c, httpExceptionReply(error, c));
    if (error instanceof StoreUnavailableError) {
      logger.info({ req_id: c.get('requestId'), err: error }, 'store unavailable');
      return unavailable(c);
    }
    if (isClientAbort(error)) {
      return reply(c, {
        status: 400,
        body: failure('request_aborted', 'The client closed the request before sending all of it'),
      });
    }
    defect(error, c);
    return reply(c, {
      status: 500,
      body: failure('internal_error', 'An unexpected error occurred; it has been logged'),
    });
  });

  return app;
}
