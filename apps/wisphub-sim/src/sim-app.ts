import { Hono } from 'hono';
import { apiRoutes } from './api-routes.js';
import { controlRoutes } from './control-routes.js';
import { faultMiddleware, type SimEnv } from './fault-middleware.js';
import type { FaultSwitch } from './fault-switch.js';
import type { RequestLog } from './request-log.js';
import type { SimControls } from './sim-controls.js';

/** The simulator's whole HTTP surface: `/__sim` control routes, then WispHub's `/api` behind the faults. */
export function createSimApp(
  sim: SimControls,
  faults: FaultSwitch,
  log: RequestLog,
  settings: { readonly apiKey: string; readonly pageSize: number },
): Hono<SimEnv> {
  const app = new Hono<SimEnv>({ strict: false });
  // Registered first, the control routes answer before the fault middleware below would run.
  app.route('/__sim', controlRoutes(sim, settings));
  app.use('*', faultMiddleware(faults, log));
  app.route('/api', apiRoutes(sim, settings));
  app.notFound((c) => c.json({ detail: 'No encontrado.' }, 404));
  app.onError((error, c) => {
    console.error('wisphub-sim: unexpected error', error);
    return c.json({ detail: 'Error interno del servidor.' }, 500);
  });
  return app;
}
