import type { RouteConfig } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { z } from 'zod';
import type { Caller, Scope } from './auth.js';
import { type Envelope, failure, failureSchema } from './envelope.js';
import { type Issue, invalidInput, type Reply } from './replies.js';

/** Largest request body accepted, refused with 413 before it is read whole. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Seconds a client is told to wait after a 503. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * What the HTTP layer refuses before or around a use case: the request's shape, its key, its
 * route, the store being out of reach, a defect. The domain's own refusals are in replies.ts.
 */
export type TransportError =
  | { readonly type: 'invalid_input'; readonly issues: readonly Issue[] }
  | { readonly type: 'malformed_json' }
  | { readonly type: 'unauthorized' }
  | { readonly type: 'forbidden'; readonly caller: Caller; readonly needed: Scope }
  | { readonly type: 'not_found'; readonly method: string; readonly path: string }
  | {
      readonly type: 'method_not_allowed';
      readonly method: string;
      readonly path: string;
      readonly allowed: string;
    }
  | { readonly type: 'payload_too_large' }
  | { readonly type: 'unsupported_media_type' }
  | { readonly type: 'request_aborted' }
  | { readonly type: 'service_unavailable' }
  | { readonly type: 'internal_error' };

/** A documented response header. */
export interface HeaderDoc {
  readonly description: string;
  readonly type: 'string' | 'integer';
}

type TransportTable = {
  readonly [K in TransportError['type']]: {
    readonly status: Reply['status'];
    /** The envelope; `action` is the operation's failure action where the refusal is about its input. */
    readonly envelope: (error: Extract<TransportError, { type: K }>, action: string) => Envelope;
    readonly headers?: (error: Extract<TransportError, { type: K }>) => Readonly<Record<string, string>>;
    /** How the OpenAPI document describes it. */
    readonly description: string;
    readonly schema: (action: string) => z.ZodType;
    readonly documentedHeaders?: Readonly<Record<string, HeaderDoc>>;
  };
};

/** A refusal of the body as a whole: `meta.errors` names the field `body`. */
const bodyFailure = (action: string, message: string, code: string, detail: string) =>
  failure(action, `body: ${message}`, [{ field: 'body', code, message: detail }]);
const ofAction = (action: string) => failureSchema([action]);

/** Every transport refusal: its status, its envelope and headers, and how it is documented. */
const transport: TransportTable = {
  invalid_input: {
    status: 400,
    envelope: (e, action) => invalidInput(e.issues, action).body,
    description: 'A field of the wrong shape, or malformed JSON; `meta.errors` names each field',
    schema: ofAction,
  },
  malformed_json: {
    status: 400,
    envelope: (_e, action) => bodyFailure(action, 'malformed JSON', 'malformed_json', 'malformed JSON'),
    description: 'A body that is not well-formed JSON',
    schema: ofAction,
  },
  unauthorized: {
    status: 401,
    envelope: () =>
      failure(
        'unauthorized',
        'Authorization: send a configured API key as "Api-Key <key>" or "Bearer <key>" (or in X-API-Key)',
      ),
    headers: () => ({ 'WWW-Authenticate': 'Bearer realm="tickets"' }),
    description:
      'With API_KEYS set: no API key, or one that is not configured (`Authorization: Api-Key <key>`, `Bearer <key>` or `X-API-Key: <key>`)',
    schema: () => failureSchema(['unauthorized']),
    documentedHeaders: { 'WWW-Authenticate': { description: 'Bearer realm="tickets"', type: 'string' } },
  },
  forbidden: {
    status: 403,
    envelope: (e) =>
      failure(
        'forbidden',
        `The API key "${e.caller.name}" (scope ${e.caller.scope}) cannot make this call; it needs scope ${e.needed}`,
      ),
    description: "With API_KEYS set: the API key's scope does not allow this call",
    schema: () => failureSchema(['forbidden']),
  },
  not_found: {
    status: 404,
    envelope: (e) => failure('not_found', `No route for ${e.method} ${e.path}`),
    description: 'A path this document does not list',
    schema: () => failureSchema(['not_found']),
  },
  method_not_allowed: {
    status: 405,
    envelope: (e) => failure('method_not_allowed', `${e.method} ${e.path}: this path takes ${e.allowed}`),
    headers: (e) => ({ Allow: e.allowed }),
    description: 'A method this path does not take; `Allow` lists those it takes',
    schema: () => failureSchema(['method_not_allowed']),
    documentedHeaders: { Allow: { description: 'The methods the path takes', type: 'string' } },
  },
  payload_too_large: {
    status: 413,
    envelope: () => failure('payload_too_large', `body: larger than ${MAX_BODY_BYTES} bytes`),
    description: `A body larger than ${MAX_BODY_BYTES / 1024} KiB`,
    schema: () => failureSchema(['payload_too_large']),
  },
  unsupported_media_type: {
    status: 415,
    envelope: (_e, action) =>
      bodyFailure(
        action,
        'send JSON with the header Content-Type: application/json',
        'unsupported_media_type',
        'must be application/json',
      ),
    description: 'A body not sent as `Content-Type: application/json`',
    schema: ofAction,
  },
  request_aborted: {
    status: 400,
    envelope: () => failure('request_aborted', 'The client closed the request before sending all of it'),
    description: 'The client closed the request before sending all of it (logged as 499; nobody reads it)',
    schema: () => failureSchema(['request_aborted']),
  },
  service_unavailable: {
    status: 503,
    envelope: () =>
      failure('service_unavailable', 'The ticket store cannot be reached right now; retry shortly'),
    headers: () => ({ 'Retry-After': String(RETRY_AFTER_SECONDS) }),
    description: 'The ticket store cannot be reached right now; retry after the `Retry-After` seconds',
    schema: () => failureSchema(['service_unavailable']),
    documentedHeaders: {
      'Retry-After': { description: 'Seconds to wait before trying again', type: 'integer' },
    },
  },
  internal_error: {
    status: 500,
    envelope: () => failure('internal_error', 'An unexpected error occurred; it has been logged'),
    description: 'An unexpected error; it has been logged with the request id',
    schema: () => failureSchema(['internal_error']),
  },
};

