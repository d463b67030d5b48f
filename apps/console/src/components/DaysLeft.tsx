import type { ReactNode } from 'react';
import type { TicketStatus } from '../api.js';
import { plural } from '../labels.js';

/**
 * Business days left until `end_date`: "Vencido" once it has passed, "Vence hoy" on the day.
 * A resolved or closed ticket has nothing left to meet.
 */
export function DaysLeft({
  days,
  overdue,
  status,
}: {
  days: number;
  overdue: boolean;
  status: TicketStatus;
}): ReactNode {
  if (status === 3 || status === 4) {
    return (
      <span className="days done" title="El ticket ya no está abierto">
        —
      </span>
    );
  }
  if (overdue) {
    return (
      <span className="days overdue">
        <strong>Vencido</strong>
        {days < 0 && <span className="days-detail">hace {plural(-days, 'día hábil', 'días hábiles')}</span>}
      </span>
    );
  }
  if (days === 0) return <span className="days soon">Vence hoy</span>;
  return (
    <span className={days === 1 ? 'days soon' : 'days'}>{plural(days, 'día hábil', 'días hábiles')}</span>
  );
}
