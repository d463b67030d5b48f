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
