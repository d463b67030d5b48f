import { CompiledQuery, type Kysely } from 'kysely';
import type { Step, StepRunner } from './step.js';

const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');
const MAX_ATTEMPTS = 4;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Steps over Kysely, the store's runner on PostgreSQL (through pg): each statement is a round
 * trip; a write is one transaction on one pooled connection, begun with `begin`. A transaction the
 * database rolled back for a conflict (`isConflict`) is run again, a few times, after a short
 * random pause: nothing of it was written.
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
    // The first resumption only starts the step; it receives no rows.
    let next = running.next();
    while (!next.done) {
      const result = await runner.executeQuery(CompiledQuery.raw(next.value.sql, [...next.value.parameters]));
      next = running.next(result.rows);
    }
    return next.value;
  }
}
