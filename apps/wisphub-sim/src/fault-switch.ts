import { z } from 'zod';
import type { Fault } from './types.js';

const scope = {
  match: z
    .strictObject({
      method: z.string().min(1).optional(),
      path: z.string().startsWith('/').optional(),
    })
    .optional(),
  times: z.int().min(1).optional(),
};

/** A fault as `setFault` and `PUT /__sim/fault` accept it. */
export const faultSchema: z.ZodType<Fault> = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('status'),
    status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503)]),
    retryAfterSeconds: z.int().min(0).optional(),
    ...scope,
  }),
  z.strictObject({ kind: z.literal('slow'), delayMs: z.int().min(0).max(600_000), ...scope }),
  z.strictObject({ kind: z.literal('drop'), when: z.enum(['before', 'after']), ...scope }),
  z.strictObject({ kind: z.literal('hang'), ...scope }),
]);

/** The fault switched on, if any, and which requests it takes. */
export interface FaultSwitch {
  /** Switches a fault on (validated; throws if malformed), or off with null. */
  set(fault: Fault | null): void;
  /** The fault switched on, `times` counting what is left of it. */
  current(): Fault | null;
  /** The fault that applies to this request, if any; counts it against `times` and clears it when spent. */
  take(method: string, path: string): Fault | undefined;
}

const matches = (fault: Fault, method: string, path: string): boolean =>
  (fault.match?.method === undefined || fault.match.method.toUpperCase() === method.toUpperCase()) &&
  (fault.match?.path === undefined || path.startsWith(fault.match.path));

export function createFaultSwitch(): FaultSwitch {
  let fault: Fault | null = null;
  return {
    set(next) {
      fault = next === null ? null : faultSchema.parse(next);
    },
    current: () => fault,
    take(method, path) {
      const taken = fault;
      if (taken === null || !matches(taken, method, path)) return undefined;
      if (taken.times !== undefined) fault = taken.times > 1 ? { ...taken, times: taken.times - 1 } : null;
      return taken;
    },
  };
}
