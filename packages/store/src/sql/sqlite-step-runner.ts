import type BetterSqlite3 from 'better-sqlite3';
import type { Call, Step, StepRunner } from './step.js';

const NO_ROWS: readonly unknown[] = [];
// What readRecent keeps for one state of the database, at most: statements, and rows in all.
const MAX_RECENT = 1_000;
const MAX_RECENT_ROWS = 10_000;

const codeOf = (error: unknown) => (error as { code?: unknown } | null)?.code;
const isBusy = (error: unknown) => codeOf(error) === 'SQLITE_BUSY';
const isFull = (error: unknown) => codeOf(error) === 'SQLITE_FULL';
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Each connection's own busy timeout (openSqlite's busyTimeoutMs), read before a runner sets it to 0.
const lockWaits = new WeakMap<BetterSqlite3.Database, number>();
// Connections whose last write failed for want of space (SQLITE_FULL), with that error.
const fullDisks = new WeakMap<BetterSqlite3.Database, Error>();

function lockWaitOf(native: BetterSqlite3.Database): number {
  let wait = lockWaits.get(native);
  if (wait === undefined) {
    wait = Number(native.pragma('busy_timeout', { simple: true }));
    lockWaits.set(native, wait);
  }
  return wait;
}

/**
 * The error of the last write on this SQLite connection when it failed because the disk was full
 * (SQLITE_FULL); undefined once a write commits again.
 */
export function diskFullError(native: BetterSqlite3.Database): Error | undefined {
  return fullDisks.get(native);
}

interface PendingWrite {
  readonly step: () => Step<unknown>;
  readonly keep: (result: unknown) => boolean;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** When this write stops waiting for another process's lock (Date.now() milliseconds). */
  readonly deadline: number;
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
 * turn, then after 1, 2, 4… ms); writes that arrive meanwhile join it, and each write gives up
 * (SQLITE_BUSY) once it has waited the connection's busy timeout (`lockWaitMs`), counted from its
 * own arrival, so no write waits longer than that. From the first write on, the connection's own
 * busy timeout is 0, so the process never blocks waiting.
 */
export class SqliteStepRunner implements StepRunner {
  readonly #native: BetterSqlite3.Database;
  readonly #lockWaitMs: number;
  readonly #statements = new Map<string, BetterSqlite3.Statement>();
  readonly #begin: BetterSqlite3.Statement;
  readonly #commit: BetterSqlite3.Statement;
  readonly #rollback: BetterSqlite3.Statement;
  readonly #savepoint: BetterSqlite3.Statement;
  readonly #release: BetterSqlite3.Statement;
  readonly #undo: BetterSqlite3.Statement;
  readonly #stamp: BetterSqlite3.Statement;
  #recentStamp = '';
  readonly #recent = new Map<string, readonly unknown[]>();
  #recentRows = 0;
  #pending: PendingWrite[] = [];
  #scheduled = false;
  #waitsItself = false;

  constructor(native: BetterSqlite3.Database, lockWaitMs: number = lockWaitOf(native)) {
    this.#native = native;
    this.#lockWaitMs = lockWaitMs;
    this.#begin = native.prepare('BEGIN IMMEDIATE');
    this.#commit = native.prepare('COMMIT');
    this.#rollback = native.prepare('ROLLBACK');
    this.#savepoint = native.prepare('SAVEPOINT step');
    this.#release = native.prepare('RELEASE step');
    this.#undo = native.prepare('ROLLBACK TO step');
    // Rows this connection changed (total_changes(), rolled back or not) and a number that moves
    // whenever any other connection, in this process or another, commits (data_version).
    this.#stamp = native
      .prepare("select total_changes() || ':' || data_version from pragma_data_version")
      .pluck();
  }

  async read<T>(step: () => Step<T>): Promise<T> {
    return this.#drive(step);
  }

