import type { Clock } from '@tickets/domain';

/** The system clock: the one place the server reads the time. */
export const systemClock: Clock = { now: () => Date.now() };
