import { type UseQueryResult, useQuery } from '@tanstack/react-query';
import type { AppRouter } from '@tickets/api';
import type { inferRouterOutputs } from '@trpc/server';
import { allPages, type NamedTicketView, unwrap } from './api.js';
import { useApi } from './context.js';
import { polled, type TicketFilter } from './queries.js';

type Outputs = inferRouterOutputs<AppRouter>;
type Success<T> = Extract<T, { ok: true }>;

/** Open, overdue and due-today tickets of a filter. */
export type TicketCounts = Success<Outputs['tickets']['counts']>['data'];
/** One event of a ticket's history: what changed, when, and who did it. */
export type TicketEvent = Success<Outputs['tickets']['history']>['data']['events'][number];
/** A technician's open, in-progress and overdue tickets. */
export type TechnicianWorkload = Success<Outputs['technicians']['workload']>['data']['technicians'][number];

export const detailKeys = {
  counts: (filter: Omit<TicketFilter, 'due' | 'sort'>) => ['tickets', 'counts', filter] as const,
  ticket: (ticketId: number) => ['tickets', 'one', ticketId] as const,
  history: (ticketId: number) => ['tickets', 'history', ticketId] as const,
  workload: ['technicians', 'workload'] as const,
};

/** The header's counters for the list's filters (all but due and order), polled. */
export function useTicketCounts(filter: TicketFilter): UseQueryResult<TicketCounts> {
  const api = useApi();
  const { due: _due, sort: _sort, ...match } = filter;
  return useQuery({
    queryKey: detailKeys.counts(match),
    queryFn: async () => unwrap(await api.tickets.counts.query(match)),
    ...polled,
  });
}

/** One ticket with its customer's and technician's names, polled while its page is open. */
export function useTicket(ticketId: number): UseQueryResult<NamedTicketView> {
  const api = useApi();
  return useQuery({
    queryKey: detailKeys.ticket(ticketId),
    queryFn: async () => unwrap(await api.tickets.get.query({ ticket_id: ticketId })),
    ...polled,
  });
}

/** A ticket's whole history, oldest first, polled with its page. */
export function useTicketHistory(ticketId: number): UseQueryResult<TicketEvent[]> {
  const api = useApi();
  return useQuery({
    queryKey: detailKeys.history(ticketId),
    queryFn: async () =>
      (
        await allPages(async (cursor) => {
          const data = unwrap(await api.tickets.history.query({ ticket_id: ticketId, limit: 500, cursor }));
          return { items: data.events, next: data.next_cursor };
        })
      ).items,
    ...polled,
  });
}

/** Every technician's workload (an `admin` key's call), polled while shown. */
export function useWorkload(): UseQueryResult<{ items: TechnicianWorkload[]; complete: boolean }> {
  const api = useApi();
  return useQuery({
    queryKey: detailKeys.workload,
    queryFn: () =>
      allPages(async (cursor) => {
        const data = unwrap(await api.technicians.workload.query({ limit: 500, cursor }));
        return { items: data.technicians, next: data.next_cursor };
      }),
    ...polled,
  });
}
