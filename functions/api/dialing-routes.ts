import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type HttpResponse, json } from '#shared/http/responses';
import { type DiagnosticsDeps, explainCampaign } from '#shared/use-cases/dialing/diagnostics';

/** One dialing route, in the shape of the router's `ApiRoute`. */
export interface DialingRoute {
  method: 'GET';
  path: string;
  handler: (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;
}

/** `GET /campaigns/{id}/diagnostics`: why contacts are or are not dialed now. */
export function dialingRoutes(deps: DiagnosticsDeps): DialingRoute[] {
  return [
    {
      method: 'GET',
      path: '/campaigns/{id}/diagnostics',
      // Left percent-encoded like the campaign routes: an encoded id is unknown (404) either way.
      handler: async (event) => json(200, await explainCampaign(deps, event.pathParameters?.id ?? '')),
    },
  ];
}
