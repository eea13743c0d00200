import { describe, expect, it } from 'vitest';
import { isOpenAt, moveIntoWindow, nextOpenAt, nextWindows, SEARCH_HORIZON_DAYS } from '#shared/domain/calling-window';
import { type CallingRules, callingRulesSchema } from '#shared/domain/campaign';
import { ValidationError } from '#shared/domain/errors';

const at = (iso: string) => new Date(iso);
const iso = (w: { start: Date; end: Date }) => ({ start: w.start.toISOString(), end: w.end.toISOString() });

function rules(input: unknown): CallingRules {
  return callingRulesSchema.parse(input);
}

const workday = [
  { start: '09:00', end: '12:00' },
  { start: '13:30', end: '20:30' },
];

// Monday to Saturday with a lunch break, Sunday closed, Spring Festival 2027 off.
const shanghai = rules({
  timeZone: 'Asia/Shanghai',
  windows: {
    monday: workday,
    tuesday: workday,
    wednesday: workday,
    thursday: workday,
    friday: workday,
    saturday: workday,
  },
  restrictedPeriods: [{ name: '春节 Spring Festival', startDate: '2027-02-06', endDate: '2027-02-13' }],
});

describe('Asia/Shanghai: lunch break, Sunday, Spring Festival', () => {
  it('is open in the morning and afternoon windows and closed over lunch, ends exclusive', () => {
    expect(isOpenAt(shanghai, at('2027-03-01T08:59:59+08:00'))).toBe(false);
    expect(isOpenAt(shanghai, at('2027-03-01T09:00:00+08:00'))).toBe(true);
    expect(isOpenAt(shanghai, at('2027-03-01T11:59:59+08:00'))).toBe(true);
    expect(isOpenAt(shanghai, at('2027-03-01T12:00:00+08:00'))).toBe(false);
    expect(isOpenAt(shanghai, at('2027-03-01T12:45:00+08:00'))).toBe(false);
    expect(isOpenAt(shanghai, at('2027-03-01T13:30:00+08:00'))).toBe(true);
    expect(isOpenAt(shanghai, at('2027-03-01T20:30:00+08:00'))).toBe(false);
  });

  it('skips Sunday: after Saturday evening the next window is Monday 09:00', () => {
    const from = at('2027-03-06T20:30:00+08:00'); // Saturday
    expect(isOpenAt(shanghai, at('2027-03-07T10:00:00+08:00'))).toBe(false);
    expect(nextOpenAt(shanghai, from)?.toISOString()).toBe('2027-03-08T01:00:00.000Z');
  });

  it('skips the whole Spring Festival break (inclusive) and the Sunday after it', () => {
    const from = at('2027-02-05T21:00:00+08:00'); // Friday evening before the break
    expect(isOpenAt(shanghai, at('2027-02-06T10:00:00+08:00'))).toBe(false); // Saturday, first day
    expect(isOpenAt(shanghai, at('2027-02-13T10:00:00+08:00'))).toBe(false); // Saturday, last day
    expect(nextWindows(shanghai, from, 3).map(iso)).toEqual([
      { start: '2027-02-15T01:00:00.000Z', end: '2027-02-15T04:00:00.000Z' },
      { start: '2027-02-15T05:30:00.000Z', end: '2027-02-15T12:30:00.000Z' },
      { start: '2027-02-16T01:00:00.000Z', end: '2027-02-16T04:00:00.000Z' },
    ]);
  });

  it('clips a window already open at `from` and moves a closed candidate to the next opening', () => {
    const from = at('2027-03-01T10:15:00+08:00');
    expect(nextWindows(shanghai, from, 1).map(iso)).toEqual([
      { start: '2027-03-01T02:15:00.000Z', end: '2027-03-01T04:00:00.000Z' },
    ]);
    expect(nextOpenAt(shanghai, from)).toEqual(from);
    expect(moveIntoWindow(shanghai, from)).toEqual(from);
    expect(moveIntoWindow(shanghai, at('2027-03-01T12:10:00+08:00'))?.toISOString()).toBe('2027-03-01T05:30:00.000Z');
  });

  it("reads windows and restricted days in the contact's own zone when one is given", () => {
    // 10:00 in New York on a Monday is 23:00 in Shanghai: open for a New York contact only.
    const instant = at('2027-03-01T10:00:00-05:00');
    expect(isOpenAt(shanghai, instant)).toBe(false);
    expect(isOpenAt(shanghai, instant, 'America/New_York')).toBe(true);
    // 2027-02-13 is restricted in New York's calendar too.
    expect(isOpenAt(shanghai, at('2027-02-13T10:00:00-05:00'), 'America/New_York')).toBe(false);
    expect(nextOpenAt(shanghai, at('2027-02-13T10:00:00-05:00'), 'America/New_York')?.toISOString()).toBe(
      '2027-02-15T14:00:00.000Z',
    );
  });

  it('throws a ValidationError for a zone that is not an IANA zone', () => {
    expect(() => isOpenAt(shanghai, at('2027-03-01T10:00:00Z'), 'Mars/Olympus')).toThrow(ValidationError);
  });
});

