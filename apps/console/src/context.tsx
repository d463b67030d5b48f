import { createContext, type ReactNode, useContext, useSyncExternalStore } from 'react';
import type { Api } from './api.js';
import type { Session, SessionState } from './session.js';

interface ConsoleServices {
  readonly api: Api;
  readonly session: Session;
}

const ConsoleContext = createContext<ConsoleServices | null>(null);

export function ConsoleProvider({
  api,
  session,
  children,
}: ConsoleServices & { children: ReactNode }): ReactNode {
  return <ConsoleContext value={{ api, session }}>{children}</ConsoleContext>;
}

function useServices(): ConsoleServices {
  const services = useContext(ConsoleContext);
  if (services === null) throw new Error('ConsoleProvider is missing');
  return services;
}

export const useApi = (): Api => useServices().api;

export function useSession(): SessionState & Pick<Session, 'signIn' | 'signOut'> {
  const { session } = useServices();
  const state = useSyncExternalStore(session.subscribe, session.getState);
  return { ...state, signIn: session.signIn, signOut: session.signOut };
}
