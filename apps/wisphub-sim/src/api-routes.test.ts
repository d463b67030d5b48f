import { describe, expect, it } from 'vitest';
import { postTicket, startedSimulator, ticketForm } from './testing/started-simulator.js';
import type { Client } from './types.js';

interface PageBody<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

describe('authentication', () => {
  it('answers 401 with DRF detail when the Authorization header is missing', async () => {
    const { url } = await startedSimulator({ clients: 3 });
    const response = await fetch(`${url}/api/clientes/`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: 'Las credenciales de autenticación no se proveyeron.' });
  });

  it('answers 401 for another scheme and 403 for a wrong key', async () => {
    const started = await startedSimulator({ clients: 3 });
    const bearer = await started.api('/api/clientes/', {
      headers: { authorization: `Bearer ${started.sim.apiKey}` },
    });
    expect(bearer.status).toBe(401);
    const wrong = await started.api('/api/tickets/', { headers: { authorization: 'Api-Key not-the-key' } });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ detail: 'Clave API inválida.' });
  });

  it('accepts the configured key', async () => {
    const started = await startedSimulator({ clients: 3, apiKey: 'k-123' });
    const response = await started.api('/api/clientes/', { headers: { authorization: 'Api-Key k-123' } });
    expect(response.status).toBe(200);
  });
});

