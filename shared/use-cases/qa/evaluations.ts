import type * as z from 'zod';
import { ConflictError, issuesFrom, NotFoundError, ValidationError } from '#shared/domain/errors';
import {
  mayReadEvaluationsOf,
  type QaActor,
  requireAgentReader,
  requireEvaluator,
  requireQueueReader,
  requireTeamReader,
  seesAllEvaluations,
} from '#shared/domain/qa/access';
import {
  CLAIM_HOURS,
  type Evaluation,
  type EvaluationKind,
  evaluationInputSchema,
  type QaItem,
  type QaItemState,
  qaCounterDelta,
  revisionInputSchema,
} from '#shared/domain/qa/queue';
import type { Scorecard } from '#shared/domain/qa/scorecard';
import { scoreAnswers } from '#shared/domain/qa/scoring';
import type { QueuePage } from '#shared/ports/qa-store';
import { type QaDeps, readScorecard } from '#shared/use-cases/qa/scorecards';

/** Default and largest page of the queue. */
export const DEFAULT_QUEUE_PAGE = 50;
export const MAX_QUEUE_PAGE = 200;

/** The QA queue of a day, filtered by team, campaign, agent and state. */
export async function listQueue(
  deps: QaDeps,
  actor: QaActor,
  filter: {
    day: string;
    teamId?: string;
    campaignId?: string;
    agentId?: string;
    state?: QaItemState;
    limit?: number;
    cursor?: string;
  },
): Promise<QueuePage> {
  requireQueueReader(actor);
  if ((filter.campaignId !== undefined || filter.agentId !== undefined) && filter.teamId === undefined) {
    // The index sorts by team, then campaign, then agent: a campaign or agent filter narrows within a team.
    throw new ValidationError('filtering by campaign or agent needs a team', [
      { path: 'team', message: 'required with campaign or agent' },
    ]);
  }
  if (filter.agentId !== undefined && filter.campaignId === undefined) {
    throw new ValidationError('filtering by agent needs a campaign', [
      { path: 'campaign', message: 'required with agent; use /qa/agents/{agentId}/evaluations for all campaigns' },
    ]);
  }
  return deps.store.listQueue({ ...filter, limit: filter.limit ?? DEFAULT_QUEUE_PAGE });
}

/**
 * Takes an item for scoring. Without `calibration` only one evaluator holds an item at a time (the store's condition
 * decides a race: one winner, the others get `ConflictError`); a claim lapses after {@link CLAIM_HOURS} hours.
 * With `calibration` the evaluator scores beside the primary one, without counting.
 */
export async function claimItem(
  deps: QaDeps,
  actor: QaActor,
  attemptRef: string,
  options: { calibration?: boolean } = {},
): Promise<QaItem> {
  requireEvaluator(actor);
  const now = deps.clock.now();
  return deps.store.claim({
    attemptRef,
    evaluatorId: actor.id,
    at: now.toISOString(),
    expiresAt: new Date(now.getTime() + CLAIM_HOURS * 3_600_000).toISOString(),
    calibration: options.calibration ?? false,
  });
}

/**
 * Scores a claimed item: the primary evaluation (counted once in the agent, team and campaign counters of the call's
 * day) when the actor holds the primary claim, otherwise, for a calibrating evaluator, a calibration evaluation (never
 * counted).
 */
export async function submitEvaluation(
  deps: QaDeps,
  actor: QaActor,
  attemptRef: string,
  input: unknown,
): Promise<Evaluation> {
  requireEvaluator(actor);
  const body = parse(evaluationInputSchema, input, 'evaluation');
  const item = await requireItem(deps, attemptRef);
  // Holding the primary claim makes the submission primary, even for an evaluator who calibrated this call before
  // taking over a lapsed claim: otherwise the holder could only ever write uncounted calibrations and the call would
  // stay claimed and unscored. The store refuses a calibration claim to the primary holder for the same reason.
  const calibrating = item.claimedBy !== actor.id && item.calibrators[actor.id] !== undefined;
  if (!calibrating) {
    if (item.state === 'scored') {
      throw new ConflictError('this call is scored already; revise the evaluation with a reason instead');
    }
    if (item.claimedBy !== actor.id) throw new ConflictError('claim the item before scoring it');
  }
  const card = await cardFor(deps, item, body.scorecardId, body.scorecardVersion);
  const kind: EvaluationKind = calibrating ? 'calibration' : 'primary';
  const evaluation = buildEvaluation(deps, actor, item, card, body, kind);
  await deps.store.writeEvaluation({
    evaluation,
    expectedEvaluationCount: item.evaluationCount,
    ...(calibrating
      ? {}
      : { current: { delta: qaCounterDelta(undefined, evaluation), item }, requireClaimBy: actor.id }),
  });
  return evaluation;
}

/**
 * Replaces a scored call's evaluation by a new one with a recorded reason. The counters receive only the difference
 * (count unchanged, score and critical failures adjusted), in the same transaction as the new evaluation.
 */
