import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi';
import type { Context, Env } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';
import { requestHeader } from '../headers.js';
import { invalidInput, type Reply } from '../replies.js';

type RequestOf<R> = R extends { request?: infer Q } ? NonNullable<Q> : never;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type Part<R, K extends string> = RequestOf<R> extends { [P in K]?: infer S } ? Out<S> : undefined;
type BodyOf<R> =
  RequestOf<R> extends { body?: { content: { 'application/json': { schema: infer S } } } }
    ? Out<S>
    : undefined;

/** A route's request, validated by the schemas its definition carries. */
export interface RouteInput<R extends RouteConfig> {
  readonly params: Part<R, 'params'>;
  readonly query: Part<R, 'query'>;
  readonly headers: Part<R, 'headers'>;
  readonly body: BodyOf<R>;
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

interface ObjectSchema extends z.ZodType {
  readonly shape: Record<string, unknown>;
}

/**
 * Serves a route defined with `createRoute`: its schemas validate the request (a failure is a 400
 * envelope naming each field, a body that is not JSON a 415 or 400), the definition goes into the
 * OpenAPI document, and the handler gets the parsed input and returns a reply. The same schemas,
 * applied directly: zod-openapi's generic validator middlewares cost a sizeable part of a create.
 */
export function serveRoute<R extends RouteConfig, E extends Env>(
  app: OpenAPIHono<E>,
  route: R,
  failureAction: string,
  handle: (c: Context<E>, input: RouteInput<R>) => Promise<Reply> | Reply,
): void {
  app.openAPIRegistry.registerPath(route);
  const request = route.request;
  const params = request?.params as z.ZodType | undefined;
  const query = request?.query as z.ZodType | undefined;
  const headers = request?.headers as ObjectSchema | undefined;
  const headerNames = headers === undefined ? [] : Object.keys(headers.shape);
  const media = request?.body?.content?.['application/json'];
  const body = (media !== undefined && 'schema' in media ? media.schema : undefined) as z.ZodType | undefined;
  const path = route.path.replace(/\{(\w+)\}/g, ':$1');

  const parse = (schema: z.ZodType | undefined, value: unknown) => {
    if (schema === undefined) return { success: true as const, data: undefined };
    return schema.safeParse(value);
  };

  app.on(route.method.toUpperCase(), path, async (c) => {
    const parsedParams = parse(params, params === undefined ? undefined : c.req.param());
    if (!parsedParams.success) return reply(c, invalidInput(parsedParams.error.issues, failureAction));
    const parsedQuery = parse(query, query === undefined ? undefined : c.req.query());
    if (!parsedQuery.success) return reply(c, invalidInput(parsedQuery.error.issues, failureAction));
    let headerValues: Record<string, string | undefined> | undefined;
    if (headers !== undefined) {
      headerValues = {};
      for (const name of headerNames) headerValues[name] = requestHeader(c, name);
    }
    const parsedHeaders = parse(headers, headerValues);
    if (!parsedHeaders.success) return reply(c, invalidInput(parsedHeaders.error.issues, failureAction));
    let parsedBody: ReturnType<typeof parse> = { success: true, data: undefined };
    if (body !== undefined) {
      if (!JSON_MEDIA_TYPE.test(requestHeader(c, 'content-type') ?? '')) {
        throw new HTTPException(415, { message: 'Unsupported Media Type' });
      }
      let json: unknown;
      try {
        json = await c.req.json();
      } catch {
        throw new HTTPException(400, { message: 'Malformed JSON in request body' });
      }
      parsedBody = parse(body, json);
      if (!parsedBody.success) return reply(c, invalidInput(parsedBody.error.issues, failureAction));
    }
    const input = {
      params: parsedParams.data,
      query: parsedQuery.data,
      headers: parsedHeaders.data,
      body: parsedBody.data,
    } as RouteInput<R>;
    return reply(c, await handle(c, input));
  });
}

function reply(c: Context, { status, body }: Reply): Response {
  return c.json(body, status);
}
