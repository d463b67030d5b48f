/** The API key the dispatcher typed, kept in sessionStorage: it lasts as long as the tab. */
export interface SessionState {
  readonly key: string | null;
  /** The server answered UNAUTHORIZED: the console shows the key form. */
  readonly needsKey: boolean;
  /** The key that was sent was refused (as opposed to none sent yet). */
  readonly rejected: boolean;
}

export interface Session {
  getState(): SessionState;
  subscribe(listener: () => void): () => void;
  signIn(key: string): void;
  signOut(): void;
  /** Called when a call answers UNAUTHORIZED. */
  unauthorized(): void;
}

const STORAGE_KEY = 'tickets.apiKey';

function readKey(storage: Storage | undefined): string | null {
  try {
    const value = storage?.getItem(STORAGE_KEY) ?? null;
    return value === null || value.trim() === '' ? null : value;
  } catch {
    return null;
  }
}

export function createSession(storage: Storage | undefined = globalThis.sessionStorage): Session {
  let state: SessionState = { key: readKey(storage), needsKey: false, rejected: false };
  const listeners = new Set<() => void>();
  const set = (next: SessionState) => {
    state = next;
    for (const listener of listeners) listener();
  };
  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    signIn(key) {
      const trimmed = key.trim();
      try {
        storage?.setItem(STORAGE_KEY, trimmed);
      } catch {
        // Storage refused (private mode): the key lasts until the page is reloaded.
      }
      set({ key: trimmed, needsKey: false, rejected: false });
    },
    signOut() {
      try {
        storage?.removeItem(STORAGE_KEY);
      } catch {
        // Nothing stored.
      }
      set({ key: null, needsKey: false, rejected: false });
    },
    unauthorized() {
      if (state.needsKey) return;
      set({ key: state.key, needsKey: true, rejected: state.key !== null });
    },
  };
}
