import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  putTeamRequestSchema,
  submitDailyLogRequestSchema,
  submitPlanRequestSchema,
  updateAgentRequestSchema,
} from '#events/api/agents';
import { jsonBody, validate } from '#shared/http/request';
import { actorFromEvent } from '#shared/http/request-context';
import { type HttpResponse, json } from '#shared/http/responses';
import { getDailyLog, getTeamDay, submitDailyLog, submitPeriodPlan } from '#shared/use-cases/agents/daily-logs';
import type { AgentDeps } from '#shared/use-cases/agents/deps';
import { getAgent, getTeam, listTeamAgents, putTeam, updateAgentSettings } from '#shared/use-cases/agents/teams';

/** One agents route, in the shape of the router's `ApiRoute`. */
export interface AgentRoute {
  method: 'GET' | 'PUT' | 'PATCH';
  path: string;
  handler: (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;
}

/** Path parameters are left percent-encoded: ids and days are plain ASCII, so an encoded one is refused anyway. */
const param = (event: APIGatewayProxyEventV2, name: string) => event.pathParameters?.[name] ?? '';

/** The teams, agents, daily log and plan routes bound to `deps`; roles are checked in the use cases. */
export function agentRoutes(deps: AgentDeps): AgentRoute[] {
  return [
    {
      method: 'GET',
      path: '/teams/{teamId}',
      handler: async (event) => json(200, await getTeam(deps, param(event, 'teamId'))),
    },
    {
      method: 'PUT',
      path: '/teams/{teamId}',
      handler: async (event) => {
        const body = validate(putTeamRequestSchema, jsonBody(event), 'team');
        return json(200, await putTeam(deps, actorFromEvent(event), param(event, 'teamId'), body));
      },
    },
    {
      method: 'GET',
      path: '/teams/{teamId}/agents',
      handler: async (event) =>
        json(200, { items: await listTeamAgents(deps, actorFromEvent(event), param(event, 'teamId')) }),
    },
    {
      method: 'GET',
      path: '/teams/{teamId}/days/{day}',
      handler: async (event) =>
        json(200, await getTeamDay(deps, actorFromEvent(event), param(event, 'teamId'), param(event, 'day'))),
    },
    {
      method: 'GET',
      path: '/agents/{agentId}',
      handler: async (event) => json(200, await getAgent(deps, actorFromEvent(event), param(event, 'agentId'))),
    },
    {
      method: 'PATCH',
      path: '/agents/{agentId}',
      handler: async (event) => {
        const body = jsonBody(event);
        // Validated here for the 400, passed raw: parsing would fill `daysOff: []` into a patch that did not say so.
        validate(updateAgentRequestSchema, body, 'agent settings');
        return json(200, await updateAgentSettings(deps, actorFromEvent(event), param(event, 'agentId'), body));
      },
    },
    {
      method: 'GET',
      path: '/agents/{agentId}/logs/{day}',
      handler: async (event) =>
        json(200, await getDailyLog(deps, actorFromEvent(event), param(event, 'agentId'), param(event, 'day'))),
    },
    {
      method: 'PUT',
      path: '/agents/{agentId}/logs/{day}',
      handler: async (event) => {
        const body = validate(submitDailyLogRequestSchema, jsonBody(event) ?? {}, 'daily log');
        const actor = actorFromEvent(event);
        return json(200, await submitDailyLog(deps, actor, param(event, 'agentId'), param(event, 'day'), body));
      },
    },
    {
      method: 'PUT',
      path: '/agents/{agentId}/plans/{periodStart}',
      handler: async (event) => {
        const body = validate(submitPlanRequestSchema, jsonBody(event), 'plan');
        const actor = actorFromEvent(event);
        return json(
          200,
          await submitPeriodPlan(deps, actor, param(event, 'agentId'), param(event, 'periodStart'), body),
        );
      },
    },
  ];
}
