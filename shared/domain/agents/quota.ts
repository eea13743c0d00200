import type { Agent, DayFigures, QuotaSettings } from '#shared/domain/agents/agent';
import { daysBetween } from '#shared/domain/agents/calendar';
import type { Counters } from '#shared/domain/counters';

/**
 * Daily quotas of effective calls (有效电话). An agent is new from the start date (day 1) through day
 * `newAgentDays` (day 30 by default) and owes `newAgent` effective calls (20); from the next day on, `effective` (50).
 * An agent without a start date is not new. Days are the team's local days.
 */

/** 1 on the start date, 30 on the 30th day; 0 or less before it; undefined without a start date. */
export function dayOfService(agent: Pick<Agent, 'startDate'>, day: string): number | undefined {
  return agent.startDate === undefined ? undefined : daysBetween(agent.startDate, day) + 1;
}

export function isNewAgent(agent: Pick<Agent, 'startDate'>, quota: QuotaSettings, day: string): boolean {
  const n = dayOfService(agent, day);
  return n !== undefined && n >= 1 && n <= quota.newAgentDays;
}

/** Whether the agent works on `day` at all: started, active, not on a day off. The team calendar is checked apart. */
export function agentWorksOn(agent: Pick<Agent, 'startDate' | 'daysOff' | 'active'>, day: string): boolean {
  if (!agent.active) return false;
  if (agent.startDate !== undefined && day < agent.startDate) return false;
  return !agent.daysOff.includes(day);
}

/** Effective calls the agent owes on `day`. */
export function dailyQuota(agent: Pick<Agent, 'startDate'>, quota: QuotaSettings, day: string): number {
  return isNewAgent(agent, quota, day) ? quota.newAgent : quota.effective;
}

/** The day's figures from the agent's counters (missing fields are 0). */
export function figuresFrom(counters: Counters): DayFigures {
  return {
    dials: counters.dials ?? 0,
    effective: counters.effective ?? 0,
    intentional: counters.intentional ?? 0,
    conversions: counters.conversions ?? 0,
  };
}

export interface QuotaProgress {
  quota: number;
  effective: number;
  /** Effective calls still owed; 0 once met. */
  remaining: number;
  met: boolean;
  /** Whole percent of the quota reached, capped at 100; 100 for a quota of 0. */
  percent: number;
}

export function quotaProgress(effective: number, quota: number): QuotaProgress {
  const remaining = Math.max(0, quota - effective);
  return {
    quota,
    effective,
    remaining,
    met: remaining === 0,
    percent: quota === 0 ? 100 : Math.min(100, Math.floor((effective * 100) / quota)),
  };
}
