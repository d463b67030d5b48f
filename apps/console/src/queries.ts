import {
  type DefinedUseQueryResult,
  keepPreviousData,
  notifyManager,
  onlineManager,
  type Query,
  type QueryClient,
  type UseQueryResult,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useCallback, useEffect, useSyncExternalStore } from 'react';
import {
  type Api,
  allPages,
  type NamedTicketView,
  type NamedZoneCapacity,
  type QueuedRequest,
  type Service,
  type StatusMeaning,
  type Subjects,
  type Technician,
  type TicketStatus,
  unwrap,
  type ZoneCapacity,
} from './api.js';
import { useApi } from './context.js';
import { isUnreachable } from './messages.js';
import type { ListView } from './route.js';

/** The board, the list and the form's capacity are polled this often (and refreshed after every change). */
export const POLL_MS = 4_000;
const PAGE = 500;
/** Tickets the list shows at first, and how many more each "Cargar más" adds. */
export const LIST_STEP = 25;

/** Marks a query refreshed by `usePolling`. */
export const polled = { meta: { polled: true } } as const;
const isPolled = (query: Query): boolean => query.meta?.polled === true;

/** In a tab out of sight, one round in this many: the title's count stays current, for less. */
const HIDDEN_EVERY = 5;

/**
 * Refreshes every polled query that is on screen at once, each POLL_MS while the page is
 * visible (each HIDDEN_EVERY × POLL_MS while it is not): the calls of a round go out as one
 * batched GET, which the server answers with 304 (the browser revalidates its copy by ETag) when
 * nothing changed.
 */
export function usePolling(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    let tick = 0;
    const timer = setInterval(() => {
      tick += 1;
      if (document.visibilityState === 'hidden' && tick % HIDDEN_EVERY !== 0) return;
      void queryClient.refetchQueries({ type: 'active', predicate: isPolled }, { cancelRefetch: false });
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [queryClient]);
}

/** Whether the server answers the console's polls, and when it last did. */
export interface Connection {
  readonly online: boolean;
  /** When the data on screen was last read from the server (ms since the epoch), if it ever was. */
  readonly updatedAt: number | null;
}

function connectionOf(queryClient: QueryClient): Connection {
  const queries = queryClient.getQueryCache().findAll({ predicate: isPolled });
  let updatedAt = 0;
  let unreachable = false;
  for (const { state } of queries) {
    updatedAt = Math.max(updatedAt, state.dataUpdatedAt);
    if (state.status === 'error' && state.errorUpdatedAt >= state.dataUpdatedAt && isUnreachable(state.error))
      unreachable = true;
  }
  return { online: onlineManager.isOnline() && !unreachable, updatedAt: updatedAt === 0 ? null : updatedAt };
}

function useConnectionState<T>(select: (connection: Connection) => T): T {
  const queryClient = useQueryClient();
  const subscribe = useCallback(
    (onChange: () => void) => {
      // Told after the render that changed the cache (a query added while rendering), as TanStack's own hooks are.
      const listener = notifyManager.batchCalls(onChange);
      const unsubscribeCache = queryClient.getQueryCache().subscribe(listener);
      const unsubscribeOnline = onlineManager.subscribe(listener);
      return () => {
        unsubscribeCache();
        unsubscribeOnline();
      };
    },
    [queryClient],
  );
  return useSyncExternalStore(subscribe, () => select(connectionOf(queryClient)));
}

/** Whether the server answers the console's polls (and the browser is online). */
export const useOnline = (): boolean => useConnectionState((connection) => connection.online);

/**
 * The console's connection to the server, from its polled queries and the browser's network
 * state. Its `updatedAt` moves on every poll: only what shows it should use this.
 */
export function useConnection(): Connection {
  const online = useOnline();
  const updatedAt = useConnectionState((connection) => connection.updatedAt);
  return { online, updatedAt };
}

export const queryKeys = {
  zoneCapacities: ['zones', 'capacities'] as const,
  capacity: (zoneId: number) => ['zones', 'capacity', zoneId] as const,
  tickets: (filter: TicketFilter, count: number) => ['tickets', 'list', filter, count] as const,
  subjects: ['subjects'] as const,
  statuses: ['statuses'] as const,
  services: ['services'] as const,
  technicians: ['technicians'] as const,
  queued: (queueId: number) => ['queue', queueId] as const,
  zoneQueue: (zoneId: number) => ['zones', 'queue', zoneId] as const,
};

/**
 * After a create or a status change: the board, capacities, lists and waiting lines are out of
 * date (a resolved ticket admits a waiting request).
 */
export async function refreshAfterChange(queryClient: QueryClient): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: ['zones'] }),
    queryClient.invalidateQueries({ queryKey: ['tickets'] }),
    queryClient.invalidateQueries({ queryKey: ['queue'] }),
  ]);
}

