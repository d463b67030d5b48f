import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from './auth.js';
import { DOCS_ASSETS_PATH, DOCS_PATH } from './docs.js';
import { createHttpApp, type HttpAppDeps } from './http-app.js';
import { API_VERSION, OPENAPI_PATH } from './openapi.js';
import { operations } from './replies.js';
import { endpoints } from './rest/endpoints.js';
import { createTestDesk } from './testing/desk.js';
import { routes } from './testing/routes.js';

function setup(deps: Partial<HttpAppDeps> = {}) {
  const desk = createTestDesk({ activeStatuses: [1, 2] });
  return createHttpApp({ desk, ...deps });
}

type Json = Record<string, unknown>;
type Operation = { responses: Record<string, Json>; security?: unknown[]; description?: string } & Json;
interface Document {
  openapi: string;
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, Json>; schemas: Record<string, Json> } & Json;
}

const app = setup();

async function fetchDocument(): Promise<Document> {
  const response = await app.request(OPENAPI_PATH);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return (await response.json()) as Document;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

/** Every `action` a schema of the document allows: the `const` or `enum` of each `action` property. */
function actionsIn(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) actionsIn(item, found);
  } else if (typeof node === 'object' && node !== null) {
    const properties = (node as Json).properties as Json | undefined;
    const action = properties?.action as { const?: unknown; enum?: unknown[] } | undefined;
    if (action !== undefined) {
      if (typeof action.const === 'string') found.add(action.const);
      for (const value of action.enum ?? []) if (typeof value === 'string') found.add(value);
    }
    for (const value of Object.values(node)) actionsIn(value, found);
  }
  return found;
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document that a validator of the specification accepts', async () => {
    const document = await fetchDocument();
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Json);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(document.openapi).toMatch(/^3\.1\./);
    // Every internal $ref points at something.
    expect(() => validator.resolveRefs({ specification: document as unknown as Json })).not.toThrow();
  });

  it('names the service, its version and what the envelope is', async () => {
    const { info } = await fetchDocument();
    expect(info.title).toBe('tickets');
    expect(info.version).toBe(API_VERSION);
    expect(API_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.description).toContain('envelope');
  });

  it('describes both ways of sending an API key and the two scopes', async () => {
    const { components } = await fetchDocument();
    const { ApiKey, Bearer } = components.securitySchemes;
    expect(ApiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
    expect(ApiKey?.description).toContain('Api-Key <key>');
    expect(Bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const scheme of [ApiKey, Bearer]) {
      expect(scheme?.description).toContain('`tickets`');
      expect(scheme?.description).toContain('`admin`');
    }
  });

  it('lists every route the app serves, with its method', async () => {
    const { paths } = await fetchDocument();
    const served = new Set(
      app.routes
        .filter((route) => route.method !== 'ALL' && !route.path.includes('*'))
        .filter((route) => route.path !== OPENAPI_PATH && !route.path.startsWith(DOCS_PATH))
        .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    expect(served.size).toBeGreaterThanOrEqual(Object.keys(endpoints).length + 2);
    const documented = new Set(
      Object.entries(paths).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((method) => METHODS.has(method))
          .map((method) => `${method} ${path}`),
      ),
    );
    expect([...served].filter((route) => !documented.has(route))).toEqual([]);
    // And nothing is documented that the app does not serve.
    expect([...documented].filter((route) => !served.has(route))).toEqual([]);
  });

  it('documents every status each REST route answers, and the 500 any route may answer', async () => {
    const { paths } = await fetchDocument();
    for (const route of Object.values(routes)) {
      const operation = paths[route.path]?.[route.method];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      const documented = Object.keys(operation?.responses ?? {});
      expect(documented, `${route.method} ${route.path}`).toEqual(
        expect.arrayContaining([...Object.keys(route.responses), '500']),
      );
    }
  });

  it('names every action an envelope can carry', async () => {
    const document = await fetchDocument();
    const actions = actionsIn(document);
    const expected = [
      ...Object.values(operations).flatMap((operation) => [operation.action, operation.failureAction]),
      'zone_ticket_limit_reached',
      'unauthorized',
      'forbidden',
      'payload_too_large',
      'service_unavailable',
      'idempotency_key_reused',
      'healthy',
      'ready',
      'internal_error',
      'not_found',
    ];
    expect(expected.filter((action) => !actions.has(action))).toEqual([]);
  });

  it('names each REST operation and the API key scope it needs', async () => {
    const { paths } = await fetchDocument();
    for (const [name, { method, path, operation }] of Object.entries(endpoints)) {
      const documented = paths[path]?.[method];
      expect(documented?.operationId).toBe(name);
      expect(documented?.security).toEqual([{ ApiKey: [] }, { Bearer: [] }, { XApiKey: [] }]);
      expect(documented?.description).toContain(`scope \`${operation.scope}\``);
      expect(documented?.responses['405']).toEqual({ $ref: '#/components/responses/MethodNotAllowed' });
      expect(documented?.responses['404']).toBeDefined();
    }
  });

  it('names its server and a contact, and is readable from the browser origins CORS_ORIGINS allows', async () => {
    const document = (await fetchDocument()) as unknown as {
      servers: { url: string }[];
      info: { contact: { name: string } };
    };
    expect(document.servers).toEqual([{ url: '/', description: 'This server' }]);
    expect(document.info.contact.name).toBeTruthy();
    const withCors = createHttpApp({ desk: createTestDesk(), corsOrigins: ['https://console.example.com'] });
    const answer = await withCors.request(OPENAPI_PATH, {
      headers: { Origin: 'https://console.example.com' },
    });
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
    const anyOrigin = createHttpApp({ desk: createTestDesk(), corsOrigins: ['*'] });
    const any = await anyOrigin.request('/api/v1/tickets', {
      headers: { Origin: 'https://elsewhere.example' },
    });
    expect(any.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('leaves the health checks open, with their envelopes', async () => {
    const { paths } = await fetchDocument();
    expect(paths['/healthz']?.get?.security).toEqual([]);
    expect(paths['/readyz']?.get?.security).toEqual([]);
    expect(Object.keys(paths['/readyz']?.get?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '503']),
    );
    expect(paths['/readyz']?.get?.responses['503']?.headers).toHaveProperty('Retry-After');
  });

  it('is built once, on the first request, and answered with an ETag a revalidation can match', async () => {
    const fresh = setup();
    const generate = vi.spyOn(fresh, 'getOpenAPI31Document');
    expect(generate).not.toHaveBeenCalled();
    const first = await fresh.request(OPENAPI_PATH);
    const second = await fresh.request(OPENAPI_PATH);
    expect(generate).toHaveBeenCalledTimes(1);
    expect(await second.text()).toBe(await first.text());
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const revalidated = await fresh.request(OPENAPI_PATH, { headers: { 'If-None-Match': etag ?? '' } });
    expect(revalidated.status).toBe(304);
  });
});

describe('the health checks, now declared routes', () => {
  it('answer as before: healthy, ready, and 503 with Retry-After when the store does not answer', async () => {
    const healthy = await app.request('/healthz');
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toEqual({
      ok: true,
      type: 'success',
      action: 'healthy',
      data: { status: 'ok' },
      message: null,
      meta: null,
    });
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, action: 'ready', data: { status: 'ready' } });

    const down = setup({ checkReady: () => Promise.reject(new Error('store down')) });
    const unavailable = await down.request('/readyz');
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('5');
    expect(await unavailable.json()).toMatchObject({ ok: false, action: 'service_unavailable' });
  });
});

