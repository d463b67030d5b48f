import { StoreUnavailableError } from '@tickets/domain';

// Socket errors, and SQLSTATEs that mean "not now" rather than "wrong request": connection
// exceptions (class 08), shutdowns and restarts (57P01-57P03), too many connections (53300),
// a lock or statement timeout (55P03, 57014). SQLITE_BUSY: another process held the write lock
// longer than the busy timeout.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '55P03',
  '57014',
  'SQLITE_BUSY',
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection ended/i;

/** Whether an error means the storage cannot be reached for now. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  return UNAVAILABLE_MESSAGES.test(error.message);
}

/** The same store, with every "cannot reach the storage" error turned into StoreUnavailableError. */
export function reportUnavailable<S extends object>(store: S): S {
  const guarded: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(store) as [
    string,
    (...args: unknown[]) => Promise<unknown>,
  ][]) {
    guarded[name] = (...args: unknown[]) =>
      method(...args).catch((error: unknown) => {
        throw isUnavailable(error)
          ? new StoreUnavailableError(`storage unavailable: ${(error as Error).message}`, { cause: error })
          : error;
      });
  }
  return guarded as S;
}
