import type { PreparedQuery } from './prepared-query.js';

/** One statement a step asks to run; the step is resumed with its rows. */
export interface Call {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/**
 * The store's work, written once as a generator that yields statements and receives their rows,
 * so that SQLite can run it synchronously (a whole transaction within one turn of the event loop,
 * no promise per statement) and PostgreSQL asynchronously, over the same logic and the same SQL.
 */
export type Step<T> = Generator<Call, T, readonly unknown[]>;

/** Runs steps: reads on their own, writes in a transaction that takes the dialect's lock. */
export interface StepRunner {
  read<T>(step: () => Step<T>): Promise<T>;
  /**
   * A read that may answer from the rows of the same statements read while the database has not
   * changed since (SQLite); where the dialect cannot tell, there is none and `read` is used.
   */
  readRecent?<T>(step: () => Step<T>): Promise<T>;
  /** Commits when `keep(result)`, rolls back otherwise (and on a throw). */
  write<T>(step: () => Step<T>, keep: (result: T) => boolean): Promise<T>;
}

/** A query built with Kysely for one call. */
export interface BuiltQuery {
  compile(): { readonly sql: string; readonly parameters: readonly unknown[] };
}

/** The rows of a prepared statement. */
export function* all<P, R>(query: PreparedQuery<P, R>, values: P): Step<R[]> {
  return (yield { sql: query.sql, parameters: query.bind(values) }) as R[];
}

/** The first row of a prepared statement, if any. */
export function* first<P, R>(query: PreparedQuery<P, R>, values: P): Step<R | undefined> {
  return (yield* all(query, values))[0];
}

/** The id of the row an `insert … returning id` statement inserted. */
export function* insertedId<P>(query: PreparedQuery<P, { id: number }>, values: P): Step<number> {
  const row = yield* first(query, values);
  if (row === undefined) throw new Error(`no id returned by ${query.sql}`);
  return row.id;
}

/** The rows of a query built for this call (listings, bulk saves). */
export function* rowsOf<R>(query: BuiltQuery): Step<R[]> {
  const { sql, parameters } = query.compile();
  return (yield { sql, parameters }) as R[];
}

// Rows per statement in bulk saves: well under both dialects' limits on bound parameters.
const BULK_CHUNK = 1000;

/** Saves many rows, a bulk statement (built by `save`) per chunk of them. */
export function* saveInChunks<T>(rows: readonly T[], save: (chunk: readonly T[]) => BuiltQuery): Step<void> {
  for (let i = 0; i < rows.length; i += BULK_CHUNK) yield* rowsOf(save(rows.slice(i, i + BULK_CHUNK)));
}
