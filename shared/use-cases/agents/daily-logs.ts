import {
  type Agent,
  type DailyLog,
  type DayFigures,
  dailyLogInputSchema,
  isoDateSchema,
  type PeriodPlan,
  periodPlanInputSchema,
  type Team,
} from '#shared/domain/agents/agent';
import {
  addDays,
  dayInstants,
  isWorkingDay,
  localDay,
  planDueDay,
  planPeriodStarting,
  shiftEndAt,
} from '#shared/domain/agents/calendar';
import {
  agentWorksOn,
  dailyQuota,
  figuresFrom,
  isNewAgent,
  type QuotaProgress,
  quotaProgress,
} from '#shared/domain/agents/quota';
import { issuesFrom, ValidationError } from '#shared/domain/errors';
import { requireSelf, requireSelfOrReader, requireTeamReader } from '#shared/use-cases/agents/access';
import type { Actor, AgentDeps } from '#shared/use-cases/agents/deps';
import { getTeam, loadAgent } from '#shared/use-cases/agents/teams';

/** How far back an agent may still send (late) a log. */
export const LOG_BACKFILL_DAYS = 31;

/** A day's log as the agent sees it: the stored log, or a draft pre-filled from the counters. */
export interface DailyLogView {
  agentId: string;
  teamId: string;
  day: string;
  /** Live figures from the counters (a submitted log also keeps the figures frozen at submission). */
  figures: DayFigures;
  progress: QuotaProgress;
  newAgent: boolean;
  deadline: string;
  submitted: boolean;
  log?: DailyLog;
}

/**
 * The agent, checked by `allow` before its team is read, so a caller refused learns nothing of the agent's team (not
 * even that it has none).
 */
async function agentAndTeam(
  deps: AgentDeps,
  agentId: string,
  allow: (agent: Agent) => void,
): Promise<{ agent: Agent; team: Team }> {
  const agent = await loadAgent(deps, agentId);
  allow(agent);
  if (agent.teamId === undefined) {
    throw new ValidationError(`agent ${agentId} has no team yet; a planner must assign one`);
  }
  return { agent, team: await getTeam(deps, agent.teamId) };
}

function checkDay(day: string, team: Team, now: Date): void {
  if (!isoDateSchema.safeParse(day).success) throw new ValidationError(`${day} is not a date (YYYY-MM-DD)`);
  const today = localDay(now, team.timeZone);
  if (day > today) throw new ValidationError(`${day} is in the future for the team (today is ${today})`);
  if (day < addDays(today, -LOG_BACKFILL_DAYS)) {
    throw new ValidationError(`${day} is more than ${LOG_BACKFILL_DAYS} days ago`);
  }
}

/**
 * The log of `day`, pre-filled from the agent's counters when not yet submitted. The agent, planners, managers,
 * admins, or the lead of the agent's team.
 */
export async function getDailyLog(deps: AgentDeps, actor: Actor, agentId: string, day: string): Promise<DailyLogView> {
  const { agent, team } = await agentAndTeam(deps, agentId, (a) => requireSelfOrReader(actor, a));
  checkDay(day, team, deps.clock.now());
  const [counters, log] = await Promise.all([
    deps.store.agentDayCounters(agentId, day),
    deps.store.getDailyLog(agentId, day),
  ]);
  const figures = figuresFrom(counters);
  return {
    agentId,
    teamId: team.id,
    day,
    figures,
    progress: quotaProgress(figures.effective, dailyQuota(agent, team.quota, day)),
    newAgent: isNewAgent(agent, team.quota, day),
    deadline: dayInstants(team, day).logDeadline.toISOString(),
    submitted: log !== undefined,
    ...(log ? { log } : {}),
  };
}

/**
 * The agent submits the log of `day` (own log only). Until the deadline (the shift end) a resubmission replaces the
 * log. After it, a first log is stored marked late; a correction of an on-time log is kept beside it as a late
 * amendment, so the on-time log stays the log of record. Figures are frozen from the counters at submission.
 */
