import type { ReactNode } from 'react';
import type { TicketStatus, TicketView } from '../api.js';
import { localTime, priorityLabels, statusLabels } from '../labels.js';

export const PriorityBadge = ({ priority }: { priority: TicketView['priority'] }): ReactNode => (
  <span className={`badge priority-${priority}`}>{priorityLabels[priority]}</span>
);

export const StatusBadge = ({ status }: { status: TicketStatus }): ReactNode => (
  <span className={`badge status-${status}`}>{statusLabels[status]}</span>
);

/**
 * A time from the API, already in the business time zone: "jue 26 feb 2026, 10:00", or in a
 * table, the date over the weekday and time.
 */
export function LocalTime({ value, stacked = false }: { value: string; stacked?: boolean }): ReactNode {
  const time = localTime(value);
  if (!stacked) {
    return (
      <time dateTime={time.machine} className="local-time">
        {time.weekday} {time.date}, {time.time}
      </time>
    );
  }
  return (
    <time dateTime={time.machine} className="local-time stacked">
      <span>{time.date}</span>{' '}
      <span className="time-of-day">
        {time.weekday} {time.time}
      </span>
    </time>
  );
}

/**
 * Where a ticket stands with WispHub: its number there, on its way, or refused (with a retry
 * button); nothing when the connector is off.
 */
export function WispHubBadge({ ticket, onRetry }: { ticket: TicketView; onRetry: () => void }): ReactNode {
  if (ticket.source === 'wisphub') {
    return <span className="badge wisphub">Abierto en WispHub #{ticket.wisphub_ticket_id}</span>;
  }
  switch (ticket.wisphub_sync) {
    case 'delivered':
      return <span className="badge wisphub">WispHub #{ticket.wisphub_ticket_id}</span>;
    case 'pending':
      return <span className="badge wisphub-pending">Enviando a WispHub…</span>;
    case 'failed':
      return (
        <span className="wisphub-failed">
          <span className="badge wisphub-failed">WispHub lo rechazó</span>{' '}
          <button
            type="button"
            className="link"
            aria-label={`Reintentar el envío del ticket ${ticket.ticket_id} a WispHub`}
            onClick={onRetry}
          >
            Reintentar envío
          </button>
        </span>
      );
    default:
      return null;
  }
}
