/** Paths (ids of every kind in every route, and junk), queries and methods. */
import { createRequire } from 'node:module';
import { fc } from '@fast-check/vitest';
import { bodyArb, contentTypeArb, validZoneArb } from './body-arbitraries.js';
import { contentTypeHeader, type Hostile } from './request.js';
import { segmentArb } from './value-arbitraries.js';

/** The version in the reference page's asset paths (/docs/assets/<version>/<file>). */
const SWAGGER_UI_VERSION = (
  createRequire(import.meta.url)('swagger-ui-dist/package.json') as { version: string }
).version;

const ID_TEMPLATES = [
  '/api/v1/tickets/{}',
  '/api/v1/tickets/{}/history',
  '/api/v1/tickets/zone-blocked/{}',
  '/api/v1/zones/{}',
  '/api/v1/zones/{}/capacity',
  '/api/v1/technicians/{}',
  '/api/v1/services/{}',
  '/api/v1/{}',
  '/api/{}/tickets',
  '/{}',
  '/trpc/{}',
  '/docs/{}',
  `/docs/assets/${SWAGGER_UI_VERSION}/{}`,
];

const FIXED_PATHS = [
  '/',
  '/api',
  '/api/',
  '/api/v1',
  '/api/v1/',
  '/api/v1/tickets',
  '/api/v1/tickets/',
  '/api/v1/tickets/subjects',
  '/api/v1/tickets/statuses',
  '/api/v1/tickets/counts',
  '/api/v1/technicians/workload',
  '/api/v1/zones',
  '/api/v1/technicians',
  '/api/v1/services',
  '/API/V1/TICKETS',
  '/api//v1/tickets',
  '/api/v1/tickets/1/',
  '/api/v1/tickets/1/history/x',
  '/healthz',
  '/readyz',
  '/trpc',
  '/openapi.json',
  '/openapi.json/',
  '/docs',
  '/docs/',
  `/docs/assets/${SWAGGER_UI_VERSION}/swagger-ui.css`,
];

const queryValueArb = fc.oneof(
  segmentArb,
  fc.constantFrom('1', '50', '500', '501', '0', '1,2', '[1]', '{}', 'urgent', 'overdue', 'due.1.2', '%25_'),
);
/** A query string of up to four pairs: known parameters and junk, with hostile values. */
export const queryArb: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(
          'limit',
          'cursor',
          'zone_id',
          'status',
          'sort',
          'due',
          'q',
          'technician_id',
          'batch',
          'input',
          'limit[]',
          '__proto__',
        ),
        fc.string({ maxLength: 6 }).map(encodeURIComponent),
      ),
      queryValueArb,
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));

const pathArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom(...ID_TEMPLATES), segmentArb).map(([template, id]) => template.replace('{}', id)),
  fc.constantFrom(...FIXED_PATHS),
  fc.array(segmentArb, { minLength: 1, maxLength: 5 }).map((segments) => `/${segments.join('/')}`),
);

const methodArb = fc.constantFrom(
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'PURGE',
  'patch',
);

/** A request with a random method, path and query, now and then with a body. */
export const hostileRouteRequestArb: fc.Arbitrary<Hostile> = fc
  .record({
    method: methodArb,
    path: pathArb,
    query: fc.option(queryArb, { nil: '', freq: 2 }),
    body: fc.option(bodyArb(validZoneArb), { nil: undefined }),
    type: contentTypeArb,
  })
  .map(({ method, path, query, body, type }) => ({
    method,
    path: path + query,
    headers: contentTypeHeader(type),
    body,
  }));

/** The routes that list. */
export const listPathArb = fc.constantFrom(
  '/api/v1/tickets',
  '/api/v1/zones',
  '/api/v1/technicians',
  '/api/v1/services',
  '/api/v1/tickets/subjects',
  '/api/v1/tickets/statuses',
);
