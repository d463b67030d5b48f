import type { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { App, createQueryClient } from '../App.js';
import { type Api, createApi } from '../api.js';
import type { Session } from '../session.js';
import { createSession } from '../session.js';
import { type Seeded, seedDesk } from './seed.js';
import { createTestServer, type RecordedCall, type TestServerOptions } from './server.js';

export interface RenderedConsole {
  /** What the console sent, one entry per procedure call. */
  readonly calls: RecordedCall[];
  readonly session: Session;
  readonly queryClient: QueryClient;
  /** An admin client of the same server, to change or read what the console sees. */
  readonly admin: Api;
  readonly seeded: Seeded;
}

/** The whole console, its tRPC client talking to the real app (memory store) seeded by `seedDesk`. */
export async function renderConsole(
  options: TestServerOptions & {
    /** Changes made through the API once the desk is seeded, before the console first renders. */
    readonly prepare?: (admin: Api, seeded: Seeded) => Promise<void>;
  } = {},
): Promise<RenderedConsole> {
  const server = createTestServer(options);
  const seeded = await seedDesk(server.admin);
  await options.prepare?.(server.admin, seeded);
  const session = createSession(globalThis.sessionStorage);
  const api = createApi({ apiKey: () => session.getState().key, fetch: server.fetch });
  const queryClient = createQueryClient(session);
  render(<App api={api} session={session} queryClient={queryClient} />);
  return { calls: server.calls, session, queryClient, admin: server.admin, seeded };
}
