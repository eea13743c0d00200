import { DateTime } from 'luxon';
import type { Agent, Team } from '#shared/domain/agents/agent';
import { isWorkingDay } from '#shared/domain/agents/calendar';
import { agentWorksOn, dailyQuota } from '#shared/domain/agents/quota';
import type { Campaign, CampaignState } from '#shared/domain/campaign';
import { NotFoundError } from '#shared/domain/errors';
import {
  type AgentFigures,
  type AgentInput,
  agentFigures,
  type CounterBag,
  campaignFigures,
  type DailyLogStatus,
  deadlineProgress,
  rankAgents,
} from '#shared/domain/reports/figures';
import {
  daysIn,
  localDay,
  type Period,
  previousPeriod,
  type ReportKind,
  rangePeriod,
  type ScheduledKind,
} from '#shared/domain/reports/period';
import type { ReportSettings } from '#shared/domain/reports/recipients';
import { type CampaignSection, pilotDecisions, type Report, sumDays, trendOf } from '#shared/domain/reports/report';
import type { AgentStore } from '#shared/ports/agent-store';
import type { CampaignRepository } from '#shared/ports/campaign-repository';
import type { Clock } from '#shared/ports/clock';
import type { HeldBackSource, ReportReads } from '#shared/ports/report-store';

/** What building a report reads; every read is bounded by teams, agents, campaigns and days, never by calls. */
export interface ReportBuildDeps {
  reads: ReportReads;
  agents: Pick<AgentStore, 'getTeam' | 'listTeamAgents' | 'getDailyLogs'>;
  campaigns: Pick<CampaignRepository, 'get' | 'list' | 'listTransitions'>;
  /** Dialing diagnostics; without it the held-back line says it is unknown. */
  heldBack?: HeldBackSource | undefined;
  clock: Clock;
}

/** Days shown in a daily report's trend: the day and the six before it. */
export const DAILY_TREND_DAYS = 7;
/** Longest trend drawn for a campaign report; older days are in the totals, not the chart. */
export const MAX_TREND_DAYS = 62;
/**
 * States whose campaigns appear in a team's scheduled reports: every state a campaign can be in once it has dialed.
 * A campaign's state is read when the report is built, not as it was in the period, so an ended one (completed, or
 * already evaluated: the event path evaluates it seconds after it completes) is kept in every period up to the one it
 * ended in.
 */
const REPORTED_STATES: readonly CampaignState[] = ['pilot', 'review', 'active', 'paused', 'completed', 'evaluated'];
/** Transitions into a pilot: the first one and every re-run. */
const PILOT_STARTS: ReadonlySet<string> = new Set(['startPilot', 'repilot']);
const ENDED_STATES: ReadonlySet<CampaignState> = new Set(['completed', 'evaluated']);

const DAY = 'yyyy-MM-dd';
const minusDays = (day: string, n: number) => DateTime.fromISO(day, { zone: 'UTC' }).minus({ days: n }).toFormat(DAY);
// ISO days sort as strings.
const earliest = (...days: string[]): string => [...days].sort()[0] ?? '';

/** A team's daily, weekly or monthly report: its campaigns, its agents, the change and the trend. */
export async function buildTeamReport(
  deps: ReportBuildDeps,
  kind: ScheduledKind,
  teamId: string,
  period: Period,
  settings: ReportSettings,
): Promise<Report> {
  const team = await deps.agents.getTeam(teamId);
  if (!team) throw new NotFoundError(`team ${teamId} does not exist`);
  const previous = previousPeriod(kind, period);
  const trendDays =
    kind === 'daily' ? daysIn(rangePeriod(minusDays(period.to, DAILY_TREND_DAYS - 1), period.to)) : daysIn(period);
  const readFrom = earliest(previous.from, trendDays[0] ?? period.from);

  const [teamDays, members, campaigns] = await Promise.all([
    deps.reads.counters('TEAM', teamId, readFrom, period.to),
    deps.agents.listTeamAgents(teamId),
    campaignsOfTeam(deps, teamId, period),
  ]);
  const counted = await agentCounters(deps, team, members, period, previous);
  const agents = counted.map((c) => c.agent);
  const logs = await logStatuses(deps, team, agents, period);
  const rows = agentRows(team, counted, period, previous, logs, settings);
  const current = rows.map((r) => r.current);
  const before = rows.map((r) => r.previous);
  const sections = await Promise.all(campaigns.map((c) => campaignSection(deps, c, kind, period, previous)));
  const { top, bottom } = rankAgents(current);
  return {
    kind,
    scope: { type: 'team', id: teamId, name: team.name ?? teamId },
    period,
    previousPeriod: previous,
    timeZone: team.timeZone,
    generatedAt: deps.clock.now().toISOString(),
    campaigns: sections.map((s) => s.section),
    agents: current,
    previousAgents: Object.fromEntries(before.map((a) => [a.agentId, a])),
    top,
    bottom,
    trend: trendOf(teamDays, trendDays),
    decisions: [],
    notes: sections.flatMap((s) => s.notes),
  };
}

