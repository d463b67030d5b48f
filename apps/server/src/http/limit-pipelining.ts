import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What node's HTTP server calls for each request. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface PipeliningLimits {
  /** Requests of one connection handed to the app at once, each counted until its answer is sent. */
  readonly concurrent: number;
  /** Requests of one connection read and queued behind those; one more and the connection is closed. */
  readonly queued: number;
}

interface Connection {
  handling: number;
  readonly queue: [IncomingMessage, ServerResponse][];
}

/**
 * Back-pressure for HTTP/1.1 pipelining. Node checks for answers backing up only as each request
 * arrives, and stops parsing only after the whole read (64 KB: some 1,500 small GETs); an app that
 * answers asynchronously has written nothing by then, so every request of the read is handed to
 * it, and their answers queue in memory, each waiting for its turn on the socket, without limit.
 * Here a connection gets `concurrent` requests handed to the app at a time, the next one only once
 * an earlier answer has been sent (taken by the kernel, which stops taking them when the client
 * stops reading); the others wait in a queue, and the connection is not read while any do. A
 * connection with more than `queued` waiting has pipelined far ahead of what it reads, and is
 * closed without further answers.
 */
export function limitPipelining(listener: RequestListener, limits: PipeliningLimits): RequestListener {
  const connections = new WeakMap<Socket, Connection>();

  const handle = (connection: Connection, socket: Socket, req: IncomingMessage, res: ServerResponse) => {
    connection.handling += 1;
    // 'close' comes once the answer is sent, or with the connection.
    res.once('close', () => {
      connection.handling -= 1;
      const next = connection.queue.shift();
      if (next === undefined) return;
      handle(connection, socket, next[0], next[1]);
      if (connection.queue.length === 0 && !socket.destroyed) socket.resume();
    });
    listener(req, res);
  };

  return (req, res) => {
    const socket = req.socket;
    // The rest of the read that brought a connection past the limit is still parsed.
    if (socket.destroyed) return;
    let connection = connections.get(socket);
    if (connection === undefined) {
      const created: Connection = { handling: 0, queue: [] };
      connection = created;
      connections.set(socket, created);
      // Node resumes the socket on its own (after a flush, to read a body); not while requests wait.
      socket.on('resume', () => {
        if (created.queue.length > 0) socket.pause();
      });
    }
    if (connection.handling < limits.concurrent && connection.queue.length === 0) {
      handle(connection, socket, req, res);
    } else if (connection.queue.length < limits.queued) {
      connection.queue.push([req, res]);
      socket.pause();
    } else {
      socket.destroy();
    }
  };
}
