import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { commandSucceeds, requireTool } from '@tickets/testing';
import pg from 'pg';

/** The PostgreSQL server tests use: TEST_DATABASE_URL, else this machine's (trust auth). */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// Connects and ends in a child process, since tests are gated synchronously while vitest collects them.
const CONNECT = `const pg = require(process.argv[1]);
const client = new pg.Client({ connectionString: process.argv[2], connectionTimeoutMillis: 3000 });
client.connect().then(() => client.end()).then(
  () => process.exit(0),
  (error) => { console.error(error.message); process.exit(1); },
);`;

function withoutPassword(url: string): string {
  const shown = new URL(url);
  if (shown.password !== '') shown.password = '***';
  return shown.toString();
}

/** Whether the tests that need the test server can run: it takes a connection at `testDatabaseUrl`. */
export function requireTestDatabase(): boolean {
  const pgEntry = createRequire(import.meta.url).resolve('pg');
  return requireTool({
    name: `PostgreSQL at ${withoutPassword(testDatabaseUrl)}`,
    check: () => commandSucceeds(process.execPath, ['-e', CONNECT, pgEntry, testDatabaseUrl]),
    install:
      'apt-get install -y postgresql, then createdb -h 127.0.0.1 -U postgres test (trust auth); or set TEST_DATABASE_URL',
  });
}

/** Whether the tests that run SQL on the test server with psql can run. */
export const requirePsql = (): boolean =>
  requireTool({
    name: 'psql',
    check: () => commandSucceeds('psql', ['--version']),
    install: 'apt-get install -y postgresql-client',
  });

const uniqueName = (prefix: string) => `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A schema of its own, with a unique name, in the test database; `drop` removes it with its tables. */
export async function createTestSchema(): Promise<{ readonly schema: string; drop(): Promise<void> }> {
  const schema = uniqueName('tickets_test');
  await admin((c) => c.query(`create schema ${schema}`));
  return {
    schema,
    drop: () => admin((c) => c.query(`drop schema if exists ${schema} cascade`)).then(() => undefined),
  };
}

/** A database of its own, with a unique name, on the test server; `drop` removes it even if in use. */
export async function createTestDatabase(): Promise<{ readonly url: string; drop(): Promise<void> }> {
  const name = uniqueName('tickets_test');
  await admin((c) => c.query(`create database ${name}`));
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
