import type { Compilable, Kysely } from 'kysely';

const PLACEHOLDER = Symbol('placeholder');

interface Placeholder {
  readonly [PLACEHOLDER]: string;
}

function isPlaceholder(value: unknown): value is Placeholder {
  return typeof value === 'object' && value !== null && PLACEHOLDER in value;
}

/** A statement compiled once, whose values are bound per call; `R` is the row it returns. */
export interface PreparedQuery<P, R> {
  readonly sql: string;
  bind(values: P): readonly unknown[];
  /** Only carries the row type. */
  readonly row?: R;
}

/**
 * Builds and compiles a query once, with a named placeholder for each value, so that a call only
 * swaps its values in: building and compiling with Kysely costs several microseconds a query.
 * `build` receives stand-ins for the values; it must pass them on untouched.
 */
export function prepareQuery<DB, P extends object, R>(
  db: Kysely<DB>,
  build: (db: Kysely<DB>, values: P) => Compilable<R>,
): PreparedQuery<P, R> {
  const used = new Set<string>();
  const values = new Proxy(
    {},
    {
      get(_target, name) {
        if (typeof name !== 'string') return undefined;
        used.add(name);
        return { [PLACEHOLDER]: name } satisfies Placeholder;
      },
      ownKeys() {
        throw new Error('prepareQuery: name each value; the stand-in for them cannot be spread or listed');
      },
    },
  ) as P;
  const compiled = build(db, values).compile();
  const slots = compiled.parameters.map((parameter) =>
    isPlaceholder(parameter) ? parameter[PLACEHOLDER] : undefined,
  );
  const bound = new Set(slots.filter((slot) => slot !== undefined));
  if (bound.size !== used.size) {
    throw new Error(`prepareQuery: ${compiled.sql} does not bind every value it was given`);
  }
  const fixed = compiled.parameters;
  return {
    sql: compiled.sql,
    bind(given) {
      const byName = given as Record<string, unknown>;
      return slots.map((slot, i) => (slot === undefined ? fixed[i] : byName[slot]));
    },
  };
}
