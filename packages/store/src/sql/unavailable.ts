import { StoreUnavailableError } from '@tickets/domain';

// Socket errors, and SQLSTATEs that mean "not now" rather than "wrong request": connection
// exceptions (class 08), a refused login or a missing database (28000, 28P01, 3D000), shutdowns and
// restarts (57P01-57P03), too many connections (53300), a lock or statement timeout (55P03, 57014).
// SQLITE_BUSY: another process held the write lock longer than the busy timeout; SQLITE_FULL: the
// disk (or the file system's quota) is full.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '28000',
  '28P01',
  '3D000',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '55P03',
  '57014',
  'SQLITE_BUSY',
  'SQLITE_FULL',
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection ended/i;

// Errors met while opening a connection. Whatever the cause (a database closed to connections,
// 55000; a role that may not log in; a server that is down), the storage cannot be reached: the
// same SQLSTATE from a statement (55000 from currval, say) is a defect, and stays one.
const failedConnects = new WeakSet<object>();

/** Marks an error met while opening a connection, so that isUnavailable says yes; returns it. */
export function connectFailure(error: unknown): unknown {
  if (typeof error === 'object' && error !== null) failedConnects.add(error);
  return error;
}

const codeOf = (error: unknown) => (error as { code?: unknown } | null)?.code;

/** Whether an error means the storage cannot be reached for now. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (failedConnects.has(error)) return true;
  const code = codeOf(error);
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  return UNAVAILABLE_MESSAGES.test(error.message);
}

/** Why the storage refused, in words an operator acts on. */
export function unavailableReason(error: Error): string {
  switch (codeOf(error)) {
    case 'SQLITE_FULL':
      return `the database's disk is full (${error.message})`;
    case 'SQLITE_BUSY':
      return `another process held the database's write lock too long (${error.message})`;
    default:
      return `storage unavailable: ${error.message}`;
  }
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
          ? new StoreUnavailableError(unavailableReason(error as Error), { cause: error })
          : error;
      });
  }
  return guarded as S;
}
