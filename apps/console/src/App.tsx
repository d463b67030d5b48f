import {
  MutationCache,
  QueryCache,
  QueryClient,
  QueryClientProvider,
  useQueryClient,
} from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef } from 'react';
import { type Api, errorCode } from './api.js';
import { DeskNav, scrollToList } from './components/DeskNav.js';
import { KeyForm } from './components/KeyForm.js';
import { showList } from './components/ListControls.js';
import { OfflineBanner } from './components/OfflineBanner.js';
import { TicketForm } from './components/TicketForm.js';
import { TicketList } from './components/TicketList.js';
import { TicketPage } from './components/TicketPage.js';
import { Workload } from './components/Workload.js';
import { ZoneBoard } from './components/ZoneBoard.js';
import { ConsoleProvider, useSession } from './context.js';
import { errorText } from './messages.js';
import { useOnline, usePolling, useZoneCapacities } from './queries.js';
import { type ListView, useRoute } from './route.js';
import type { Session } from './session.js';

const NO_RETRY = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'BAD_REQUEST', 'NOT_FOUND']);

/** TanStack Query's client: a call that answers UNAUTHORIZED asks the dispatcher for a key. */
export function createQueryClient(session: Session): QueryClient {
  const onError = (error: unknown) => {
    if (errorCode(error) === 'UNAUTHORIZED') session.unauthorized();
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      // A change is sent even when the browser says it is offline: the dispatcher is told it did
      // not go through (and may send it again) instead of waiting on a button that says "Creando…".
      mutations: { networkMode: 'always' },
      queries: {
        retry: (failures, error) => !NO_RETRY.has(errorCode(error) ?? '') && failures < 2,
      },
    },
  });
}

const TITLE = 'tickets · Consola de despacho';

/** The tab's title: the active tickets of every zone, "(7) tickets · …", and whether the server answers. */
export function tabTitle(activeTickets: number | null, online: boolean): string {
  const count = activeTickets === null ? '' : `(${activeTickets}) `;
  return `${online ? '' : 'Sin conexión · '}${count}${TITLE}`;
}

function Board({ view }: { view: ListView }): ReactNode {
  const zones = useZoneCapacities();
  const online = useOnline();
  const active =
    zones.data === undefined ? null : zones.data.items.reduce((sum, zone) => sum + zone.active_tickets, 0);
  useEffect(() => {
    document.title = tabTitle(active, online);
    return () => {
      document.title = TITLE;
    };
  }, [active, online]);
  return (
    <ZoneBoard
      zones={zones.data?.items ?? []}
      complete={zones.data?.complete ?? true}
      loading={zones.isPending}
      error={zones.isError && zones.data === undefined ? errorText(zones.error) : null}
      selected={view.zone_id}
      onSelect={(zoneId) => {
        showList({ ...view, zone_id: view.zone_id === zoneId ? undefined : zoneId });
        scrollToList();
      }}
    />
  );
}

/**
 * The signed-in console: the desk (board, form and list), a ticket's page or the technicians'
 * workload, as the address says, refreshed together, and the connection's state. The desk stays
 * mounted (hidden) on the other pages, so a half-written ticket or answer is there on return.
 */
function Desk(): ReactNode {
  usePolling();
  const route = useRoute();
  // The list's view as last shown, for the counters and the way back from the other pages.
  const lastView = useRef<ListView>({ sort: 'urgent' });
  if (route.page === 'desk') lastView.current = route.list;
  const view = lastView.current;
  return (
    <>
      <OfflineBanner />
      <DeskNav route={route} view={view} />
      {route.page === 'ticket' && (
        <TicketPage key={route.ticketId} ticketId={route.ticketId} listView={view} />
      )}
      {route.page === 'technicians' && <Workload listView={view} />}
      <div className="desk" hidden={route.page !== 'desk'}>
        <Board view={view} />
        <div className="workspace">
          <div id="new-ticket" tabIndex={-1}>
            <TicketForm />
          </div>
          <TicketList view={view} />
        </div>
      </div>
    </>
  );
}

function Shell(): ReactNode {
  const session = useSession();
  const queryClient = useQueryClient();
  const signIn = (key: string) => {
    queryClient.clear();
    session.signIn(key);
  };
  const signOut = () => {
    queryClient.clear();
    session.signOut();
  };
  return (
    <>
      {!session.needsKey && (
        <a className="skip" href="#new-ticket">
          Saltar al formulario
        </a>
      )}
      <header className="top">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ◉
          </span>
          <h1>
            tickets <span className="subtitle">Consola de despacho</span>
          </h1>
        </div>
        {session.key !== null && !session.needsKey && (
          <button type="button" className="ghost" onClick={signOut}>
            Salir
          </button>
        )}
      </header>
      <main>{session.needsKey ? <KeyForm rejected={session.rejected} onSubmit={signIn} /> : <Desk />}</main>
    </>
  );
}

export interface AppProps {
  readonly api: Api;
  readonly session: Session;
  readonly queryClient: QueryClient;
}

export function App({ api, session, queryClient }: AppProps): ReactNode {
  return (
    <QueryClientProvider client={queryClient}>
      <ConsoleProvider api={api} session={session}>
        <Shell />
      </ConsoleProvider>
    </QueryClientProvider>
  );
}
