import { describe, expect, it } from 'vitest';
import { teamSettingsSchema } from '#shared/domain/agents/agent';
import {
  dayInstants,
  isWorkingDay,
  localDay,
  planDueDay,
  planPeriodDueOn,
  planPeriodStarting,
  planReminderOn,
  shiftEndAt,
} from '#shared/domain/agents/calendar';

const shanghai = teamSettingsSchema.parse({ timeZone: 'Asia/Shanghai' });
const newYork = teamSettingsSchema.parse({ timeZone: 'America/New_York' });

describe('plan days: the 15th and the last day of every month', () => {
  it.each([
    ['2026-01-15', { kind: 'half-month', periodStart: '2026-01-16', periodEnd: '2026-01-31' }],
    ['2026-02-15', { kind: 'half-month', periodStart: '2026-02-16', periodEnd: '2026-02-28' }],
    ['2028-02-15', { kind: 'half-month', periodStart: '2028-02-16', periodEnd: '2028-02-29' }],
    ['2026-04-15', { kind: 'half-month', periodStart: '2026-04-16', periodEnd: '2026-04-30' }],
    // 28-, 29-, 30- and 31-day months end on different days; each has one month-end plan day.
    ['2026-02-28', { kind: 'month', periodStart: '2026-03-01', periodEnd: '2026-03-31' }],
    ['2028-02-29', { kind: 'month', periodStart: '2028-03-01', periodEnd: '2028-03-31' }],
    ['2026-04-30', { kind: 'month', periodStart: '2026-05-01', periodEnd: '2026-05-31' }],
    ['2026-01-31', { kind: 'month', periodStart: '2026-02-01', periodEnd: '2026-02-28' }],
    ['2027-12-31', { kind: 'month', periodStart: '2028-01-01', periodEnd: '2028-01-31' }],
  ])('%s is a plan day', (day, period) => {
    expect(planPeriodDueOn(day)).toEqual(period);
  });

  it.each(['2028-02-28', '2026-03-30', '2026-01-30', '2026-03-14', '2026-03-16', '2026-03-01'])(
    '%s is not a plan day',
    (day) => {
      expect(planPeriodDueOn(day)).toBeUndefined();
    },
  );

  it('names a period only by its first day (the 1st or the 16th)', () => {
    expect(planPeriodStarting('2026-03-01')?.kind).toBe('month');
    expect(planPeriodStarting('2026-03-16')?.periodEnd).toBe('2026-03-31');
    expect(planPeriodStarting('2028-02-16')?.periodEnd).toBe('2028-02-29');
    expect(planPeriodStarting('2026-03-02')).toBeUndefined();
    expect(planPeriodStarting('2026-03-15')).toBeUndefined();
  });

  it('moves a plan day on a weekend or holiday back to the working day before it', () => {
    // 2026-08-15 is a Saturday: the reminder goes out on Friday the 14th.
    expect(planReminderOn(shanghai, '2026-08-14')?.periodStart).toBe('2026-08-16');
    expect(planReminderOn(shanghai, '2026-08-15')).toBeUndefined();
    expect(planDueDay(shanghai, '2026-08-16')).toBe('2026-08-14');
    // 2026-02-28 is a Saturday too: the month plan for March is asked for on Friday the 27th.
    expect(planReminderOn(shanghai, '2026-02-27')?.periodStart).toBe('2026-03-01');
    // A working plan day is its own reminder day, and the day before is not one.
    expect(planReminderOn(shanghai, '2026-07-15')?.periodStart).toBe('2026-07-16');
    expect(planReminderOn(shanghai, '2026-07-14')).toBeUndefined();
    const withHoliday = { ...shanghai, holidays: [{ name: 'x', startDate: '2026-07-15', endDate: '2026-07-15' }] };
    expect(planReminderOn(withHoliday, '2026-07-14')?.periodStart).toBe('2026-07-16');
  });
});

describe('working days', () => {
  it('are the team weekdays minus holidays (inclusive ranges)', () => {
    const team = { ...shanghai, holidays: [{ name: '清明', startDate: '2026-04-04', endDate: '2026-04-06' }] };
    expect(isWorkingDay(team, '2026-03-02')).toBe(true); // Monday
    expect(isWorkingDay(team, '2026-02-28')).toBe(false); // Saturday
    expect(isWorkingDay(team, '2026-04-06')).toBe(false); // Monday, last holiday day
    expect(isWorkingDay(team, '2026-04-07')).toBe(true);
    expect(isWorkingDay({ ...team, workingDays: ['saturday'] }, '2026-02-28')).toBe(true);
  });
});

describe('shift end and reminder instants in the team zone', () => {
  it('Asia/Shanghai (UTC+8, no DST)', () => {
    expect(shiftEndAt(shanghai, '2026-03-02').toISOString()).toBe('2026-03-02T10:00:00.000Z');
    const i = dayInstants(shanghai, '2026-03-02');
    expect(i.agentReminderAt.toISOString()).toBe('2026-03-02T09:50:00.000Z');
    expect(i.logDeadline.toISOString()).toBe('2026-03-02T10:00:00.000Z');
    expect(i.leadDigestAt.toISOString()).toBe('2026-03-02T10:30:00.000Z');
    expect(localDay(new Date('2026-03-01T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-03-02');
  });

  it('America/New_York keeps 18:00 local across the spring and fall DST changes', () => {
    expect(dayInstants(newYork, '2027-03-12').agentReminderAt.toISOString()).toBe('2027-03-12T22:50:00.000Z'); // EST
    expect(dayInstants(newYork, '2027-03-15').agentReminderAt.toISOString()).toBe('2027-03-15T21:50:00.000Z'); // EDT
    expect(dayInstants(newYork, '2027-11-05').agentReminderAt.toISOString()).toBe('2027-11-05T21:50:00.000Z'); // EDT
    expect(dayInstants(newYork, '2027-11-08').agentReminderAt.toISOString()).toBe('2027-11-08T22:50:00.000Z'); // EST
  });

  it('a shift end in the spring-forward gap moves forward by the gap; offsets are real minutes', () => {
    const night = { ...newYork, shiftEnd: '02:30' };
    expect(shiftEndAt(night, '2027-03-14').toISOString()).toBe('2027-03-14T07:30:00.000Z'); // 03:30 EDT
    // 10 real minutes before 03:30 EDT is 03:20 EDT.
    expect(dayInstants(night, '2027-03-14').agentReminderAt.toISOString()).toBe('2027-03-14T07:20:00.000Z');
  });

  it('a shift end in the fall-back overlap is its first occurrence', () => {
    const night = { ...newYork, shiftEnd: '01:30' };
    expect(shiftEndAt(night, '2027-11-07').toISOString()).toBe('2027-11-07T05:30:00.000Z'); // 01:30 EDT
  });
});
