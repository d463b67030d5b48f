import { describe, expect, it } from 'vitest';
import { postTicket, startedSimulator, ticketForm } from './testing/started-simulator.js';
import { until } from './testing/until.js';
import { createWispHubSimulator } from './wisphub-simulator.js';

/** Whether a promise is still pending after the current turn of the event loop. */
async function isPending(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  const settled = await Promise.race([
    promise.then(
      () => 'settled',
      () => 'settled',
    ),
    new Promise((r) => setImmediate(() => r(pending))),
  ]);
  return settled === pending;
}

describe('status faults', () => {
  it('answers 429 with Retry-After 1 by default and does not create the ticket', async () => {
    const started = await startedSimulator({ clients: 3 });
    started.sim.setFault({ kind: 'status', status: 429 });
    const response = await postTicket(started, ticketForm(1));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({
      detail: 'Solicitud fue regulada (throttled). Se espera que esté disponible en 1 segundo.',
    });
    expect(started.sim.tickets()).toEqual([]);
  });

  it('answers 503 with the Retry-After it was given, and none without', async () => {
    const started = await startedSimulator({ clients: 3 });
    started.sim.setFault({ kind: 'status', status: 503, retryAfterSeconds: 30 });
    const with30 = await started.api('/api/clientes/');
    expect(with30.status).toBe(503);
    expect(with30.headers.get('retry-after')).toBe('30');
    expect(await with30.json()).toEqual({ detail: 'Servicio no disponible temporalmente.' });
    started.sim.setFault({ kind: 'status', status: 502 });
    const without = await started.api('/api/clientes/');
    expect(without.status).toBe(502);
    expect(without.headers.get('retry-after')).toBeNull();
  });

  it('answers the fault before authentication', async () => {
    const { url, sim } = await startedSimulator({ clients: 3 });
    sim.setFault({ kind: 'status', status: 500 });
    expect((await fetch(`${url}/api/clientes/`)).status).toBe(500);
  });
});

describe('the slow fault', () => {
  it('creates the ticket at once and answers it only after the delay', async () => {
    const started = await startedSimulator({ clients: 3 });
    started.sim.setFault({ kind: 'slow', delayMs: 400 });
    const sentAt = Date.now();
    const answer = postTicket(started, ticketForm(1));
    await until(() => started.sim.tickets().length === 1, 2_000);
    expect(await isPending(answer)).toBe(true);
    const response = await answer;
    expect(response.status).toBe(201);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(390);
    expect(await response.json()).toMatchObject({ id_ticket: 1 });
    expect(started.sim.requests().at(-1)).toMatchObject({ method: 'POST', status: 201, fault: 'slow' });
  });
});

describe('the drop fault', () => {
  it('before processing: fetch rejects and no ticket exists', async () => {
    const started = await startedSimulator({ clients: 3 });
    started.sim.setFault({ kind: 'drop', when: 'before' });
    await expect(postTicket(started, ticketForm(1))).rejects.toThrow();
    expect(started.sim.tickets()).toEqual([]);
    expect(started.sim.requests()).toMatchObject([{ method: 'POST', status: undefined, fault: 'drop' }]);
  });

  it('drops a GET on a reused connection once, without the client retrying it', async () => {
    const started = await startedSimulator({ clients: 3 });
    expect((await started.api('/api/clientes/')).status).toBe(200);
    started.sim.setFault({ kind: 'drop', when: 'before', times: 1 });
    await expect(started.api('/api/clientes/')).rejects.toThrow();
    expect((await started.api('/api/clientes/')).status).toBe(200);
    expect(started.sim.requests().map((r) => r.status)).toEqual([200, undefined, 200]);
  });

  it('after processing: fetch rejects but the ticket exists', async () => {
    const started = await startedSimulator({ clients: 3 });
    started.sim.setFault({ kind: 'drop', when: 'after' });
    await expect(postTicket(started, ticketForm(1))).rejects.toThrow();
    expect(started.sim.tickets()).toMatchObject([{ id_ticket: 1, servicio: 1 }]);
    expect(started.sim.requests()).toMatchObject([{ method: 'POST', status: undefined, fault: 'drop' }]);
  });
});

describe('the hang fault', () => {
  it('never answers, so the client gives up, and processes nothing', async () => {
    const started = await startedSimulator({ clients: 3 });
    started.sim.setFault({ kind: 'hang' });
    const error = await postTicket(started, ticketForm(1), { signal: AbortSignal.timeout(150) }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(started.sim.tickets()).toEqual([]);
    expect(started.sim.requests()).toMatchObject([{ status: undefined, fault: 'hang' }]);
  });
});

describe('fault scope', () => {
  it('applies to the next `times` matching requests, then clears itself', async () => {
    const started = await startedSimulator({ clients: 3 });
    started.sim.setFault({ kind: 'status', status: 503, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await started.api('/api/clientes/')).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(started.sim.fault()).toBeNull();
  });

  it('counts down what is left of it', async () => {
    const started = await startedSimulator({ clients: 3 });
    started.sim.setFault({ kind: 'status', status: 500, times: 3 });
    await started.api('/api/clientes/');
    expect(started.sim.fault()).toEqual({ kind: 'status', status: 500, times: 2 });
  });

  it('applies only to requests its match selects', async () => {
    const started = await startedSimulator({ clients: 3 });
    started.sim.setFault({
      kind: 'status',
      status: 503,
      match: { method: 'post', path: '/api/tickets' },
      times: 1,
    });
    expect((await started.api('/api/tickets/')).status).toBe(200);
    expect((await started.api('/api/clientes/')).status).toBe(200);
    expect((await postTicket(started, ticketForm(1))).status).toBe(503);
    expect((await postTicket(started, ticketForm(1))).status).toBe(201);
    expect(started.sim.requests().map((r) => [r.method, r.status])).toEqual([
      ['GET', 200],
      ['GET', 200],
      ['POST', 503],
      ['POST', 201],
    ]);
  });

  it('refuses a malformed fault and keeps the one switched on', () => {
    const sim = createWispHubSimulator();
    sim.setFault({ kind: 'hang', times: 1 });
    expect(() => sim.setFault({ kind: 'slow', delayMs: -1 })).toThrow();
    expect(() => sim.setFault({ kind: 'status', status: 503, times: 0 })).toThrow();
    expect(sim.fault()).toEqual({ kind: 'hang', times: 1 });
  });
});
