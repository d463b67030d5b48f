import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { z } from 'zod';
import { failureSchema, successSchema } from './envelope.js';
import { operations } from './replies.js';
import { restRoutes } from './rest/routes.js';

/** The API's version in the document: the `@tickets/api` package's own. */
export const API_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Where the document is served; outside `/api/*`, so it stays open when API keys are configured. */
export const OPENAPI_PATH = '/openapi.json';

// ---------------------------------------------------------------------------------------------
// Health: open (no API key), so a load balancer or an orchestrator can probe them.

const RETRY_AFTER = 'Retry-After';

export const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'healthz',
  tags: ['Health'],
  summary: 'Liveness: the process answers HTTP',
  description: 'Says nothing about the store; `/readyz` does. Needs no API key.',
  security: [],
  responses: {
    200: {
      description: 'The process is up',
      content: {
        'application/json': {
          schema: successSchema('healthy', z.object({ status: z.literal('ok') })),
        },
      },
    },
  },
});

export const readyRoute = createRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'readyz',
  tags: ['Health'],
  summary: 'Readiness: the ticket store answers within 2 seconds',
  description: 'Needs no API key. Take the instance out of rotation while it answers 503.',
  security: [],
  responses: {
    200: {
      description: 'The store answered',
      content: {
        'application/json': {
          schema: successSchema('ready', z.object({ status: z.literal('ready') })),
        },
      },
    },
    503: {
      description: 'The store did not answer in 2 seconds, or refused; `message` says why',
      headers: {
        [RETRY_AFTER]: { description: 'Seconds to wait before asking again', schema: { type: 'integer' } },
      },
      content: { 'application/json': { schema: failureSchema(['service_unavailable']) } },
    },
  },
});

// ---------------------------------------------------------------------------------------------
// The document's parts that no route carries.

const DESCRIPTION = `Support tickets for internet providers: zones that hold at most N active tickets, and resolution dates in business days.

Every answer is an envelope with six keys: \`ok\`, \`type\` (\`success\`, \`error\` or \`info\`), \`action\` (what happened, stable for programs), \`data\`, \`message\` (for people) and \`meta\` (\`{ errors: [{ field, code, message }] }\` when fields are refused).

**API keys.** Without \`API_KEYS\` configured the API is open. With keys configured, every \`/api/*\` call needs one, as \`Authorization: Api-Key <key>\`, \`Authorization: Bearer <key>\` or \`X-API-Key: <key>\`; a missing or unknown key answers 401 \`unauthorized\`, a key whose scope does not allow the call answers 403 \`forbidden\`. Scopes: \`tickets\` (tickets, subjects, zone capacity) and \`admin\` (everything, zones, technicians and services too). Each operation names the scope it needs. \`/healthz\`, \`/readyz\`, this document and \`/docs\` need no key.

Any operation may also answer 500 \`internal_error\` (logged with the request's \`X-Request-Id\`); a path not listed here answers 404 \`not_found\`, and a method a listed path does not take answers 405 \`method_not_allowed\` with an \`Allow\` header. The typed tRPC router under \`/trpc\` answers the same envelopes and is not described here.`;

const SCOPES = 'Scopes: `tickets` (tickets, subjects, zone capacity) or `admin` (every operation).';

const securitySchemes = {
  ApiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: `A configured API key, sent as \`Authorization: Api-Key <key>\` (type the whole value, \`Api-Key <key>\`). ${SCOPES}`,
  },
  Bearer: {
    type: 'http',
    scheme: 'bearer',
    description: `The same API keys, sent as \`Authorization: Bearer <key>\`. ${SCOPES}`,
  },
  XApiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: `The same API keys, sent as \`X-API-Key: <key>\` (as the reference middleware's clients do). ${SCOPES}`,
  },
} as const;

const internalErrorSchema = failureSchema(['internal_error']).meta({
  id: 'InternalErrorEnvelope',
  description: 'An unexpected error; it has been logged with the request id',
});
const notFoundSchema = failureSchema(['not_found']).meta({
  id: 'NotFoundEnvelope',
  description: 'Any path this document does not list',
});
const methodNotAllowedSchema = failureSchema(['method_not_allowed']).meta({
  id: 'MethodNotAllowedEnvelope',
  description: 'A method the path does not take; `Allow` lists those it takes',
});