export interface Listing<T> {
  readonly items: T[];
  /** False when there were more than the console loads. */
  readonly complete: boolean;
}

/** Every page of a listing, as one query: `list` reads a page, `items` picks its items. */
function useListing<D extends { readonly next_cursor: string | null }, T>(
  queryKey: readonly unknown[],
  list: (api: Api, page: { limit: number; cursor: string | undefined }) => Promise<D>,
  items: (data: D) => readonly T[],
  freshness: typeof polled | { readonly staleTime: number },
): UseQueryResult<Listing<T>> {
  const api = useApi();
  return useQuery({
    queryKey,
    queryFn: () =>
      allPages(async (cursor) => {
        const data = await list(api, { limit: PAGE, cursor });
        return { items: items(data), next: data.next_cursor };
      }),
    ...freshness,
  });
}

export function useZoneCapacities(): UseQueryResult<Listing<NamedZoneCapacity>> {
  return useListing(
    queryKeys.zoneCapacities,
    async (api, page) => unwrap(await api.zones.capacities.query(page)),
    (data) => data.zones,
    polled,
  );
}

export function useZoneCapacity(zoneId: number | null): UseQueryResult<ZoneCapacity> {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.capacity(zoneId ?? 0),
    queryFn: async () => unwrap(await api.zones.capacity.query({ zone_id: zoneId ?? 0 })),
    enabled: zoneId !== null,
    ...polled,
  });
}

/** A waiting request as the server answered it, polled while it waits (it may be admitted at any time). */
export function useQueuedRequest(queued: QueuedRequest): DefinedUseQueryResult<QueuedRequest> {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.queued(queued.queue_id),
    queryFn: async () => unwrap(await api.queue.get.query({ queue_id: queued.queue_id })),
    initialData: queued,
    refetchInterval: (query) => (query.state.data?.state === 'waiting' ? POLL_MS : false),
  });
}

/** A zone's waiting line, first in line first (its first page: a line is short). */
export function useZoneQueue(zoneId: number): UseQueryResult<readonly QueuedRequest[]> {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.zoneQueue(zoneId),
    queryFn: async () => unwrap(await api.zones.queue.query({ zone_id: zoneId, limit: 100 })).queue,
    ...polled,
  });
}

export function useSubjects(): UseQueryResult<Subjects> {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.subjects,
    queryFn: async () => unwrap(await api.tickets.subjects.query()),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** What each status means on this server: active (counts against its zone) and done. */
export function useStatuses(): UseQueryResult<readonly StatusMeaning[]> {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.statuses,
    queryFn: async () => unwrap(await api.tickets.statuses.query()).statuses,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Whether a status is done on this server (false until the server has said). */
export function useIsDone(): (status: TicketStatus) => boolean {
  const statuses = useStatuses().data;
  return (status) => statuses?.find((meaning) => meaning.status === status)?.done ?? false;
}

/** Services, for the form's choice (an `admin` key's call: FORBIDDEN with a `tickets` key). */
export function useServices(): UseQueryResult<Listing<Service>> {
  return useListing(
    queryKeys.services,
    async (api, page) => unwrap(await api.services.list.query(page)),
    (data) => data.services,
    { staleTime: 60_000 },
  );
}

/** Technicians, for the form and the list's names (an `admin` key's call too). */
export function useTechnicians(): UseQueryResult<Listing<Technician>> {
  return useListing(
    queryKeys.technicians,
    async (api, page) => unwrap(await api.technicians.list.query(page)),
    (data) => data.technicians,
    { staleTime: 60_000 },
  );
}

/** The list's filters (zone, status, technician, due, search) and its order. */
export type TicketFilter = ListView;

export interface TicketPage {
  readonly tickets: NamedTicketView[];
  /** Whether more tickets match than were read. */
  readonly more: boolean;
}

/**
 * The first `count` tickets of a filter, in the filter's order, as one query: read in pages of up to 500,
 * so that a refresh of a long list is one or two requests, not one per "Cargar más".
 */
export function useTickets(filter: TicketFilter, count: number): UseQueryResult<TicketPage> {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.tickets(filter, count),
    queryFn: async () => {
      const tickets: NamedTicketView[] = [];
      let cursor: string | undefined;
      for (;;) {
        const limit = Math.min(PAGE, count - tickets.length);
        const page = unwrap(await api.tickets.list.query({ ...filter, limit, cursor }));
        tickets.push(...page.tickets);
        if (page.next_cursor === null) return { tickets, more: false };
        if (tickets.length >= count) return { tickets, more: true };
        cursor = page.next_cursor;
      }
    },
    // "Cargar más" keeps the rows on screen while the longer list loads.
    placeholderData: keepPreviousData,
    ...polled,
  });
}
