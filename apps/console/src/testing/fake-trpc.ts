/**
 * A stand-in for the server's /trpc endpoint, at the fetch level: the real tRPC client (batched
 * GETs, POSTed mutations) talks to it, so the components are tested with the links they ship with.
 */

export type TrpcErrorCode = 'UNAUTHORIZED' | 'FORBIDDEN' | 'BAD_REQUEST' | 'NOT_FOUND';

const errorNumbers: Record<TrpcErrorCode, number> = {
  UNAUTHORIZED: -32001,
  FORBIDDEN: -32003,
  BAD_REQUEST: -32600,
  NOT_FOUND: -32004,
};
const httpStatuses: Record<TrpcErrorCode, number> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
};

/** What a procedure answers: a value (an envelope), or a tRPC error. */
export type Answer =
  | { readonly data: unknown }
  | { readonly error: TrpcErrorCode; readonly message?: string; readonly errors?: unknown };

export interface RecordedCall {
  readonly path: string;
  readonly input: unknown;
  readonly method: string;
  readonly headers: Record<string, string>;
}

export type Handler = (input: unknown, call: RecordedCall) => Answer;

/** A success envelope, as the router returns it. */
export const envelope = (action: string, data: unknown) => ({
  ok: true,
  type: 'success',
  action,
  data,
  message: null,
  meta: null,
});

function headersOf(init: RequestInit | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, key) => {
    headers[key.toLowerCase()] = value;
  });
  return headers;
}

function toJson(path: string, answer: Answer) {
  if ('data' in answer) return { status: 200, body: { result: { data: answer.data } } };
  return {
    status: httpStatuses[answer.error],
    body: {
      error: {
        message: answer.message ?? answer.error,
        code: errorNumbers[answer.error],
        data: {
          code: answer.error,
          httpStatus: httpStatuses[answer.error],
          path,
          zodIssues: null,
          errors: answer.errors ?? null,
        },
      },
    },
  };
}

export function fakeTrpc(handlers: Record<string, Handler>) {
  const calls: RecordedCall[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const href = typeof url === 'string' ? url : url instanceof URL ? url.href : url.url;
    const parsed = new URL(href, 'http://console.test');
    const paths = decodeURIComponent(parsed.pathname.replace(/^\/trpc\//, '')).split(',');
    const batch = parsed.searchParams.get('batch') === '1';
    const method = init?.method ?? 'GET';
    const rawInput =
      method === 'GET' ? parsed.searchParams.get('input') : typeof init?.body === 'string' ? init.body : null;
    const parsedInput: unknown = rawInput === null ? undefined : JSON.parse(rawInput);
    const headers = headersOf(init);
    const results = paths.map((path, index) => {
      const input = batch ? (parsedInput as Record<string, unknown> | undefined)?.[index] : parsedInput;
      const call = { path, input, method, headers };
      calls.push(call);
      const handler = handlers[path];
      return toJson(path, handler === undefined ? { error: 'NOT_FOUND' } : handler(input, call));
    });
    const statuses = new Set(results.map((r) => r.status));
    const status = statuses.size === 1 ? (results[0]?.status ?? 200) : 207;
    const body = batch ? results.map((r) => r.body) : results[0]?.body;
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}
