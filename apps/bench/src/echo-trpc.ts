// Baseline for the tRPC rows: tRPC's fetch adapter on the same Hono and @hono/node-server, with
// one procedure that validates the create input with the same zod schema and answers it back as
// an envelope. What tRPC itself costs per call, with no store and no domain behind it.
import { serve } from '@hono/node-server';
import { createTicketInputSchema } from '@tickets/domain';
import { initTRPC } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { Hono } from 'hono';

const t = initTRPC.create();
const router = t.router({
  tickets: t.router({
    create: t.procedure.input(createTicketInputSchema).mutation(({ input }) => ({
      ok: true,
      type: 'success',
      action: 'echo',
      data: input,
      message: null,
      meta: null,
    })),
  }),
});

const app = new Hono();
app.all('/trpc/*', (c) =>
  fetchRequestHandler({ endpoint: '/trpc', req: c.req.raw, router, createContext: () => ({}) }),
);
app.get('/', (c) => c.json({}));

const server = serve(
  { fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: process.env.HOST ?? '127.0.0.1' },
  (info) => console.log(`echo-trpc: listening on http://127.0.0.1:${info.port}`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
