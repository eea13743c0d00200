import * as z from 'zod';
import {
  evaluationInputSchema,
  evaluationSchema,
  QA_ITEM_STATES,
  qaItemSchema,
  revisionInputSchema,
} from '#shared/domain/qa/queue';
import { scorecardIdSchema, scorecardSchema, scorecardSpecSchema } from '#shared/domain/qa/scorecard';

/**
 * The contract of the QA HTTP routes (`/qa/...`): one zod schema per request part and response body, used by the
 * route module to validate and by docs/openapi.json to document. The use cases own the rules; these only shape.
 */

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is YYYY-MM-DD');

/** `POST /qa/scorecards`: version 1 of a new card. */
export const createScorecardRequestSchema = scorecardSpecSchema.safeExtend({ id: scorecardIdSchema });

/** `PUT /qa/scorecards/{id}`: the whole next version; earlier versions stay as they are. */
export const reviseScorecardRequestSchema = scorecardSpecSchema;

export const scorecardResponseSchema = scorecardSchema;

/** `GET /qa/queue` query: a day, and optionally team, then campaign, then agent (each needs the one before). */
export const queueQuerySchema = z.object({
  day: isoDay,
  team: z.string().min(1).max(100).optional(),
  campaign: z.string().min(1).max(64).optional(),
  agent: z.string().min(1).max(100).optional(),
  state: z.enum(QA_ITEM_STATES).optional(),
  /** Page size, 1–200. Default 50. */
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().min(1).max(4096).optional(),
});

/** `GET /qa/teams/{teamId}/evaluations` query. */
export const teamEvaluationsQuerySchema = queueQuerySchema.pick({ day: true, limit: true, cursor: true });

/** `GET /qa/agents/{agentId}/evaluations` query: an inclusive range of days, at most 93. */
export const agentEvaluationsQuerySchema = z.object({ from: isoDay, to: isoDay });

/** `POST /qa/items/{ref}/claim` body (optional). */
export const claimRequestSchema = z.object({
  /** Score beside the evaluator who holds the call; calibration scores are kept but never counted. */
  calibration: z.boolean().optional(),
});

/** `POST /qa/items/{ref}/evaluations` body. */
export const evaluationRequestSchema = evaluationInputSchema;
/** `POST /qa/items/{ref}/revisions` body. */
export const revisionRequestSchema = revisionInputSchema;

export const qaItemResponseSchema = qaItemSchema;
export const evaluationResponseSchema = evaluationSchema;

export const queuePageSchema = z.object({
  items: z.array(qaItemSchema),
  /** Present when there are more items: pass it as `?cursor=` for the next page. */
  cursor: z.string().optional(),
});

export const qaItemListSchema = z.object({ items: z.array(qaItemSchema) });

export const itemEvaluationsSchema = z.object({ item: qaItemSchema, evaluations: z.array(evaluationSchema) });

export const QA_REQUEST_SCHEMAS = {
  CreateScorecardRequest: createScorecardRequestSchema,
  ReviseScorecardRequest: reviseScorecardRequestSchema,
  ClaimRequest: claimRequestSchema,
  EvaluationRequest: evaluationRequestSchema,
  RevisionRequest: revisionRequestSchema,
} satisfies Record<string, z.ZodType>;

export const QA_RESPONSE_SCHEMAS = {
  Scorecard: scorecardResponseSchema,
  QaItem: qaItemResponseSchema,
  QaQueuePage: queuePageSchema,
  QaItemList: qaItemListSchema,
  Evaluation: evaluationResponseSchema,
  ItemEvaluations: itemEvaluationsSchema,
} satisfies Record<string, z.ZodType>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });
const body = (name: string) => ({ 'application/json': { schema: ref(name) } });
const pathParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
const query = (name: string, description: string, required = false, schema: object = { type: 'string' }) => ({
  name,
  in: 'query',
  required,
  description,
  schema,
});
const scorecardId = pathParam('id', 'Scorecard id, e.g. `default` (the card from the seeds, created on first read).');
const ref_ = pathParam('ref', 'The attempt ref of the sampled call: `<campaignId>.<phoneKey>.<n>`.');
const dayQuery = query('day', 'Local day of the calls, YYYY-MM-DD.', true, { type: 'string', format: 'date' });
const pageQueries = [
  query('limit', 'Page size, 1–200. Default 50.', false, { type: 'integer', minimum: 1, maximum: 200 }),
  query('cursor', 'The `cursor` of the previous page, as given.'),
];
const scored = { description: 'The evaluation, with the score the system computed', content: body('Evaluation') };