describe('GET /docs', () => {
  const assetUrls = (html: string) =>
    [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);

  it('answers an HTML page whose assets all come from this server', async () => {
    const response = await app.request(DOCS_PATH);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    const urls = assetUrls(await response.text());
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const url of urls) expect(url.startsWith(`${DOCS_ASSETS_PATH}/`), url).toBe(true);
  });

  it('serves its scripts and styles with their content types and a year-long cache', async () => {
    const urls = assetUrls(await (await app.request(DOCS_PATH)).text());
    const types = new Set<string>();
    for (const url of urls) {
      const response = await app.request(url);
      expect(response.status, url).toBe(200);
      const type = response.headers.get('content-type') ?? '';
      types.add(type.split(';')[0] as string);
      if (url.endsWith('.js')) expect(type, url).toMatch(/^text\/javascript/);
      if (url.endsWith('.css')) expect(type, url).toMatch(/^text\/css/);
      expect(response.headers.get('cache-control'), url).toContain('max-age=31536000');
      expect((await response.arrayBuffer()).byteLength, url).toBeGreaterThan(0);
    }
    expect(types).toEqual(new Set(['text/javascript', 'text/css', 'image/png']));
    expect(urls.some((url) => url.endsWith('/swagger-ui-bundle.js'))).toBe(true);
  });

  it('sends the assets compressed to a client that accepts gzip', async () => {
    const url = `${DOCS_ASSETS_PATH}/swagger-ui-bundle.js`;
    const plain = await app.request(url);
    const gzipped = await app.request(url, { headers: { 'Accept-Encoding': 'gzip, br' } });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect(gzipped.headers.get('vary')).toBe('Accept-Encoding');
    const [plainSize, gzippedSize] = [
      (await plain.arrayBuffer()).byteLength,
      (await gzipped.arrayBuffer()).byteLength,
    ];
    expect(gzippedSize).toBeLessThan(plainSize / 2);
  });

  it('answers 404 for an asset it does not have', async () => {
    expect((await app.request(`${DOCS_ASSETS_PATH}/nope.js`)).status).toBe(404);
    expect((await app.request(`${DOCS_ASSETS_PATH}/..%2Fpackage.json`)).status).toBe(404);
  });

  it('stays open, like /openapi.json, when API keys are configured', async () => {
    const locked = setup({
      authenticator: createAuthenticator([{ name: 'crm', key: 'secret-key-1', scope: 'tickets' }]),
    });
    expect((await locked.request('/api/v1/tickets')).status).toBe(401);
    expect((await locked.request(OPENAPI_PATH)).status).toBe(200);
    expect((await locked.request(DOCS_PATH)).status).toBe(200);
    expect((await locked.request(`${DOCS_ASSETS_PATH}/init.js`)).status).toBe(200);
    expect((await locked.request('/healthz')).status).toBe(200);
  });
});
