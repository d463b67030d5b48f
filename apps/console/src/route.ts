import { useSyncExternalStore } from 'react';
import type { TicketStatus } from './api.js';

/** How the list is ordered: the API's sorts (`urgent` first by default). */
export type TicketSort = 'urgent' | 'due' | 'priority' | 'newest';
export type DueFilter = 'overdue' | 'today';

/** The list's filters and order, as the address keeps them (so back, reload and a shared link keep them). */
export interface ListView {
  readonly zone_id?: number;
  readonly status?: TicketStatus;
  readonly technician_id?: number;
  readonly due?: DueFilter;
  readonly q?: string;
  readonly sort: TicketSort;
}

/** What the console shows: the desk (board, form, list), a ticket's page, or the technicians' workload. */
export type Route =
  | { readonly page: 'desk'; readonly list: ListView }
  | { readonly page: 'ticket'; readonly ticketId: number }
  | { readonly page: 'technicians' };

const sorts: readonly TicketSort[] = ['urgent', 'due', 'priority', 'newest'];
const positive = (text: string | null): number | undefined =>
  text !== null && /^[1-9]\d{0,9}$/.test(text) ? Number(text) : undefined;

/** The route an address hash names: `#/ticket/12`, `#/tecnicos`, or the desk with `#/?zona=1&orden=due…`. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const ticket = /^\/ticket\/([1-9]\d{0,9})$/.exec(path);
  if (ticket !== null) return { page: 'ticket', ticketId: Number(ticket[1]) };
  if (path === '/tecnicos') return { page: 'technicians' };
  const params = new URLSearchParams(path.split('?')[1] ?? '');
  const status = positive(params.get('estado'));
  const due = params.get('vence');
  const sort = params.get('orden') as TicketSort | null;
  const q = params.get('buscar')?.trim();
  return {
    page: 'desk',
    list: {
      ...(positive(params.get('zona')) === undefined ? {} : { zone_id: positive(params.get('zona')) }),
      ...(status !== undefined && status <= 4 ? { status: status as TicketStatus } : {}),
      ...(positive(params.get('tecnico')) === undefined
        ? {}
        : { technician_id: positive(params.get('tecnico')) }),
      ...(due === 'overdue' || due === 'today' ? { due } : {}),
      ...(q === undefined || q === '' ? {} : { q }),
      sort: sort !== null && sorts.includes(sort) ? sort : 'urgent',
    },
  };
}

/** The hash of a route; the desk's default view is `#/`. */
export function routeHash(route: Route): string {
  if (route.page === 'ticket') return `#/ticket/${route.ticketId}`;
  if (route.page === 'technicians') return '#/tecnicos';
  const { zone_id, status, technician_id, due, q, sort } = route.list;
  const params = new URLSearchParams();
  if (zone_id !== undefined) params.set('zona', String(zone_id));
  if (status !== undefined) params.set('estado', String(status));
  if (technician_id !== undefined) params.set('tecnico', String(technician_id));
  if (due !== undefined) params.set('vence', due);
  if (q !== undefined && q !== '') params.set('buscar', q);
  if (sort !== 'urgent') params.set('orden', sort);
  const query = params.toString();
  return query === '' ? '#/' : `#/?${query}`;
}

const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of listeners) listener();
};

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) {
    window.addEventListener('hashchange', notify);
    window.addEventListener('popstate', notify);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.removeEventListener('hashchange', notify);
      window.removeEventListener('popstate', notify);
    }
  };
}

/**
 * Goes to a route: a new history entry (so back returns), or, with `replace`, the same entry
 * changed (typing a search should not leave one entry per letter).
 */
export function navigate(route: Route, { replace = false }: { readonly replace?: boolean } = {}): void {
  const hash = routeHash(route);
  if (hash === window.location.hash || (hash === '#/' && window.location.hash === '')) return;
  if (replace) window.history.replaceState(window.history.state, '', hash);
  else window.history.pushState(window.history.state, '', hash);
  notify();
}

// The last hash that named a route: an anchor within the page (the skip link's #new-ticket) names none.
let routeHashNow = '#/';
function currentRouteHash(): string {
  const hash = window.location.hash;
  if (hash === '' || hash.startsWith('#/')) routeHashNow = hash === '' ? '#/' : hash;
  return routeHashNow;
}

/** The route of the address as it is now, re-rendered when it changes (back and forward included). */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, currentRouteHash);
  return parseRoute(hash);
}

/** The desk's list view, whatever the route (the desk's view when on another page). */
export function listViewOf(route: Route): ListView {
  return route.page === 'desk' ? route.list : { sort: 'urgent' };
}
