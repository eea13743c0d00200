import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpRouterHandler, { type Method } from '@middy/http-router';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { authorize } from '#shared/http/authorization';
import { httpErrorMapper } from '#shared/http/error-mapper';
import { MethodNotAllowedError, RouteNotFoundError } from '#shared/http/http-errors';
import { actorFromEvent } from '#shared/http/request-context';
import type { HttpResponse } from '#shared/http/responses';
import { logger as defaultLogger } from '#shared/observability/logger';

/**
 * The middleware and router every API function shares. It knows no route: each Lambda entry point hands it the route
 * groups it serves, so a function's bundle holds only their code (the `/subjects` routes, which need the full phone
 * metadata, are a function of their own — functions/api/subjects-handler.ts).
 */

type RouteHandler = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

/** One route of the router: what `docs/openapi.json` must document. */
export interface ApiRoute {
  method: Exclude<Method, 'ANY'>;
  /** Path template in API Gateway / OpenAPI form, e.g. `/campaigns/{id}`. */
  path: string;
  handler: RouteHandler;
}

export interface HttpApiOptions {
  /** Default: the shared Powertools logger. */
  logger?: Logger;
  /** Middy's early-timeout margin; 0 disables its timer (tests, local server). Default 5 ms as middy's. */
  timeoutEarlyInMillis?: number;
}

/**
 * Builds a Lambda handler serving `routes` (API Gateway HTTP API, payload 2.0). Order: context logging, identity
 * check, the error mapper last (its `onError` runs first). An unknown path is 404; a known path with another method
 * 405 with `Allow`.
 */
export function createApiHandler(unguarded: ApiRoute[], options: HttpApiOptions = {}) {
  const logger = options.logger ?? defaultLogger;
  const routes = guardRoutes(unguarded);
  const router = httpRouterHandler<APIGatewayProxyEventV2, HttpResponse>({
    routes,
    notFoundResponse: ({ method, path }) => {
      const allow = routes.filter((r) => templateRegExp(r.path).test(path)).map((r) => r.method);
      if (allow.length > 0) throw new MethodNotAllowedError(`${method} is not allowed on ${path}`, allow);
      throw new RouteNotFoundError(`no route ${method} ${path}`);
    },
  });
  return middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>({
    timeoutEarlyInMillis: options.timeoutEarlyInMillis ?? 5,
  })
    .use(injectLambdaContext(logger))
    .before((request) => {
      // Every route needs a caller; refusing here means no route can forget to.
      actorFromEvent(request.event);
    })
    .use(httpErrorMapper({ logger }))
    .handler(router);
}

/**
 * Puts the access table (`#shared/http/authorization`) in front of every route: the caller's roles are checked before
 * the route parses anything, so a refused caller learns nothing about the resource (403 ForbiddenError).
 */
export function guardRoutes(routes: ApiRoute[]): ApiRoute[] {
  return routes.map((route) => ({
    ...route,
    handler: async (event) => {
      authorize(actorFromEvent(event), route.method, route.path, event.pathParameters ?? {});
      return route.handler(event);
    },
  }));
}

function templateRegExp(template: string): RegExp {
  return new RegExp(`^${template.replace(/\{[^/]+\}/g, '[^/]+')}/?$`);
}
