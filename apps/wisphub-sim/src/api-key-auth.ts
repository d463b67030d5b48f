import type { MiddlewareHandler } from 'hono';
import type { SimEnv } from './fault-middleware.js';

const API_KEY_HEADER = /^Api-Key\s+(\S+)\s*$/i;

/**
 * WispHub's authentication: `Authorization: Api-Key <key>`. No such header answers 401, a wrong
 * key 403, both with DRF's Spanish `detail`.
 */
export function apiKeyAuth(apiKey: string): MiddlewareHandler<SimEnv> {
  return async (c, next) => {
    const key = API_KEY_HEADER.exec(c.req.header('authorization') ?? '')?.[1];
    if (key === undefined) {
      c.header('WWW-Authenticate', 'Api-Key');
      return c.json({ detail: 'Las credenciales de autenticación no se proveyeron.' }, 401);
    }
    if (key !== apiKey) return c.json({ detail: 'Clave API inválida.' }, 403);
    await next();
  };
}