/** Which campaign report to build: the campaign, its days and the period name its sent marker uses. */
export interface CampaignReportTarget {
  kind: 'pilot' | 'campaign';
  campaign: Campaign;
  period: Period;
  /** `pilot-<end of that pilot>` (a re-run pilot gets its own review) or `final`. */
  markerPeriod: string;
}

/** Reads the campaign and its transitions (two requests) to name the report before anything is built. */
export async function campaignReportTarget(
  deps: ReportBuildDeps,
  kind: 'pilot' | 'campaign',
  campaignId: string,
): Promise<CampaignReportTarget> {
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new NotFoundError(`campaign ${campaignId} does not exist`);
  const zone = campaign.callingRules.timeZone;
  const transitions = await deps.campaigns.listTransitions(campaignId);
  const now = deps.clock.now();
  let start = new Date(campaign.createdAt);
  let end = now;
  let markerPeriod = 'final';
  if (kind === 'pilot') {
    const ended = transitions.filter((t) => t.action === 'endPilot').at(-1);
    // A re-run pilot begins with `repilot` (review → pilot), the first with `startPilot`: the review covers the last.
    const started = transitions.filter((t) => PILOT_STARTS.has(t.action) && (!ended || t.at <= ended.at)).at(-1);
    if (started) start = new Date(started.at);
    if (ended) end = new Date(ended.at);
    markerPeriod = `pilot-${(ended?.at ?? now.toISOString()).replace(/[^0-9]/g, '').slice(0, 14)}`;
  } else {
    const completed = transitions.filter((t) => t.action === 'complete').at(-1);
    if (completed) end = new Date(completed.at);
  }
  const from = localDay(start, zone);
  const to = localDay(end, zone);
  return { kind, campaign, markerPeriod, period: rangePeriod(from, [from, to].sort()[1] ?? from) };
}

/**
 * A campaign's pilot review (the days of its last pilot) or evaluation (its whole life), for its planners and its
 * requesting department. Counters are kept per campaign, not per agent and campaign, so these carry no agent table.
 */
export async function buildCampaignReport(deps: ReportBuildDeps, target: CampaignReportTarget): Promise<Report> {
  const { kind, campaign, period } = target;
  const previous = previousPeriod(kind, period);
  const { section, notes } = await campaignSection(deps, campaign, kind, period, previous);
  return {
    kind,
    scope: { type: 'campaign', id: campaign.id, name: campaign.name },
    period,
    previousPeriod: previous,
    timeZone: campaign.callingRules.timeZone,
    generatedAt: deps.clock.now().toISOString(),
    campaigns: [section],
    agents: [],
    previousAgents: {},
    top: [],
    bottom: [],
    trend: section.trend,
    decisions: kind === 'pilot' ? pilotDecisions(section.period) : [],
    notes,
  };
}

