import { OpenAPIHono } from '@hono/zod-openapi';
import { endpoints } from './endpoints.js';
import { type AppEnv, type RestDeps, serveOperation } from './operation.js';

export type { AppEnv } from './operation.js';

/** The REST API: every declared endpoint, served and documented. */
export function createRestApp(deps: RestDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  for (const [name, endpoint] of Object.entries(endpoints)) serveOperation(app, name, endpoint, deps);
  return app;
}
