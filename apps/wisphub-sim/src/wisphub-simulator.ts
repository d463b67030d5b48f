import { createFaultSwitch } from './fault-switch.js';
import { createHttpListener } from './http-listener.js';
import { createRequestLog } from './request-log.js';
import { createSimApp } from './sim-app.js';
import { createSimControls, type SimControls } from './sim-controls.js';
import { createSimState } from './sim-state.js';
import type { StatusFormat } from './types.js';

/** How to seed and configure a simulator; every option has a default. */
export interface WispHubSimulatorOptions {
  /** The key `Authorization: Api-Key <key>` must carry. Default 'sim-api-key-0123456789'. */
  readonly apiKey?: string;
  /** Results per page. Default 50. */
  readonly pageSize?: number;
  /** How tickets render `estado`. Default 'label'. */
  readonly statusFormat?: StatusFormat;
  /** How many deterministic clients to generate (ids 1..N, see `seedClients`). Default 0. */
  readonly clients?: number;
  /** Zones 1..Z the generated clients are spread over. Default 12. */
  readonly zones?: number;
  /** Technicians 1..T, known from the start and spread over the generated clients. Default 8. */
  readonly technicians?: number;
  /** The id of the first ticket created. Default 1. */
  readonly firstTicketId?: number;
  /** The clock for `fecha_creacion`, default dates and the request log. Default the system clock. */
  readonly now?: () => Date;
}

/** A WispHub API simulator over real HTTP, with its state and faults in the test's hands. */
export interface WispHubSimulator extends SimControls {
  readonly apiKey: string;
  /** Listens on 127.0.0.1 (port 0: any free port); answers the base URL, e.g. http://127.0.0.1:40123. */
  start(port?: number): Promise<{ url: string }>;
  /** Stops listening and destroys every connection, hanging ones included; the state is kept. */
  close(): Promise<void>;
  /** The base URL while listening. */
  url(): string | undefined;
}

export const DEFAULT_API_KEY = 'sim-api-key-0123456789';

export function createWispHubSimulator(options: WispHubSimulatorOptions = {}): WispHubSimulator {
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const pageSize = options.pageSize ?? 50;
  const now = options.now ?? (() => new Date());
  const state = createSimState(
    {
      clients: options.clients ?? 0,
      zones: options.zones ?? 12,
      technicians: options.technicians ?? 8,
      firstTicketId: options.firstTicketId ?? 1,
    },
    now,
  );
  const faults = createFaultSwitch();
  const log = createRequestLog(now);
  const controls = createSimControls(state, faults, log, {
    statusFormat: options.statusFormat ?? 'label',
    now,
  });
  const listener = createHttpListener(createSimApp(controls, faults, log, { apiKey, pageSize }).fetch);

  return {
    ...controls,
    apiKey,
    start: async (port = 0) => ({ url: await listener.start(port) }),
    close: listener.close,
    url: listener.url,
  };
}
