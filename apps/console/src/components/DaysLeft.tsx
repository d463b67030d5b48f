import type { ReactNode } from 'react';
import { plural } from '../labels.js';

/**
 * Business days left until `end_date`: "Vencido" once it has passed, "Vence hoy" on the day.
 * A ticket whose work is done (a status the server calls done) has nothing left to meet.
 */
export function DaysLeft({
  days,
  overdue,
  done,
}: {
  days: number;
  overdue: boolean;
  done: boolean;
}): ReactNode {
  if (done) {
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
