import { isDeepStrictEqual } from 'node:util';
import type { RouteConfig } from '@hono/zod-openapi';
import { z } from 'zod';
import { endpoints } from '../rest/endpoints.js';
import { routeOf } from '../rest/operation.js';

/** Each REST endpoint as the OpenAPI document describes it, by name. */
export const routes = Object.fromEntries(
  Object.entries(endpoints).map(([name, endpoint]) => [name, routeOf(name, endpoint)]),
) as Record<keyof typeof endpoints, RouteConfig>;

/** Each route with a pattern for the paths it serves. */
export const declaredRoutes = Object.values(routes).map((route) => ({
  route,
  method: route.method.toUpperCase(),
  pattern: new RegExp(`^${route.path.replace(/\{\w+\}/g, '[^/]+')}$`),
}));

/** The route Hono dispatches a method and path to (the first declared one whose pattern matches). */
export const declaredRouteOf = (method: string, path: string) =>
  declaredRoutes.find((r) => r.method === method && r.pattern.test(path));

/** The envelope schema a route declares for a status; throws when it declares none. */
export function declaredSchema(route: RouteConfig, status: number): z.ZodType {
  const response = route.responses[String(status)];
  const media =
    response !== undefined && 'content' in response ? response.content?.['application/json'] : undefined;
  const schema = media !== undefined && 'schema' in media ? media.schema : undefined;
  if (!(schema instanceof z.ZodType)) {
    throw new Error(`${route.method.toUpperCase()} ${route.path} does not declare a ${status} response`);
  }
  return schema;
}

/**
 * The statuses for which a route declares an envelope that a value is, to the letter (parsing drops
 * keys a schema does not know, so a field it does not declare matches none).
 */
export function matchingStatuses(route: RouteConfig, value: unknown): number[] {
  return Object.keys(route.responses)
    .map(Number)
    .filter((status) => {
      const parsed = declaredSchema(route, status).safeParse(value);
      return parsed.success && isDeepStrictEqual(parsed.data, value);
    });
}
