// Getting a store ready for a benchmark: zones, technician and services over the API, a fresh
// PostgreSQL database per server, and tickets written straight into an SQLite file.

import { request } from 'node:http';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createBody, FULL_ZONE_ID, pathOf, SUBJECT, TECHNICIAN_ID, ZONE_LIMIT } from './protocol.js';
import type { SmallAnswer, WispHubDeliveries } from './report.js';

async function call(baseUrl: string, method: string, path: string, body: unknown, expected: number) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected) {
    throw new Error(`${method} ${path} answered ${response.status}, not ${expected}: ${text.slice(0, 300)}`);
  }
}

async function inTurns<T>(items: readonly T[], parallel: number, work: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += parallel) await Promise.all(items.slice(i, i + parallel).map(work));
}

/**
 * Saves, through the REST API: zones 1..zones with a limit of ZONE_LIMIT, services 1..zones (service
 * i in zone i), technician 1, and the full zone (limit 1) with its service and the one ticket that
 * fills it.
 */
export async function seedOverApi(baseUrl: string, zones: number): Promise<void> {
  const zoneIds = Array.from({ length: zones }, (_, i) => i + 1);
  await call(baseUrl, 'PUT', `/api/v1/technicians/${TECHNICIAN_ID}`, { name: 'Ana Gómez' }, 200);
  await inTurns(zoneIds, 50, (id) =>
    call(baseUrl, 'PUT', `/api/v1/zones/${id}`, { name: `Zona ${id}`, max_active_tickets: ZONE_LIMIT }, 200),
  );
  await inTurns(zoneIds, 50, (id) => call(baseUrl, 'PUT', `/api/v1/services/${id}`, { zone_id: id }, 200));
  await call(
    baseUrl,
    'PUT',
    `/api/v1/zones/${FULL_ZONE_ID}`,
    { name: 'Zona caída', max_active_tickets: 1 },
    200,
  );
  await call(baseUrl, 'PUT', `/api/v1/services/${FULL_ZONE_ID}`, { zone_id: FULL_ZONE_ID }, 200);
  await call(baseUrl, 'POST', '/api/v1/tickets', createBody(FULL_ZONE_ID), 201);
  await call(baseUrl, 'POST', '/api/v1/tickets', createBody(FULL_ZONE_ID), 409);
}

/** Bytes on the wire of one raw answer, and its Content-Encoding. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ bytes: number; encoding?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      response.on('end', () => {
        if (response.statusCode !== 200) {
          reject(new Error(`GET ${url} answered ${response.statusCode}`));
          return;
        }
        const encoding = response.headers['content-encoding'];
        resolve(encoding === undefined ? { bytes } : { bytes, encoding });
      });
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The small answer of the compression rows (GET /api/v1/zones/1/capacity), asked for without and with gzip. */
export async function probeSmallAnswer(baseUrl: string): Promise<SmallAnswer> {
  const url = `${baseUrl}${pathOf('small-answer', 1)}`;
  const plain = await rawGet(url, {});
  const gzip = await rawGet(url, { 'accept-encoding': 'gzip' });
  return {
    plainBytes: plain.bytes,
    gzipBytes: gzip.bytes,
    ...(gzip.encoding === undefined ? {} : { gzipEncoding: gzip.encoding }),
  };
}

/** How far the server's deliveries to the WispHub simulator had got. */
export async function wispHubDeliveries(baseUrl: string, simulatorUrl: string): Promise<WispHubDeliveries> {
  const sync = (await (await fetch(`${baseUrl}/api/v1/sync/wisphub`)).json()) as {
    data: { wisphub: { deliveries: { pending: number; failed: number } } };
  };
  const state = (await (await fetch(`${simulatorUrl}/__sim/state`)).json()) as { tickets: unknown[] };
  return { delivered: state.tickets.length, ...sync.data.wisphub.deliveries };
}

/** Waits until the server has pulled WispHub's clients and ticket states once. */
export async function wispHubPulled(baseUrl: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${baseUrl}/api/v1/sync/wisphub`);
    const body = (await response.json()) as {
      data?: { wisphub?: { reference_pull?: { outcome?: string }; status_pull?: { outcome?: string } } };
    };
    const wisphub = body.data?.wisphub;
    if (wisphub?.reference_pull?.outcome === 'ok' && wisphub.status_pull?.outcome === 'ok') return;
    if (Date.now() > deadline) {
      throw new Error(
        `the server had not pulled from WispHub after ${timeoutMs} ms: ${JSON.stringify(body)}`,
      );
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}

export interface PostgresDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Why PostgreSQL at `adminUrl` cannot be used, or undefined when it answers. */
export async function postgresProblem(adminUrl: string): Promise<string | undefined> {
  try {
    await admin(adminUrl, (client) => client.query('select 1'));
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

let databases = 0;

/**
 * A new database beside the one `adminUrl` names, empty or a copy of `template` (a database no one
 * is connected to); drop() removes it.
 */
export async function createPostgresDatabase(adminUrl: string, template?: string): Promise<PostgresDatabase> {
  databases += 1;
  const name = `bench_${process.pid}_${Date.now().toString(36)}_${databases}`;
  await admin(adminUrl, (client) =>
    client.query(`create database "${name}"${template === undefined ? '' : ` template "${template}"`}`),
  );
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: async () => {
      await admin(adminUrl, (client) => client.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

const DAY_MS = 86_400_000;

/**
 * Writes `count` tickets, each with its `created` event, straight into a migrated SQLite file, in
 * one transaction: spread over zones 1..zones (service = zone, technician 1), created over the year
 * before now, one in a hundred still open (status 1) and the rest resolved (status 3), so that the
 * zones stay open. Returns the seconds it took.
 */
export function prefillSqlite(path: string, count: number, zones: number): number {
  const started = performance.now();
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 10000');
    const end = Date.now() - DAY_MS;
    const step = Math.max(1, Math.floor((365 * DAY_MS) / count));
    const start = end - step * count;
    db.transaction(() => {
      const first = (db.prepare('select coalesce(max(id), 0) as id from tickets').get() as { id: number }).id;
      db.prepare(
        `with recursive seq(i) as (select 1 union all select i + 1 from seq where i < @count)
         insert into tickets (service_id, zone_id, technician_id, subject, priority, description, status,
                              created_at, end_date, answer_text, updated_at)
         select (i % @zones) + 1, (i % @zones) + 1, @technician, @subject, 3, 'Ticket precargado',
                case when i % 100 = 0 then 1 else 3 end,
                @start + i * @step, @start + i * @step + 3 * @day,
                case when i % 100 = 0 then null else 'Resuelto' end,
                case when i % 100 = 0 then @start + i * @step else @start + i * @step + @day end
         from seq`,
      ).run({ count, zones, technician: TECHNICIAN_ID, subject: SUBJECT, start, step, day: DAY_MS });
      db.prepare(
        `insert into ticket_events (ticket_id, at, actor, kind, before, after)
         select id, created_at, null, 'created', null,
                json_object('service_id', service_id, 'zone_id', zone_id, 'technician_id', technician_id,
                            'subject', subject, 'priority', priority, 'description', description,
                            'status', 1, 'end_date', end_date, 'answer_text', null)
         from tickets where id > @first order by id`,
      ).run({ first });
      // BEGIN IMMEDIATE: the write lock first (waiting for the server's last writes), since a read
      // that later turns into a write fails at once in WAL mode when another write came between.
    }).immediate();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return (performance.now() - started) / 1000;
}

/** How many tickets an SQLite file holds. */
export function countSqliteTickets(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('select count(*) as n from tickets').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
