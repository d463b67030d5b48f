import type { TicketEvent } from './detail-queries.js';
import { priorityLabels, statusLabels } from './labels.js';

/** Who made a change, as the history shows it: the API key's name, WispHub, or nobody known. */
export function actorText(actor: string | null): string {
  if (actor === null) return 'sin clave de API';
  return actor === 'wisphub' ? 'WispHub' : actor;
}

const quoted = (text: string) => `“${text}”`;

/** What an event of a ticket's history did, in a sentence; `technician` names a technician by id. */
export function eventText(event: TicketEvent, technician: (id: number | null) => string): string {
  const { before, after } = event;
  switch (event.kind) {
    case 'created':
      return after.queue_id === undefined
        ? `Creó el ticket${after.priority === undefined ? '' : ` (prioridad ${priorityLabels[after.priority].toLowerCase()})`}.`
        : `Creó el ticket al liberarse un cupo: la solicitud #${after.queue_id} esperaba en la fila desde ${after.queued_at ?? '?'}.`;
    case 'status_changed': {
      const from = before?.status === undefined ? '' : ` de ${statusLabels[before.status].toLowerCase()}`;
      const to = after.status === undefined ? '' : ` a ${statusLabels[after.status].toLowerCase()}`;
      const answer =
        after.answer_text === undefined
          ? ''
          : after.answer_text === null
            ? ' y quitó la respuesta'
            : `, con la respuesta ${quoted(after.answer_text)}`;
      return `Cambió el estado${from}${to}${answer}.`;
    }
    case 'answered':
      return after.answer_text === null || after.answer_text === undefined
        ? 'Quitó la respuesta al cliente.'
        : `Respondió al cliente: ${quoted(after.answer_text)}.`;
    case 'technician_changed':
      return `Reasignó el ticket de ${technician(before?.technician_id ?? null)} a ${technician(after.technician_id ?? null)}.`;
    case 'delivered':
      return after.wisphub_ticket_id === undefined || after.wisphub_ticket_id === null
        ? 'WispHub recibió el ticket.'
        : `WispHub recibió el ticket (n.º ${after.wisphub_ticket_id} allá).`;
    case 'delivery_failed':
      return `WispHub rechazó el ticket${event.note === null ? '' : `: ${quoted(event.note)}`}.`;
    case 'delivery_retried':
      return 'Pidió enviar el ticket a WispHub otra vez.';
    case 'affected_added':
      return `Agregó el servicio ${after.affected_service_id ?? '?'} como afectado por la misma falla${event.note === null ? '' : `: ${quoted(event.note)}`}.`;
    case 'affected_resolved':
      return `Dio por resuelto al afectado del servicio ${after.affected_service_id ?? '?'}.`;
  }
}
