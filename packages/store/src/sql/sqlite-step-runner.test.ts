import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SqliteStepRunner } from './sqlite-step-runner.js';
import type { Step } from './step.js';

/** A read whose answer differs every time it really runs. */
function* draw(): Step<number> {
  const rows = (yield { sql: 'select random() as r', parameters: [] }) as { r: number }[];
  return rows[0]?.r ?? 0;
}

describe('SqliteStepRunner.readRecent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-runner-'));
  const path = join(dir, 'runner.db');
  const opened: Database.Database[] = [];
  const open = () => {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    opened.push(db);
    return db;
  };

  afterEach(() => {
    for (const db of opened.splice(0)) db.close();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers a read again from memory until this connection or another one changes the database', async () => {
    const here = open();
    here.exec('create table t (v integer)');
    const other = open();
    const runner = new SqliteStepRunner(here);
    const first = await runner.readRecent(draw);
    expect(await runner.readRecent(draw)).toBe(first);
    expect(await runner.read(draw)).not.toBe(first);

    other.exec('insert into t values (1)');
    const afterOther = await runner.readRecent(draw);
    expect(afterOther).not.toBe(first);
    expect(await runner.readRecent(draw)).toBe(afterOther);

    await runner.write(
      function* () {
        yield { sql: 'insert into t values (2)', parameters: [] };
      },
      () => true,
    );
    expect(await runner.readRecent(draw)).not.toBe(afterOther);
  });
});
