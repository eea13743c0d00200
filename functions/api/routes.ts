import { agentRoutes } from '#functions/api/agent-routes';
import { campaignRoutes } from '#functions/api/campaign-routes';
import { dialingRoutes } from '#functions/api/dialing-routes';
import { orderRoutes } from '#functions/api/order-routes';
import { qaRoutes } from '#functions/api/qa-routes';
import type { ApiRoute } from '#functions/api/router';
import type { AgentDeps } from '#shared/use-cases/agents/deps';
import type { CampaignDeps } from '#shared/use-cases/campaigns';
import type { DiagnosticsDeps } from '#shared/use-cases/dialing/diagnostics';
import type { FulfilmentDeps } from '#shared/use-cases/orders/deps';
import type { QaDeps } from '#shared/use-cases/qa/scorecards';

/** What the main API function serves: every route group except the data-subject routes (their own function). */
export type ApiDeps = CampaignDeps & {
  qa?: QaDeps;
  dialing?: DiagnosticsDeps;
  agents?: AgentDeps;
  orders?: FulfilmentDeps;
};

/** The main API function's routes, bound to `deps`; a group whose deps are absent is not served. */
export function apiRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    ...campaignRoutes(deps),
    ...(deps.qa ? qaRoutes(deps.qa) : []),
    ...(deps.dialing ? dialingRoutes(deps.dialing) : []),
    ...(deps.agents ? agentRoutes(deps.agents) : []),
    ...(deps.orders ? orderRoutes(deps.orders) : []),
  ];
}
