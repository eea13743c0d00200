import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { type CallingInterval, isOpenAt, nextOpenAt, nextWindows } from '#shared/domain/calling-window';
import { type CallingRules, callingRulesSchema, WEEKDAYS } from '#shared/domain/campaign';

const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/London'] as const;
const DAY_MS = 86_400_000;
const RANGE_START = Date.UTC(2026, 11, 1);
const RANGE_END = Date.UTC(2028, 0, 1);
// Spring-forward and fall-back instants of 2027 in New York and London, where the interesting cases are.
const TRANSITIONS = [
  Date.parse('2027-03-14T07:00:00Z'),
  Date.parse('2027-11-07T06:00:00Z'),
  Date.parse('2027-03-28T01:00:00Z'),
  Date.parse('2027-10-31T01:00:00Z'),
];

function hhmm(quarter: number): string {
  if (quarter === 96) return '24:00';
  const minutes = quarter * 15;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** 0 to 3 windows of a day, on quarter hours, from sorted distinct boundaries taken in pairs. */
const dayWindowsArb = fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { maxLength: 6 }).map((qs) => {
  const sorted = [...qs].sort((a, b) => a - b);
  const windows: { start: string; end: string }[] = [];
  for (let i = 0; i + 1 < sorted.length; i += 2) {
    windows.push({ start: hhmm(sorted[i] ?? 0), end: hhmm(sorted[i + 1] ?? 0) });
  }
  return windows;
});

const restrictedArb = fc.array(
  fc.record({ offsetDays: fc.integer({ min: 0, max: 420 }), lengthDays: fc.integer({ min: 0, max: 10 }) }),
  { maxLength: 3 },
);

const rulesArb = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    days: fc.tuple(...WEEKDAYS.map(() => dayWindowsArb)),
    restricted: restrictedArb,
  })
  .map(({ timeZone, days, restricted }) =>
    callingRulesSchema.parse({
      timeZone,
      windows: Object.fromEntries(WEEKDAYS.map((day, i) => [day, days[i] ?? []])),
      restrictedPeriods: restricted.map((p, i) => ({
        name: `period ${i}`,
        startDate: isoDay(RANGE_START + p.offsetDays * DAY_MS),
        endDate: isoDay(RANGE_START + (p.offsetDays + p.lengthDays) * DAY_MS),
      })),
    }),
  );

const fromArb = fc.oneof(
  fc.integer({ min: RANGE_START, max: RANGE_END }),
  fc
    .tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -3 * DAY_MS, max: 3 * DAY_MS }))
    .map(([t, delta]) => t + delta),
);

// Where in the searched range to sample instants, as fractions of it.
const samplesArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 20, maxLength: 40 });

const caseArb = fc.record({
  rules: rulesArb,
  contactZone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
  from: fromArb,
  count: fc.integer({ min: 1, max: 8 }),
  samples: samplesArb,
});

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function localDate(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISODate() ?? '';
}

function isRestrictedLocal(rules: CallingRules, ms: number, zone: string): boolean {
  const day = localDate(ms, zone);
  return rules.restrictedPeriods.some((p) => p.startDate <= day && day <= p.endDate);
}

function contains(ws: CallingInterval[], ms: number): boolean {
  return ws.some((w) => w.start.getTime() <= ms && ms < w.end.getTime());
}

/**
 * An independent reading of the rules, valid on local days without an offset change: the local wall-clock time
 * falls inside a window of that weekday and the day is not restricted.
 */
function oracle(rules: CallingRules, ms: number, zone: string): boolean | undefined {
  const local = DateTime.fromMillis(ms, { zone });
  if (local.startOf('day').offset !== local.endOf('day').offset) return undefined;
  if (isRestrictedLocal(rules, ms, zone)) return false;
  const weekday = WEEKDAYS[local.weekday - 1] ?? 'monday';
  const minute = local.hour * 60 + local.minute + local.second / 60 + local.millisecond / 60_000;
  return rules.windows[weekday].some((w) => {
    const [sh, sm] = w.start.split(':').map(Number);
    const [eh, em] = w.end.split(':').map(Number);
    return (sh ?? 0) * 60 + (sm ?? 0) <= minute && minute < (eh ?? 0) * 60 + (em ?? 0);
  });
}

describe('calling windows: properties over random rules in Shanghai, New York and London', () => {
  it('returns open, ordered, maximal intervals that skip no open instant', () => {
    fc.assert(
      fc.property(caseArb, ({ rules, contactZone, from, count, samples }) => {
        const zone = contactZone ?? rules.timeZone;
        const fromDate = new Date(from);
        const ws = nextWindows(rules, fromDate, count, contactZone);
        expect(ws.length).toBeLessThanOrEqual(count);

        ws.forEach((w, i) => {
          const start = w.start.getTime();
          const end = w.end.getTime();
          expect(start).toBeGreaterThanOrEqual(from);
          expect(end).toBeGreaterThan(start);
          expect(isOpenAt(rules, w.start, contactZone)).toBe(true);
          expect(isOpenAt(rules, new Date(end - 1), contactZone)).toBe(true);
          // Maximal: touching windows are merged, so the instant an interval ends is closed.
          expect(isOpenAt(rules, w.end, contactZone)).toBe(false);
          const next = ws[i + 1];
          if (next) expect(next.start.getTime()).toBeGreaterThan(end);
          for (const t of [start, end - 1, start + Math.floor((end - start) / 2)]) {
            expect(isRestrictedLocal(rules, t, zone)).toBe(false);
          }
        });

        expect(nextOpenAt(rules, fromDate, contactZone)).toEqual(ws[0]?.start);

        // Between `from` and the last interval's end, open means inside one of the intervals; with no interval,
        // nothing in the next 20 days is open.
        const last = ws.at(-1);
        const until = last ? last.end.getTime() : from + 20 * DAY_MS;
        const firstStart = ws[0]?.start.getTime() ?? until;
        const instants = samples.flatMap((f) => [
          from + Math.floor(f * (until - from)),
          from + Math.floor(f * (firstStart - from)),
        ]);
        for (const t of instants) {
          const open = isOpenAt(rules, new Date(t), contactZone);
          expect(open).toBe(contains(ws, t));
          const expected = oracle(rules, t, zone);
          if (expected !== undefined) expect(open).toBe(expected);
        }
      }),
      { numRuns: 200 },
    );
  });
});
