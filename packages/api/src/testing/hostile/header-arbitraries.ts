/**
 * Requests to known routes, and hostile values for the headers the API reads: Authorization,
 * Idempotency-Key, Content-Length, X-Request-Id.
 */
import { fc } from '@fast-check/vitest';
import { MAX_BODY_BYTES } from '../../http-app.js';
import { BODY_ROUTES, validCreateArb } from './body-arbitraries.js';
import { CONFIGURED_KEYS } from './fixture.js';
import { type Body, bytesOf, createRequest, type Hostile, jsonBody } from './request.js';
import { headerValueArb } from './value-arbitraries.js';

/** Any request to a known route, with a body that is valid for it where it takes one. */
export const knownRequestArb: fc.Arbitrary<Hostile> = fc.oneof(
  ...BODY_ROUTES.map((route) =>
    fc.tuple(fc.constantFrom('1', '3', '7'), route.valid).map(([id, members]) => ({
      method: route.method,
      path: route.template.replace('{}', id),
      headers: [['content-type', 'application/json']] as [string, string][],
      body: jsonBody(members),
    })),
  ),
  fc
    .constantFrom(
      '/api/v1/tickets',
      '/api/v1/tickets/1',
      '/api/v1/tickets/1/history',
      '/api/v1/tickets/subjects',
      '/api/v1/tickets/statuses',
      '/api/v1/tickets/zone-blocked/2',
      '/api/v1/zones/1/capacity',
      '/api/v1/zones',
      '/api/v1/technicians',
      '/api/v1/services',
      '/api/v1/nowhere',
      '/healthz',
      '/trpc/tickets.list',
      '/trpc/zones.list',
      '/trpc/tickets.get?input=%7B%22ticket_id%22%3A1%7D',
    )
    .map((path) => ({ method: 'GET', path, headers: [] })),
  validCreateArb.map((members) => createRequest('trpc', members)),
);

/** Authorization: none, a documented `<scheme> <key>`, a near miss of one, or junk. */
export const authorizationArb: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc
    .tuple(fc.constantFrom('Api-Key', 'Bearer', 'api-key', 'bearer'), fc.constantFrom(...CONFIGURED_KEYS))
    .map(([scheme, key]) => `${scheme} ${key}`),
  headerValueArb,
  fc
    .tuple(
      fc.constantFrom('Api-Key', 'api-key', 'BEARER', 'Bearer', 'Basic', 'ApiKey', 'Token', '', 'Bearer:'),
      fc.constantFrom(' ', '  ', '\t', '\xa0', '\x0b', ''),
      fc.oneof(
        fc.constantFrom(...CONFIGURED_KEYS),
        fc
          .constantFrom(...CONFIGURED_KEYS)
          .chain((key) =>
            fc.constantFrom(
              `${key}x`,
              key.slice(0, -1),
              key.toUpperCase(),
              ` ${key} `,
              `${key} ${key}`,
              `${key},${key}`,
              `"${key}"`,
              Buffer.from(key).toString('base64'),
            ),
          ),
        headerValueArb,
      ),
    )
    .map(([scheme, space, key]) => `${scheme}${space}${key}`),
);

/** Idempotency-Key: printable ASCII of any length, blanks, controls, non-ASCII. */
export const idempotencyKeyArb = fc.oneof(
  headerValueArb,
  fc.constantFrom('', ' ', 'a b', 'crm-7f3a9c2e', '\tkey\t', '\x01', '\x7f', 'ñ', '%20'),
  fc.integer({ min: 250, max: 260 }).map((n) => 'k'.repeat(n)),
  fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1 }),
);

/** Content-Length for a body: its length give or take a few, junk, around the 64 KiB limit. */
export const contentLengthArb = (body: Body | undefined) => {
  const length = body === undefined ? 0 : bytesOf(body).length;
  return fc.oneof(
    fc.constantFrom(
      '0',
      '-1',
      '1.5',
      '1e9',
      ' 10',
      '10 ',
      '0x10',
      'abc',
      '',
      '10, 10',
      '99999999999999999999999',
    ),
    fc.integer({ min: -5, max: 5 }).map((delta) => String(Math.max(0, length + delta))),
    fc.integer({ min: 0, max: 2 * MAX_BODY_BYTES }).map(String),
    fc.constantFrom(String(MAX_BODY_BYTES), String(MAX_BODY_BYTES + 1)),
    headerValueArb,
  );
};

/** X-Request-Id values: sane tokens up to and past 128 characters, and junk. */
export const requestIdArb = fc.oneof(
  headerValueArb,
  fc.constantFrom(
    'req-1',
    'a'.repeat(128),
    'a'.repeat(129),
    'a b',
    'a/b',
    'ü',
    '../../etc',
    '$' + '{jndi:ldap://x}',
  ),
  fc.string({ unit: fc.constantFrom(...'abcXYZ019_=.:-'), minLength: 1, maxLength: 130 }),
);
