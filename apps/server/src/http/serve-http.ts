import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { limitPipelining } from './limit-pipelining.js';

type Fetch = Parameters<typeof getRequestListener>[0];

export interface ServeHttpOptions {
  readonly fetch: Fetch;
  readonly port: number;
  readonly hostname: string;
  readonly onListening?: (address: AddressInfo) => void;
}

export interface HttpServer {
  readonly server: Server;
  /** Stops accepting connections, lets the requests running finish, then closes every connection. */
  stop(): Promise<void>;
}

/**
 * A client that pipelines gets 8 requests worked on at a time, enough to overlap them (their answers
 * go out in order anyway), and up to 256 more queued, some 2 KB each in node; past that it is not
 * reading its answers, and its connection is closed (one 64 KB read can bring 1,500 requests).
 */
const PIPELINING = { concurrent: 8, queued: 256 };

/** A request handed to the app, until the app has written its whole answer. */
interface Running {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

/** Serves `fetch` (a Hono app's) over HTTP/1.1 on node's server, as `@hono/node-server`'s `serve` does. */
export function serveHttp({ fetch, port, hostname, onListening }: ServeHttpOptions): HttpServer {
  const app = getRequestListener(fetch, { hostname });
  const running = new Set<Running>();
  let stopping = false;

  const track = (req: IncomingMessage, res: ServerResponse) => {
    const request: Running = { req, res };
    running.add(request);
    const done = () => {
      running.delete(request);
      settle();
    };
    app(req, res).then(done, done);
  };

  const server = createServer(limitPipelining(track, PIPELINING));

  /**
   * While stopping: closes each connection as soon as nothing runs on it, and all of them once no
   * request is running. A request whose body is still arriving is not waited for: the app cannot
   * act on it before the body is in, and a slow or stalled sender must not hold the stop for 10 s;
   * its connection is closed, and the client sees it fail without an answer, to send it again.
   * Requests queued behind an unread answer (see limitPipelining) are dropped the same way.
   */
  const settle = () => {
    if (!stopping) return;
    server.closeIdleConnections();
    for (const { req, res } of running) if (req.complete || res.headersSent) return;
    server.closeAllConnections();
  };

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= new Promise<void>((resolve) => {
      stopping = true;
      server.close(() => resolve());
      settle();
    });
    return stopped;
  };

  server.listen(port, hostname, () => {
    const address = server.address();
    if (address !== null && typeof address === 'object') onListening?.(address);
  });
  return { server, stop };
}
