import { onTestFinished } from 'vitest';
import {
  createWispHubSimulator,
  type WispHubSimulator,
  type WispHubSimulatorOptions,
} from '../wisphub-simulator.js';

export interface StartedSimulator {
  readonly sim: WispHubSimulator;
  readonly url: string;
  /** fetch against the simulator, with its API key unless the init sets Authorization. */
  api(path: string, init?: RequestInit): Promise<Response>;
}

/** A simulator listening on a free port for the current test, closed when the test finishes. */
export async function startedSimulator(options: WispHubSimulatorOptions = {}): Promise<StartedSimulator> {
  const sim = createWispHubSimulator(options);
  const { url } = await sim.start();
  onTestFinished(() => sim.close());
  return {
    sim,
    url,
    api: (path, init = {}) => {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Api-Key ${sim.apiKey}`);
      return fetch(`${url}${path}`, { ...init, headers });
    },
  };
}

/** A valid `POST /api/tickets/` form for a service, with fields replaced or removed (undefined). */
export function ticketForm(servicio: number, changes: Record<string, string | undefined> = {}): FormData {
  const fields: Record<string, string | undefined> = {
    servicio: String(servicio),
    asuntos_default: 'Sin Internet',
    asunto: 'Sin internet desde ayer',
    tecnico: '2',
    descripcion: 'El cliente no navega. Ref. tickets #41',
    estado: '1',
    prioridad: '3',
    fecha_inicio: '03/03/2026 10:00',
    fecha_final: '06/03/2026 10:00',
    departamento: 'Soporte',
    departamentos_default: 'Soporte Técnico',
    ...changes,
  };
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.set(name, value);
  return form;
}

/** POSTs a ticket form to `/api/tickets/`. */
export const postTicket = (started: StartedSimulator, form: FormData, init: RequestInit = {}) =>
  started.api('/api/tickets/', { ...init, method: 'POST', body: form });
