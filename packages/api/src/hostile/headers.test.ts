/**
 * Hostile headers on known routes: Authorization with and without API keys, Idempotency-Key,
 * Content-Length and X-Request-Id, sent through `app.request()` to a fresh app over a fresh memory
 * store on every run. The oracle (`testing/hostile/oracle.ts`) checks what holds for every answer;
 * each property adds what its header must do.
 *
 * A failure prints fast-check's `seed` and `path`; replay it by passing them in the parameters of
 * that property, e.g. `{ ...params, seed: 123, path: '4:1', endOnFailure: true }`.
 */
import { fc, it } from '@fast-check/vitest';
import { getPath } from 'hono/utils/url';
import { describe, expect } from 'vitest';
import { MAX_BODY_BYTES } from '../http-app.js';
import { hostileBodyRequestArb, validCreateArb } from '../testing/hostile/body-arbitraries.js';
import { CONFIGURED_KEYS, fixture, TICKETS_KEY, TIMEOUT_MS } from '../testing/hostile/fixture.js';
import {
  authorizationArb,
  contentLengthArb,
  idempotencyKeyArb,
  knownRequestArb,
  requestIdArb,
} from '../testing/hostile/header-arbitraries.js';
import { codeOf, createdTicket, exchange, isTrpc } from '../testing/hostile/oracle.js';
import { hostileRouteRequestArb } from '../testing/hostile/path-arbitraries.js';
import { createRequest, withHeader } from '../testing/hostile/request.js';

/** The configured key an Authorization header carries, as the API documents it: `<scheme> <key>`. */
function keyIn(authorization: string | null): string | undefined {
  if (authorization === null) return undefined;
  // The scheme must come first: only trailing whitespace is allowed around `<scheme> <key>`.
  const [scheme, key, ...rest] = authorization.replace(/\s+$/, '').split(/\s+/);
  if (rest.length > 0 || key === undefined || !/^(?:api-key|bearer)$/i.test(scheme ?? '')) return undefined;
  return CONFIGURED_KEYS.includes(key) ? key : undefined;
}

/** The REST API's paths, which ask for a key when keys are configured (as /trpc does). */
const isApiPath = (request: Request) => getPath(request).startsWith('/api/');

/** What the API documents for Idempotency-Key: 1 to 255 printable ASCII characters, no spaces. */
const VALID_IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;

/** An X-Request-Id the API echoes; any other is replaced by a fresh UUID. */
const REQUEST_ID = /^[\w=-]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('hostile headers', () => {
  it.prop({ hostile: knownRequestArb, authorization: authorizationArb }, { numRuns: 300 })(
    'with API keys: no configured key, no access (401) and nothing written; a documented one gets past',
    async ({ hostile, authorization }) => {
      const fx = await fixture({ keys: true });
      const answer = await exchange(fx, withHeader(hostile, 'authorization', authorization));
      const key = keyIn(answer.request.headers.get('authorization'));
      const carriesNoKey = !CONFIGURED_KEYS.some((k) => (authorization ?? '').includes(k));
      const guarded = isApiPath(answer.request) || isTrpc(answer.request);
      if (guarded && (key === undefined || carriesNoKey)) {
        expect(answer.status).toBe(401);
        expect(codeOf(answer)).toMatch(/^(unauthorized|UNAUTHORIZED)$/);
        if (!isTrpc(answer.request)) expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
      }
      if (key !== undefined) expect(answer.status).not.toBe(401);
      if (key === TICKETS_KEY && hostile.method === 'PUT') expect(answer.status).toBe(403);
    },
    TIMEOUT_MS,
  );

  it.prop({ hostile: knownRequestArb, authorization: authorizationArb }, { numRuns: 150 })(
    'without API keys: Authorization is ignored, whatever it holds',
    async ({ hostile, authorization }) => {
      const answer = await exchange(await fixture(), withHeader(hostile, 'authorization', authorization));
      const plain = await exchange(await fixture(), hostile);
      expect({ status: answer.status, body: answer.body }).toEqual({
        status: plain.status,
        body: plain.body,
      });
    },
    TIMEOUT_MS,
  );

  it.prop(
    {
      transport: fc.constantFrom('rest' as const, 'trpc' as const),
      valid: validCreateArb,
      key: idempotencyKeyArb,
    },
    { numRuns: 200 },
  )(
    'Idempotency-Key: a malformed one is refused with 400 and creates nothing; a retry replays',
    async ({ transport, valid, key }) => {
      const fx = await fixture();
      const hostile = withHeader(createRequest(transport, valid), 'idempotency-key', key);
      const answer = await exchange(fx, hostile);
      const sent = answer.request.headers.get('idempotency-key');
      if (sent !== null && !VALID_IDEMPOTENCY_KEY.test(sent)) {
        expect(answer.status).toBe(400);
        expect(answer.text.toLowerCase()).toContain('idempotency-key');
        return;
      }
      expect(answer.status).toBe(transport === 'rest' ? 201 : 200);
      const first = createdTicket(transport, answer);
      const writes = fx.writes.length;
      const retry = await exchange(fx, hostile);
      expect(createdTicket(transport, retry)).toEqual(first);
      expect(fx.writes.length).toBe(sent === null ? writes + 1 : writes);
      if (transport === 'rest' && sent !== null)
        expect(retry.headers.get('idempotent-replayed')).toBe('true');
    },
    TIMEOUT_MS,
  );

  it.prop(
    {
      request: hostileBodyRequestArb.chain((hostile) =>
        fc.tuple(fc.constant(hostile), contentLengthArb(hostile.body)),
      ),
    },
    { numRuns: 250 },
  )(
    'a Content-Length that does not match the body: never a 5xx; one declaring over 64 KiB is 413',
    async ({ request: [hostile, length] }) => {
      const answer = await exchange(await fixture(), withHeader(hostile, 'content-length', length));
      const declared = answer.request.headers.get('content-length');
      if (declared !== null && /^\d+$/.test(declared) && Number(declared) > MAX_BODY_BYTES) {
        expect(answer.status).toBe(413);
        expect(codeOf(answer)).toBe('payload_too_large');
      }
    },
    TIMEOUT_MS,
  );

  it.prop(
    { hostile: fc.oneof(knownRequestArb, hostileRouteRequestArb), requestId: requestIdArb },
    { numRuns: 250 },
  )(
    'X-Request-Id: echoed when it is a sane token, replaced by a fresh UUID otherwise',
    async ({ hostile, requestId }) => {
      const answer = await exchange(await fixture(), withHeader(hostile, 'x-request-id', requestId));
      const sent = answer.request.headers.get('x-request-id') ?? '';
      const echoed = answer.headers.get('x-request-id');
      if (REQUEST_ID.test(sent)) expect(echoed).toBe(sent);
      else {
        expect(echoed).toMatch(UUID);
        expect(echoed).not.toBe(sent);
      }
    },
    TIMEOUT_MS,
  );
});
