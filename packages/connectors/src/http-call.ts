import { type RemoteFailure, unavailable } from '@tickets/domain';
import { err, ok, type Result } from 'neverthrow';

/** An HTTP answer, its body read whole. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

// The connection was never made: the request cannot have arrived.
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function codeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** What a request that got no answer came to: whether it may have reached the other side. */
export function transportFailure(error: unknown, timeoutMs: number): RemoteFailure {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return unavailable(`no answer within ${timeoutMs} ms`, { mayHaveArrived: true });
  }
  const code = codeOf(error);
  if (code !== undefined && NOT_CONNECTED.has(code)) {
    return unavailable(`cannot connect (${code})`, { mayHaveArrived: false });
  }
  const message = error instanceof Error ? error.message : String(error);
  return unavailable(`connection lost${code === undefined ? '' : ` (${code})`}: ${message}`, {
    mayHaveArrived: true,
  });
}

/** `Retry-After` in milliseconds (seconds or an HTTP date); null when absent or unreadable. */
export function retryAfterMs(headers: Headers, now: number): number | null {
  const value = headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The start of a body, for logs and a refusal's detail. */
export const excerpt = (text: string, max = 500): string =>
  text.length <= max ? text : `${text.slice(0, max)}…`;

/**
 * Makes one request within `timeoutMs` (the answer's body included); a request that gets no
 * answer is a RemoteFailure that says whether it may have arrived.
 */
export async function httpCall(
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<Result<Answer, RemoteFailure>> {
  try {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return ok({ status: response.status, headers: response.headers, text });
  } catch (error) {
    return err(transportFailure(error, timeoutMs));
  }
}
