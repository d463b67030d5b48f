import { describe } from 'vitest';
import { describeChanging } from './behaviour/changing.js';
import { describeCreating } from './behaviour/creating.js';
import { describeDeliveries } from './behaviour/deliveries.js';
import { describeDirectory } from './behaviour/directory.js';
import { describeDispatching } from './behaviour/dispatching.js';
import { type Connect, suiteOver } from './behaviour/open.js';
import { describeReading } from './behaviour/reading.js';
import { describeWaiting } from './behaviour/waiting.js';

/**
 * The behaviour of the API, the same over REST and tRPC, run over one transport: each test opens a
 * fresh app over a fresh memory store (apiFixture), and `connect` gives the transport that calls it.
 */
export function describeBehaviour(name: string, connect: Connect): void {
  const suite = suiteOver(connect);
  describe(`the API over ${name}`, () => {
    describeCreating(suite);
    describeReading(suite);
    describeChanging(suite);
    describeDirectory(suite);
    describeDeliveries(suite);
    describeWaiting(suite);
    describeDispatching(suite);
  });
}
