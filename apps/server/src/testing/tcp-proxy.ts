import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  /** The port the proxy listens on, at 127.0.0.1. */
  readonly port: number;
  /**
   * Cuts every connection open now, on both sides, without a word to either (as a network fault,
   * a restarted pgbouncer or HAProxy, or a failover does): `close` ends them with FIN, `reset`
   * with RST. The proxy keeps listening; returns how many connections it cut.
   */
  drop(how?: 'close' | 'reset'): number;
  close(): Promise<void>;
}

/** A TCP proxy at 127.0.0.1 to `host:port` that a test can tell to cut its connections. */
export async function startTcpProxy(host: string, port: number): Promise<TcpProxy> {
  const pairs = new Set<readonly [Socket, Socket]>();
  const server = createServer((client) => {
    const upstream = createConnection({ host, port });
    const pair = [client, upstream] as const;
    pairs.add(pair);
    const cut = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut).on('close', cut);
    upstream.on('error', cut).on('close', cut);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP address');
  const drop = (how: 'close' | 'reset' = 'close') => {
    const cut = pairs.size;
    for (const pair of [...pairs]) {
      pairs.delete(pair);
      for (const socket of pair) {
        if (how === 'reset') socket.resetAndDestroy();
        else socket.destroy();
      }
    }
    return cut;
  };
  return {
    port: address.port,
    drop,
    close() {
      drop();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
