import {
  MutationCache,
  QueryCache,
  QueryClient,
  QueryClientProvider,
  useQueryClient,
} from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { type Api, errorCode } from './api.js';
import { KeyForm } from './components/KeyForm.js';
import { TicketForm } from './components/TicketForm.js';
import { TicketList } from './components/TicketList.js';
import { ZoneBoard } from './components/ZoneBoard.js';
import { ConsoleProvider, useSession } from './context.js';
import { useZoneCapacities } from './queries.js';
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
      queries: {
        retry: (failures, error) => !NO_RETRY.has(errorCode(error) ?? '') && failures < 2,
      },
    },
  });
}

function Board(): ReactNode {
  const zones = useZoneCapacities();
  return (
    <ZoneBoard
      zones={zones.data?.items ?? []}
      complete={zones.data?.complete ?? true}
      loading={zones.isPending}
      error={zones.isError && zones.data === undefined ? zones.error.message : null}
    />
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
      <main>
        {session.needsKey ? (
          <KeyForm rejected={session.rejected} onSubmit={signIn} />
        ) : (
          <>
            <Board />
            <div className="workspace">
              <div id="new-ticket">
                <TicketForm />
              </div>
              <TicketList />
            </div>
          </>
        )}
      </main>
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
