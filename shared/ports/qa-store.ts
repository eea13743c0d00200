import type { Evaluation, QaCounterDelta, QaItem, QaItemState } from '#shared/domain/qa/queue';
import type { SamplingCall } from '#shared/domain/qa/sampling';
import type { Scorecard } from '#shared/domain/qa/scorecard';

/** One attempt as QA sampling reads it from the attempts of an agent's day (gsi1 `AGENTDAY#<agent>#<day>`). */
export interface AttemptForQa extends SamplingCall {
  campaignId: string;
  agentId: string;
  /** Team recorded on the attempt, when outcomes knew it. */
  teamId?: string;
  connectContactId?: string;
  disposition?: string;
  recording?: { bucket: string; key: string };
}

/** An agent of a team as sampling needs it. */
export interface TeamAgent {
  agentId: string;
  startDate?: string;
}

export interface QueueFilter {
  day: string;
  teamId?: string;
  campaignId?: string;
  agentId?: string;
  state?: QaItemState;
  limit: number;
  cursor?: string;
}

export interface QueuePage {
  items: QaItem[];
  /** Opaque; absent on the last page. */
  cursor?: string;
}

/** What a claim asks for; the store decides atomically whether it is granted. */
export interface ClaimRequest {
  attemptRef: string;
  evaluatorId: string;
  at: string;
  expiresAt: string;
  /** Score beside the primary evaluator instead of taking the item. */
  calibration: boolean;
}

/** An evaluation to write and what must still hold for it to be written. */
export interface EvaluationWrite {
  evaluation: Evaluation;
  /** The item's `evaluationCount` as read: a concurrent write makes this one fail with `ConflictError`. */
  expectedEvaluationCount: number;
  /**
   * Primary and revision evaluations become the item's current one and add `delta` to the agent, team and campaign
   * counters of the call's day in the same transaction; calibrations do neither.
   */
  current?: { delta: QaCounterDelta; item: Pick<QaItem, 'day' | 'agentId' | 'teamId' | 'campaignId'> };
  /** Primary only: the item must still be claimed by this evaluator and not yet scored. */
  requireClaimBy?: string;
}

/**
 * Persistence of scorecards, the QA queue and evaluations. Every once-only change (a version, a queued call, a claim,
 * an evaluation with its counters) is a conditional write; a lost condition is `ConflictError`.
 */
export interface QaStore {
  /** Writes a new scorecard version; `ConflictError` when that version exists. */
  putScorecard(card: Scorecard): Promise<void>;
  /** A version of a card, the latest when `version` is omitted. */
  getScorecard(id: string, version?: number): Promise<Scorecard | undefined>;
  /** The attempts of one agent and local day. */
  attemptsOfAgentDay(agentId: string, day: string): Promise<AttemptForQa[]>;
  /** The active agents of a team. */
  teamAgents(teamId: string): Promise<TeamAgent[]>;
  /** Every team with its zone: the sampler picks those whose zone its schedule runs in. */
  listTeams(): Promise<{ teamId: string; timeZone: string }[]>;
  /** Queues items that are not queued yet (conditional put per item); returns how many were new. */
  enqueue(items: readonly QaItem[]): Promise<{ added: number; alreadyQueued: number }>;
  getItem(attemptRef: string): Promise<QaItem | undefined>;
  listQueue(filter: QueueFilter): Promise<QueuePage>;
  /** The items of an agent's calls on days `from`–`to` (inclusive), by day. */
  listAgentItems(agentId: string, range: { from: string; to: string }): Promise<QaItem[]>;
  /**
   * Claims an item: a primary claim succeeds when the item is queued, already claimed by the same evaluator, or its
   * claim has lapsed; a calibration claim when the item is claimed or scored by someone else. `ConflictError`
   * otherwise, `NotFoundError` when there is no such item. Returns the item after the claim.
   */
  claim(request: ClaimRequest): Promise<QaItem>;
  /** Writes an evaluation (see {@link EvaluationWrite}); `ConflictError` when a condition no longer holds. */
  writeEvaluation(write: EvaluationWrite): Promise<void>;
  listEvaluations(attemptRef: string): Promise<Evaluation[]>;
}