type Entry = TransportTable[TransportError['type']] & {
  envelope: (error: TransportError, action: string) => Envelope;
  headers?: (error: TransportError) => Readonly<Record<string, string>>;
};

/** The reply to a transport refusal; `action` is the failure action of the operation it concerns. */
export function transportReply(error: TransportError, action = 'invalid_request'): Reply {
  // The table is indexed by the error's own tag, so the entry always takes this error.
  const entry = transport[error.type] as Entry;
  const headers = entry.headers?.(error);
  return {
    status: entry.status,
    body: entry.envelope(error, action),
    ...(headers === undefined ? {} : { headers }),
  };
}

/** A response as a route declares it for the OpenAPI document. */
export type ResponseDoc = RouteConfig['responses'][string];

const headerObjects = (headers: Readonly<Record<string, HeaderDoc>>) =>
  Object.fromEntries(
    Object.entries(headers).map(([name, h]) => [
      name,
      { description: h.description, schema: { type: h.type } },
    ]),
  );

/** An OpenAPI response: a description, an envelope schema and any headers it sets. */
export function documented(
  description: string,
  schema: z.ZodType,
  headers?: Readonly<Record<string, HeaderDoc>>,
): ResponseDoc {
  return {
    description,
    content: { 'application/json': { schema } },
    ...(headers === undefined ? {} : { headers: headerObjects(headers) }),
  };
}

/** How the OpenAPI document describes a transport refusal of an operation whose refusals carry `action`. */
export function transportResponse(type: TransportError['type'], action = 'invalid_request'): ResponseDoc {
  const entry = transport[type];
  return documented(entry.description, entry.schema(action), entry.documentedHeaders);
}

/**
 * A transport refusal any route may give, as a reusable component: its envelope's schema (to
 * register under a name) and the response that refers to it.
 */
export function transportComponent(type: TransportError['type'], schemaRef: string) {
  const entry = transport[type];
  return {
    schema: entry.schema('invalid_request'),
    response: {
      description: entry.description,
      ...(entry.documentedHeaders === undefined ? {} : { headers: headerObjects(entry.documentedHeaders) }),
      content: { 'application/json': { schema: { $ref: schemaRef } } },
    },
  };
}

/** Responses `send` made, which carry their request's X-Request-Id already. */
const identified = new WeakSet<Response>();

/** Whether `send` made this response, with the request's X-Request-Id among its headers. */
export const carriesRequestId = (response: Response): boolean => identified.has(response);

/**
 * Sends a reply: its headers, its status, its envelope as JSON. The headers, the request's id
 * among them, are one plain object: @hono/node-server writes such a response straight out,
 * without a fetch `Headers` per request.
 */
export function send(c: Context, { status, body, headers }: Reply): Response {
  const requestId: unknown = c.get('requestId');
  const response = new Response(JSON.stringify(body), {
    status,
    headers: {
      'Content-Type': 'application/json',
      ...(typeof requestId === 'string' ? { 'X-Request-Id': requestId } : {}),
      ...headers,
    },
  });
  if (typeof requestId === 'string') identified.add(response);
  return response;
}

/** Sends a transport refusal. */
export const refuse = (c: Context, error: TransportError, action?: string): Response =>
  send(c, transportReply(error, action));
