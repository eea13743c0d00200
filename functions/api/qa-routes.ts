import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  agentEvaluationsQuerySchema,
  claimRequestSchema,
  createScorecardRequestSchema,
  evaluationRequestSchema,
  queueQuerySchema,
  reviseScorecardRequestSchema,
  revisionRequestSchema,
  teamEvaluationsQuerySchema,
} from '#events/api/qa';
import { NotFoundError } from '#shared/domain/errors';
import { jsonBody, validate } from '#shared/http/request';
import { actorFromEvent } from '#shared/http/request-context';
import { type HttpResponse, json } from '#shared/http/responses';
import {
  claimItem,
  getItemEvaluations,
  listAgentEvaluations,
  listQueue,
  listTeamEvaluations,
  reviseEvaluation,
  submitEvaluation,
} from '#shared/use-cases/qa/evaluations';
import { createScorecard, getScorecard, type QaDeps, reviseScorecard } from '#shared/use-cases/qa/scorecards';

/** One QA route, in the shape of the router's `ApiRoute`. */
export interface QaRoute {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  handler: (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;
}

/**
 * The QA routes bound to `deps`. Each parses its input, calls one use case with the caller (roles are checked there:
 * 403 for a role that may not, 404 for an item the caller may not see) and maps the answer.
 */
export function qaRoutes(deps: QaDeps): QaRoute[] {
  return [
    {
      method: 'POST',
      path: '/qa/scorecards',
      handler: async (event) => {
        const body = jsonBody(event);
        validate(createScorecardRequestSchema, body, 'scorecard');
        const card = await createScorecard(deps, actorFromEvent(event), body);
        return json(201, card, { location: `/qa/scorecards/${card.id}/versions/${card.version}` });
      },
    },
    {
      method: 'GET',
      path: '/qa/scorecards/{id}',
      handler: async (event) => json(200, await getScorecard(deps, actorFromEvent(event), param(event, 'id'))),
    },
    {
      method: 'PUT',
      path: '/qa/scorecards/{id}',
      handler: async (event) => {
        const body = jsonBody(event);
        validate(reviseScorecardRequestSchema, body, 'scorecard');
        const card = await reviseScorecard(deps, actorFromEvent(event), param(event, 'id'), body);
        return json(200, card, { location: `/qa/scorecards/${card.id}/versions/${card.version}` });
      },
    },
    {
      method: 'GET',
      path: '/qa/scorecards/{id}/versions/{version}',
      handler: async (event) => {
        const version = Number(param(event, 'version'));
        if (!Number.isInteger(version) || version < 1) throw new NotFoundError('no such scorecard version');
        return json(200, await getScorecard(deps, actorFromEvent(event), param(event, 'id'), version));
      },
    },
    {
      method: 'GET',
      path: '/qa/queue',
      handler: async (event) => {
        const q = validate(queueQuerySchema, event.queryStringParameters ?? {}, 'query string');
        const page = await listQueue(deps, actorFromEvent(event), {
          day: q.day,
          ...(q.team ? { teamId: q.team } : {}),
          ...(q.campaign ? { campaignId: q.campaign } : {}),
          ...(q.agent ? { agentId: q.agent } : {}),
          ...(q.state ? { state: q.state } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
        });
        return json(200, page);
      },
    },
    {
      method: 'GET',
      path: '/qa/items/{ref}',
      handler: async (event) => json(200, await getItemEvaluations(deps, actorFromEvent(event), param(event, 'ref'))),
    },
    {
      method: 'POST',
      path: '/qa/items/{ref}/claim',
      handler: async (event) => {
        const body = validate(claimRequestSchema, jsonBody(event) ?? {}, 'claim');
        return json(200, await claimItem(deps, actorFromEvent(event), param(event, 'ref'), body));
      },
    },
    {
      method: 'POST',
      path: '/qa/items/{ref}/evaluations',
      handler: async (event) => {
        const body = jsonBody(event);
        validate(evaluationRequestSchema, body, 'evaluation');
        return json(201, await submitEvaluation(deps, actorFromEvent(event), param(event, 'ref'), body));
      },
    },
    {
      method: 'POST',
      path: '/qa/items/{ref}/revisions',
      handler: async (event) => {
        const body = jsonBody(event);
        validate(revisionRequestSchema, body, 'revision');
        return json(201, await reviseEvaluation(deps, actorFromEvent(event), param(event, 'ref'), body));
      },
    },
    {
      method: 'GET',
      path: '/qa/agents/{agentId}/evaluations',
      handler: async (event) => {
        const range = validate(agentEvaluationsQuerySchema, event.queryStringParameters ?? {}, 'query string');
        const items = await listAgentEvaluations(deps, actorFromEvent(event), param(event, 'agentId'), range);
        return json(200, { items });
      },
    },
    {
      method: 'GET',
      path: '/qa/teams/{teamId}/evaluations',
      handler: async (event) => {
        const q = validate(teamEvaluationsQuerySchema, event.queryStringParameters ?? {}, 'query string');
        const page = await listTeamEvaluations(deps, actorFromEvent(event), param(event, 'teamId'), {
          day: q.day,
          ...(q.limit ? { limit: q.limit } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
        });
        return json(200, page);
      },
    },
  ];
}

function param(event: APIGatewayProxyEventV2, name: string): string {
  // Left encoded like campaign ids: ids here are [A-Za-z0-9._-], so an encoded one is unknown (404) either way.
  return event.pathParameters?.[name] ?? '';
}