  /**
   * A read whose statements' rows are handed out again, without running them, while the database
   * has not changed since they were read: no row changed by this connection and no commit by any
   * other, which one trivial statement tells. Exact, not a time window: the first read after any
   * change runs its statements again. The rows are shared, so the step must not change them.
   */
  async readRecent<T>(step: () => Step<T>): Promise<T> {
    // Inside a transaction (migrations run through Kysely on this connection) reads its own writes.
    if (this.#native.inTransaction) return this.#drive(step);
    // Taken before the statements run: a commit between the two makes the next stamp differ.
    const stamp = this.#stamp.get() as string;
    if (stamp !== this.#recentStamp) {
      this.#recent.clear();
      this.#recentRows = 0;
      this.#recentStamp = stamp;
    }
    return this.#drive(step, (call) => {
      const key = `${call.sql}\u0000${JSON.stringify(call.parameters)}`;
      let rows = this.#recent.get(key);
      if (rows === undefined) {
        rows = this.#run(call);
        // A write (none belongs in a read) is never skipped.
        const room = this.#recent.size < MAX_RECENT && this.#recentRows + rows.length <= MAX_RECENT_ROWS;
        if (rows !== NO_ROWS && room) {
          this.#recent.set(key, rows);
          this.#recentRows += rows.length;
        }
      }
      return rows;
    });
  }

  write<T>(step: () => Step<T>, keep: (result: T) => boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({
        step,
        keep: keep as (result: unknown) => boolean,
        resolve: resolve as (result: unknown) => void,
        reject,
        deadline: Date.now() + this.#lockWaitMs,
      });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    let group = this.#takePending();
    // From the first write on, this runner does the waiting (migrations, before it, rely on the
    // connection's busy timeout, which is remembered for any other runner on this connection).
    if (!this.#waitsItself) {
      lockWaitOf(this.#native);
      this.#native.pragma('busy_timeout = 0');
      this.#waitsItself = true;
    }
    for (let attempt = 0; ; attempt += 1) {
      try {
        this.#begin.run();
        break;
      } catch (error) {
        if (!isBusy(error)) {
          this.#fail(group, error);
          return;
        }
        const now = Date.now();
        group = [...group, ...this.#takePending()].filter((write) => {
          if (now < write.deadline) return true;
          write.reject(error);
          return false;
        });
        if (group.length === 0) {
          this.#afterFlush();
          return;
        }
        await (attempt < 8 ? nextTurn() : sleep(Math.min(2 ** (attempt - 8), 16)));
      }
    }
    const outcomes: { readonly ok: boolean; readonly value: unknown }[] = [];
    let wrote = false;
    try {
      for (const write of group) {
        this.#savepoint.run();
        try {
          const result = this.#drive(write.step);
          if (write.keep(result)) wrote = true;
          else this.#undo.run();
          this.#release.run();
          outcomes.push({ ok: true, value: result });
        } catch (error) {
          // Some errors (a full disk, an I/O error) make SQLite roll the whole transaction back:
          // the writes before this one are gone too.
          if (!this.#native.inTransaction) throw error;
          this.#undo.run();
          this.#release.run();
          outcomes.push({ ok: false, value: error });
        }
      }
      this.#commit.run();
    } catch (error) {
      // The commit itself failed (a full disk, say), or the transaction was lost: nothing of the
      // group was kept.
      if (this.#native.inTransaction) this.#rollback.run();
      this.#fail(group, error);
      return;
    }
    // A commit that wrote nothing (refusals only) says nothing about the disk.
    const full = outcomes.find((outcome) => !outcome.ok && isFull(outcome.value));
    if (full !== undefined) fullDisks.set(this.#native, full.value as Error);
    else if (wrote) fullDisks.delete(this.#native);
    group.forEach((write, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok === true) write.resolve(outcome.value);
      else write.reject(outcome?.value);
    });
    this.#afterFlush();
  }

  #takePending(): PendingWrite[] {
    const pending = this.#pending;
    this.#pending = [];
    return pending;
  }

  /** Rejects every write of a group that could not commit. */
  #fail(group: readonly PendingWrite[], error: unknown): void {
    if (isFull(error)) fullDisks.set(this.#native, error as Error);
    for (const write of group) write.reject(error);
    this.#afterFlush();
  }

  /** Writes that arrived while this group ran go in the next group. */
  #afterFlush(): void {
    if (this.#pending.length > 0) setImmediate(() => void this.#flush());
    else this.#scheduled = false;
  }

  readonly #runCall = (call: Call) => this.#run(call);

  #drive<T>(step: () => Step<T>, run: (call: Call) => readonly unknown[] = this.#runCall): T {
    const running = step();
    let next = running.next(NO_ROWS);
    while (!next.done) next = running.next(run(next.value));
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
