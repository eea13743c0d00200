import { DateTime } from 'luxon';
import type { Team } from '#shared/domain/agents/agent';
import {
  addDays,
  dayInstants,
  isWorkingDay,
  localDay,
  planDueDay,
  planReminderOn,
  shiftEndAt,
} from '#shared/domain/agents/calendar';
import type { SentMarker } from '#shared/ports/agent-store';
import type { MailMessage } from '#shared/ports/mailer';
import { renderAgentLogReminder, renderLeadDigest, renderPlanReminder } from '#shared/templates/reminders/render';
import { teamDay } from '#shared/use-cases/agents/daily-logs';
import type { ReminderDeps } from '#shared/use-cases/agents/deps';

/**
 * The reminder tick. One EventBridge Scheduler schedule fires it every minute (docs/agents.md explains the choice
 * over one schedule per team). Each fire reads the teams, and for each team and each of its local days "yesterday"
 * and "today" sends what fell due within the catch-up window: a reminder at shift end − 10 min to every agent whose
 * log is not in (and on plan days the plan reminder to those whose plan is not in), and at shift end + grace the list
 * of missing logs and missed quotas to the team lead. Non-working days and holidays send nothing; agents off that
 * day are skipped. A sent marker per message makes a duplicate or overlapping fire send nothing twice.
 */

export const MARKER_KINDS = { logReminder: 'LOGREMIND', planReminder: 'PLANREMIND', leadDigest: 'LEADDIGEST' } as const;

export interface ReminderTickOptions {
  /** How late a reminder may still go out after its time (missed or failed fires). Default 60 minutes. */
  catchUpMinutes?: number;
  /** A claim older than this whose send was never confirmed is taken over. Default 10 minutes. */
  staleClaimMinutes?: number;
}

export interface ReminderTickResult {
  teams: number;
  sent: number;
  /** Messages whose marker showed they had gone out (or were going out) already. */
  alreadySent: number;
  failed: number;
  /** Teams this tick could not serve (a read failed), with the error's name; present only when there are some. */
  failedTeams?: { teamId: string; error: string }[];
}

/**
 * Some messages could not be sent, or some teams could not be served; the others were (`result` counts them). The next
 * fire retries what failed.
 */
export class ReminderSendError extends Error {
  override readonly name = 'ReminderSendError';
  readonly failures: readonly unknown[];
  readonly result: ReminderTickResult;
  constructor(failures: readonly unknown[], result: ReminderTickResult) {
    const teams = result.failedTeams ?? [];
    const messages = failures.length - teams.length;
    super(
      [
        messages > 0 || teams.length === 0 ? `${messages} reminder(s) could not be sent` : '',
        teams.length > 0
          ? `reminders failed for ${teams.length} team(s): ${teams.map((t) => `${t.teamId} (${t.error})`).join(', ')}`
          : '',
      ]
        .filter((part) => part !== '')
        .join('; '),
    );
    this.failures = failures;
    this.result = result;
  }
}

const MINUTE_MS = 60_000;

/**
 * Runs one tick at `deps.clock.now()`. Throws {@link ReminderSendError} after trying every message of every team if
 * any message or team failed: one team that cannot be read does not keep the teams after it from their reminders.
 */
