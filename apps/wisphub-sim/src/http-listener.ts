import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';

type FetchCallback = Parameters<typeof getRequestListener>[0];

/** An HTTP server on 127.0.0.1 that can always be closed at once. */
export interface HttpListener {
  /** Listens on 127.0.0.1 (port 0: any free port); answers the base URL. Throws if already listening. */
  start(port: number): Promise<string>;
  /** Stops listening and destroys every open connection, answered or not. */
  close(): Promise<void>;
  /** The base URL while listening. */
  url(): string | undefined;
}

export function createHttpListener(fetch: FetchCallback): HttpListener {
  let server: Server | undefined;
  let url: string | undefined;
  const sockets = new Set<Socket>();

  return {
    async start(port) {
      if (server !== undefined) throw new Error(`wisphub-sim: already listening on ${url}`);
      const starting = createServer(getRequestListener(fetch));
      starting.on('connection', (socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve, reject) => {
        starting.once('error', reject);
        starting.listen(port, '127.0.0.1', () => {
          starting.off('error', reject);
          resolve();
        });
      });
      const address = starting.address();
      if (address === null || typeof address === 'string') throw new Error('wisphub-sim: not a TCP address');
      server = starting;
      url = `http://127.0.0.1:${address.port}`;
      return url;
    },
    async close() {
      const closing = server;
      if (closing === undefined) return;
      server = undefined;
      url = undefined;
      const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
      closing.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    url: () => url,
  };
}
