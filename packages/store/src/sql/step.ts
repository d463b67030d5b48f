import type BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, type Kysely } from 'kysely';
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

/** The rows of a prepared statement. */
export function* all<P, R>(query: PreparedQuery<P, R>, values: P): Generator<Call, R[], readonly unknown[]> {
  return (yield { sql: query.sql, parameters: query.bind(values) }) as R[];
}

/** The first row of a prepared statement, if any. */
export function* first<P, R>(
  query: PreparedQuery<P, R>,
  values: P,
): Generator<Call, R | undefined, readonly unknown[]> {
  return (yield* all(query, values))[0];
}

/** The rows of a query built for this call (listings, bulk saves). */
export function* rowsOf<R>(query: {
  compile(): { sql: string; parameters: readonly unknown[] };
}): Generator<Call, R[], readonly unknown[]> {
  const { sql, parameters } = query.compile();
  return (yield { sql, parameters }) as R[];
}

/** Runs steps: reads on their own, writes in a transaction that takes the dialect's lock. */
export interface StepRunner {
  read<T>(step: () => Step<T>): Promise<T>;
  /** Commits when `keep(result)`, rolls back otherwise (and on a throw). */
  write<T>(step: () => Step<T>, keep: (result: T) => boolean): Promise<T>;
}

const NO_ROWS: readonly unknown[] = [];
// How long a write waits, in all, for another process's write lock on the SQLite file.
const SQLITE_LOCK_WAIT_MS = 5_000;

