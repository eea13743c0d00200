import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  createCampaignRequestSchema,
  ifMatchHeaderSchema,
  listCampaignsQuerySchema,
  transitionRequestSchema,
  updateCampaignRequestSchema,
} from '#events/api/campaigns';
import type { ApiRoute } from '#functions/api/router';
import type { Campaign } from '#shared/domain/campaign';
import { jsonBody, validate } from '#shared/http/request';
import { actorFromEvent } from '#shared/http/request-context';
import { type HttpResponse, json } from '#shared/http/responses';
import {
  type CampaignDeps,
  createCampaign,
  getCampaign,
  listCampaigns,
  listTransitions,
  transitionCampaign,
  updateCampaign,
} from '#shared/use-cases/campaigns';

/*
 * Optimistic locking: every campaign response carries `ETag: "<revision>"`; `PATCH` takes it back in `If-Match`
 * (optional — without it the patch applies to the stored revision) and answers 409 when the campaign has moved on.
 */

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
