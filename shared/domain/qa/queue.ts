import * as z from 'zod';
import { SAMPLE_REASONS } from '#shared/domain/qa/sampling';
import { answerSchema, answersSchema } from '#shared/domain/qa/scoring';

/**
 * The QA queue item (`QA#<attemptRef>` / `ITEM`) and its evaluations (`QA#<attemptRef>` / `EVAL#<n>`).
 *
 * An item is queued by sampling, claimed by one evaluator (a claim lapses after `claimExpiresAt`, so a forgotten claim
 * does not lock a call forever), then scored. Calibration lets other evaluators score the same call beside the
 * primary evaluator; their evaluations are kept but never counted. A revision is a new evaluation replacing the
 * current one, with a reason; counters receive only the difference.
 */

export const QA_ITEM_STATES = ['queued', 'claimed', 'scored'] as const;
export type QaItemState = (typeof QA_ITEM_STATES)[number];

/** Where the call's recording is, when the instance records calls. */
export const recordingLocationSchema = z.object({ bucket: z.string().min(1), key: z.string().min(1) });

/** The current (primary or revised) evaluation, summarised on the item so lists need no second read. */
export const currentEvaluationSchema = z.object({
  n: z.number().int().min(1),
  scoreTenths: z.number().int().min(0).max(1000),
  criticalFailed: z.boolean(),
  scorecardId: z.string(),
  scorecardVersion: z.number().int().min(1),
  evaluatorId: z.string(),
  at: z.string(),
});
export type CurrentEvaluation = z.infer<typeof currentEvaluationSchema>;

export const qaItemSchema = z.object({
  attemptRef: z.string().min(1).max(200),
  /** Local day of the call (the team's zone), which the counters of its score use. */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  teamId: z.string().min(1),
  campaignId: z.string().min(1),
  agentId: z.string().min(1),
  connectContactId: z.string().optional(),
  disposition: z.string().optional(),
  talkSeconds: z.number().min(0),
  recording: recordingLocationSchema.optional(),
  reasons: z.array(z.enum(SAMPLE_REASONS)).min(1),
  /** The seed string the sample was drawn with: rerunning with it draws the same calls. */
  sampleSeed: z.string(),
  sampledAt: z.string(),
  state: z.enum(QA_ITEM_STATES),
  claimedBy: z.string().optional(),
  claimedAt: z.string().optional(),
  claimExpiresAt: z.string().optional(),
  /** Evaluators calibrating on this call, with when they claimed it. */
  calibrators: z.record(z.string(), z.string()).default({}),
  /** Evaluations written so far (primary, revisions, calibrations): the next one is `EVAL#<evaluationCount + 1>`. */
  evaluationCount: z.number().int().min(0).default(0),
  current: currentEvaluationSchema.optional(),
});
export type QaItem = z.infer<typeof qaItemSchema>;

export const EVALUATION_KINDS = ['primary', 'revision', 'calibration'] as const;
export type EvaluationKind = (typeof EVALUATION_KINDS)[number];

export const evaluationSchema = z.object({
  attemptRef: z.string(),
  n: z.number().int().min(1),
  kind: z.enum(EVALUATION_KINDS),
  evaluatorId: z.string(),
  scorecardId: z.string(),
  scorecardVersion: z.number().int().min(1),
  answers: z.array(answerSchema),
  comment: z.string().optional(),
  score: z.number().min(0).max(100),
  scoreTenths: z.number().int().min(0).max(1000),
  rawScore: z.number().min(0).max(100),
  criticalFailed: z.boolean(),
  failedCriticalItems: z.array(z.string()),
  sections: z.array(z.object({ sectionId: z.string(), score: z.number().nullable() })),
  /** Revisions only: why the score was changed, and which evaluation it replaces. */
  reason: z.string().optional(),
  replaces: z.number().int().min(1).optional(),
  at: z.string(),
});
export type Evaluation = z.infer<typeof evaluationSchema>;

/** What an evaluator submits: item answers against a named scorecard version; the score is computed from them. */
export const evaluationInputSchema = z.object({
  scorecardId: z.string().min(1).max(64),
  scorecardVersion: z.number().int().min(1),
  answers: answersSchema,
  comment: z.string().trim().max(5000).optional(),
});

/** A revision: new answers (possibly against another version) and why the score changes. */
export const revisionInputSchema = evaluationInputSchema.extend({ reason: z.string().trim().min(1).max(2000) });

/** How long a claim holds before another evaluator may take the item. */
export const CLAIM_HOURS = 8;

/** What one evaluation adds to the agent, team and campaign counters of the call's day. */
export interface QaCounterDelta {
  qaCount: number;
  /** In integer tenths; the store divides by 10 when it writes `qaScoreSum`. */
  qaScoreSumTenths: number;
  qaCritical: number;
}

/** The counter change of replacing `before` (absent for a first evaluation) by `after`. */
export function qaCounterDelta(
  before: Pick<CurrentEvaluation, 'scoreTenths' | 'criticalFailed'> | undefined,
  after: Pick<CurrentEvaluation, 'scoreTenths' | 'criticalFailed'>,
): QaCounterDelta {
  return {
    qaCount: before ? 0 : 1,
    qaScoreSumTenths: after.scoreTenths - (before?.scoreTenths ?? 0),
    qaCritical: (after.criticalFailed ? 1 : 0) - (before?.criticalFailed ? 1 : 0),
  };
}