describe('America/New_York DST', () => {
  const sundayOnly = (windows: { start: string; end: string }[]) =>
    rules({ timeZone: 'America/New_York', windows: { sunday: windows } });

  it('spring forward 2027-03-14: a window starting in the gap opens when the gap ends (03:00 EDT)', () => {
    const r = sundayOnly([{ start: '02:30', end: '04:00' }]);
    expect(nextWindows(r, at('2027-03-13T00:00:00Z'), 1).map(iso)).toEqual([
      { start: '2027-03-14T07:00:00.000Z', end: '2027-03-14T08:00:00.000Z' },
    ]);
  });

  it('spring forward: a window across the gap lasts one real hour less; one inside the gap is empty', () => {
    const across = sundayOnly([{ start: '01:00', end: '03:00' }]);
    expect(nextWindows(across, at('2027-03-14T00:00:00Z'), 1).map(iso)).toEqual([
      { start: '2027-03-14T06:00:00.000Z', end: '2027-03-14T07:00:00.000Z' },
    ]);
    const inside = sundayOnly([{ start: '02:00', end: '02:45' }]);
    // Empty on the DST day, so the first window is the next Sunday's, in EDT.
    expect(nextWindows(inside, at('2027-03-14T00:00:00Z'), 1).map(iso)).toEqual([
      { start: '2027-03-21T06:00:00.000Z', end: '2027-03-21T06:45:00.000Z' },
    ]);
  });

  it('fall back 2027-11-07: times that occur twice mean their first occurrence', () => {
    const r = sundayOnly([{ start: '01:30', end: '03:00' }]);
    // 01:30 EDT (05:30Z) to 03:00 EST (08:00Z): 2 h 30 min of real time, including the repeated hour.
    expect(nextWindows(r, at('2027-11-06T00:00:00Z'), 1).map(iso)).toEqual([
      { start: '2027-11-07T05:30:00.000Z', end: '2027-11-07T08:00:00.000Z' },
    ]);
    expect(isOpenAt(r, at('2027-11-07T06:15:00Z'))).toBe(true); // 01:15 EST, second pass of the clock
    const early = sundayOnly([{ start: '00:00', end: '01:30' }]);
    expect(nextWindows(early, at('2027-11-06T00:00:00Z'), 1).map(iso)).toEqual([
      { start: '2027-11-07T04:00:00.000Z', end: '2027-11-07T05:30:00.000Z' },
    ]);
    expect(isOpenAt(early, at('2027-11-07T06:15:00Z'))).toBe(false);
  });

  it('keeps daytime windows at the same local time on both sides of a transition', () => {
    const r = sundayOnly([{ start: '09:00', end: '17:00' }]);
    expect(nextWindows(r, at('2027-03-07T00:00:00Z'), 2).map(iso)).toEqual([
      { start: '2027-03-07T14:00:00.000Z', end: '2027-03-07T22:00:00.000Z' },
      { start: '2027-03-14T13:00:00.000Z', end: '2027-03-14T21:00:00.000Z' },
    ]);
  });
});

