import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * A request header, read from Node's own parsed headers when the app runs on @hono/node-server:
 * `c.req.header()` first builds a fetch Headers object from all of them, which costs more than the
 * rest of a small request's routing. Elsewhere (app.request in tests), the standard way.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming === undefined) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
