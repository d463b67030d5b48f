import { type ApiKey, createAuthenticator, createHttpApp } from '@tickets/api';
import { createTestDesk, type TestDeskOptions } from '@tickets/api/testing';
import { type Api, createApi } from '../api.js';

/** One procedure call the console made, as it went over the wire (a batch is several). */
export interface RecordedCall {
  readonly path: string;
  readonly input: unknown;
  readonly method: string;
  readonly headers: Record<string, string>;
}

export interface TestServer {
  /** For the console's client: each request is answered by the app itself, and recorded in `calls`. */
  readonly fetch: typeof globalThis.fetch;
  /** Every procedure call the console made, in order. */
  readonly calls: RecordedCall[];
  /** A client of the same app, with the first admin key when keys are on; its calls are not recorded. */
  readonly admin: Api;
}

export interface TestServerOptions {
  /** The API keys, as `API_KEYS` configures them; none leaves the API open. */
  readonly keys?: readonly ApiKey[];
  /** How the desk is configured: which statuses are active and done. */
  readonly desk?: TestDeskOptions;
}

/** The /trpc calls one request carries: the procedures of its path, each with its input. */
function callsOf(url: URL, init: RequestInit | undefined): RecordedCall[] {
  const method = init?.method ?? 'GET';
  const headers: Record<string, string> = {};
  // Lower-cased by hand: happy-dom's Headers keep the case they were given.
  new Headers(init?.headers).forEach((value, key) => {
    headers[key.toLowerCase()] = value;
  });
  const paths = decodeURIComponent(url.pathname.replace(/^\/trpc\//, '')).split(',');
  const raw =
    method === 'GET' ? url.searchParams.get('input') : typeof init?.body === 'string' ? init.body : null;
  const input: unknown = raw === null ? undefined : JSON.parse(raw);
  const batch = url.searchParams.get('batch') === '1';
  return paths.map((path, index) => ({
    path,
    input: batch ? (input as Record<string, unknown> | undefined)?.[index] : input,
    method,
    headers,
  }));
}

/**
 * The real HTTP app (router, validation, envelopes, API keys) over the memory store, on the test
 * desk's fixed clock (Thursday 2026-02-26 10:00 in Bogotá, limit 3 per zone). Requests go through
 * `app.request()`: the whole app, without a socket.
 */
export function createTestServer({ keys = [], desk }: TestServerOptions = {}): TestServer {
  const app = createHttpApp({ desk: createTestDesk(desk), authenticator: createAuthenticator(keys) });
  const appFetch: typeof globalThis.fetch = async (request, init) => app.request(request, init);

  const calls: RecordedCall[] = [];
  const fetch: typeof globalThis.fetch = (request, init) => {
    const href = typeof request === 'string' ? request : request instanceof URL ? request.href : request.url;
    calls.push(...callsOf(new URL(href, 'http://localhost'), init));
    return appFetch(request, init);
  };

  const adminKey = keys.find((k) => k.scope === 'admin')?.key ?? null;
  if (keys.length > 0 && adminKey === null) {
    throw new Error('createTestServer: with API keys, give an admin one too (the data is seeded with it)');
  }
  return { fetch, calls, admin: createApi({ apiKey: () => adminKey, fetch: appFetch }) };
}
