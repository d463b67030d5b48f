import type { SimState } from './sim-state.js';
import { renderStatus } from './ticket-status.js';
import type { StatusCode, StatusFormat, StatusLabel, StoredTicket, Technician, Zone } from './types.js';

/**
 * A ticket as WispHub's API answers it: the stored ticket's own fields as they are, its status
 * rendered, and its technician and client looked up.
 */
export interface TicketView
  extends Pick<
    StoredTicket,
    | 'id_ticket'
    | 'asunto'
    | 'asuntos_default'
    | 'descripcion'
    | 'prioridad'
    | 'departamento'
    | 'fecha_inicio'
    | 'fecha_final'
    | 'fecha_creacion'
  > {
  readonly estado: StatusCode | StatusLabel;
  readonly tecnico: Technician | null;
  readonly servicio: {
    readonly id_servicio: number;
    readonly nombre: string;
    readonly zona: Zone | null;
  };
}

/** Renders a stored ticket with its client's and technician's current names and zone. */
export function viewTicket(ticket: StoredTicket, state: SimState, format: StatusFormat): TicketView {
  const client = state.client(ticket.servicio);
  const technician = ticket.tecnico === null ? null : (state.technician(ticket.tecnico) ?? null);
  return {
    id_ticket: ticket.id_ticket,
    asunto: ticket.asunto,
    asuntos_default: ticket.asuntos_default,
    descripcion: ticket.descripcion,
    estado: renderStatus(ticket.estado, ticket.id_ticket, format),
    prioridad: ticket.prioridad,
    tecnico: technician,
    departamento: ticket.departamento,
    fecha_inicio: ticket.fecha_inicio,
    fecha_final: ticket.fecha_final,
    fecha_creacion: ticket.fecha_creacion,
    servicio: {
      id_servicio: ticket.servicio,
      nombre: client?.nombre ?? '',
      zona: client?.zona ?? null,
    },
  };
}
