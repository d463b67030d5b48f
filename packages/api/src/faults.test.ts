import { connect } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { closeDatabase, createSqlTicketStore, migrateToLatest, openSqlite } from '@tickets/store';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createHttpApp, MAX_TRPC_BATCH } from './http-app.js';
import { createTestDesk } from './testing/desk.js';

/** Log lines by message, as pino would get them. */
function logs() {
  const lines: { level: string; fields: Record<string, unknown>; message?: string }[] = [];
  const at = (level: string) => (fields: object, message?: string) =>
    lines.push({ level, fields: fields as Record<string, unknown>, message });
  return { lines, logger: { debug: at('debug'), info: at('info'), error: at('error') } };
}

describe('tRPC batches', () => {
  const batch = (calls: number) =>
    `/trpc/${Array.from({ length: calls }, () => 'tickets.subjects').join(',')}?batch=1&input=${encodeURIComponent('{}')}`;

  it(`answers a batch of ${MAX_TRPC_BATCH} calls, and refuses a larger one with a clear 400 before running any`, async () => {
    const app = createHttpApp({ desk: createTestDesk() });
    const allowed = await app.request(batch(MAX_TRPC_BATCH));
    expect(allowed.status).toBe(200);
    expect((await allowed.json()) as unknown[]).toHaveLength(MAX_TRPC_BATCH);
    const refused = await app.request(batch(MAX_TRPC_BATCH + 1));
    expect(refused.status).toBe(400);
    const body = JSON.stringify(await refused.json());
    expect(body).toContain('BAD_REQUEST');
    expect(body).toMatch(/batch/i);
  });
});

describe('defects', () => {
  it("answer 500 with generic words on REST and tRPC alike, the driver's only in the log", async () => {
    // A real SQLite store whose database is gone: every call throws the driver's own error.
    const db = openSqlite({ path: ':memory:' });
    await migrateToLatest(db);
    const store = createSqlTicketStore(db);
    await closeDatabase(db);
    const { lines, logger } = logs();
    const app = createHttpApp({ desk: createTestDesk({ store }), logger });
    const rest = await app.request('/api/v1/tickets/1');
    expect(rest.status).toBe(500);
    expect(await rest.json()).toMatchObject({
      action: 'internal_error',
      message: 'An unexpected error occurred; it has been logged',
    });
    const trpc = await app.request(`/trpc/tickets.get?input=${encodeURIComponent('{"ticket_id":1}')}`);
    expect(trpc.status).toBe(500);
    const body = (await trpc.json()) as { error: { message: string } };
    expect(body.error.message).toBe('An unexpected error occurred; it has been logged');
    expect(JSON.stringify(body)).not.toMatch(/database|connection/i);
    expect(lines.filter((line) => line.message === 'defect')).toHaveLength(2);
  });
});

describe('a client that abandons its upload', () => {
  it('is logged as its own abort (499), never as a defect', async () => {
    const { lines, logger } = logs();
    const app = createHttpApp({ desk: createTestDesk(), logger });
    const server: ServerType = await new Promise((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    for (const path of ['/api/v1/tickets', '/trpc/tickets.create']) {
      await new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(
            `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"ser\r\n`,
          );
          setTimeout(() => socket.destroy(), 100);
        });
        socket.on('close', () => resolve());
      });
    }
    await expect
      .poll(
        () =>
          lines.filter((line) => line.fields.path !== undefined && line.fields.status !== undefined).length,
      )
      .toBe(2);
    const answered = lines.filter((line) => line.fields.status !== undefined);
    expect(answered.map((line) => [line.fields.path, line.fields.status])).toEqual([
      ['/api/v1/tickets', 499],
      ['/trpc/tickets.create', 499],
    ]);
    expect(lines.filter((line) => line.message === 'defect')).toEqual([]);
  });
});
