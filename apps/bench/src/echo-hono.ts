// Baseline: a bare Hono app on @hono/node-server that answers a JSON POST with its body (the
// reference the targets are ratios of). Started by bench.ts with `node --import tsx` on PORT.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.post('/echo', async (c) => c.json(await c.req.json<unknown>()));
app.get('/', (c) => c.json({}));

const server = serve(
  { fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: process.env.HOST ?? '127.0.0.1' },
  (info) => console.log(`echo-hono: listening on http://127.0.0.1:${info.port}`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
