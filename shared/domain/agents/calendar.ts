import { DateTime } from 'luxon';
import type { TeamSettings } from '#shared/domain/agents/agent';
import { WEEKDAYS } from '#shared/domain/campaign';

/**
 * A team's working calendar in its own IANA zone: local days, working days and holidays, the shift end and the
 * instants derived from it (agents' reminder, log deadline, lead's list), and the plan days (the 15th and the last day
 * of each month).
 *
 * Local times become instants with luxon's rule: a time in a spring-forward gap moves forward by the gap (02:30 on a
 * New York spring-forward day is 03:30 EDT), a time that shows twice in a fall-back overlap is its first occurrence.
 * The offsets before and after (−10 min, +grace) are real minutes, not wall-clock minutes.
 */

type Calendar = Pick<TeamSettings, 'timeZone' | 'shiftEnd' | 'workingDays' | 'holidays'>;
type ReminderTimes = Calendar & Pick<TeamSettings, 'reminderMinutesBefore' | 'leadGraceMinutes'>;

const MINUTE_MS = 60_000;

function dayStart(day: string, zone: string): DateTime {
  const dt = DateTime.fromISO(day, { zone });
  if (!dt.isValid) throw new RangeError(`not a local day in ${zone}: ${day}`);
  return dt;
}

/** The local calendar day (`YYYY-MM-DD`) of an instant in `zone`. */
export function localDay(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISODate() ?? '';
}

/** `day` plus `days` calendar days (negative goes back). */
export function addDays(day: string, days: number): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).plus({ days }).toISODate() ?? '';
}

/** Whole calendar days from `from` to `to` (`to` − `from`). */
export function daysBetween(from: string, to: string): number {
  return Math.round(DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days').days);
}

/** Last calendar day of the month of `day` (28, 29, 30 or 31). */
export function lastDayOfMonth(day: string): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).endOf('month').toISODate() ?? '';
}

/** A holiday period covers `day` (both ends inclusive). */
export function isHoliday(calendar: Pick<Calendar, 'holidays'>, day: string): boolean {
  return calendar.holidays.some((h) => h.startDate <= day && day <= h.endDate);
}

/** A working weekday of the team that is not a holiday. */
export function isWorkingDay(calendar: Pick<Calendar, 'workingDays' | 'holidays'>, day: string): boolean {
  const weekday = WEEKDAYS[DateTime.fromISO(day, { zone: 'UTC' }).weekday - 1];
  return weekday !== undefined && calendar.workingDays.includes(weekday) && !isHoliday(calendar, day);
}

/** The instant the shift ends on local `day`; the daily log is due then. */
export function shiftEndAt(calendar: Pick<Calendar, 'timeZone' | 'shiftEnd'>, day: string): Date {
  const [hour = 0, minute = 0] = calendar.shiftEnd.split(':').map(Number);
  return dayStart(day, calendar.timeZone).set({ hour, minute }).toJSDate();
}

/** When the reminders of local `day` go out, and when the log is due. */
export interface DayInstants {
  /** Shift end − `reminderMinutesBefore`: reminder to agents whose log is not in (and the plan reminder). */
  agentReminderAt: Date;
  /** Shift end: a log submitted after it is late. */
  logDeadline: Date;
  /** Shift end + `leadGraceMinutes`: the list of missing logs and missed quotas to the team lead. */
  leadDigestAt: Date;
}

export function dayInstants(team: ReminderTimes, day: string): DayInstants {
  const end = shiftEndAt(team, day).getTime();
  return {
    agentReminderAt: new Date(end - team.reminderMinutesBefore * MINUTE_MS),
    logDeadline: new Date(end),
    leadDigestAt: new Date(end + team.leadGraceMinutes * MINUTE_MS),
  };
}

/** A plan period: the second half of a month (16th to the last day) or a whole month. */
export interface PlanPeriod {
  kind: 'half-month' | 'month';
  periodStart: string;
  periodEnd: string;
}

/**
 * The plan that falls due on the calendar plan day `day`, if it is one: on the 15th the plan for the 16th to the
 * month's end; on the last day of the month (28th, 29th, 30th or 31st) the plan for the whole next month. The seed's
 * "30th" is read as "month end", so February and 31-day months have a plan day too.
 */
export function planPeriodDueOn(day: string): PlanPeriod | undefined {
  const dt = DateTime.fromISO(day, { zone: 'UTC' });
  if (dt.day === 15) {
    return { kind: 'half-month', periodStart: addDays(day, 1), periodEnd: lastDayOfMonth(day) };
  }
  if (day === lastDayOfMonth(day)) {
    const next = addDays(day, 1);
    return { kind: 'month', periodStart: next, periodEnd: lastDayOfMonth(next) };
  }
  return undefined;
}

/** The plan period starting on `periodStart`, which must be the 1st or the 16th of a month. */
export function planPeriodStarting(periodStart: string): PlanPeriod | undefined {
  const due = planPeriodDueOn(addDays(periodStart, -1));
  return due?.periodStart === periodStart ? due : undefined;
}

/**
 * The plan the team is reminded of on local `day`: the plan of the next plan day P ≥ `day` when `day` is the last
 * working day on or before P. A plan day that falls on a weekend or holiday moves back to the working day before it.
 */
export function planReminderOn(
  calendar: Pick<Calendar, 'workingDays' | 'holidays'>,
  day: string,
): PlanPeriod | undefined {
  if (!isWorkingDay(calendar, day)) return undefined;
  // At most 16 days separate a day from the next plan day (the 15th or the month's end).
  for (let candidate = day, i = 0; i <= 16; i++, candidate = addDays(candidate, 1)) {
    const period = planPeriodDueOn(candidate);
    if (period !== undefined) return planDueDay(calendar, period.periodStart) === day ? period : undefined;
  }
  return undefined;
}

/** The local day the plan starting `periodStart` is due: the last working day on or before the day before it. */
export function planDueDay(calendar: Pick<Calendar, 'workingDays' | 'holidays'>, periodStart: string): string {
  const planDay = addDays(periodStart, -1);
  for (let day = planDay, i = 0; i < 31; i++, day = addDays(day, -1)) {
    if (isWorkingDay(calendar, day)) return day;
  }
  return planDay;
}
