/** What one turn of a repeated task asks for next. */
export type Next =
  /** Again at once (there is more to do). */
  | { readonly kind: 'now' }
  /** Again after the idle interval, or sooner when kicked. */
  | { readonly kind: 'idle' }
  /** Again after this long, kicks or not (the other side is down). */
  | { readonly kind: 'pause'; readonly ms: number };

/** A task run over and over in the background until stopped; never two turns at once. */
export interface Repeater {
  /** Runs the next turn now if the task is idle (not when it is pausing). */
  kick(): void;
  /** Stops after the turn under way, if any. */
  stop(): Promise<void>;
}

/**
 * Repeats `turn` until stopped. A turn that throws is reported to `onError` and followed by a
 * pause that doubles up to `maxPauseMs`, so a store or network outage is not a busy loop.
 */
export function repeat(
  turn: () => Promise<Next>,
  options: {
    readonly idleMs: number;
    readonly maxPauseMs: number;
    readonly onError: (error: unknown) => void;
  },
): Repeater {
  let running = true;
  let failures = 0;
  let wake: (() => void) | undefined;
  let kickable = false;

  const wait = (ms: number, kickableWait: boolean) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      kickable = kickableWait;
      function done() {
        clearTimeout(timer);
        wake = undefined;
        kickable = false;
        resolve();
      }
      wake = done;
    });

  const loop = (async () => {
    while (running) {
      let next: Next;
      try {
        next = await turn();
        failures = 0;
      } catch (error) {
        options.onError(error);
        failures += 1;
        next = { kind: 'pause', ms: Math.min(options.maxPauseMs, 500 * 2 ** Math.min(failures - 1, 10)) };
      }
      if (!running) break;
      if (next.kind === 'idle') await wait(options.idleMs, true);
      else if (next.kind === 'pause') await wait(next.ms, false);
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  })();

  return {
    kick() {
      if (kickable) wake?.();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}
