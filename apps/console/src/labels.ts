import type { TicketStatus, TicketView } from './api.js';

export const priorityLabels: Record<TicketView['priority'], string> = {
  '1': 'Baja',
  '2': 'Normal',
  '3': 'Alta',
  '4': 'Muy alta',
};

export const statusLabels: Record<TicketStatus, string> = {
  1: 'Abierto',
  2: 'En progreso',
  3: 'Resuelto',
  4: 'Cerrado',
};

export const statuses: readonly TicketStatus[] = [1, 2, 3, 4];

/** The subject catalogue's groups, most urgent first. */
export const priorityGroups = [
  { key: 'very_high', label: 'Muy alta' },
  { key: 'high', label: 'Alta' },
  { key: 'normal', label: 'Normal' },
  { key: 'low', label: 'Baja' },
] as const;

export const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

const WEEKDAYS = ['dom', 'lun', 'mar', 'mié', 'jue', 'vie', 'sáb'];
const MONTHS = ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'];

export interface LocalTime {
  /** e.g. "jue" */
  readonly weekday: string;
  /** e.g. "26 feb 2026" */
  readonly date: string;
  /** e.g. "10:00" */
  readonly time: string;
  /** For `<time dateTime>`: "2026-02-26T10:00". */
  readonly machine: string;
}

/**
 * A time as the API gives it, "YYYY-MM-DD HH:mm", already in the business time zone: only
 * re-written in Spanish, never converted to the browser's zone.
 */
export function localTime(value: string): LocalTime {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2})$/.exec(value);
  if (match === null) return { weekday: '', date: value, time: '', machine: value };
  const [, y, m, d, hm] = match as unknown as [string, string, string, string, string];
  const weekday = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d))).getUTCDay();
  return {
    weekday: WEEKDAYS[weekday] ?? '',
    date: `${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`,
    time: hm,
    machine: `${y}-${m}-${d}T${hm}`,
  };
}

/** The refusal of a full zone, with the zone's limit, as the reference document asks. */
export function zoneFullMessage(zoneName: string | undefined, zoneId: number, maxTickets: number): string {
  const zone = zoneName === undefined ? `La zona ${zoneId}` : `La zona ${zoneName}`;
  return `${zone} alcanzó su máximo de ${plural(maxTickets, 'ticket activo', 'tickets activos')}. Espere a que se resuelva uno antes de abrir otro.`;
}

/** What a dispatcher is told when another changed the ticket first: how it is now; their text stays. */
export function ticketChangedMessage(ticket: {
  readonly ticket_id: number;
  readonly status: TicketStatus;
  readonly answer_text: string | null;
}): string {
  const answer = ticket.answer_text === null ? 'sin respuesta' : `con la respuesta “${ticket.answer_text}”`;
  return `Otra persona cambió el ticket #${ticket.ticket_id} mientras usted lo atendía: ahora está ${statusLabels[ticket.status].toLowerCase()}, ${answer}. No se guardó nada; su texto sigue aquí para revisarlo y guardarlo de nuevo.`;
}

/** How many customers a ticket has recorded as affected by its fault: "3 afectados". */
export const affectedText = (count: number): string => plural(count, 'afectado', 'afectados');

/** How many requests wait in a zone's line: "2 en espera". */
export const waitingText = (count: number): string => `${count} en espera`;

/** A customer recorded on a ticket (or found there already), with the ticket's count now. */
export function affectedAddedMessage(ticketId: number, affectedCount: number, replayed: boolean): string {
  const now = affectedCount === 1 ? 'ahora es 1 afectado' : `ahora son ${affectedCount} afectados`;
  return replayed
    ? `El cliente ya estaba agregado al ticket #${ticketId}: son ${affectedText(affectedCount)}.`
    : `Cliente agregado al ticket #${ticketId}: ${now}.`;
}

/** Where a request that waits for a slot stands, or what became of it. */
export function queuedMessage(
  queued: {
    readonly queue_id: number;
    readonly state: 'waiting' | 'admitted' | 'withdrawn';
    readonly position: number | null;
    readonly ticket_id: number | null;
  },
  zoneName: string,
): { readonly title: string; readonly detail: string } {
  switch (queued.state) {
    case 'waiting':
      return {
        title: `En espera: posición ${queued.position ?? '?'} en la fila de la zona ${zoneName}`,
        detail: `Solicitud #${queued.queue_id}. El ticket se crea solo cuando se libere un cupo.`,
      };
    case 'admitted':
      return {
        title: `Solicitud #${queued.queue_id} admitida: ticket #${queued.ticket_id ?? '?'} creado`,
        detail: `Se liberó un cupo en la zona ${zoneName}.`,
      };
    case 'withdrawn':
      return {
        title: `Solicitud #${queued.queue_id} retirada de la fila`,
        detail: `No se creará el ticket en la zona ${zoneName}.`,
      };
  }
}
