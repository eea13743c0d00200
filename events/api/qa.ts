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
