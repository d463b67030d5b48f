import { type Context, Hono } from 'hono';
import { apiKeyAuth } from './api-key-auth.js';
import type { SimEnv } from './fault-middleware.js';
import { paginate } from './pagination.js';
import type { SimControls } from './sim-controls.js';
import { parseStatus } from './ticket-status.js';

const NOT_FOUND = { detail: 'No encontrado.' } as const;

/** The API's settings: the key it accepts and its page size. */
export interface ApiSettings {
  readonly apiKey: string;
  readonly pageSize: number;
}

function page<T>(c: Context<SimEnv>, items: readonly T[], pageSize: number): Response {
  return paginate(items, c.req.query('page'), pageSize, c.req.url).match(
    (body) => c.json(body),
    (detail) => c.json({ detail }, 404),
  );
}

const methodNotAllowed = (c: Context<SimEnv>) =>
  c.json({ detail: `Método "${c.req.method}" no permitido.` }, 405);

// Multipart fields may repeat or carry files; like Django's QueryDict.get, the last text value wins.
function textFields(body: Record<string, string | File | (string | File)[]>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    const last = (Array.isArray(value) ? value : [value]).filter((item) => typeof item === 'string').at(-1);
    if (last !== undefined) fields[name] = last;
  }
  return fields;
}

/** WispHub's `/api/` routes (mounted under `/api`), behind its Api-Key authentication. */
export function apiRoutes(sim: SimControls, settings: ApiSettings): Hono<SimEnv> {
  const app = new Hono<SimEnv>({ strict: false });
  app.use('*', apiKeyAuth(settings.apiKey));

  app.get('/clientes', (c) => page(c, sim.clients(), settings.pageSize));

  app.get('/tickets', (c) => {
    const estado = c.req.query('estado');
    const servicio = c.req.query('servicio');
    const code = estado === undefined ? undefined : parseStatus(estado);
    if (estado !== undefined && code === undefined) {
      return c.json(
        { estado: [`Escoja una opción válida. ${estado} no es una de las opciones disponibles.`] },
        400,
      );
    }
    if (servicio !== undefined && !/^\d+$/.test(servicio)) {
      return c.json({ servicio: ['Introduzca un número entero.'] }, 400);
    }
    const tickets = sim
      .tickets()
      .filter((t) => code === undefined || t.estado === code)
      .filter((t) => servicio === undefined || t.servicio === Number(servicio));
    return page(c, tickets.map(sim.viewTicket), settings.pageSize);
  });

  app.post('/tickets', async (c) => {
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (mediaType.toLowerCase() !== 'multipart/form-data') {
      return c.json({ detail: `Tipo de medio no soportado "${mediaType}" en la solicitud.` }, 415);
    }
    const body = await c.req.parseBody({ all: true }).catch(() => undefined);
    if (body === undefined) return c.json({ detail: 'Error de análisis del formulario multipart.' }, 400);
    return sim.submitTicketForm(textFields(body)).match(
      (ticket) => c.json(sim.viewTicket(ticket), 201),
      (errors) => c.json(errors, 400),
    );
  });

  app.get('/tickets/:id{[0-9]+}', (c) => {
    const ticket = sim.ticket(Number(c.req.param('id')));
    return ticket === undefined ? c.json(NOT_FOUND, 404) : c.json(sim.viewTicket(ticket));
  });

  app.all('/clientes', methodNotAllowed);
  app.all('/tickets', methodNotAllowed);
  app.all('/tickets/:id{[0-9]+}', methodNotAllowed);
  return app;
}
