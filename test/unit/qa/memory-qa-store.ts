import { ConflictError, NotFoundError } from '#shared/domain/errors';
import type { Evaluation, QaItem } from '#shared/domain/qa/queue';
import type { Scorecard } from '#shared/domain/qa/scorecard';
import type {
  AttemptForQa,
  ClaimRequest,
  EvaluationWrite,
  QaStore,
  QueueFilter,
  QueuePage,
  TeamAgent,
} from '#shared/ports/qa-store';

type CounterFigures = { qaCount: number; qaScoreSumTenths: number; qaCritical: number };

/**
 * `QaStore` in memory for unit tests, with the DynamoDB adapter's conditions: versions and queue items put if absent,
 * claims only on free items, evaluations guarded by `evaluationCount` (and the claim for a primary one).
 */
export class InMemoryQaStore implements QaStore {
  readonly scorecards = new Map<string, Scorecard>();
  readonly items = new Map<string, QaItem>();
  readonly evaluations = new Map<string, Evaluation[]>();
  readonly attempts = new Map<string, AttemptForQa[]>();
  readonly agents = new Map<string, TeamAgent[]>();
  readonly teams: { teamId: string; timeZone: string }[] = [];
  /** `<SCOPE>#<id>#<day>` → QA figures, in tenths for the score sum. */
  readonly counters = new Map<string, CounterFigures>();

  async putScorecard(card: Scorecard): Promise<void> {
    const key = `${card.id}#${card.version}`;
    if (this.scorecards.has(key)) throw new ConflictError(`scorecard ${card.id} version ${card.version} exists`);
    this.scorecards.set(key, structuredClone(card));
  }

  async getScorecard(id: string, version?: number): Promise<Scorecard | undefined> {
    const versions = [...this.scorecards.values()].filter((c) => c.id === id);
    const found =
      version === undefined
        ? versions.sort((a, b) => b.version - a.version)[0]
        : versions.find((c) => c.version === version);
    return found ? structuredClone(found) : undefined;
  }

  async attemptsOfAgentDay(agentId: string, day: string): Promise<AttemptForQa[]> {
    return structuredClone(this.attempts.get(`${agentId}#${day}`) ?? []);
  }

  async teamAgents(teamId: string): Promise<TeamAgent[]> {
    return structuredClone(this.agents.get(teamId) ?? []);
  }

  async listTeams(): Promise<{ teamId: string; timeZone: string }[]> {
    return structuredClone(this.teams);
  }

  async enqueue(items: readonly QaItem[]): Promise<{ added: number; alreadyQueued: number }> {
    let added = 0;
    for (const item of items) {
      if (this.items.has(item.attemptRef)) continue;
      this.items.set(item.attemptRef, structuredClone(item));
      added++;
    }
    return { added, alreadyQueued: items.length - added };
  }

  async getItem(attemptRef: string): Promise<QaItem | undefined> {
    const item = this.items.get(attemptRef);
    return item ? structuredClone(item) : undefined;
  }

  async listQueue(filter: QueueFilter): Promise<QueuePage> {
    const sortKey = (i: QaItem) => `${i.teamId}#${i.campaignId}#${i.agentId}#${i.attemptRef}`;
    const all = [...this.items.values()]
      .filter(
        (i) =>
          i.day === filter.day &&
          (filter.teamId === undefined || i.teamId === filter.teamId) &&
          (filter.campaignId === undefined || i.campaignId === filter.campaignId) &&
          (filter.agentId === undefined || i.agentId === filter.agentId) &&
          (filter.state === undefined || i.state === filter.state),
      )
      .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1))
      .filter((i) => filter.cursor === undefined || sortKey(i) > filter.cursor);
    const items = all.slice(0, filter.limit).map((i) => structuredClone(i));
    const last = items.at(-1);
    return all.length > filter.limit && last ? { items, cursor: sortKey(last) } : { items };
  }

  async listAgentItems(agentId: string, range: { from: string; to: string }): Promise<QaItem[]> {
    return [...this.items.values()]
      .filter((i) => i.agentId === agentId && i.day >= range.from && i.day <= range.to)
      .sort((a, b) => (`${a.day}#${a.attemptRef}` < `${b.day}#${b.attemptRef}` ? -1 : 1))
      .map((i) => structuredClone(i));
  }

  async claim(request: ClaimRequest): Promise<QaItem> {
    const item = this.items.get(request.attemptRef);
    if (!item) throw new NotFoundError(`no QA item ${request.attemptRef}`);
    if (request.calibration) {
      if (item.state === 'queued' || item.claimedBy === request.evaluatorId)
        throw new ConflictError('cannot calibrate');
      item.calibrators[request.evaluatorId] = request.at;
    } else {
      const free =
        item.state === 'queued' ||
        (item.state === 'claimed' &&
          (item.claimedBy === request.evaluatorId || (item.claimExpiresAt ?? '') < request.at));
      if (!free) throw new ConflictError('another evaluator holds this call');
      Object.assign(item, {
        state: 'claimed',
        claimedBy: request.evaluatorId,
        claimedAt: request.at,
        claimExpiresAt: request.expiresAt,
      });
    }
    return structuredClone(item);
  }

  async writeEvaluation(write: EvaluationWrite): Promise<void> {
    const item = this.items.get(write.evaluation.attemptRef);
    if (!item || item.evaluationCount !== write.expectedEvaluationCount) throw new ConflictError('item changed');
    if (write.requireClaimBy !== undefined && (item.claimedBy !== write.requireClaimBy || item.state !== 'claimed')) {
      throw new ConflictError('not claimed by this evaluator');
    }
    const n = write.expectedEvaluationCount + 1;
    item.evaluationCount = n;
    const list = this.evaluations.get(item.attemptRef) ?? [];
    list.push(structuredClone({ ...write.evaluation, n }));
    this.evaluations.set(item.attemptRef, list);
    if (write.current) {
      const e = write.evaluation;
      item.state = 'scored';
      item.current = {
        n,
        scoreTenths: e.scoreTenths,
        criticalFailed: e.criticalFailed,
        scorecardId: e.scorecardId,
        scorecardVersion: e.scorecardVersion,
        evaluatorId: e.evaluatorId,
        at: e.at,
      };
      const { day, agentId, teamId, campaignId } = write.current.item;
      for (const key of [`AGENT#${agentId}#${day}`, `TEAM#${teamId}#${day}`, `CAMPAIGN#${campaignId}#${day}`]) {
        const c = this.counters.get(key) ?? { qaCount: 0, qaScoreSumTenths: 0, qaCritical: 0 };
        c.qaCount += write.current.delta.qaCount;
        c.qaScoreSumTenths += write.current.delta.qaScoreSumTenths;
        c.qaCritical += write.current.delta.qaCritical;
        this.counters.set(key, c);
      }
    }
  }

  async listEvaluations(attemptRef: string): Promise<Evaluation[]> {
    return structuredClone(this.evaluations.get(attemptRef) ?? []);
  }
}
