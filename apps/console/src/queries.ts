import {
  type DefinedUseQueryResult,
  type QueryClient,
  type UseInfiniteQueryResult,
  type UseQueryResult,
  useInfiniteQuery,
  useQuery,
} from '@tanstack/react-query';
import {
  type Api,
  allPages,
  type NamedZoneCapacity,
  type QueuedRequest,
  type Service,
  type StatusMeaning,
  type Subjects,
  type Technician,
  type TicketStatus,
  type TicketView,
  unwrap,
  type ZoneCapacity,
} from './api.js';
import { useApi } from './context.js';

/** The board, the list and the form's capacity are polled this often (and refreshed after every change). */
export const POLL_MS = 4_000;
const PAGE = 500;

export const queryKeys = {
  zoneCapacities: ['zones', 'capacities'] as const,
  capacity: (zoneId: number) => ['zones', 'capacity', zoneId] as const,
  tickets: (filter: TicketFilter) => ['tickets', 'list', filter] as const,
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
  freshness: { readonly refetchInterval: number } | { readonly staleTime: number },
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
    { refetchInterval: POLL_MS },
  );
}

export function useZoneCapacity(zoneId: number | null): UseQueryResult<ZoneCapacity> {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.capacity(zoneId ?? 0),
    queryFn: async () => unwrap(await api.zones.capacity.query({ zone_id: zoneId ?? 0 })),
    enabled: zoneId !== null,
    refetchInterval: POLL_MS,
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
    refetchInterval: POLL_MS,
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

export interface TicketFilter {
  readonly zone_id?: number;
  readonly status?: TicketStatus;
}

export interface TicketPage {
  readonly tickets: TicketView[];
  readonly next_cursor: string | null;
}

export function useTickets(
  filter: TicketFilter,
): UseInfiniteQueryResult<{ pages: TicketPage[]; pageParams: (string | undefined)[] }> {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: queryKeys.tickets(filter),
    queryFn: async ({ pageParam }) =>
      unwrap(await api.tickets.list.query({ ...filter, limit: 25, cursor: pageParam })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: POLL_MS,
  });
}
