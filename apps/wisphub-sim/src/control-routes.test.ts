import { describe, expect, it } from 'vitest';
import { postTicket, startedSimulator, ticketForm } from './testing/started-simulator.js';

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('the /__sim control routes', () => {
  it('report the state without authentication', async () => {
    const started = await startedSimulator({ clients: 4, pageSize: 7 });
    await postTicket(started, ticketForm(2));
    const response = await fetch(`${started.url}/__sim/state`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      clients: 4,
      tickets: [{ id_ticket: 1, servicio: 2, origin: 'api', form: { servicio: '2' } }],
      fault: null,
      statusFormat: 'label',
      pageSize: 7,
      requests: 1,
    });
  });

  it('switch a fault on and off with PUT /__sim/fault, never faulting themselves', async () => {
    const { url, api, sim } = await startedSimulator({ clients: 2 });
    const on = await fetch(
      `${url}/__sim/fault`,
      json('PUT', { kind: 'hang', match: { path: '/api/tickets' } }),
    );
    expect(await on.json()).toEqual({ fault: { kind: 'hang', match: { path: '/api/tickets' } } });
    expect(sim.fault()).toEqual({ kind: 'hang', match: { path: '/api/tickets' } });
    await fetch(`${url}/__sim/fault`, json('PUT', { kind: 'status', status: 503 }));
    expect((await fetch(`${url}/__sim/state`)).status).toBe(200);
    expect((await api('/api/clientes/')).status).toBe(503);
    await fetch(`${url}/__sim/fault`, json('PUT', null));
    expect(sim.fault()).toBeNull();
    expect((await api('/api/clientes/')).status).toBe(200);
  });

  it('refuse a malformed fault with 400', async () => {
    const { url, sim } = await startedSimulator();
    const response = await fetch(`${url}/__sim/fault`, json('PUT', { kind: 'status', status: 404 }));
    expect(response.status).toBe(400);
    expect(sim.fault()).toBeNull();
    expect((await fetch(`${url}/__sim/fault`, { method: 'PUT', body: 'not json' })).status).toBe(400);
  });

  it('open a ticket as WispHub screens would, with the label or code of its status', async () => {
    const { url, sim } = await startedSimulator({ clients: 5 });
    const body = {
      servicio: 3,
      asunto: 'Antena',
      descripcion: 'Desalineada',
      estado: 'En Progreso',
      prioridad: 2,
    };
    const response = await fetch(`${url}/__sim/tickets`, json('POST', { ...body, tecnico: 4 }));
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      id_ticket: 1,
      estado: 'En Progreso',
      tecnico: { id: 4, nombre: 'Técnico 4' },
      servicio: { id_servicio: 3 },
    });
    expect(sim.tickets()).toMatchObject([{ estado: 2, origin: 'screen', form: null }]);
    const refused = await fetch(`${url}/__sim/tickets`, json('POST', { ...body, servicio: 99 }));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ servicio: ['Clave primaria "99" inválida - objeto no existe.'] });
  });

  it('change a ticket status and delete a ticket', async () => {
    const { url, sim, api } = await startedSimulator({ clients: 2 });
    sim.openTicket({ servicio: 1, asunto: 'A', descripcion: 'D', estado: 1, prioridad: 1 });
    const patched = await fetch(`${url}/__sim/tickets/1`, json('PATCH', { estado: 3 }));
    expect(await patched.json()).toMatchObject({ id_ticket: 1, estado: 'Resuelto' });
    expect((await fetch(`${url}/__sim/tickets/1`, json('PATCH', { estado: 9 }))).status).toBe(400);
    expect((await fetch(`${url}/__sim/tickets/2`, json('PATCH', { estado: 3 }))).status).toBe(404);
    expect((await fetch(`${url}/__sim/tickets/1`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${url}/__sim/tickets/1`, { method: 'DELETE' })).status).toBe(404);
    expect((await api('/api/tickets/1/')).status).toBe(404);
  });

  it('move a client to another zone', async () => {
    const { url, sim } = await startedSimulator({ clients: 2 });
    const response = await fetch(
      `${url}/__sim/clients/2`,
      json('PATCH', { zona: { id: 4, nombre: 'Zona 4' } }),
    );
    expect(await response.json()).toMatchObject({ id_servicio: 2, zona: { id: 4, nombre: 'Zona 4' } });
    expect(sim.clients()[1]?.zona).toEqual({ id: 4, nombre: 'Zona 4' });
    expect((await fetch(`${url}/__sim/clients/9`, json('PATCH', { zona: null }))).status).toBe(404);
    expect((await fetch(`${url}/__sim/clients/2`, json('PATCH', { id_servicio: 5 }))).status).toBe(400);
  });

  it('list and clear the request log, which leaves them out', async () => {
    const { url, api } = await startedSimulator({ clients: 2 });
    await api('/api/clientes/?page=1');
    const log = await (await fetch(`${url}/__sim/requests`)).json();
    expect(log).toMatchObject([{ method: 'GET', path: '/api/clientes/', query: { page: '1' }, status: 200 }]);
    expect((await fetch(`${url}/__sim/requests`, { method: 'DELETE' })).status).toBe(204);
    expect(await (await fetch(`${url}/__sim/requests`)).json()).toEqual([]);
  });
});
