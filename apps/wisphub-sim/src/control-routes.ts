import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { SimEnv } from './fault-middleware.js';
import { faultSchema } from './fault-switch.js';
import type { SimControls } from './sim-controls.js';
import type { ClientPatch, OpenTicketInput, StatusCode, StatusLabel } from './types.js';

const statusSchema: z.ZodType<StatusCode | StatusLabel> = z.union([
  z.literal([1, 2, 3, 4]),
  z.enum(['Nuevo', 'En Progreso', 'Resuelto', 'Cerrado']),
]);
const nameSchema = z.strictObject({ id: z.int().min(1), nombre: z.string() });

const clientPatchSchema: z.ZodType<ClientPatch> = z.strictObject({
  nombre: z.string().optional(),
  cedula: z.string().optional(),
  telefono: z.string().optional(),
  direccion: z.string().optional(),
  zona: nameSchema.nullable().optional(),
  tecnico: nameSchema.nullable().optional(),
  estado: z.string().optional(),
});

const openTicketSchema: z.ZodType<OpenTicketInput> = z.strictObject({
  servicio: z.int(),
  asunto: z.string(),
  descripcion: z.string(),
  estado: statusSchema,
  prioridad: z.literal([1, 2, 3, 4]),
  tecnico: z.int().nullable().optional(),
  fecha_inicio: z.string().optional(),
  fecha_final: z.string().optional(),
  asuntos_default: z.string().optional(),
  departamento: z.string().optional(),
  departamentos_default: z.string().optional(),
});

const NOT_FOUND = { detail: 'No encontrado.' } as const;

/** The request's JSON body checked against a schema, or the 400 to answer instead. */
async function jsonBody<T>(
  c: Context<SimEnv>,
  schema: z.ZodType<T>,
): Promise<{ value: T } | { answer: Response }> {
  const body: unknown = await c.req.json().catch(() => undefined);
  const parsed = schema.safeParse(body);
  return parsed.success
    ? { value: parsed.data }
    : { answer: c.json({ detail: `Invalid body: ${z.prettifyError(parsed.error)}` }, 400) };
}

const idParam = (c: Context<SimEnv>): number => Number(c.req.param('id'));

/**
 * The simulator's own routes (mounted under `/__sim`, no authentication, never faulted nor
 * logged): read the state, switch faults, and act as WispHub's screens would.
 */
export function controlRoutes(sim: SimControls, settings: { readonly pageSize: number }): Hono<SimEnv> {
  const app = new Hono<SimEnv>({ strict: false });

  app.get('/state', (c) =>
    c.json({
      clients: sim.clients().length,
      tickets: sim.tickets(),
      fault: sim.fault(),
      statusFormat: sim.statusFormat(),
      pageSize: settings.pageSize,
      requests: sim.requests().length,
    }),
  );

  app.get('/requests', (c) => c.json(sim.requests()));
  app.delete('/requests', (c) => {
    sim.clearRequests();
    return c.body(null, 204);
  });

  app.put('/fault', async (c) => {
    const body = await jsonBody(c, faultSchema.nullable());
    if ('answer' in body) return body.answer;
    sim.setFault(body.value);
    return c.json({ fault: sim.fault() });
  });

  app.post('/tickets', async (c) => {
    const body = await jsonBody(c, openTicketSchema);
    if ('answer' in body) return body.answer;
    return sim.tryOpenTicket(body.value).match(
      (ticket) => c.json(sim.viewTicket(ticket), 201),
      (errors) => c.json(errors, 400),
    );
  });

  app.patch('/tickets/:id{[0-9]+}', async (c) => {
    const body = await jsonBody(c, z.strictObject({ estado: statusSchema }));
    if ('answer' in body) return body.answer;
    if (sim.ticket(idParam(c)) === undefined) return c.json(NOT_FOUND, 404);
    return c.json(sim.viewTicket(sim.setTicketStatus(idParam(c), body.value.estado)));
  });

  app.delete('/tickets/:id{[0-9]+}', (c) =>
    sim.deleteTicket(idParam(c)) ? c.body(null, 204) : c.json(NOT_FOUND, 404),
  );

  app.patch('/clients/:id{[0-9]+}', async (c) => {
    const body = await jsonBody(c, clientPatchSchema);
    if ('answer' in body) return body.answer;
    if (sim.client(idParam(c)) === undefined) return c.json(NOT_FOUND, 404);
    return c.json(sim.updateClient(idParam(c), body.value));
  });

  return app;
}
