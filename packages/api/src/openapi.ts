import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRoute, type OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { z } from 'zod';
import { successSchema } from './envelope.js';
import { transportComponent, transportResponse } from './transport.js';

/** The API's version in the document: the `@tickets/api` package's own. */
export const API_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Where the document is served; outside `/api/*`, so it stays open when API keys are configured. */
export const OPENAPI_PATH = '/openapi.json';

// ---------------------------------------------------------------------------------------------
// Health: open (no API key), so a load balancer or an orchestrator can probe them.

export const healthRoute: RouteConfig = createRoute({
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

export const readyRoute: RouteConfig = createRoute({
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
    503: transportResponse('service_unavailable'),
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

const INTERNAL_ERROR = 'InternalError';
const NOT_FOUND = 'NotFound';
const METHOD_NOT_ALLOWED = 'MethodNotAllowed';

type JsonObject = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Adds the answers any route can give without each repeating them: a 500, and 404 and 405. */
function completeOperations(document: JsonObject): JsonObject {
  const paths = (document.paths ?? {}) as Record<string, JsonObject>;
  for (const item of Object.values(paths)) {
    for (const method of METHODS) {
      const operation = item[method] as JsonObject | undefined;
      if (operation === undefined) continue;
      const responses = operation.responses as JsonObject;
      responses['500'] ??= { $ref: `#/components/responses/${INTERNAL_ERROR}` };
      responses['405'] ??= { $ref: `#/components/responses/${METHOD_NOT_ALLOWED}` };
      responses['404'] ??= { $ref: `#/components/responses/${NOT_FOUND}` };
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
  for (const [name, type] of [
    [INTERNAL_ERROR, 'internal_error'],
    [NOT_FOUND, 'not_found'],
    [METHOD_NOT_ALLOWED, 'method_not_allowed'],
  ] as const) {
    const { schema, response } = transportComponent(type, `#/components/schemas/${name}Envelope`);
    registry.register(`${name}Envelope`, schema);
    registry.registerComponent('responses', name, response);
  }

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
