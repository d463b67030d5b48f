/**
 * Hostile bodies on every route that takes one, and creates that carry the fields a client must not
 * set, sent through `app.request()` to a fresh app over a fresh memory store on every run. The
 * oracle (`testing/hostile/oracle.ts`) checks what holds for every answer.
 *
 * A failure prints fast-check's `seed` and `path`; replay it by passing them in the parameters of
 * that property, e.g. `{ ...params, seed: 123, path: '4:1', endOnFailure: true }`.
 */
import { fc, it } from '@fast-check/vitest';
import { defaultSubjects } from '@tickets/domain';
import { describe, expect } from 'vitest';
import { hostileBodyRequestArb, overridesArb, validCreateArb } from '../testing/hostile/body-arbitraries.js';
import { fixture, NOW, TIMEOUT_MS } from '../testing/hostile/fixture.js';
import { createdTicket, exchange } from '../testing/hostile/oracle.js';
import { itPassesTheOracle } from '../testing/hostile/property.js';
import { createRequest, type Members } from '../testing/hostile/request.js';

/** The priority code a subject has in the catalogue, read from `defaultSubjects` itself. */
function cataloguePriority(subject: string): string {
  const entry = Object.entries(defaultSubjects).find(([, list]) => list?.includes(subject));
  if (entry === undefined) throw new Error(`not a catalogue subject: ${subject}`);
  return entry[0];
}

describe('hostile bodies on every route that takes one', () => {
  itPassesTheOracle(
    'never a 5xx, always an envelope of the declared shape, and a refused request writes nothing',
    hostileBodyRequestArb,
    1000,
  );
});

describe('a create with status, priority, dates or ids in its body', () => {
  it.prop(
    {
      transport: fc.constantFrom('rest' as const, 'trpc' as const),
      valid: validCreateArb,
      extras: overridesArb,
    },
    { numRuns: 200 },
  )(
    'takes none of them: status 1 and the priority of its subject, as if they were not sent',
    async ({ transport, valid, extras }) => {
      const members: Members = [...valid];
      for (const [key, value, first] of extras) {
        if (first) members.unshift([key, value]);
        else members.push([key, value]);
      }
      const hostile = await fixture();
      const answer = await exchange(hostile, createRequest(transport, members));
      expect(answer.status).toBe(transport === 'rest' ? 201 : 200);
      const ticket = createdTicket(transport, answer);
      const subject = valid.find(([key]) => key === 'subject')?.[1] as string;
      expect(ticket).toMatchObject({
        status: 1,
        status_ticket: 'Abierto',
        priority: cataloguePriority(subject),
      });

      // The same create without the extra keys, on a twin store: same answer, same rows, same history.
      const twin = await fixture();
      const clean = await exchange(twin, createRequest(transport, valid));
      expect(ticket).toEqual(createdTicket(transport, clean));
      expect(await hostile.snapshot()).toEqual(await twin.snapshot());
      const stored = await hostile.base.getTicket(ticket.ticket_id as number);
      expect(stored).toMatchObject({
        status: 1,
        priority: Number(cataloguePriority(subject)),
        created_at: NOW,
      });
    },
    TIMEOUT_MS,
  );
});