describe('GET /api/clientes/', () => {
  it('collects every client by following absolute next links to the end', async () => {
    const { url, api } = await startedSimulator({ clients: 120, pageSize: 50 });
    const seen: Client[] = [];
    const nexts: (string | null)[] = [];
    let next: string | null = `${url}/api/clientes/`;
    while (next !== null) {
      const response = await api(next.slice(url.length));
      const body = (await response.json()) as PageBody<Client>;
      expect(body.count).toBe(120);
      seen.push(...body.results);
      nexts.push(body.next);
      next = body.next;
    }
    expect(seen.map((c) => c.id_servicio)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(nexts).toEqual([`${url}/api/clientes/?page=2`, `${url}/api/clientes/?page=3`, null]);
  });

  it('links back to the first page without a page parameter and keeps other parameters', async () => {
    const { url, api } = await startedSimulator({ clients: 120, pageSize: 50 });
    const body = (await (await api('/api/clientes/?page=2&foo=bar')).json()) as PageBody<Client>;
    expect(body.previous).toBe(`${url}/api/clientes/?foo=bar`);
    expect(body.next).toBe(`${url}/api/clientes/?foo=bar&page=3`);
    expect(body.results[0]?.id_servicio).toBe(51);
  });

  it('renders clients with their zone, technician and status, some with neither', async () => {
    const { api } = await startedSimulator({ clients: 100, zones: 12, technicians: 8, pageSize: 100 });
    const { results } = (await (await api('/api/clientes')).json()) as PageBody<Client>;
    expect(results[16]).toEqual({
      id_servicio: 17,
      nombre: 'Cliente 17',
      cedula: '1000000017',
      telefono: '3000000017',
      direccion: 'Calle 18 # 18-27',
      zona: { id: 5, nombre: 'Zona 5' },
      tecnico: { id: 1, nombre: 'Técnico 1' },
      estado: 'Activo',
    });
    expect(results[96]?.zona).toBeNull();
    expect(results[88]?.tecnico).toBeNull();
  });

  it('answers 404 Página inválida for a page out of range or not a number', async () => {
    const { api } = await startedSimulator({ clients: 120, pageSize: 50 });
    for (const page of ['0', '4', 'abc', '2.0']) {
      const response = await api(`/api/clientes/?page=${page}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ detail: 'Página inválida.' });
    }
    const last = (await (await api('/api/clientes/?page=last')).json()) as PageBody<Client>;
    expect(last.results.map((c) => c.id_servicio)).toEqual(Array.from({ length: 20 }, (_, i) => i + 101));
  });

  it('has an empty first page when there are no clients', async () => {
    const { api } = await startedSimulator({ clients: 0 });
    expect(await (await api('/api/clientes/')).json()).toEqual({
      count: 0,
      next: null,
      previous: null,
      results: [],
    });
  });
});

describe('POST /api/tickets/', () => {
  it('creates a ticket from a multipart form and answers 201 with every field', async () => {
    const started = await startedSimulator({ clients: 10, now: () => new Date('2026-03-03T15:00:00.000Z') });
    const response = await postTicket(started, ticketForm(7));
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({
      id_ticket: 1,
      asunto: 'Sin internet desde ayer',
      asuntos_default: 'Sin Internet',
      descripcion: 'El cliente no navega. Ref. tickets #41',
      estado: 'Nuevo',
      prioridad: 3,
      tecnico: { id: 2, nombre: 'Técnico 2' },
      departamento: 'Soporte',
      fecha_inicio: '03/03/2026 10:00',
      fecha_final: '06/03/2026 10:00',
      fecha_creacion: '2026-03-03T15:00:00.000Z',
      servicio: { id_servicio: 7, nombre: 'Cliente 7', zona: { id: 7, nombre: 'Zona 7' } },
    });
    const [stored] = started.sim.tickets();
    expect(stored).toMatchObject({ id_ticket: 1, servicio: 7, tecnico: 2, estado: 1, origin: 'api' });
    expect(stored?.form).toEqual(Object.fromEntries(ticketForm(7)));
  });

  it('numbers tickets from firstTicketId on', async () => {
    const started = await startedSimulator({ clients: 3, firstTicketId: 500 });
    const first = (await (await postTicket(started, ticketForm(1))).json()) as { id_ticket: number };
    const second = (await (await postTicket(started, ticketForm(2))).json()) as { id_ticket: number };
    expect([first.id_ticket, second.id_ticket]).toEqual([500, 501]);
  });

  it('accepts a ticket without a technician and answers tecnico null', async () => {
    const started = await startedSimulator({ clients: 3 });
    const response = await postTicket(started, ticketForm(1, { tecnico: undefined }));
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ tecnico: null });
  });

  it('answers 415 to a JSON body and creates nothing', async () => {
    const started = await startedSimulator({ clients: 3 });
    const response = await started.api('/api/tickets/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(Object.fromEntries(ticketForm(1))),
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({
      detail: 'Tipo de medio no soportado "application/json" en la solicitud.',
    });
    expect(started.sim.tickets()).toEqual([]);
  });

  it('answers 400 with DRF field errors in Spanish and creates nothing', async () => {
    const started = await startedSimulator({ clients: 3, technicians: 2 });
    const response = await postTicket(
      started,
      ticketForm(999, {
        asunto: undefined,
        tecnico: '9',
        descripcion: '  ',
        estado: '7',
        prioridad: 'alta',
        fecha_inicio: '2026-03-03 10:00',
        fecha_final: '31/02/2026 10:00',
      }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      servicio: ['Clave primaria "999" inválida - objeto no existe.'],
      asunto: ['Este campo es requerido.'],
      tecnico: ['Clave primaria "9" inválida - objeto no existe.'],
      descripcion: ['Este campo no puede estar en blanco.'],
      estado: ['"7" no es una elección válida.'],
      prioridad: ['"alta" no es una elección válida.'],
      fecha_inicio: ['Formato de fecha inválido. Use DD/MM/YYYY HH:MM.'],
      fecha_final: ['Formato de fecha inválido. Use DD/MM/YYYY HH:MM.'],
    });
    expect(started.sim.tickets()).toEqual([]);
  });

  it('answers a field error for a missing or malformed service', async () => {
    const started = await startedSimulator({ clients: 3 });
    const missing = await postTicket(started, ticketForm(1, { servicio: undefined }));
    expect(await missing.json()).toEqual({ servicio: ['Este campo es requerido.'] });
    const word = await postTicket(started, ticketForm(1, { servicio: 'abc' }));
    expect(await word.json()).toEqual({
      servicio: ['Tipo incorrecto. Se esperaba valor de clave primaria y se recibió str.'],
    });
  });
});

describe('GET /api/tickets/', () => {
  async function withTickets() {
    const started = await startedSimulator({ clients: 5, pageSize: 2 });
    const statuses = [1, 2, 1, 3, 1, 1] as const;
    statuses.forEach((estado, index) => {
      started.sim.openTicket({
        servicio: (index % 2) + 1,
        asunto: 'A',
        descripcion: 'D',
        estado,
        prioridad: 2,
      });
    });
    return started;
  }

  const ids = (body: PageBody<{ id_ticket: number }>) => body.results.map((t) => t.id_ticket);

  it('lists tickets by id and filters by status code, across pages', async () => {
    const { url, api } = await withTickets();
    const first = (await (await api('/api/tickets/?estado=1')).json()) as PageBody<{ id_ticket: number }>;
    expect(first.count).toBe(4);
    expect(ids(first)).toEqual([1, 3]);
    expect(first.next).toBe(`${url}/api/tickets/?estado=1&page=2`);
    const second = (await (await api('/api/tickets/?estado=1&page=2')).json()) as PageBody<{
      id_ticket: number;
    }>;
    expect(ids(second)).toEqual([5, 6]);
    expect(second.next).toBeNull();
  });

  it('filters by status label and by service', async () => {
    const { api } = await withTickets();
    const resolved = (await (await api('/api/tickets?estado=Resuelto')).json()) as PageBody<{
      id_ticket: number;
    }>;
    expect(ids(resolved)).toEqual([4]);
    const path = '/api/tickets/?servicio=1&estado=1';
    const ofService = (await (await api(path)).json()) as PageBody<{ id_ticket: number }>;
    expect(ofService.count).toBe(3);
    expect(ids(ofService)).toEqual([1, 3]);
  });

  it('refuses a status or service filter that is not one', async () => {
    const { api } = await withTickets();
    expect((await api('/api/tickets/?estado=9')).status).toBe(400);
    const service = await api('/api/tickets/?servicio=uno');
    expect(service.status).toBe(400);
    expect(await service.json()).toEqual({ servicio: ['Introduzca un número entero.'] });
  });

  it('answers one ticket by id with or without the trailing slash, and 404 for none', async () => {
    const { api } = await withTickets();
    expect(await (await api('/api/tickets/4/')).json()).toMatchObject({ id_ticket: 4, estado: 'Resuelto' });
    expect(await (await api('/api/tickets/4')).json()).toMatchObject({ id_ticket: 4 });
    for (const path of ['/api/tickets/77/', '/api/tickets/x/', '/api/nothing/']) {
      const response = await api(path);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ detail: 'No encontrado.' });
    }
  });

  it("shows the client's current zone under servicio", async () => {
    const { sim, api } = await withTickets();
    sim.updateClient(1, { zona: { id: 4, nombre: 'Zona 4' } });
    expect(await (await api('/api/tickets/1/')).json()).toMatchObject({
      servicio: { id_servicio: 1, nombre: 'Cliente 1', zona: { id: 4, nombre: 'Zona 4' } },
    });
  });

  it('answers 405 for a method the route does not have', async () => {
    const { api } = await withTickets();
    const response = await api('/api/tickets/1/', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({ detail: 'Método "DELETE" no permitido.' });
  });
});

describe('the status format', () => {
  async function statusesUnder(statusFormat: 'code' | 'label' | 'mixed') {
    const { sim, api } = await startedSimulator({ clients: 2, statusFormat });
    for (const estado of [1, 2, 3, 4] as const) {
      sim.openTicket({ servicio: 1, asunto: 'A', descripcion: 'D', estado, prioridad: 1 });
    }
    const body = (await (await api('/api/tickets/')).json()) as PageBody<{ estado: unknown }>;
    return body.results.map((t) => t.estado);
  }

  it('renders labels by default', async () => {
    expect(await statusesUnder('label')).toEqual(['Nuevo', 'En Progreso', 'Resuelto', 'Cerrado']);
  });

  it('renders codes under code', async () => {
    expect(await statusesUnder('code')).toEqual([1, 2, 3, 4]);
  });

  it('renders labels for even ids and codes for odd ids under mixed', async () => {
    expect(await statusesUnder('mixed')).toEqual([1, 'En Progreso', 3, 'Cerrado']);
  });
});
