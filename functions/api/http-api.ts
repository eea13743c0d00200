import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpRouterHandler, { type Method } from '@middy/http-router';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import {
  createCampaignRequestSchema,
  ifMatchHeaderSchema,
  listCampaignsQuerySchema,
  transitionRequestSchema,
  updateCampaignRequestSchema,
} from '#events/api/campaigns';
import { agentRoutes } from '#functions/api/agent-routes';
import { dialingRoutes } from '#functions/api/dialing-routes';
import { orderRoutes } from '#functions/api/order-routes';
import { qaRoutes } from '#functions/api/qa-routes';
import { subjectRoutes } from '#functions/api/subject-routes';
import type { Campaign } from '#shared/domain/campaign';
import { authorize } from '#shared/http/authorization';
import { httpErrorMapper } from '#shared/http/error-mapper';
import { MethodNotAllowedError, RouteNotFoundError } from '#shared/http/http-errors';
import { jsonBody, validate } from '#shared/http/request';
import { actorFromEvent } from '#shared/http/request-context';
import { type HttpResponse, json } from '#shared/http/responses';
import { logger as defaultLogger } from '#shared/observability/logger';
import type { AgentDeps } from '#shared/use-cases/agents/deps';
import {
  type CampaignDeps,
  createCampaign,
  getCampaign,
  listCampaigns,
  listTransitions,
  transitionCampaign,
  updateCampaign,
} from '#shared/use-cases/campaigns';
import type { DiagnosticsDeps } from '#shared/use-cases/dialing/diagnostics';
import type { FulfilmentDeps } from '#shared/use-cases/orders/deps';
import type { SubjectDeps } from '#shared/use-cases/privacy/subjects';
import type { QaDeps } from '#shared/use-cases/qa/scorecards';

/**
 * The HTTP API's router and middleware, built around injected adapters so the Lambda entry point
 * (`functions/api/handler.ts`), the local server and the tests run the same code.
 *
 * The campaigns HTTP API (API Gateway HTTP API, payload 2.0, `$default` stage so paths carry no stage prefix).
 *
 * Optimistic locking: every campaign response carries `ETag: "<revision>"`; `PATCH` takes it back in `If-Match`
 * (optional — without it the patch applies to the stored revision) and answers 409 when the campaign has moved on.
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

/** The routes bound to `deps`; exported so tests can check that every one of them is documented. */
export function campaignRoutes(deps: CampaignDeps): ApiRoute[] {
  return [
    {
      method: 'POST',
      path: '/campaigns',
      handler: async (event) => {
        const body = jsonBody(event);
        validate(createCampaignRequestSchema, body, 'campaign');
        // The use case re-parses the raw body: it owns the defaults, and parsing twice is idempotent.
        const campaign = await createCampaign(deps, body, actorFromEvent(event));
        return campaignResponse(201, campaign, { location: `/campaigns/${campaign.id}` });
      },
    },
    {
      method: 'GET',
      path: '/campaigns',
      handler: async (event) => {
        const query = validate(listCampaignsQuerySchema, event.queryStringParameters ?? {}, 'query string');
        return json(200, await listCampaigns(deps, query));
      },
    },
    {
      method: 'GET',
      path: '/campaigns/{id}',
      handler: async (event) => campaignResponse(200, await getCampaign(deps, idOf(event))),
    },
    {
      method: 'PATCH',
      path: '/campaigns/{id}',
      handler: async (event) => {
        const ifMatch = event.headers['if-match'];
        const expectedRevision =
          ifMatch === undefined ? undefined : validate(ifMatchHeaderSchema, ifMatch, 'If-Match header');
        const body = jsonBody(event);
        // Validated for the caller's sake, but passed on raw: parsing a partial schema fills in defaults, which would
        // turn "not mentioned" into "reset to default".
        validate(updateCampaignRequestSchema, body, 'patch');
        const campaign = await updateCampaign(deps, idOf(event), body, expectedRevision, actorFromEvent(event));
        return campaignResponse(200, campaign);
      },
    },
    {
      method: 'POST',
      path: '/campaigns/{id}/transitions',
      handler: async (event) => {
        const { action, ...options } = validate(transitionRequestSchema, jsonBody(event), 'transition');
        const result = await transitionCampaign(deps, idOf(event), action, actorFromEvent(event), options);
        return json(200, result, { etag: etagOf(result.campaign) });
      },
    },
    {
      method: 'GET',
      path: '/campaigns/{id}/transitions',
      handler: async (event) => json(200, { items: await listTransitions(deps, idOf(event)) }),
    },
  ];
}

/**
 * Builds the API's Lambda handler around injected adapters, so the Lambda entry point, the local server and the tests
 * run the same code. Order: context logging, identity check, the error mapper last (its `onError` runs first).
 */
export function createHttpApi(
  deps: CampaignDeps & {
    qa?: QaDeps;
    dialing?: DiagnosticsDeps;
    agents?: AgentDeps;
    orders?: FulfilmentDeps;
    subjects?: SubjectDeps;
  },
  options: HttpApiOptions = {},
) {
  const logger = options.logger ?? defaultLogger;
  const routes: ApiRoute[] = guardRoutes([
    ...campaignRoutes(deps),
    ...(deps.qa ? qaRoutes(deps.qa) : []),
    ...(deps.dialing ? dialingRoutes(deps.dialing) : []),
    ...(deps.agents ? agentRoutes(deps.agents) : []),
    ...(deps.orders ? orderRoutes(deps.orders) : []),
    ...(deps.subjects ? subjectRoutes(deps.subjects) : []),
  ]);
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

function campaignResponse(statusCode: number, campaign: Campaign, headers: Record<string, string> = {}): HttpResponse {
  return json(statusCode, campaign, { etag: etagOf(campaign), ...headers });
}

function etagOf(campaign: Campaign): string {
  return `"${campaign.revision}"`;
}

function idOf(event: APIGatewayProxyEventV2): string {
  // Left percent-encoded: a campaign id is [a-z0-9-] only, so an encoded one is unknown (404) either way, and
  // decoding could throw on a malformed escape.
  return event.pathParameters?.id ?? '';
}

function templateRegExp(template: string): RegExp {
  return new RegExp(`^${template.replace(/\{[^/]+\}/g, '[^/]+')}/?$`);
}