async function campaignsOfTeam(deps: ReportBuildDeps, teamId: string, period: Period): Promise<Campaign[]> {
  const out: Campaign[] = [];
  const ended: Campaign[] = [];
  for (const state of REPORTED_STATES) {
    let cursor: string | undefined;
    do {
      const page = await deps.campaigns.list({ state, limit: 100, ...(cursor ? { cursor } : {}) });
      for (const c of page.items) {
        if (c.teamIds.length > 0 && !c.teamIds.includes(teamId)) continue;
        if (!ENDED_STATES.has(state)) out.push(c);
        // updatedAt is never before the completion: one updated before the period ended before it, unread.
        else if (localDay(new Date(c.updatedAt), c.callingRules.timeZone) >= period.from) ended.push(c);
      }
      cursor = page.cursor;
    } while (cursor);
  }
  // updatedAt of an evaluated campaign is its evaluation, which the tick may make days after the completion: the
  // `complete` transition says when it ended (one Query per campaign that ended lately).
  const endedAt = await Promise.all(
    ended.map(async (c) => {
      const completed = (await deps.campaigns.listTransitions(c.id)).filter((t) => t.action === 'complete').at(-1);
      return completed?.at ?? c.updatedAt;
    }),
  );
  ended.forEach((c, i) => {
    if (localDay(new Date(endedAt[i] ?? c.updatedAt), c.callingRules.timeZone) >= period.from) out.push(c);
  });
  return out.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

async function campaignSection(
  deps: ReportBuildDeps,
  campaign: Campaign,
  kind: ReportKind,
  period: Period,
  previous: Period,
): Promise<{ section: CampaignSection; notes: string[] }> {
  const zone = campaign.callingRules.timeZone;
  const startDay = localDay(new Date(campaign.createdAt), zone);
  // One Query from the earliest day any figure needs: the previous period, the trend, or the campaign's first day.
  const trendDays =
    kind === 'daily'
      ? daysIn(rangePeriod(minusDays(period.to, DAILY_TREND_DAYS - 1), period.to))
      : daysIn(period).slice(-MAX_TREND_DAYS);
  const readFrom = earliest(startDay, previous.from, trendDays[0] ?? period.from);
  const notes: string[] = [];
  const [byDay, listSize, heldBack] = await Promise.all([
    deps.reads.counters('CAMPAIGN', campaign.id, readFrom, period.to),
    deps.reads.listSize(campaign.id),
    deps.heldBack
      ? deps.heldBack.heldBack(campaign.id).catch(() => {
          notes.push(`${campaign.name}: 暂缓拨打原因暂不可读 / held-back reasons could not be read.`);
          return undefined;
        })
      : Promise.resolve(undefined),
  ]);
  if (!deps.heldBack) notes.push(`${campaign.name}: 暂缓拨打原因未接入 / held-back reasons not available.`);
  const context = { listSize, heldBack };
  const toDate = campaignFigures(sumDays(byDay, startDay, period.to), context);
  const periodEnd = DateTime.fromISO(period.to, { zone }).endOf('day').toJSDate();
  const now = deps.clock.now();
  const asOf = new Date(Math.min(now.getTime(), periodEnd.getTime()));
  return {
    notes,
    section: {
      campaignId: campaign.id,
      name: campaign.name,
      state: campaign.state,
      period: campaignFigures(sumDays(byDay, period.from, period.to), context),
      previous: campaignFigures(sumDays(byDay, previous.from, previous.to), { listSize }),
      toDate,
      progress: deadlineProgress(new Date(campaign.createdAt), new Date(campaign.deadline), asOf, toDate.penetration),
      trend: trendOf(byDay, trendDays),
    },
  };
}

async function logStatuses(
  deps: ReportBuildDeps,
  team: Team,
  agents: readonly Agent[],
  period: Period,
): Promise<Map<string, AgentInput['log']>> {
  const ids = agents.map((a) => a.id);
  const days = daysIn(period).filter((d) => isWorkingDay(team, d));
  const byDay = await Promise.all(days.map(async (d) => [d, await deps.agents.getDailyLogs(ids, d)] as const));
  const out = new Map<string, AgentInput['log']>();
  for (const agent of agents) {
    const due = byDay.filter(([d]) => agentWorksOn(agent, d));
    const submitted = due.filter(([, logs]) => logs.has(agent.id));
    const late = submitted.filter(([, logs]) => logs.get(agent.id)?.late === true).length;
    if (period.from === period.to) {
      const status: DailyLogStatus =
        due.length === 0 ? 'notDue' : submitted.length === 0 ? 'missing' : late > 0 ? 'late' : 'submitted';
      out.set(agent.id, { status });
    } else {
      out.set(agent.id, { submitted: submitted.length, late, due: due.length });
    }
  }
  return out;
}

/**
 * The agents a team report lists, with their counters of both periods (one Query each: the periods are adjacent).
 * Active agents always; an inactive one when it has figures in the period, since the roster sync may have deactivated
 * it after the period it worked in. An agent last updated before the period began was inactive all through it (the
 * deactivation sets `updatedAt`) and is not read.
 */
async function agentCounters(
  deps: ReportBuildDeps,
  team: Team,
  members: readonly Agent[],
  period: Period,
  previous: Period,
): Promise<{ agent: Agent; byDay: Map<string, CounterBag> }[]> {
  const mayHaveWorked = (agent: Agent) => {
    const updated = Date.parse(agent.updatedAt);
    return Number.isNaN(updated) || localDay(new Date(updated), team.timeZone) >= period.from;
  };
  const read = await Promise.all(
    members
      .filter((agent) => agent.active || mayHaveWorked(agent))
      .map(async (agent) => ({ agent, byDay: await deps.reads.counters('AGENT', agent.id, previous.from, period.to) })),
  );
  return read.filter(
    ({ agent, byDay }) =>
      agent.active || Object.values(sumDays(byDay, period.from, period.to)).some((value) => value !== 0),
  );
}

function agentRows(
  team: Team,
  counted: readonly { agent: Agent; byDay: Map<string, CounterBag> }[],
  period: Period,
  previous: Period,
  logs: Map<string, AgentInput['log']>,
  settings: ReportSettings,
): { current: AgentFigures; previous: AgentFigures }[] {
  const figures = (agent: Agent, byDay: Map<string, CounterBag>, p: Period, log: AgentInput['log']) => {
    const quota = daysIn(p)
      .filter((d) => isWorkingDay(team, d) && agentWorksOn(agent, d))
      .reduce((sum, d) => sum + dailyQuota(agent, team.quota, d), 0);
    const counters = sumDays(byDay, p.from, p.to);
    return agentFigures({ agentId: agent.id, name: agent.name, counters, quota, log }, settings.commissionRate);
  };
  return counted.map(({ agent, byDay }) => ({
    current: figures(agent, byDay, period, logs.get(agent.id) ?? { status: 'notDue' }),
    previous: figures(agent, byDay, previous, { status: 'notDue' }),
  }));
}
