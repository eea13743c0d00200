import { DateTime } from 'luxon';

/** The reports outcall sends: scheduled per team, and on a campaign's pilot end and completion. */
export const REPORT_KINDS = ['daily', 'weekly', 'monthly', 'pilot', 'campaign'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const SCHEDULED_KINDS = ['daily', 'weekly', 'monthly'] as const;
export type ScheduledKind = (typeof SCHEDULED_KINDS)[number];

/** Whole local days `from`–`to`, both inclusive (`YYYY-MM-DD`). */
export interface Period {
  from: string;
  to: string;
  /** Names the period in keys and subjects: `2026-03-02`, `2026-W10`, `2026-03`, or `2026-03-01..2026-03-09`. */
  label: string;
}

const DAY = 'yyyy-MM-dd';

function day(value: string): DateTime {
  const d = DateTime.fromISO(value, { zone: 'UTC' });
  if (!d.isValid || value.length !== 10) throw new RangeError(`not a date: ${value}`);
  return d;
}

/** The daily, weekly (ISO week, Monday–Sunday) or monthly period that contains `date`. */
export function periodContaining(kind: ScheduledKind, date: string): Period {
  const d = day(date);
  if (kind === 'daily') return { from: date, to: date, label: date };
  if (kind === 'weekly') {
    const start = d.startOf('week');
    return {
      from: start.toFormat(DAY),
      to: start.plus({ days: 6 }).toFormat(DAY),
      label: start.toFormat("kkkk-'W'WW"),
    };
  }
  const start = d.startOf('month');
  return { from: start.toFormat(DAY), to: start.endOf('month').toFormat(DAY), label: start.toFormat('yyyy-MM') };
}

/** A period of arbitrary days (pilot, whole campaign). */
export function rangePeriod(from: string, to: string): Period {
  if (day(from) > day(to)) throw new RangeError(`a period cannot end (${to}) before it starts (${from})`);
  return { from, to, label: from === to ? from : `${from}..${to}` };
}

/** The period of the same kind and length just before `period` (for "change against the previous period"). */
export function previousPeriod(kind: ReportKind, period: Period): Period {
  if (kind === 'daily' || kind === 'weekly' || kind === 'monthly') {
    return periodContaining(kind, day(period.from).minus({ days: 1 }).toFormat(DAY));
  }
  const length = daysIn(period).length;
  const to = day(period.from).minus({ days: 1 });
  return rangePeriod(to.minus({ days: length - 1 }).toFormat(DAY), to.toFormat(DAY));
}

/** The days of a period in order. */
export function daysIn(period: Period): string[] {
  const out: string[] = [];
  for (let d = day(period.from); d <= day(period.to); d = d.plus({ days: 1 })) out.push(d.toFormat(DAY));
  return out;
}

/** The local calendar day of an instant in a zone. */
export function localDay(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat(DAY);
}

/**
 * The scheduled reports a team in `zone` is owed at `now`: once its local clock has passed `sendHour`, yesterday's
 * daily report; on Mondays also last week's, on the 1st also last month's. Asking again later the same local day
 * gives the same answer, so an hourly tick that missed a run catches up, and the sent markers keep it to one e-mail.
 */
export function duePeriods(now: Date, zone: string, sendHour: number): { kind: ScheduledKind; period: Period }[] {
  const local = DateTime.fromJSDate(now, { zone });
  if (local.hour < sendHour) return [];
  const yesterday = local.minus({ days: 1 }).toFormat(DAY);
  const out: { kind: ScheduledKind; period: Period }[] = [
    { kind: 'daily', period: periodContaining('daily', yesterday) },
  ];
  if (local.weekday === 1) out.push({ kind: 'weekly', period: periodContaining('weekly', yesterday) });
  if (local.day === 1) out.push({ kind: 'monthly', period: periodContaining('monthly', yesterday) });
  return out;
}
