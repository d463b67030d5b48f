import { describe, expect, it } from 'vitest';
import { NO_TECHNICIAN_EVERY, NO_ZONE_EVERY } from './seed.js';
import { postTicket, startedSimulator, ticketForm } from './testing/started-simulator.js';
import { createWispHubSimulator } from './wisphub-simulator.js';

describe('createWispHubSimulator', () => {
  it('listens on 127.0.0.1 and closes promptly even with a hanging request open', async () => {
    const sim = createWispHubSimulator({ clients: 1 });
    const { url } = await sim.start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    sim.setFault({ kind: 'hang' });
    const hanging = fetch(`${url}/api/clientes/`, { headers: { authorization: `Api-Key ${sim.apiKey}` } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const startedAt = Date.now();
    await sim.close();
    expect(Date.now() - startedAt).toBeLessThan(500);
    await expect(hanging).rejects.toThrow();
    expect(sim.url()).toBeUndefined();
  });

  it('closes promptly during a slow answer, and can close twice', async () => {
    const started = await startedSimulator({ clients: 1 });
    started.sim.setFault({ kind: 'slow', delayMs: 60_000 });
    const slow = started.api('/api/clientes/');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const startedAt = Date.now();
    await started.sim.close();
    await started.sim.close();
    expect(Date.now() - startedAt).toBeLessThan(500);
    await expect(slow).rejects.toThrow();
  });

  it('refuses to start twice at once and keeps its state across a restart', async () => {
    const sim = createWispHubSimulator({ clients: 2 });
    await sim.start();
    await expect(sim.start()).rejects.toThrow(/already listening/);
    sim.openTicket({ servicio: 1, asunto: 'A', descripcion: 'D', estado: 1, prioridad: 1 });
    await sim.close();
    const { url } = await sim.start();
    const response = await fetch(`${url}/api/tickets/1/`, {
      headers: { authorization: `Api-Key ${sim.apiKey}` },
    });
    expect(response.status).toBe(200);
    await sim.close();
  });

  it('seeds deterministic clients, some without zone or technician', () => {
    const clients = createWispHubSimulator({ clients: 200, zones: 3, technicians: 2 }).clients();
    expect(clients).toHaveLength(200);
    expect(clients[3]).toMatchObject({
      id_servicio: 4,
      nombre: 'Cliente 4',
      zona: { id: 1, nombre: 'Zona 1' },
    });
    expect(clients[3]?.tecnico).toEqual({ id: 2, nombre: 'Técnico 2' });
    const noZone = clients.filter((c) => c.zona === null).map((c) => c.id_servicio);
    const noTechnician = clients.filter((c) => c.tecnico === null).map((c) => c.id_servicio);
    expect(noZone).toEqual([NO_ZONE_EVERY, 2 * NO_ZONE_EVERY]);
    expect(noTechnician).toEqual([NO_TECHNICIAN_EVERY, 2 * NO_TECHNICIAN_EVERY]);
    expect(createWispHubSimulator({ clients: 200, zones: 3, technicians: 2 }).clients()).toEqual(clients);
  });

  it('accepts tickets for an added client and its technician', async () => {
    const started = await startedSimulator({ clients: 0, technicians: 0 });
    const client = started.sim.addClient({
      id_servicio: 9001,
      nombre: 'Luis Pérez',
      cedula: '123',
      telefono: '555',
      direccion: 'Centro',
      zona: { id: 30, nombre: 'Barrio Centro' },
      tecnico: { id: 77, nombre: 'Ana Gómez' },
    });
    expect(client.estado).toBe('Activo');
    expect(() => started.sim.addClient(client)).toThrow(/already exists/);
    const response = await postTicket(started, ticketForm(9001, { tecnico: '77' }));
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      tecnico: { id: 77, nombre: 'Ana Gómez' },
      servicio: { id_servicio: 9001, nombre: 'Luis Pérez', zona: { id: 30, nombre: 'Barrio Centro' } },
    });
  });

  it('opens, resolves and deletes tickets as WispHub screens would, seen over HTTP', async () => {
    const started = await startedSimulator({ clients: 3, now: () => new Date('2026-03-03T10:00:00Z') });
    const ticket = started.sim.openTicket({
      servicio: 2,
      asunto: 'A',
      descripcion: 'D',
      estado: 'Nuevo',
      prioridad: 4,
    });
    expect(ticket).toMatchObject({
      fecha_inicio: '03/03/2026 10:00',
      fecha_final: '06/03/2026 10:00',
      estado: 1,
    });
    started.sim.setTicketStatus(ticket.id_ticket, 'Cerrado');
    expect(await (await started.api('/api/tickets/1/')).json()).toMatchObject({
      estado: 'Cerrado',
      prioridad: 4,
    });
    started.sim.setStatusFormat('code');
    expect(await (await started.api('/api/tickets/1/')).json()).toMatchObject({ estado: 4 });
    expect(started.sim.deleteTicket(1)).toBe(true);
    expect(started.sim.deleteTicket(1)).toBe(false);
    expect((await started.api('/api/tickets/1/')).status).toBe(404);
  });

  it('throws when a ticket opened directly is one WispHub would refuse', () => {
    const sim = createWispHubSimulator({ clients: 1 });
    expect(() =>
      sim.openTicket({ servicio: 5, asunto: 'A', descripcion: 'D', estado: 1, prioridad: 1 }),
    ).toThrow(/servicio/);
    expect(() => sim.setTicketStatus(1, 2)).toThrow(/no ticket 1/);
    expect(() => sim.updateClient(2, { nombre: 'X' })).toThrow(/no client 2/);
  });
});
