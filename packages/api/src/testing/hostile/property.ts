import { type fc, it } from '@fast-check/vitest';
import { fixture, TIMEOUT_MS } from './fixture.js';
import { exchange } from './oracle.js';
import type { Hostile } from './request.js';

/**
 * The property every hostile request keeps: sent to a fresh app over a fresh memory store, its
 * answer passes the oracle (`exchange` checks it).
 */
export function itPassesTheOracle(title: string, requests: fc.Arbitrary<Hostile>, numRuns: number): void {
  it.prop({ hostile: requests }, { numRuns })(
    title,
    async ({ hostile }) => {
      await exchange(await fixture(), hostile);
    },
    TIMEOUT_MS,
  );
}
