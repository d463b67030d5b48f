import type { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { App, createQueryClient } from '../App.js';
import { createApi } from '../api.js';
import type { Session } from '../session.js';
import { createSession } from '../session.js';
import { envelope, fakeTrpc, type Handler, type RecordedCall } from './fake-trpc.js';

export const zones = [
  { zone_id: 1, name: 'Centro', active_tickets: 3, max_tickets: 3, is_blocked: true },
  { zone_id: 2, name: 'Norte', active_tickets: 1, max_tickets: 3, is_blocked: false },
];

export const ticket = {
  ticket_id: 7,
  service_id: 101,
  zone_id: 2,
  technician_id: 5,
  subject: 'Internet Lento',
  description: 'Velocidad muy baja',
  priority: '2',
  status: 1,
  status_ticket: 'Abierto',
  created_at: '2026-02-26 10:00',
  end_date: '2026-03-03 10:00',
  updated_at: '2026-02-26 10:00',
  answer_text: null,
  business_days_left: 2,
  is_overdue: false,
};

/** A server with two zones (Centro full), two services, two technicians (one inactive) and one ticket. */
export const defaultHandlers: Record<string, Handler> = {
  'zones.capacities': () => ({ data: envelope('zone_capacities_listed', { zones, next_cursor: null }) }),
  'zones.capacity': (input) => {
    const zone = zones.find((z) => z.zone_id === (input as { zone_id: number }).zone_id);
    if (zone === undefined) return { error: 'NOT_FOUND' };
    const { name: _name, ...capacity } = zone;
    return { data: envelope('zone_capacity', capacity) };
  },
  'services.list': () => ({
    data: envelope('services_listed', {
      services: [
        { service_id: 100, zone_id: 1, customer_name: 'Luis Pérez' },
        { service_id: 101, zone_id: 2, customer_name: 'María José Rodríguez' },
      ],
      next_cursor: null,
    }),
  }),
  'technicians.list': () => ({
    data: envelope('technicians_listed', {
      technicians: [
        { technician_id: 5, name: 'Ana Gómez', active: true },
        { technician_id: 6, name: 'Pedro Ruiz', active: false },
      ],
      next_cursor: null,
    }),
  }),
  'tickets.subjects': () => ({
    data: envelope('ticket_subjects_listed', {
      all: ['Falla Masiva', 'Internet Lento', 'Cambio de Contraseña'],
      by_priority: {
        low: ['Cambio de Contraseña'],
        normal: ['Internet Lento'],
        high: ['Falla Masiva'],
        very_high: [],
      },
    }),
  }),
  'tickets.list': () => ({ data: envelope('tickets_listed', { tickets: [ticket], next_cursor: null }) }),
};

/** The whole console, its tRPC client talking to a fake /trpc. */
export function renderConsole(handlers: Record<string, Handler> = {}): {
  calls: RecordedCall[];
  session: Session;
  queryClient: QueryClient;
} {
  const backend = fakeTrpc({ ...defaultHandlers, ...handlers });
  const session = createSession(globalThis.sessionStorage);
  const api = createApi({ apiKey: () => session.getState().key, fetch: backend.fetch });
  const queryClient = createQueryClient(session);
  render(<App api={api} session={session} queryClient={queryClient} />);
  return { calls: backend.calls, session, queryClient };
}