export async function reviseEvaluation(
  deps: QaDeps,
  actor: QaActor,
  attemptRef: string,
  input: unknown,
): Promise<Evaluation> {
  requireEvaluator(actor);
  const body = parse(revisionInputSchema, input, 'revision');
  const item = await requireItem(deps, attemptRef);
  const current = item.current;
  if (item.state !== 'scored' || current === undefined) throw new ConflictError('only a scored call can be revised');
  const card = await cardFor(deps, item, body.scorecardId, body.scorecardVersion);
  const evaluation: Evaluation = {
    ...buildEvaluation(deps, actor, item, card, body, 'revision'),
    reason: body.reason,
    replaces: current.n,
  };
  await deps.store.writeEvaluation({
    evaluation,
    expectedEvaluationCount: item.evaluationCount,
    current: { delta: qaCounterDelta(current, evaluation), item },
  });
  return evaluation;
}

/** An item with all its evaluations, for QA, the call's agent and the lead of its team. */
export async function getItemEvaluations(
  deps: QaDeps,
  actor: QaActor,
  attemptRef: string,
): Promise<{ item: QaItem; evaluations: Evaluation[] }> {
  const item = await requireItem(deps, attemptRef);
  if (!mayReadEvaluationsOf(actor, item)) {
    // The same answer as a missing item: an agent learns nothing about other agents' calls.
    throw new NotFoundError(`no QA item ${attemptRef}`);
  }
  const evaluations = await deps.store.listEvaluations(attemptRef);
  // Calibration scores are the QA team's business, not the agent's.
  return {
    item,
    evaluations: seesAllEvaluations(actor) ? evaluations : evaluations.filter((e) => e.kind !== 'calibration'),
  };
}

/** An agent's scored calls over a range of days (at most 93). Team leads see only calls of their teams. */
export async function listAgentEvaluations(
  deps: QaDeps,
  actor: QaActor,
  agentId: string,
  range: { from: string; to: string },
): Promise<QaItem[]> {
  requireAgentReader(actor, agentId);
  checkRange(range);
  const items = (await deps.store.listAgentItems(agentId, range)).filter((item) => item.state === 'scored');
  return items.filter((item) => mayReadEvaluationsOf(actor, item));
}

/** A team's scored calls of a day. */
export async function listTeamEvaluations(
  deps: QaDeps,
  actor: QaActor,
  teamId: string,
  query: { day: string; limit?: number; cursor?: string },
): Promise<QueuePage> {
  requireTeamReader(actor, teamId);
  return deps.store.listQueue({ ...query, teamId, state: 'scored', limit: query.limit ?? DEFAULT_QUEUE_PAGE });
}

function checkRange(range: { from: string; to: string }): void {
  const days = (Date.parse(range.to) - Date.parse(range.from)) / 86_400_000;
  if (!(days >= 0 && days <= 92)) {
    throw new ValidationError('from must not be after to, and the range is at most 93 days', [
      { path: 'to', message: 'within 93 days of from' },
    ]);
  }
}

async function requireItem(deps: QaDeps, attemptRef: string): Promise<QaItem> {
  const item = await deps.store.getItem(attemptRef);
  if (!item) throw new NotFoundError(`no QA item ${attemptRef}`);
  return item;
}

/** The named scorecard version, if it applies to the call (its scope is the call's campaign, team, or everything). */
async function cardFor(deps: QaDeps, item: QaItem, id: string, version: number): Promise<Scorecard> {
  let card: Scorecard;
  try {
    card = await readScorecard(deps, id, version);
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new ValidationError(error.message, [{ path: 'scorecardVersion', message: error.message }]);
    }
    throw error;
  }
  const { campaignId, teamId } = card.scope;
  if (
    (campaignId !== undefined && campaignId !== item.campaignId) ||
    (teamId !== undefined && teamId !== item.teamId)
  ) {
    throw new ValidationError(`scorecard ${id} is not for this call's campaign or team`, [
      { path: 'scorecardId', message: 'scope does not match the call' },
    ]);
  }
  return card;
}

function buildEvaluation(
  deps: QaDeps,
  actor: QaActor,
  item: QaItem,
  card: Scorecard,
  body: z.infer<typeof evaluationInputSchema>,
  kind: EvaluationKind,
): Evaluation {
  const result = scoreAnswers(card, body.answers);
  return {
    attemptRef: item.attemptRef,
    n: item.evaluationCount + 1,
    kind,
    evaluatorId: actor.id,
    scorecardId: card.id,
    scorecardVersion: card.version,
    answers: body.answers,
    ...(body.comment ? { comment: body.comment } : {}),
    score: result.score,
    scoreTenths: result.scoreTenths,
    rawScore: result.rawScore,
    criticalFailed: result.criticalFailed,
    failedCriticalItems: result.failedCriticalItems,
    sections: result.sections,
    at: deps.clock.now().toISOString(),
  };
}

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationError(`invalid ${what}`, issuesFrom(parsed.error.issues));
  return parsed.data;
}
