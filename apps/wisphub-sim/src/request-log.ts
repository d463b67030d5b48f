import type { Fault, RequestLogEntry } from './types.js';

/** A request on its way through the simulator; its status and fault are filled in as they are known. */
export interface PendingRequest {
  status: number | undefined;
  fault: Fault['kind'] | undefined;
}

/** Every request received on the WispHub routes, in arrival order. */
export interface RequestLog {
  /** Records a request as it arrives; the returned record is updated in place. */
  record(method: string, url: URL): PendingRequest;
  /** A snapshot of every request so far. */
  entries(): readonly RequestLogEntry[];
  clear(): void;
}

export function createRequestLog(now: () => Date): RequestLog {
  let log: (PendingRequest & Omit<RequestLogEntry, 'status' | 'fault'>)[] = [];
  return {
    record(method, url) {
      const entry = {
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        at: now().toISOString(),
        status: undefined,
        fault: undefined,
      };
      log.push(entry);
      return entry;
    },
    entries: () => log.map((entry) => ({ ...entry })),
    clear() {
      log = [];
    },
  };
}
