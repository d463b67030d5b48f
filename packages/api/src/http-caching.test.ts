import { gunzipSync } from 'node:zlib';
import { createdTicket } from '@tickets/testing';
import { describe, expect, it } from 'vitest';
import { COMPRESS_MIN_BYTES } from './http-app.js';
import { apiFixture, bogota, seedDirectory, ticketIn } from './testing/api-fixture.js';

/** The console's poll: the board and the first page of tickets, as one batched tRPC GET. */
const POLL =
  '/trpc/zones.capacities,tickets.list?batch=1&input=' +
  encodeURIComponent(JSON.stringify({ 0: { limit: 500 }, 1: { limit: 25 } }));

async function seeded() {
  const fixture = apiFixture();
  await seedDirectory(fixture.desk);
  return fixture;
}

describe('conditional and compressed answers', () => {
  it('answers an unchanged read 304 without a body, and a changed one 200 with a new ETag', async () => {
    const { app, desk } = await seeded();
    const first = await app.request(POLL);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const tag = first.headers.get('etag');
    expect(tag).toMatch(/^"[0-9a-f]+"$/);

    const again = await app.request(POLL, { headers: { 'If-None-Match': tag ?? '' } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(tag);
    expect(again.headers.get('cache-control')).toBe('no-cache');
    expect(again.headers.get('x-request-id')).not.toBeNull();

    (await desk.createTicket(ticketIn(1)))._unsafeUnwrap();
    const changed = await app.request(POLL, { headers: { 'If-None-Match': tag ?? '' } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(tag);
    const body = (await changed.json()) as { result: { data: { data: { tickets: unknown[] } } } }[];
    expect(body[1]?.result.data.data.tickets).toHaveLength(1);
  });

  it('revalidates REST reads the same way, and never answers a write 304', async () => {
    const { app } = await seeded();
    const first = await app.request('/api/v1/zones/capacity');
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const tag = first.headers.get('etag') ?? '';
    expect((await app.request('/api/v1/zones/capacity', { headers: { 'If-None-Match': tag } })).status).toBe(
      304,
    );
    const create = await app.request('/api/v1/tickets', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'If-None-Match': '*' },
      body: JSON.stringify(ticketIn(1)),
    });
    expect(create.status).toBe(201);
  });

  it("keeps a ticket's version as its ETag and never answers 304 by it, since the answer changes with the day", async () => {
    const { app, desk, setNow } = await seeded();
    const { ticket_id } = createdTicket(await desk.createTicket(ticketIn(1)));
    const first = await app.request(`/api/v1/tickets/${ticket_id}`);
    const tag = first.headers.get('etag') ?? '';
    expect(tag).toBe('"1"');
    const daysLeft = ((await first.json()) as { data: { business_days_left: number } }).data
      .business_days_left;
    setNow(bogota(2026, 2, 27));
    const later = await app.request(`/api/v1/tickets/${ticket_id}`, { headers: { 'If-None-Match': tag } });
    expect(later.status).toBe(200);
    expect(later.headers.get('etag')).toBe('"1"');
    const body = (await later.json()) as { data: { business_days_left: number } };
    expect(body.data.business_days_left).toBeLessThan(daysLeft);
  });

  it('compresses a long read for a client that accepts gzip, and leaves short answers and writes alone', async () => {
    const { app, desk } = await seeded();
    for (let i = 0; i < 3; i += 1) (await desk.createTicket(ticketIn(1)))._unsafeUnwrap();
    const gzip = { 'Accept-Encoding': 'gzip, deflate, br' };

    const plain = await app.request('/api/v1/tickets?limit=50');
    const text = await plain.text();
    expect(text.length).toBeGreaterThan(COMPRESS_MIN_BYTES);
    const long = await app.request('/api/v1/tickets?limit=50', { headers: gzip });
    expect(long.headers.get('content-encoding')).toBe('gzip');
    expect(long.headers.get('vary')).toContain('Accept-Encoding');
    const zipped = Buffer.from(await long.arrayBuffer());
    expect(zipped.length).toBeLessThan(text.length / 2);
    expect(gunzipSync(zipped).toString('utf8')).toBe(text);
    // Compressed, its ETag is weak, and still matches for the next poll.
    const weak = long.headers.get('etag') ?? '';
    expect(weak).toMatch(/^W\/"/);
    const revalidated = await app.request('/api/v1/tickets?limit=50', {
      headers: { ...gzip, 'If-None-Match': weak },
    });
    expect(revalidated.status).toBe(304);

    const short = await app.request('/api/v1/zones/2/capacity', { headers: gzip });
    expect(short.headers.get('content-encoding')).toBeNull();
    expect(Number(short.headers.get('content-length'))).toBeLessThan(COMPRESS_MIN_BYTES);

    const write = await app.request('/api/v1/tickets', {
      method: 'POST',
      headers: { ...gzip, 'content-type': 'application/json' },
      body: JSON.stringify({ ...ticketIn(3), description: 'x'.repeat(4_000) }),
    });
    expect(write.status).toBe(201);
    expect(write.headers.get('content-encoding')).toBeNull();
  });
});
