import type { ReactNode } from 'react';
import { useTicketCounts } from '../detail-queries.js';
import { type DueFilter, type ListView, type Route, routeHash } from '../route.js';
import { dueLabels, showList } from './ListControls.js';

/** Brings the list into view after a counter or a tile changed it. */
export function scrollToList(): void {
  document.getElementById('tickets-title')?.scrollIntoView?.({ block: 'start' });
}

/**
 * The console's pages (the desk, the technicians' workload) and the counters of overdue and
 * due-today tickets for the list's filters: each filters the list, and again shows them all.
 */
export function DeskNav({ route, view }: { readonly route: Route; readonly view: ListView }): ReactNode {
  const counts = useTicketCounts(view);
  const counter = (due: DueFilter, value: number | undefined) => {
    const pressed = route.page === 'desk' && view.due === due;
    return (
      <button
        type="button"
        className={`counter counter-${due}`}
        aria-pressed={pressed}
        onClick={() => {
          showList({ ...view, due: pressed ? undefined : due });
          scrollToList();
        }}
      >
        <span className="counter-label">{dueLabels[due]}</span>{' '}
        <span className="counter-value">{value ?? '…'}</span>
      </button>
    );
  };
  return (
    <nav className="desk-nav" aria-label="Secciones">
      <ul className="pages">
        <li>
          <a
            href={routeHash({ page: 'desk', list: view })}
            aria-current={route.page === 'desk' ? 'page' : undefined}
          >
            Tickets
          </a>
        </li>
        <li>
          <a
            href={routeHash({ page: 'technicians' })}
            aria-current={route.page === 'technicians' ? 'page' : undefined}
          >
            Técnicos
          </a>
        </li>
      </ul>
      <fieldset className="counters">
        <legend className="sr-only">Urgentes</legend>
        {counter('overdue', counts.data?.overdue)}
        {counter('today', counts.data?.due_today)}
      </fieldset>
    </nav>
  );
}