/** OpenAPI operations of the QA routes, keyed `METHOD /path` as the router declares them. */
export const QA_OPERATIONS = {
  'POST /qa/scorecards': {
    operationId: 'createScorecard',
    summary: 'Create a scorecard at version 1 (QA, managers, admins)',
    requestBody: 'CreateScorecardRequest',
    responses: {
      201: { description: 'The scorecard', content: body('Scorecard') },
      400: responseRef('BadRequest'),
      409: responseRef('Conflict'),
    },
  },
  'GET /qa/scorecards/{id}': {
    operationId: 'getScorecard',
    summary: 'The latest version of a scorecard',
    parameters: [scorecardId],
    responses: { 200: { description: 'The scorecard', content: body('Scorecard') }, 404: responseRef('NotFound') },
  },
  'PUT /qa/scorecards/{id}': {
    operationId: 'reviseScorecard',
    summary: 'Edit a scorecard: writes the next version; past versions and the scores made with them never change',
    parameters: [scorecardId],
    requestBody: 'ReviseScorecardRequest',
    responses: {
      200: { description: 'The new version', content: body('Scorecard') },
      400: responseRef('BadRequest'),
      404: responseRef('NotFound'),
      409: responseRef('Conflict'),
    },
  },
  'GET /qa/scorecards/{id}/versions/{version}': {
    operationId: 'getScorecardVersion',
    summary: 'One version of a scorecard',
    parameters: [scorecardId, pathParam('version', 'Version number, from 1.')],
    responses: { 200: { description: 'The version', content: body('Scorecard') }, 404: responseRef('NotFound') },
  },
  'GET /qa/queue': {
    operationId: 'listQaQueue',
    summary: "A day's QA queue, by team, campaign and agent (QA, managers, admins)",
    description: 'Filters narrow in index order: `campaign` needs `team`, `agent` needs `campaign`.',
    parameters: [
      dayQuery,
      query('team', 'Team id.'),
      query('campaign', 'Campaign id (with `team`).'),
      query('agent', 'Agent id (with `campaign`).'),
      query('state', 'queued, claimed or scored.', false, { type: 'string', enum: ['queued', 'claimed', 'scored'] }),
      ...pageQueries,
    ],
    responses: { 200: { description: 'One page', content: body('QaQueuePage') }, 400: responseRef('BadRequest') },
  },
  'GET /qa/items/{ref}': {
    operationId: 'getQaItem',
    summary: "A sampled call and its evaluations (QA, the call's agent, the lead of its team)",
    description: 'Agents and team leads do not see calibration evaluations; a call they may not see is a 404.',
    parameters: [ref_],
    responses: {
      200: { description: 'The item and its evaluations', content: body('ItemEvaluations') },
      404: responseRef('NotFound'),
    },
  },
  'POST /qa/items/{ref}/claim': {
    operationId: 'claimQaItem',
    summary: 'Take a call to score (QA); with `calibration` score it beside the evaluator who holds it',
    description: 'The body is optional: `{}` or none is a primary claim, `{ "calibration": true }` (ClaimRequest) not.',
    parameters: [ref_],
    responses: {
      200: { description: 'The item after the claim', content: body('QaItem') },
      404: responseRef('NotFound'),
      409: responseRef('Conflict'),
    },
  },
  'POST /qa/items/{ref}/evaluations': {
    operationId: 'submitEvaluation',
    summary: 'Score a claimed call: answers against a scorecard version; the score is computed (QA)',
    parameters: [ref_],
    requestBody: 'EvaluationRequest',
    responses: {
      201: scored,
      400: responseRef('BadRequest'),
      404: responseRef('NotFound'),
      409: responseRef('Conflict'),
    },
  },
  'POST /qa/items/{ref}/revisions': {
    operationId: 'reviseEvaluation',
    summary: 'Replace the evaluation of a scored call, with a reason; counters get the difference (QA)',
    parameters: [ref_],
    requestBody: 'RevisionRequest',
    responses: {
      201: scored,
      400: responseRef('BadRequest'),
      404: responseRef('NotFound'),
      409: responseRef('Conflict'),
    },
  },
  'GET /qa/agents/{agentId}/evaluations': {
    operationId: 'listAgentEvaluations',
    summary: "An agent's scored calls over days (the agent; team leads see their teams' calls; QA, managers)",
    parameters: [
      pathParam('agentId', 'Agent id (the Connect user id).'),
      query('from', 'First day, YYYY-MM-DD.', true, { type: 'string', format: 'date' }),
      query('to', 'Last day, YYYY-MM-DD, at most 93 days after `from`.', true, { type: 'string', format: 'date' }),
    ],
    responses: {
      200: { description: 'The scored calls', content: body('QaItemList') },
      400: responseRef('BadRequest'),
    },
  },
  'GET /qa/teams/{teamId}/evaluations': {
    operationId: 'listTeamEvaluations',
    summary: "A team's scored calls of a day (its lead, QA, managers, admins)",
    parameters: [pathParam('teamId', 'Team id.'), dayQuery, ...pageQueries],
    responses: { 200: { description: 'One page', content: body('QaQueuePage') }, 400: responseRef('BadRequest') },
  },
};