describe('Europe/London DST', () => {
  const sundayOnly = (windows: { start: string; end: string }[]) =>
    rules({ timeZone: 'Europe/London', windows: { sunday: windows } });

  it('spring forward 2027-03-28: 01:30 never shows, the window opens at 02:00 BST', () => {
    const r = sundayOnly([
      { start: '01:30', end: '02:30' },
      { start: '09:00', end: '17:00' },
    ]);
    expect(nextWindows(r, at('2027-03-27T12:00:00Z'), 2).map(iso)).toEqual([
      { start: '2027-03-28T01:00:00.000Z', end: '2027-03-28T01:30:00.000Z' },
      { start: '2027-03-28T08:00:00.000Z', end: '2027-03-28T16:00:00.000Z' },
    ]);
  });

  it('fall back 2027-10-31: a window inside the repeated hour is taken in BST', () => {
    const r = sundayOnly([{ start: '01:15', end: '01:45' }]);
    expect(nextWindows(r, at('2027-10-30T12:00:00Z'), 1).map(iso)).toEqual([
      { start: '2027-10-31T00:15:00.000Z', end: '2027-10-31T00:45:00.000Z' },
    ]);
    expect(isOpenAt(r, at('2027-10-31T01:30:00Z'))).toBe(false); // 01:30 GMT, the second 01:30
  });
});

describe('merging, 24:00 and termination', () => {
  it('merges windows that touch, across midnight via "24:00"', () => {
    const r = rules({
      timeZone: 'Asia/Shanghai',
      windows: {
        monday: [
          { start: '18:00', end: '20:00' },
          { start: '20:00', end: '24:00' },
        ],
        tuesday: [{ start: '00:00', end: '08:00' }],
      },
    });
    expect(nextWindows(r, at('2027-03-01T00:00:00+08:00'), 2).map(iso)).toEqual([
      { start: '2027-03-01T10:00:00.000Z', end: '2027-03-02T00:00:00.000Z' },
      { start: '2027-03-08T10:00:00.000Z', end: '2027-03-09T00:00:00.000Z' },
    ]);
    expect(isOpenAt(r, at('2027-03-01T23:59:59+08:00'))).toBe(true);
    expect(isOpenAt(r, at('2027-03-02T00:00:00+08:00'))).toBe(true);
    expect(isOpenAt(r, at('2027-03-02T08:00:00+08:00'))).toBe(false);
  });

  it('returns nothing, and undefined, when no window ever opens', () => {
    const never = rules({ timeZone: 'Europe/London', windows: {} });
    expect(nextWindows(never, at('2027-01-01T00:00:00Z'), 5)).toEqual([]);
    expect(nextOpenAt(never, at('2027-01-01T00:00:00Z'))).toBeUndefined();
    expect(moveIntoWindow(never, at('2027-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('stops at the search horizon when restricted periods cover every window', () => {
    const blocked = rules({
      timeZone: 'Asia/Shanghai',
      windows: { monday: workday },
      restrictedPeriods: [{ name: 'closed', startDate: '2027-01-01', endDate: '2030-12-31' }],
    });
    expect(nextWindows(blocked, at('2027-01-01T00:00:00Z'), 5)).toEqual([]);
    // A window just beyond the horizon is not found; one inside it is.
    const farDay = new Date(Date.UTC(2027, 0, 1) + (SEARCH_HORIZON_DAYS + 10) * 86_400_000);
    const late = rules({
      timeZone: 'UTC',
      windows: { monday: workday, tuesday: workday, wednesday: workday, thursday: workday, friday: workday },
      restrictedPeriods: [{ name: 'closed', startDate: '2027-01-01', endDate: farDay.toISOString().slice(0, 10) }],
    });
    expect(nextOpenAt(late, at('2027-01-01T00:00:00Z'))).toBeUndefined();
    expect(nextOpenAt(late, at('2027-06-01T00:00:00Z'))?.getTime()).toBeGreaterThan(farDay.getTime());
  });

  it('returns no intervals for a count of zero', () => {
    expect(nextWindows(shanghai, at('2027-03-01T00:00:00Z'), 0)).toEqual([]);
  });
});
