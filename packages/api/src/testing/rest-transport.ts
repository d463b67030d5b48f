import { expect } from 'vitest';
import { z } from 'zod';
import { type Envelope, type ErrorMeta, errorMetaSchema } from '../envelope.js';
import type { ApiFixture } from './api-fixture.js';
import { InputRefused, type Query, type Transport } from './behaviour/transport.js';
import { declaredRouteOf, declaredRoutes, declaredSchema } from './routes.js';

export const ENVELOPE_KEYS = ['action', 'data', 'message', 'meta', 'ok', 'type'];

export const JSON_HEADERS = { 'content-type': 'application/json' };

/** Off the declared routes there is only the health check and the `not_found` envelope. */
const unroutedSchema = z.strictObject({
  ok: z.boolean(),
  type: z.enum(['success', 'error', 'info']),
  action: z.string(),
  data: z.unknown(),
  message: z.string().nullable(),
  meta: errorMetaSchema.nullable(),
});

/**
 * Checks an answer against the schema its route declares for the status it came with (a status the
 * route does not declare fails); off the routes, only /healthz, 405 and 404 are answered.
 */
function expectConformance(method: string, path: string, status: number, body: unknown): void {
  const pathname = new URL(path, 'http://localhost').pathname;
  const declared = declaredRouteOf(method, pathname);
  if (declared === undefined) {
    unroutedSchema.parse(body);
    const otherMethods = declaredRoutes.some((r) => r.pattern.test(pathname));
    if (pathname === '/healthz' && method === 'GET') expect(status).toBe(200);
    else if (otherMethods) {
      expect({ status, action: (body as Envelope).action }).toEqual({
        status: 405,
        action: 'method_not_allowed',
      });
    } else
      expect({ status, action: (body as Envelope).action }).toEqual({ status: 404, action: 'not_found' });
    return;
  }
  // Parsing drops keys a schema does not know, so equality also catches undeclared fields.
  expect(declaredSchema(declared.route, status).parse(body)).toEqual(body);
}

/** A REST answer: its status, headers and envelope. */
export interface RestAnswer<D = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Envelope & { readonly data: D; readonly meta: ErrorMeta | null };
}

/**
 * Requests to the fixture's app through `app.request()`. Every answer is checked: JSON, exactly the
 * six envelope keys, the schema its route declares for its status, and no defect.
 */
export function restClient({ app, defects }: Pick<ApiFixture, 'app' | 'defects'>) {
  async function request<D = unknown>(
    method: string,
    path: string,
    init: RequestInit = {},
  ): Promise<RestAnswer<D>> {
    const response = await app.request(path, { ...init, method });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as RestAnswer<D>['body'];
    expect(Object.keys(body).sort()).toEqual(ENVELOPE_KEYS);
    expectConformance(method, path, response.status, body);
    expect(defects).toEqual([]);
    return { status: response.status, headers: response.headers, body };
  }
  /** A JSON request; a string body is sent as it is. */
  const send = <D = unknown>(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string> = JSON_HEADERS,
  ) => request<D>(method, path, { headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { request, send, get: <D = unknown>(path: string) => request<D>('GET', path) };
}

export type RestClient = ReturnType<typeof restClient>;

const withQuery = (path: string, query: Query = {}) => {
  const text = new URLSearchParams(
    Object.entries(query).map(([key, value]): [string, string] => [key, String(value)]),
  ).toString();
  return text === '' ? path : `${path}?${text}`;
};

/** The behaviour suite's operations as REST requests: ids in paths, numbers as query text, If-Match. */
export function restTransport(fixture: ApiFixture): Transport {
  const client = restClient(fixture);
  /** The answer; a 400 rejects with the InputRefused it stands for. */
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const init =
      body === undefined
        ? { headers }
        : { headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
    const { status, body: envelope } = await client.request<never>(method, path, init);
    if (status === 400) throw new InputRefused(envelope.message ?? '', envelope.meta?.errors ?? []);
    return { statuses: [status], body: envelope };
  }
  return {
    subjects: () => call('GET', '/api/v1/tickets/subjects'),
    statuses: () => call('GET', '/api/v1/tickets/statuses'),
    createTicket: (input) => call('POST', '/api/v1/tickets', input),
    getTicket: (id) => call('GET', `/api/v1/tickets/${id}`),
    ticketHistory: (id, page) => call('GET', withQuery(`/api/v1/tickets/${id}/history`, page)),
    listTickets: (query) => call('GET', withQuery('/api/v1/tickets', query)),
    ticketCounts: (query) => call('GET', withQuery('/api/v1/tickets/counts', query)),
    technicianWorkload: (page) => call('GET', withQuery('/api/v1/technicians/workload', page)),
    updateTicket: (id, change, expectedVersion) =>
      call(
        'PATCH',
        `/api/v1/tickets/${id}`,
        change,
        expectedVersion === undefined ? {} : { 'if-match': `"${expectedVersion}"` },
      ),
    retryDelivery: (id) => call('POST', `/api/v1/tickets/${id}/wisphub/retry`),
    syncStatus: () => call('GET', '/api/v1/sync/wisphub'),
    zoneCapacity: (id) => call('GET', `/api/v1/zones/${id}/capacity`),
    zoneCapacities: (page) => call('GET', withQuery('/api/v1/zones/capacity', page)),
    saveZone: (id, zone) => call('PUT', `/api/v1/zones/${id}`, zone),
    listZones: (page) => call('GET', withQuery('/api/v1/zones', page)),
    saveTechnician: (id, technician) => call('PUT', `/api/v1/technicians/${id}`, technician),
    listTechnicians: (page) => call('GET', withQuery('/api/v1/technicians', page)),
    saveService: (id, service) => call('PUT', `/api/v1/services/${id}`, service),
    listServices: (page) => call('GET', withQuery('/api/v1/services', page)),
    addAffected: (id, customer) => call('POST', `/api/v1/tickets/${id}/affected`, customer),
    listAffected: (id, page) => call('GET', withQuery(`/api/v1/tickets/${id}/affected`, page)),
    getQueued: (id) => call('GET', `/api/v1/queue/${id}`),
    withdrawQueued: (id) => call('DELETE', `/api/v1/queue/${id}`),
    listQueue: (id, page) => call('GET', withQuery(`/api/v1/zones/${id}/queue`, page)),
  };
}
