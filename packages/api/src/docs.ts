import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Env, Hono } from 'hono';
import { OPENAPI_PATH } from './openapi.js';

/** Where the interactive reference is served; outside `/api/*`, so it stays open with API keys. */
export const DOCS_PATH = '/docs';

// Swagger UI's browser bundle, served by this server from node_modules (no CDN).
const distDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const SWAGGER_UI_VERSION = (
  JSON.parse(readFileSync(join(distDir, 'package.json'), 'utf8')) as { version: string }
).version;

/** Asset URLs carry the bundle's version, so a browser may keep them for a year. */
export const DOCS_ASSETS_PATH = `${DOCS_PATH}/assets/${SWAGGER_UI_VERSION}`;

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

// What starts the reference: a file of its own rather than an inline script, so the page's
// Content-Security-Policy can forbid inline scripts.
const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(OPENAPI_PATH)},
    dom_id: '#reference',
    deepLinking: true,
    displayRequestDuration: true,
    defaultModelsExpandDepth: 0,
    persistAuthorization: false,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

const PAGE_CSS = `body { margin: 0; background: #fafafa; }
#reference .information-container { padding-top: 1rem; }
`;

/** The assets by file name: where they come from, their content type. */
const ASSETS: Record<string, { readonly type: string; readonly read: () => Buffer }> = {
  'swagger-ui.css': { type: CSS, read: () => readFileSync(join(distDir, 'swagger-ui.css')) },
  'swagger-ui-bundle.js': { type: JS, read: () => readFileSync(join(distDir, 'swagger-ui-bundle.js')) },
  'page.css': { type: CSS, read: () => Buffer.from(PAGE_CSS) },
  'init.js': { type: JS, read: () => Buffer.from(INIT) },
  'favicon-32x32.png': { type: 'image/png', read: () => readFileSync(join(distDir, 'favicon-32x32.png')) },
};

interface LoadedAsset {
  readonly type: string;
  readonly body: Uint8Array<ArrayBuffer>;
  readonly gzipped: Uint8Array<ArrayBuffer>;
}

// Read (and compressed) once per process, on first request, whatever the number of apps.
const loaded = new Map<string, LoadedAsset>();

function load(name: string): LoadedAsset | undefined {
  const cached = loaded.get(name);
  if (cached !== undefined) return cached;
  const source = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (source === undefined) return undefined;
  const body = new Uint8Array(source.read());
  const asset = { type: source.type, body, gzipped: new Uint8Array(gzipSync(body, { level: 9 })) };
  loaded.set(name, asset);
  return asset;
}

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>tickets API reference</title>
    <link rel="icon" type="image/png" href="${DOCS_ASSETS_PATH}/favicon-32x32.png">
    <link rel="stylesheet" href="${DOCS_ASSETS_PATH}/swagger-ui.css">
    <link rel="stylesheet" href="${DOCS_ASSETS_PATH}/page.css">
  </head>
  <body>
    <div id="reference"></div>
    <script src="${DOCS_ASSETS_PATH}/swagger-ui-bundle.js"></script>
    <script src="${DOCS_ASSETS_PATH}/init.js"></script>
  </body>
</html>
`;

// Everything the page loads comes from this server; Swagger UI sets inline styles and data: images.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves `GET /docs`, an interactive reference (Swagger UI) of `/openapi.json`, and its assets
 * under `/docs/assets/<version>/`.
 */
export function serveDocs<E extends Env>(app: Hono<E>): void {
  app.get(DOCS_PATH, (c) => {
    c.header('Content-Security-Policy', CSP);
    c.header('Cache-Control', 'no-cache');
    return c.html(PAGE);
  });

  app.get(`${DOCS_ASSETS_PATH}/:file`, (c) => {
    const asset = load(c.req.param('file'));
    if (asset === undefined) return c.notFound();
    const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    c.header('Content-Type', asset.type);
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    c.header('Vary', 'Accept-Encoding');
    if (gzip) c.header('Content-Encoding', 'gzip');
    return c.body(gzip ? asset.gzipped : asset.body, 200);
  });
}
