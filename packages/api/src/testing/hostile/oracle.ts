/**
 * What every answer to a hostile request must be: never a 5xx (nor a defect reported), an envelope of
 * exactly the six keys (REST, health, not found) or tRPC's own JSON shapes (under /trpc), the schema
 * the route declares for the status it answered, and a store left exactly as it was by any refused
 * request and by any method that only reads.
 */
import { getPath } from 'hono/utils/url';
import { expect } from 'vitest';
import { z } from 'zod';
import { errorMetaSchema } from '../../envelope.js';
import { declaredRouteOf, declaredSchema } from '../routes.js';
import type { Fixture } from './fixture.js';
import { type Hostile, toRequest } from './request.js';

const READ_ONLY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);
const ENVELOPE_KEYS = ['action', 'data', 'message', 'meta', 'ok', 'type'];

const envelopeSchema = z.strictObject({
  ok: z.boolean(),
  type: z.enum(['success', 'error', 'info']),
  action: z.string().min(1),
  data: z.unknown(),
  message: z.string().nullable(),
  meta: z.union([errorMetaSchema, z.strictObject({ replayed: z.literal(true) })]).nullable(),
});

const trpcErrorSchema = z.strictObject({
  error: z.strictObject({
    message: z.string(),
    code: z.int(),
    data: z.looseObject({
      code: z.string(),
      httpStatus: z.int(),
      zodIssues: z.unknown(),
      errors: z.unknown(),
    }),
  }),
});
const trpcResultSchema = z.strictObject({ result: z.strictObject({ data: z.unknown() }) });
const trpcItemSchema = z.union([trpcErrorSchema, trpcResultSchema]);

export const isTrpc = (request: Request) => /^\/trpc(?:\/|$)/.test(getPath(request));

/** The API's own description and its reference page: a document, not an envelope, when they are found. */
const isDocumentation = (request: Request) => /^\/(?:openapi\.json|docs)(?:\/|$)/.test(getPath(request));

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what} is not JSON: ${text.slice(0, 200)}`);
  }
}

export interface Answer {
  readonly request: Request;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body (undefined when empty). */
  readonly body: unknown;
  /** Whether the request was refused: an HTTP error, or (tRPC) only error results and refusal envelopes. */
  readonly refused: boolean;
}

/** Checks a REST (or health, or not found) answer; returns whether it refused the request. */
function inspectRest(request: Request, status: number, headers: Headers, text: string): boolean {
  if (request.method === 'HEAD') {
    expect(text).toBe('');
    return status >= 400;
  }
  if (isDocumentation(request) && (status === 200 || status === 304)) {
    expect(request.method).toBe('GET');
    return false;
  }
  expect(headers.get('content-type')).toMatch(/^application\/json/);
  const body = parseJson(text, `${request.method} ${request.url} → ${status}`) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(ENVELOPE_KEYS);
  envelopeSchema.parse(body);
  expect(body.ok).toBe(status < 400);
  if (status < 400) expect(body.type).toBe('success');
  const declared = declaredRouteOf(request.method, getPath(request));
  if (declared !== undefined) {
    // Parsing drops keys a schema does not know, so equality also catches undeclared fields.
    expect(declaredSchema(declared.route, status).parse(body)).toEqual(body);
  }
  return status >= 400;
}

/** Checks a tRPC answer (one result or error, or a batch of them); returns whether it refused the request. */
function inspectTrpc(request: Request, status: number, text: string): boolean {
  if (text === '') {
    // HEAD and OPTIONS: tRPC answers 204 without running a procedure.
    expect(['HEAD', 'OPTIONS']).toContain(request.method);
    return true;
  }
  const body = parseJson(text, `${request.method} ${request.url} → ${status}`);
  if (status === 413) {
    // The body limit sits in front of tRPC (http-app.ts) and answers with the REST envelope.
    expect(body).toEqual(envelopeSchema.parse(body));
    expect(body).toMatchObject({ ok: false, action: 'payload_too_large' });
    return true;
  }
  const items = Array.isArray(body) ? body : [body];
  expect(items.length).toBeGreaterThan(0);
  let refused = status >= 400;
  let allRefused = true;
  for (const item of items) {
    const parsed = trpcItemSchema.parse(item);
    if ('error' in parsed) {
      expect(parsed.error.data).not.toHaveProperty('stack');
      expect(parsed.error.data.httpStatus).toBeLessThan(500);
      if (!Array.isArray(body)) expect(parsed.error.data.httpStatus).toBe(status);
    } else {
      // Every procedure answers an envelope; a refusal (a full zone, say) comes back as a result.
      const envelope = envelopeSchema.parse(parsed.result.data);
      expect(Object.keys(envelope).sort()).toEqual(ENVELOPE_KEYS);
      if (envelope.ok) allRefused = false;
      else expect(envelope.type).not.toBe('success');
    }
  }
  if (allRefused) refused = true;
  if (!Array.isArray(body) && 'error' in (body as object)) expect(status).toBeGreaterThanOrEqual(400);
  return refused;
}

/**
 * Sends one request and checks what holds for every request: below 500, no defect, the right shape,
 * and nothing written by a refused request nor by a method that reads.
 */
export async function exchange(fx: Fixture, hostile: Hostile): Promise<Answer> {
  const request = toRequest(hostile);
  const before = await fx.snapshot();
  const writesBefore = fx.writes.length;
  const response = await fx.app.request(request);
  const text = await response.text();
  expect(response.status).toBeLessThan(500);
  expect(fx.defects).toEqual([]);
  const trpc = isTrpc(request);
  const refused = trpc
    ? inspectTrpc(request, response.status, text)
    : inspectRest(request, response.status, response.headers, text);
  if (refused || READ_ONLY_METHODS.has(request.method)) {
    expect(fx.writes.slice(writesBefore)).toEqual([]);
    expect(await fx.snapshot()).toEqual(before);
  }
  return {
    request,
    status: response.status,
    headers: response.headers,
    text,
    // Checked above wherever JSON is due; the documentation pages are CSS, JavaScript and HTML.
    body: isDocumentation(request) ? undefined : text === '' ? undefined : JSON.parse(text),
    refused,
  };
}

/** The ticket view a create answered with, over REST or tRPC. */
export function createdTicket(transport: 'rest' | 'trpc', answer: Answer): Record<string, unknown> {
  const envelope = (
    transport === 'rest' ? answer.body : (answer.body as { result: { data: unknown } }).result.data
  ) as {
    action: string;
    data: Record<string, unknown>;
  };
  expect(envelope.action).toBe('ticket_created');
  return envelope.data;
}

/** The tRPC error code, or the REST action, an answer carries. */
export const codeOf = (answer: Answer): string | undefined => {
  const body = answer.body as { action?: string; error?: { data: { code: string } } } | undefined;
  return body?.error?.data.code ?? body?.action;
};
