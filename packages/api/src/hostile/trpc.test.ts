/**
 * tRPC with hostile calls: procedure names, inputs and batches, with and without API keys, sent
 * through `app.request()` to a fresh app over a fresh memory store on every run. The oracle
 * (`testing/hostile/oracle.ts`) checks what holds for every answer.
 *
 * A failure prints fast-check's `seed` and `path`; replay it by passing them in the parameters of
 * that property, e.g. `{ ...params, seed: 123, path: '4:1', endOnFailure: true }`.
 */
import { fc, it } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { ADMIN_KEY, fixture, TIMEOUT_MS } from '../testing/hostile/fixture.js';
import { exchange } from '../testing/hostile/oracle.js';
import { withHeader } from '../testing/hostile/request.js';
import { hostileTrpcRequestArb } from '../testing/hostile/trpc-arbitraries.js';

describe('tRPC with hostile calls', () => {
  it.prop({ hostile: hostileTrpcRequestArb, keys: fc.boolean() }, { numRuns: 800 })(
    "never a 5xx, always tRPC's JSON shapes, and an error or a refusal writes nothing",
    async ({ hostile, keys }) => {
      const fx = await fixture({ keys });
      const answer = await exchange(
        fx,
        keys ? withHeader(hostile, 'authorization', `Api-Key ${ADMIN_KEY}`) : hostile,
      );
      if (answer.refused) expect(fx.writes).toEqual([]);
    },
    TIMEOUT_MS,
  );
});
