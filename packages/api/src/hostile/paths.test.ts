/**
 * Random ids, paths, queries and methods, sent through `app.request()` to a fresh app over a fresh
 * memory store on every run. The oracle (`testing/hostile/oracle.ts`) checks what holds for every
 * answer.
 *
 * A failure prints fast-check's `seed` and `path`; replay it by passing them in the parameters of
 * that property, e.g. `{ ...params, seed: 123, path: '4:1', endOnFailure: true }`.
 */
import { it } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { fixture, TIMEOUT_MS } from '../testing/hostile/fixture.js';
import { exchange } from '../testing/hostile/oracle.js';
import { hostileRouteRequestArb, listPathArb, queryArb } from '../testing/hostile/path-arbitraries.js';
import { itPassesTheOracle } from '../testing/hostile/property.js';

describe('random ids, paths, queries and methods', () => {
  itPassesTheOracle(
    'never a 5xx, an envelope off /trpc (none on HEAD), and nothing written unless a write succeeded',
    hostileRouteRequestArb,
    800,
  );

  it.prop({ path: listPathArb, query: queryArb }, { numRuns: 300 })(
    'list routes refuse junk filters and pages with 400, or answer a page',
    async ({ path, query }) => {
      const answer = await exchange(await fixture(), { method: 'GET', path: path + query, headers: [] });
      expect([200, 400]).toContain(answer.status);
    },
    TIMEOUT_MS,
  );
});
