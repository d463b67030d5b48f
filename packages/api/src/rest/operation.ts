import { createRoute, type OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { SyncReport, TicketDesk, TicketError } from '@tickets/domain';
import type { Result } from 'neverthrow';
import { z } from 'zod';
import { type Authenticator, allows, type Caller } from '../auth.js';
import { type ReplayMeta, replayableSuccessSchema, successSchema } from '../envelope.js';
import { type Operation, type Respond, refusalResponse } from '../replies.js';
import {
  documented,
  type HeaderDoc,
  type ResponseDoc,
  refuse,
  send,
  transportResponse,
} from '../transport.js';
import type { Views } from '../views.js';

/** What the HTTP layer keeps per request. */
export interface AppEnv {
  Variables: {
    /** The caller whose API key was accepted; undefined while the API is open (no keys configured). */
    caller: Caller | undefined;
    /** This request's id, echoed in X-Request-Id and logged. */
    requestId: string;
  };
}

/** What every REST handler may use. */
export interface RestDeps {
  readonly desk: TicketDesk;
  readonly views: Views;
  readonly respond: Respond;
  readonly authenticator: Authenticator;
  readonly syncReport: () => Promise<SyncReport>;
}

type Schema = z.ZodType | undefined;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** A request, parsed by the schemas its declaration names. */
export interface RestInput<P extends Schema, Q extends Schema, H extends Schema, B extends Schema> {
  readonly params: Out<P>;
  readonly query: Out<Q>;
  readonly headers: Out<H>;
  readonly body: Out<B>;
}

/** Who makes the call: the API key's name, recorded with each change; null while the API is open. */
export interface Call {
  readonly actor: string | null;
}

/**
 * One REST operation, declared once: its route and input schemas, the use case's answer and each
 * refusal it can give, and the handler. The OpenAPI document, the scope check and the input
 * parsing all come from it.
 */
export interface RestOperation<
  Op extends Operation = Operation,
  P extends Schema = Schema,
  Q extends Schema = Schema,
  H extends Schema = Schema,
  B extends Schema = Schema,
  T = unknown,
  E extends TicketError = TicketError,
  D = unknown,
  R extends TicketError['type'] = TicketError['type'],
> {
  readonly operation: Op;
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI style: `/api/v1/tickets/{ticket_id}`. */
  readonly path: string;
  readonly tags: readonly string[];
  readonly summary: string;
  readonly params?: P;
  readonly query?: Q;
  readonly headers?: H;
  readonly body?: B;
  /** A success's `data`, and what it is. */
  readonly data: z.ZodType;
  readonly success: string;
  readonly successHeaders?: Readonly<Record<string, HeaderDoc>>;
  /** When the success may answer a retry (its `meta` says `replayed`). */
  readonly replayable?: boolean;
  /**
   * A second kind of success, answered with its own operation's status and action when `when`
   * says so (a queued create's 202, say); `view` makes the data of both.
   */
  readonly otherwise?: {
    readonly operation: Operation;
    readonly when: (value: T) => boolean;
    readonly data: z.ZodType;
    readonly success: string;
    readonly successHeaders?: Readonly<Record<string, HeaderDoc>>;
  };
  /** When the operation needs the store (a 503 while it cannot be reached); default true. */
  readonly usesStore?: boolean;
  /** Each refusal the handler can give, with when it gives it: exactly those its Result carries. */
  readonly refusals: { readonly [K in R]: string };
  readonly handle: (
    input: RestInput<P, Q, H, B>,
    deps: RestDeps,
    call: Call,
  ) => Promise<Result<T, E>> | Result<T, E>;
  readonly view: (value: T, views: Views) => D;
  readonly meta?: (value: T) => ReplayMeta | null;
  /** Headers a success sets (an ETag, say), documented in `successHeaders`. */
  readonly headersOf?: (value: T) => Readonly<Record<string, string>>;
}

/**
 * A declaration whose `refusals` are not exactly those its handler can give: it names the
 * difference, and is not a RestOperation, so the list of endpoints does not compile.
 */
export interface RefusalsMismatch<E extends TicketError, R> {
  readonly undeclaredRefusals: Exclude<Refusal<E>, R>;
  readonly impossibleRefusals: Exclude<R, Refusal<E>>;
}

/** The refusals a handler's Result carries; none for `ok(value)`, whose error type TypeScript leaves `any`. */
type Refusal<E extends TicketError> = 0 extends 1 & E ? never : E['type'];

/**
 * Declares a REST operation, with its types inferred from its schemas and its handler. (The
 * refusals are checked against the handler's in the return type: a constraint on the argument
 * itself would stop TypeScript inferring the handler's types.)
 */
export const restOperation = <
  Op extends Operation,
  P extends Schema,
  Q extends Schema,
  H extends Schema,
  B extends Schema,
  T,
  E extends TicketError,
  D,
  R extends TicketError['type'] = never,
>(
  declaration: RestOperation<Op, P, Q, H, B, T, E, D, R>,
): [Refusal<E>, R] extends [R, Refusal<E>]
  ? RestOperation<Op, P, Q, H, B, T, E, D, R>
  : RefusalsMismatch<E, R> => declaration as never;

/**
 * A declaration whose types are no longer needed: what the app serves and documents. Its type
 * arguments must stay `any`: each declaration's value type is both taken (`view`, `when`,
 * `headersOf`) and given (`handle`'s Result), so neither `unknown` nor `never` admits them all, and
 * its schemas likewise; every declaration was checked against its own types where it was declared.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above; the list holds declarations of every type.
export type AnyRestOperation = RestOperation<Operation, any, any, any, any, any, any, any, any>;

/** The API key schemes every /api operation takes. */
export const security: Record<string, string[]>[] = [{ ApiKey: [] }, { Bearer: [] }, { XApiKey: [] }];

const SCOPE_NOTE = {
  tickets: 'Needs an API key of scope `tickets` or `admin` (when keys are configured).',
  admin: 'Needs an API key of scope `admin` (when keys are configured).',
} as const;

/** The transport refusals an operation can give besides its own, by status. */
function transportResponses(declaration: AnyRestOperation): Record<number, ResponseDoc> {
  const { failureAction } = declaration.operation;
  const responses: Record<number, ResponseDoc> = {
    401: transportResponse('unauthorized'),
    403: transportResponse('forbidden'),
  };
  const takesInput = [declaration.params, declaration.query, declaration.headers, declaration.body].some(
    (schema) => schema !== undefined,
  );
  if (takesInput) responses[400] = transportResponse('invalid_input', failureAction);
  if (declaration.body !== undefined) {
    responses[413] = transportResponse('payload_too_large');
    responses[415] = transportResponse('unsupported_media_type', failureAction);
  }
  if (declaration.usesStore !== false) responses[503] = transportResponse('service_unavailable');
  return responses;
}

/** The responses a declaration documents: its success, its refusals, and the transport's. */
function responsesOf(declaration: AnyRestOperation): Record<number, ResponseDoc> {
  const { operation } = declaration;
  const success = documented(
    declaration.success,
    (declaration.replayable ? replayableSuccessSchema : successSchema)(operation.action, declaration.data),
    declaration.successHeaders,
  );
  const byStatus = new Map<number, { descriptions: string[]; schemas: z.ZodType[] }>();
  for (const [type, when] of Object.entries(declaration.refusals) as [TicketError['type'], string][]) {
    const { status, schema } = refusalResponse(type, operation.failureAction);
    const entry = byStatus.get(status) ?? { descriptions: [], schemas: [] };
    entry.descriptions.push(when);
    entry.schemas.push(schema);
    byStatus.set(status, entry);
  }
  const refusals = Object.fromEntries(
    [...byStatus].map(([status, { descriptions, schemas }]) => [
      status,
      documented(
        descriptions.join('; '),
        schemas.length === 1 ? (schemas[0] as z.ZodType) : z.union(schemas),
      ),
    ]),
  );
  const other = declaration.otherwise;
  const alternative =
    other === undefined
      ? {}
      : {
          [other.operation.status]: documented(
            other.success,
            (declaration.replayable ? replayableSuccessSchema : successSchema)(
              other.operation.action,
              other.data,
            ),
            other.successHeaders,
          ),
        };
  return { ...transportResponses(declaration), ...refusals, ...alternative, [operation.status]: success };
}

/** A declaration as `@hono/zod-openapi` describes a route: what the OpenAPI document and the tests read. */
export function routeOf(name: string, declaration: AnyRestOperation): RouteConfig {
  return createRoute({
    method: declaration.method,
    path: declaration.path,
    operationId: name,
    tags: [...declaration.tags],
    summary: declaration.summary,
    description: SCOPE_NOTE[declaration.operation.scope],
    security,
    request: {
      ...(declaration.params === undefined ? {} : { params: declaration.params }),
      ...(declaration.query === undefined ? {} : { query: declaration.query }),
      ...(declaration.headers === undefined ? {} : { headers: declaration.headers }),
      ...(declaration.body === undefined
        ? {}
        : { body: { required: true, content: { 'application/json': { schema: declaration.body } } } }),
    },
    responses: responsesOf(declaration),
  });
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

interface ObjectSchema extends z.ZodType {
  readonly shape: Record<string, unknown>;
}

/**
 * Serves and documents one declared operation: with API keys configured, the caller's key and
 * its scope are checked (401, 403); the request is parsed by the declaration's own schemas (a
 * failure is a 400 naming each field, a body not sent as JSON a 415, malformed JSON a 400, each
 * answered here with the operation's action); the handler's Result is answered as its envelope.
 * Not `app.openapi`: its media-type gate and JSON validator throw HTTPException (415, 400), which
 * would leave the envelope to an error handler that no longer knows the operation, and it reads
 * a repeated query key as an array. (Measured in-process, its validation costs the same as this.)
 */
export function serveOperation(
  app: OpenAPIHono<AppEnv>,
  name: string,
  declaration: AnyRestOperation,
  deps: RestDeps,
): void {
  const { operation } = declaration;
  const action = operation.failureAction;
  app.openAPIRegistry.registerPath(routeOf(name, declaration));
  const headers = declaration.headers as ObjectSchema | undefined;
  const headerNames = headers === undefined ? [] : Object.keys(headers.shape);
  const { authenticator } = deps;

  app.on(declaration.method.toUpperCase(), declaration.path.replace(/\{(\w+)\}/g, ':$1'), async (c) => {
    let caller: Caller | undefined;
    if (authenticator.enabled) {
      caller = authenticator.identify(c.req.header('authorization'), c.req.header('x-api-key'));
      if (caller === undefined) return refuse(c, { type: 'unauthorized' });
      if (!allows(caller.scope, operation.scope)) {
        return refuse(c, { type: 'forbidden', caller, needed: operation.scope });
      }
      c.set('caller', caller);
    }
    const params = declaration.params?.safeParse(c.req.param());
    if (params?.success === false)
      return refuse(c, { type: 'invalid_input', issues: params.error.issues }, action);
    const query = declaration.query?.safeParse(c.req.query());
    if (query?.success === false)
      return refuse(c, { type: 'invalid_input', issues: query.error.issues }, action);
    const parsedHeaders = headers?.safeParse(
      Object.fromEntries(headerNames.map((header) => [header, c.req.header(header)])),
    );
    if (parsedHeaders?.success === false) {
      return refuse(c, { type: 'invalid_input', issues: parsedHeaders.error.issues }, action);
    }
    let body: unknown;
    if (declaration.body !== undefined) {
      if (!JSON_MEDIA_TYPE.test(c.req.header('content-type') ?? '')) {
        return refuse(c, { type: 'unsupported_media_type' }, action);
      }
      let json: unknown;
      try {
        json = await c.req.json();
      } catch {
        return refuse(c, { type: 'malformed_json' }, action);
      }
      const parsed = declaration.body.safeParse(json);
      if (!parsed.success) return refuse(c, { type: 'invalid_input', issues: parsed.error.issues }, action);
      body = parsed.data;
    }
    const input = { params: params?.data, query: query?.data, headers: parsedHeaders?.data, body };
    const result = await declaration.handle(input, deps, { actor: caller?.name ?? null });
    const other = declaration.otherwise;
    const answering =
      other !== undefined && result.isOk() && other.when(result.value) ? other.operation : operation;
    const answer = deps.respond(
      answering,
      result,
      (value) => declaration.view(value, deps.views),
      declaration.meta ?? (() => null),
    );
    const extra = result.isOk() ? declaration.headersOf?.(result.value) : undefined;
    return send(c, extra === undefined ? answer : { ...answer, headers: { ...answer.headers, ...extra } });
  });
}
