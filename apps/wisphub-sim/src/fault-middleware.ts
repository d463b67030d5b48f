import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context, MiddlewareHandler } from 'hono';
import type { FaultSwitch } from './fault-switch.js';
import type { RequestLog } from './request-log.js';
import type { StatusFault } from './types.js';

export type SimEnv = { Bindings: HttpBindings };

const STATUS_DETAIL = {
  429: 'Solicitud fue regulada (throttled).',
  500: 'Error interno del servidor.',
  502: 'Puerta de enlace no válida.',
  503: 'Servicio no disponible temporalmente.',
} as const satisfies Record<StatusFault['status'], string>;

function statusAnswer(c: Context<SimEnv>, fault: StatusFault): Response {
  // DRF's throttle always says when to come back; the others only when the fault asks for it.
  const retryAfter = fault.status === 429 ? (fault.retryAfterSeconds ?? 1) : fault.retryAfterSeconds;
  if (retryAfter !== undefined) c.header('Retry-After', String(retryAfter));
  const wait =
    fault.status === 429
      ? ` Se espera que esté disponible en ${retryAfter} ${retryAfter === 1 ? 'segundo' : 'segundos'}.`
      : '';
  return c.json({ detail: `${STATUS_DETAIL[fault.status]}${wait}` }, fault.status);
}

/**
 * Resolves after `ms` (never when undefined), or as soon as the request's connection closes: the
 * client gave up or the simulator is closing.
 */
function delay(ms: number | undefined, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = ms === undefined ? undefined : setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    if (signal.aborted) done();
  });
}

// Dropping a connection needs the socket, which only the Node bindings reach; the request itself is
// still read through c.req. RESPONSE_ALREADY_SENT tells the adapter not to write to it.
function dropConnection(c: Context<SimEnv>): Response {
  c.env.outgoing.destroy();
  return RESPONSE_ALREADY_SENT;
}

/**
 * Logs every request and applies the fault switched on to those it matches: a status answers
 * without processing, 'slow' processes at once and answers late, 'drop' destroys the connection
 * before or after processing, 'hang' waits for the connection to close. It runs before
 * authentication: faults stand for the network and proxies in front of WispHub.
 */
export function faultMiddleware(faults: FaultSwitch, log: RequestLog): MiddlewareHandler<SimEnv> {
  return async (c, next) => {
    const entry = log.record(c.req.method, new URL(c.req.url));
    const fault = faults.take(c.req.method, c.req.path);
    entry.fault = fault?.kind;
    const signal = c.req.raw.signal;
    switch (fault?.kind) {
      case undefined:
        await next();
        entry.status = c.res.status;
        return;
      case 'status': {
        const answer = statusAnswer(c, fault);
        entry.status = answer.status;
        return answer;
      }
      case 'slow':
        await next();
        await delay(fault.delayMs, signal);
        if (!signal.aborted) entry.status = c.res.status;
        return;
      case 'drop':
        if (fault.when === 'after') await next();
        return dropConnection(c);
      case 'hang':
        await delay(undefined, signal);
        return dropConnection(c);
    }
  };
}