const INTERNAL_ERROR = 'InternalError';
const NOT_FOUND = 'NotFound';
const METHOD_NOT_ALLOWED = 'MethodNotAllowed';

type JsonObject = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Each REST operation's name (its operationId) and the scope it needs, by `method path`. */
const restOperations = new Map<string, { readonly name: string; readonly scope: string }>(
  restRoutes.map(([route, operation]) => [
    `${route.method} ${route.path}`,
    {
      name: Object.entries(operations).find(([, known]) => known === operation)?.[0] ?? route.path,
      scope: operation.scope,
    },
  ]),
);

/**
 * Adds what applies to every operation without each route repeating it: the 500 every handler can
 * answer, and on REST operations their name and the API key scope they need (from `operations`,
 * the table authorization reads).
 */
function completeOperations(document: JsonObject): JsonObject {
  const paths = (document.paths ?? {}) as Record<string, JsonObject>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operation = item[method] as JsonObject | undefined;
      if (operation === undefined) continue;
      const responses = operation.responses as JsonObject;
      responses['500'] ??= { $ref: `#/components/responses/${INTERNAL_ERROR}` };
      responses['405'] ??= { $ref: `#/components/responses/${METHOD_NOT_ALLOWED}` };
      responses['404'] ??= { $ref: `#/components/responses/${NOT_FOUND}` };
      const rest = restOperations.get(`${method} ${path}`);
      if (rest !== undefined) {
        operation.operationId ??= rest.name;
        const needs =
          rest.scope === 'admin'
            ? 'Needs an API key of scope `admin` (when keys are configured).'
            : 'Needs an API key of scope `tickets` or `admin` (when keys are configured).';
        operation.description =
          typeof operation.description === 'string' ? `${operation.description}\n\n${needs}` : needs;
      }
    }
  }
  return document;
}

/**
 * Serves `GET /openapi.json`: the OpenAPI 3.1 document generated from the routes' own zod schemas
 * (every route registered with `app.openapi`), built on the first request and kept, with an ETag.
 */
export function serveOpenApiDocument<E extends Env>(app: OpenAPIHono<E>): void {
  const registry = app.openAPIRegistry;
  for (const [name, scheme] of Object.entries(securitySchemes))
    registry.registerComponent('securitySchemes', name, scheme);
  registry.register('InternalErrorEnvelope', internalErrorSchema);
  registry.register('NotFoundEnvelope', notFoundSchema);
  registry.register('MethodNotAllowedEnvelope', methodNotAllowedSchema);
  registry.registerComponent('responses', INTERNAL_ERROR, {
    description: 'An unexpected error; it has been logged with the request id',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/InternalErrorEnvelope' } } },
  });
  registry.registerComponent('responses', NOT_FOUND, {
    description: 'A path this document does not list',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/NotFoundEnvelope' } } },
  });
  registry.registerComponent('responses', METHOD_NOT_ALLOWED, {
    description: 'A method this path does not take',
    headers: { Allow: { description: 'The methods the path takes', schema: { type: 'string' } } },
    content: { 'application/json': { schema: { $ref: '#/components/schemas/MethodNotAllowedEnvelope' } } },
  });

  let built: { json: string; etag: string } | undefined;
  const build = () => {
    const document = app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'tickets',
        version: API_VERSION,
        description: DESCRIPTION,
        contact: { name: 'The team that runs this tickets service' },
      },
      servers: [{ url: '/', description: 'This server' }],
      tags: [
        { name: 'Tickets', description: 'Open, read, list and change tickets' },
        { name: 'Zones', description: 'Zones and how many active tickets they hold' },
        { name: 'Technicians' },
        { name: 'Services', description: "Customers' services, each in one zone" },
        { name: 'Health', description: 'Probes; they need no API key' },
      ],
    });
    const json = JSON.stringify(completeOperations(document as unknown as JsonObject));
    return { json, etag: `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"` };
  };

  app.get(OPENAPI_PATH, (c) => {
    built ??= build();
    c.header('ETag', built.etag);
    c.header('Cache-Control', 'no-cache');
    if (c.req.header('if-none-match') === built.etag) return c.body(null, 304);
    return c.body(built.json, 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });
}
