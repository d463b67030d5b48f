import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';

/**
 * The dispatcher console, built by Vite into `distDir`: its files as they are (hashed assets
 * cached for a year), and `index.html` for any other page path, so that the console's own routes
 * survive a reload. Without a build, a page that says how to make one.
 */
export function createConsoleSite(distDir: string): MiddlewareHandler {
  const indexFile = join(distDir, 'index.html');
  if (!existsSync(indexFile)) {
    return async (c) =>
      c.html(
        '<!doctype html><html lang="es"><meta charset="utf-8"><title>tickets</title>' +
          '<p>La consola no está construida: <code>pnpm --filter @tickets/console build</code> ' +
          '(the console is not built). The API is at <a href="/docs">/docs</a>.</p></html>',
        503,
      );
  }
  const index = readFileSync(indexFile, 'utf8');
  const files = serveStatic({
    root: distDir,
    onFound: (path, c) => {
      c.header(
        'Cache-Control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  return async (c, next) => {
    let missing = false;
    const found = await files(c, async () => {
      missing = true;
    });
    if (!missing && found instanceof Response) return found;
    // A file that is not there is a 404; any other path is a page of the console.
    if (/\.[a-z0-9]+$/i.test(c.req.path)) return next();
    c.header('Cache-Control', 'no-cache');
    return c.html(index);
  };
}
