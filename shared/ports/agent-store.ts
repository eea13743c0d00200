import type { Agent, DailyLog, PeriodPlan, Team } from '#shared/domain/agents/agent';
import type { Counters } from '#shared/domain/counters';

/** Agents, teams, daily logs and period plans (docs/data-model.md: AGENT#, TEAM#, LOG#, PLAN#). */
export interface AgentStore {
  getTeam(teamId: string): Promise<Team | undefined>;
  /** Stores the team whole (replacing what was there). */
  putTeam(team: Team): Promise<void>;
  /** Every team; one Query of the `TEAMS` index partition. */
  listTeams(): Promise<Team[]>;
  getAgent(agentId: string): Promise<Agent | undefined>;
  /** Stores the agent whole; its team index entry follows `teamId`. */
  putAgent(agent: Agent): Promise<void>;
  listTeamAgents(teamId: string): Promise<Agent[]>;
  getDailyLog(agentId: string, day: string): Promise<DailyLog | undefined>;
  /** The logs of `day` of these agents that exist. */
  getDailyLogs(agentIds: readonly string[], day: string): Promise<Map<string, DailyLog>>;
  /**
   * Stores a log if the stored one still has `expectedSubmissions` submissions (0: none stored), so two concurrent
   * submissions cannot both win. Throws `ConflictError` otherwise.
   */
  saveDailyLog(log: DailyLog, expectedSubmissions: number): Promise<void>;
  getPlans(agentIds: readonly string[], periodStart: string): Promise<Map<string, PeriodPlan>>;
  putPlan(plan: PeriodPlan): Promise<void>;
  /** The agent's counters of a local day, shards summed; all zero when nothing was counted. */
  agentDayCounters(agentId: string, day: string): Promise<Counters>;
}

/** One message that must go out once: `SENT#<kind>#<scope>#<period>` / `<recipient>`. */
export interface SentMarker {
  kind: string;
  scope: string;
  period: string;
  recipient: string;
}

/**
 * Send-once bookkeeping. A sender claims the marker, sends, then confirms it; a failed send releases it so the next
 * fire retries. A claim never confirmed (the sender died between claim and send) may be taken over once it is older
 * than `staleBefore`, so a crash delays a message but does not lose it.
 */
export interface SentMarkers {
  /** True when this caller now owns the marker; false when it was sent, or claimed recently by another. */
  claim(marker: SentMarker, at: Date, staleBefore: Date): Promise<boolean>;
  confirm(marker: SentMarker, at: Date): Promise<void>;
  release(marker: SentMarker): Promise<void>;
}
