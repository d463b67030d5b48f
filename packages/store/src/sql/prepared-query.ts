import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from 'kysely';

const PLACEHOLDER = Symbol('placeholder');

interface Placeholder {
  readonly [PLACEHOLDER]: string;
}

function isPlaceholder(value: unknown): value is Placeholder {
  return typeof value === 'object' && value !== null && PLACEHOLDER in value;
}

/** Anything that runs compiled queries: a Kysely instance, a transaction, a connection. */
export interface QueryRunner {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/** Runs a query compiled once with the values of one call. */
export type PreparedQuery<P, R> = (runner: QueryRunner, values: P) => Promise<R[]>;

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
  return async (executor, given) => {
    const byName = given as Record<string, unknown>;
    const parameters = slots.map((slot, i) => (slot === undefined ? compiled.parameters[i] : byName[slot]));
    const result = await executor.executeQuery<R>(CompiledQuery.raw(compiled.sql, parameters));
    return result.rows;
  };
}