export async function submitDailyLog(
  deps: AgentDeps,
  actor: Actor,
  agentId: string,
  day: string,
  input: unknown,
): Promise<DailyLog> {
  const { agent, team } = await agentAndTeam(deps, agentId, (a) => requireSelf(actor, a));
  const now = deps.clock.now();
  checkDay(day, team, now);
  const parsed = dailyLogInputSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError('the log is invalid', issuesFrom(parsed.error.issues));
  const [counters, existing] = await Promise.all([
    deps.store.agentDayCounters(agentId, day),
    deps.store.getDailyLog(agentId, day),
  ]);
  const at = now.toISOString();
  const onTime = now.getTime() <= dayInstants(team, day).logDeadline.getTime();
  const submissions = (existing?.submissions ?? 0) + 1;
  let log: DailyLog;
  if (existing && !onTime && !existing.late) {
    log = { ...existing, submissions, lateAmendment: { ...parsed.data, submittedAt: at } };
  } else {
    log = {
      ...parsed.data,
      agentId,
      teamId: team.id,
      day,
      figures: figuresFrom(counters),
      quota: dailyQuota(agent, team.quota, day),
      submittedAt: at,
      late: !onTime,
      submissions,
    };
  }
  await deps.store.saveDailyLog(log, existing?.submissions ?? 0);
  return log;
}

/**
 * The agent submits the plan of the period starting `periodStart` (the 1st: a month plan, the 16th: a half-month
 * plan). It is due at the shift end of the last working day before the period; a later one is marked late. A
 * resubmission replaces the plan.
 */
export async function submitPeriodPlan(
  deps: AgentDeps,
  actor: Actor,
  agentId: string,
  periodStart: string,
  input: unknown,
): Promise<PeriodPlan> {
  const { team } = await agentAndTeam(deps, agentId, (a) => requireSelf(actor, a));
  const period = isoDateSchema.safeParse(periodStart).success ? planPeriodStarting(periodStart) : undefined;
  if (!period) throw new ValidationError(`${periodStart} does not start a plan period (the 1st or the 16th)`);
  const parsed = periodPlanInputSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('the plan is invalid', issuesFrom(parsed.error.issues));
  const now = deps.clock.now();
  const deadline = shiftEndAt(team, planDueDay(team, periodStart));
  const plan: PeriodPlan = {
    agentId,
    periodStart: period.periodStart,
    periodEnd: period.periodEnd,
    plan: parsed.data.plan,
    submittedAt: now.toISOString(),
    late: now.getTime() > deadline.getTime(),
  };
  await deps.store.putPlan(plan);
  return plan;
}

/** One agent's line of a team's day. */
export interface AgentDayLine {
  agentId: string;
  /** For e-mails to the lead only; never logged. */
  name?: string | undefined;
  email?: string | undefined;
  newAgent: boolean;
  figures: DayFigures;
  progress: QuotaProgress;
  logSubmitted: boolean;
  logLate: boolean;
}

export interface TeamDay {
  teamId: string;
  day: string;
  workingDay: boolean;
  /** Agents working that day (active, started, not on a day off). */
  agents: AgentDayLine[];
}

/** Quota progress and log status of every agent of a team working on `day`: one counter Query per agent. */
export async function teamDay(deps: AgentDeps, team: Team, day: string): Promise<TeamDay> {
  const agents = (await deps.store.listTeamAgents(team.id)).filter((a) => agentWorksOn(a, day));
  const ids = agents.map((a) => a.id);
  const [logs, counters] = await Promise.all([
    deps.store.getDailyLogs(ids, day),
    Promise.all(ids.map((id) => deps.store.agentDayCounters(id, day))),
  ]);
  const lines = agents.map((agent, i): AgentDayLine => {
    const figures = figuresFrom(counters[i] ?? {});
    const log = logs.get(agent.id);
    return {
      agentId: agent.id,
      name: agent.name,
      email: agent.email,
      newAgent: isNewAgent(agent, team.quota, day),
      figures,
      progress: quotaProgress(figures.effective, dailyQuota(agent, team.quota, day)),
      logSubmitted: log !== undefined,
      logLate: log?.late ?? false,
    };
  });
  lines.sort((a, b) => a.agentId.localeCompare(b.agentId));
  return { teamId: team.id, day, workingDay: isWorkingDay(team, day), agents: lines };
}

/**
 * `GET /teams/{teamId}/days/{day}`: planners, managers, admins and the team's lead see every agent's quota progress
 * and log status.
 */
export async function getTeamDay(deps: AgentDeps, actor: Actor, teamId: string, day: string): Promise<TeamDay> {
  requireTeamReader(actor, teamId);
  const team = await getTeam(deps, teamId);
  checkDay(day, team, deps.clock.now());
  return teamDay(deps, team, day);
}