export async function runReminderTick(
  deps: ReminderDeps,
  options: ReminderTickOptions = {},
): Promise<ReminderTickResult> {
  const now = deps.clock.now();
  const catchUp = (options.catchUpMinutes ?? 60) * MINUTE_MS;
  const staleBefore = new Date(now.getTime() - (options.staleClaimMinutes ?? 10) * MINUTE_MS);
  const result: ReminderTickResult = { teams: 0, sent: 0, alreadySent: 0, failed: 0 };
  const failures: unknown[] = [];
  const due = (at: Date) => at.getTime() <= now.getTime() && now.getTime() < at.getTime() + catchUp;

  const sendOnce = async (marker: SentMarker, message: () => MailMessage) => {
    if (!(await deps.markers.claim(marker, now, staleBefore))) {
      result.alreadySent++;
      return;
    }
    try {
      await deps.mailer.send(message());
    } catch (error) {
      result.failed++;
      failures.push(error);
      await deps.markers.release(marker);
      return;
    }
    await deps.markers.confirm(marker, deps.clock.now());
    result.sent++;
  };

  const teams = await deps.store.listTeams();
  result.teams = teams.length;
  const failedTeams: { teamId: string; error: string }[] = [];
  for (const team of teams) {
    try {
      await remindTeam(deps, team, now, due, sendOnce);
    } catch (error) {
      failedTeams.push({ teamId: team.id, error: error instanceof Error ? error.name : 'Error' });
      failures.push(error);
    }
  }
  if (failedTeams.length > 0) result.failedTeams = failedTeams;
  if (failures.length > 0) throw new ReminderSendError(failures, result);
  return result;
}

type SendOnce = (marker: SentMarker, message: () => MailMessage) => Promise<void>;

/** One team's due reminders and lead list for its local "yesterday" and "today". */
async function remindTeam(
  deps: ReminderDeps,
  team: Team,
  now: Date,
  due: (at: Date) => boolean,
  sendOnce: SendOnce,
): Promise<void> {
  const today = localDay(now, team.timeZone);
  for (const day of [addDays(today, -1), today]) {
    if (!isWorkingDay(team, day)) continue;
    const instants = dayInstants(team, day);
    const agentsDue = due(instants.agentReminderAt);
    const leadDue = due(instants.leadDigestAt) && team.leadEmails.length > 0;
    if (!agentsDue && !leadDue) continue;
    const state = await teamDay(deps, team, day);
    if (agentsDue) await remindAgents(deps, team, day, state.agents, sendOnce);
    if (leadDue) {
      const flagged = state.agents.filter((a) => !a.logSubmitted || !a.progress.met);
      if (flagged.length > 0) {
        await sendOnce({ kind: MARKER_KINDS.leadDigest, scope: team.id, period: day, recipient: 'leads' }, () =>
          renderLeadDigest({ to: team.leadEmails, teamName: team.name ?? team.id, day, agents: state.agents }),
        );
      }
    }
  }
}

async function remindAgents(
  deps: ReminderDeps,
  team: Team,
  day: string,
  agents: Awaited<ReturnType<typeof teamDay>>['agents'],
  sendOnce: SendOnce,
): Promise<void> {
  const reachable = agents.filter((a) => a.email !== undefined);
  const deadline = localTime(shiftEndAt(team, day), team.timeZone);
  for (const agent of reachable) {
    if (agent.logSubmitted || agent.email === undefined) continue;
    const to = agent.email;
    await sendOnce({ kind: MARKER_KINDS.logReminder, scope: team.id, period: day, recipient: agent.agentId }, () =>
      renderAgentLogReminder({
        to,
        agentName: agent.name,
        day,
        deadline,
        figures: agent.figures,
        progress: agent.progress,
      }),
    );
  }
  const period = planReminderOn(team, day);
  if (!period) return;
  const plans = await deps.store.getPlans(
    reachable.map((a) => a.agentId),
    period.periodStart,
  );
  const planDeadline = localTime(shiftEndAt(team, planDueDay(team, period.periodStart)), team.timeZone);
  for (const agent of reachable) {
    if (plans.has(agent.agentId) || agent.email === undefined) continue;
    const to = agent.email;
    await sendOnce(
      { kind: MARKER_KINDS.planReminder, scope: team.id, period: period.periodStart, recipient: agent.agentId },
      () => renderPlanReminder({ to, agentName: agent.name, period, deadline: planDeadline }),
    );
  }
}

function localTime(instant: Date, zone: string): string {
  return `${DateTime.fromJSDate(instant, { zone }).toFormat('yyyy-MM-dd HH:mm')} (${zone})`;
}