const isBusy = (error: unknown) => (error as { code?: unknown } | null)?.code === 'SQLITE_BUSY';
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface PendingWrite {
  readonly step: () => Step<unknown>;
  readonly keep: (result: unknown) => boolean;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * better-sqlite3 directly, with every statement prepared once, and writes committed in groups.
 *
 * Writes that arrive in the same turn of the event loop run in ONE transaction (`BEGIN IMMEDIATE`
 * … `COMMIT`), one after the other, each inside a savepoint of its own: a write that its step
 * rolls back (a refusal) or that throws is undone alone, and the others commit together. Every
 * write still sees the ones before it, so a zone's count and insert stay one atomic step; what
 * grouping saves is the commit (its WAL frames and locks: most of a write's cost), and no answer
 * leaves before the commit that made it durable. All of it runs synchronously, so no other request
 * of this process interleaves, and the file's write lock keeps other processes out.
 *
 * When another process holds that lock, the group gives the event loop back and tries again (next
 * turn, then after 1, 2, 4… ms), for 5 s at most; from the first write on, the connection's own
 * busy timeout is 0, so the process never blocks waiting.
 */
export class SqliteStepRunner implements StepRunner {
  readonly #native: BetterSqlite3.Database;
  readonly #statements = new Map<string, BetterSqlite3.Statement>();
  readonly #begin: BetterSqlite3.Statement;
  readonly #commit: BetterSqlite3.Statement;
  readonly #rollback: BetterSqlite3.Statement;
  readonly #savepoint: BetterSqlite3.Statement;
  readonly #release: BetterSqlite3.Statement;
  readonly #undo: BetterSqlite3.Statement;
  #pending: PendingWrite[] = [];
  #scheduled = false;
  #waitsItself = false;

  constructor(native: BetterSqlite3.Database) {
    this.#native = native;
    this.#begin = native.prepare('BEGIN IMMEDIATE');
    this.#commit = native.prepare('COMMIT');
    this.#rollback = native.prepare('ROLLBACK');
    this.#savepoint = native.prepare('SAVEPOINT step');
    this.#release = native.prepare('RELEASE step');
    this.#undo = native.prepare('ROLLBACK TO step');
  }

  async read<T>(step: () => Step<T>): Promise<T> {
    return this.#drive(step);
  }

  write<T>(step: () => Step<T>, keep: (result: T) => boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({
        step,
        keep: keep as (result: unknown) => boolean,
        resolve: resolve as (result: unknown) => void,
        reject,
      });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    const group = this.#pending;
    this.#pending = [];
    // From the first write on, this runner does the waiting (migrations, before it, rely on the
    // connection's busy timeout).
    if (!this.#waitsItself) {
      this.#native.pragma('busy_timeout = 0');
      this.#waitsItself = true;
    }
    const deadline = Date.now() + SQLITE_LOCK_WAIT_MS;
    for (let attempt = 0; ; attempt += 1) {
      try {
        this.#begin.run();
        break;
      } catch (error) {
        if (!isBusy(error) || Date.now() > deadline) {
          for (const write of group) write.reject(error);
          this.#afterFlush();
          return;
        }
        await (attempt < 8 ? nextTurn() : sleep(Math.min(2 ** (attempt - 8), 16)));
      }
    }
    const outcomes: { readonly ok: boolean; readonly value: unknown }[] = [];
    try {
      for (const write of group) {
        this.#savepoint.run();
        try {
          const result = this.#drive(write.step);
          if (!write.keep(result)) this.#undo.run();
          this.#release.run();
          outcomes.push({ ok: true, value: result });
        } catch (error) {
          this.#undo.run();
          this.#release.run();
          outcomes.push({ ok: false, value: error });
        }
      }
      this.#commit.run();
    } catch (error) {
      // The commit itself failed (a full disk, say): nothing of the group was kept.
      if (this.#native.inTransaction) this.#rollback.run();
      for (const write of group) write.reject(error);
      this.#afterFlush();
      return;
    }
    group.forEach((write, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok === true) write.resolve(outcome.value);
      else write.reject(outcome?.value);
    });
    this.#afterFlush();
  }

  /** Writes that arrived while this group waited or ran go in the next group. */
  #afterFlush(): void {
    if (this.#pending.length > 0) setImmediate(() => void this.#flush());
    else this.#scheduled = false;
  }

  #drive<T>(step: () => Step<T>): T {
    const running = step();
    let next = running.next(NO_ROWS);
    while (!next.done) next = running.next(this.#run(next.value));
    return next.value;
  }

  #run(call: Call): readonly unknown[] {
    let statement = this.#statements.get(call.sql);
    if (statement === undefined) {
      if (this.#statements.size >= 512) this.#statements.clear();
      statement = this.#native.prepare(call.sql);
      this.#statements.set(call.sql, statement);
    }
    if (statement.reader) return statement.all(call.parameters as unknown[]);
    statement.run(call.parameters as unknown[]);
    return NO_ROWS;
  }
}

const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');
const MAX_ATTEMPTS = 4;

/**
 * Kysely (PostgreSQL through pg): each statement is a round trip; a write is one transaction on
 * one pooled connection, begun with `begin`. A transaction the database rolled back for a conflict
 * (`isConflict`) is run again, a few times, after a short random pause: nothing of it was written.
 */
export class KyselyStepRunner<DB> implements StepRunner {
  readonly #db: Kysely<DB>;
  readonly #begin: CompiledQuery;
  readonly #isConflict: (error: unknown) => boolean;

  constructor(db: Kysely<DB>, begin: string, isConflict: (error: unknown) => boolean) {
    this.#db = db;
    this.#begin = CompiledQuery.raw(begin);
    this.#isConflict = isConflict;
  }

  read<T>(step: () => Step<T>): Promise<T> {
    return this.#drive(this.#db, step);
  }

  async write<T>(step: () => Step<T>, keep: (result: T) => boolean): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#db.connection().execute(async (conn) => {
          await conn.executeQuery(this.#begin);
          let result: T;
          try {
            result = await this.#drive(conn, step);
          } catch (error) {
            await conn.executeQuery(ROLLBACK).catch(() => undefined);
            throw error;
          }
          await conn.executeQuery(keep(result) ? COMMIT : ROLLBACK);
          return result;
        });
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !this.#isConflict(error)) throw error;
        await sleep(Math.random() * 20 * attempt);
      }
    }
  }

  async #drive<T>(runner: Kysely<DB>, step: () => Step<T>): Promise<T> {
    const running = step();
    let next = running.next(NO_ROWS);
    while (!next.done) {
      const result = await runner.executeQuery(CompiledQuery.raw(next.value.sql, [...next.value.parameters]));
      next = running.next(result.rows);
    }
    return next.value;
  }
}
