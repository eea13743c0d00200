import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOpenAt, nextWindows } from '#shared/domain/calling-window';
import { type Campaign, campaignSchema, RETRY_CLASSES, type TimeRange } from '#shared/domain/campaign';
import { checkFrequencyCaps } from '#shared/domain/dialing/frequency-caps';
import { checkCallback, MIN_DIAL_WINDOW_MS, nextAttempt, retryBound } from '#shared/domain/retries/next-attempt';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';

// 2027 DST changes: New York Mar 14 / Nov 7, London Mar 28 / Oct 31; Shanghai has none.
const ZONES = ['America/New_York', 'Europe/London', 'Asia/Shanghai'] as const;
const FROM = Date.parse('2027-03-01T00:00:00Z');
const TO = Date.parse('2027-11-15T00:00:00Z');
const MINUTE = 60_000;

const WINDOW_SETS: TimeRange[][] = [
  [{ start: '09:00', end: '21:00' }],
  [
    { start: '08:30', end: '12:00' },
    { start: '13:30', end: '20:00' },
  ],
  // Inside the spring-forward gap and the fall-back overlap of New York and London.
  [{ start: '01:30', end: '03:00' }],
  [
    { start: '00:00', end: '02:45' },
    { start: '18:00', end: '24:00' },
  ],
];

function rulesOf(
  windows: TimeRange[],
  weekendOff: boolean,
  holidays: string[],
  policy: { delay: number; max: number },
  deadline: number,
  caps?: Partial<Campaign['frequencyCaps']>,
): Campaign {
  const off = weekendOff ? [] : windows;
  return campaignSchema.parse(
    storedCampaign('c-abcdefghij', {
      state: 'active',
      deadline: new Date(deadline).toISOString(),
      callingRules: {
        timeZone: 'Asia/Shanghai',
        windows: {
          monday: windows,
          tuesday: windows,
          wednesday: windows,
          thursday: windows,
          friday: windows,
          saturday: off,
          sunday: off,
        },
        restrictedPeriods: holidays.map((d, i) => ({ name: `holiday ${i}`, startDate: d, endDate: d })),
      },
      retryPolicy: Object.fromEntries(
        RETRY_CLASSES.map((c) => [c, { delayMinutes: policy.delay, maxAttempts: policy.max }]),
      ) as Campaign['retryPolicy'],
      // Caps that never bind unless a test sets them.
      frequencyCaps: {
        maxAttemptsPerDay: 20,
        minMinutesBetweenAttempts: 1,
        rolling: { days: 1, maxAttempts: 100 },
        maxAttemptsTotal: 10,
        ...caps,
      },
    }),
  );
}

/**
 * Whether a dial may be sent at `t`: the window is open and at least MIN_DIAL_WINDOW_MS of it is left before it
 * closes or the deadline comes (the dispatcher holds a contact in a window's last minute).
 */
function dialableAt(campaign: Campaign, t: number, zone: string, deadline: number): boolean {
  if (!isOpenAt(campaign.callingRules, new Date(t), zone)) return false;
  const end = nextWindows(campaign.callingRules, new Date(t), 1, zone)[0]?.end.getTime() ?? t;
  return Math.min(end, deadline) - t >= MIN_DIAL_WINDOW_MS;
}

/** The first instant at or after `bound` a dial may be sent at, walking the open intervals. */
function firstDialable(campaign: Campaign, bound: number, zone: string, deadline: number): number | undefined {
  for (const w of nextWindows(campaign.callingRules, new Date(bound), 400, zone)) {
    const start = Math.max(w.start.getTime(), bound);
    if (start >= deadline) return undefined;
    if (Math.min(w.end.getTime(), deadline) - start >= MIN_DIAL_WINDOW_MS) return start;
  }
  return undefined;
}

const day = fc.integer({ min: 0, max: 250 }).map((n) => new Date(FROM + n * 86_400_000).toISOString().slice(0, 10));
const scenario = fc.record({
  zone: fc.constantFrom(...ZONES),
  windows: fc.constantFrom(...WINDOW_SETS),
  weekendOff: fc.boolean(),
  holidays: fc.array(day, { maxLength: 12 }),
  from: fc.integer({ min: FROM, max: TO }),
  retryClass: fc.constantFrom(...RETRY_CLASSES),
  delay: fc.integer({ min: 1, max: 4 * 24 * 60 }),
  max: fc.integer({ min: 0, max: 5 }),
  attemptsInClass: fc.integer({ min: 1, max: 5 }),
  attempts: fc.integer({ min: 1, max: 11 }),
  deadlineDays: fc.integer({ min: 0, max: 30 }),
});

describe('nextAttempt (property)', () => {
  it('is open with a minute of the window left, at or after outcome + delay, before the deadline, and no earlier such instant at or after that bound exists; exhausted iff caps or deadline', () => {
    fc.assert(
      fc.property(scenario, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }), (s, probes) => {
        const deadline = s.from + s.deadlineDays * 86_400_000 + 3_600_000;
        const campaign = rulesOf(s.windows, s.weekendOff, s.holidays, { delay: s.delay, max: s.max }, deadline);
        const basis = {
          retryClass: s.retryClass,
          from: new Date(s.from).toISOString(),
          attemptsInClass: s.attemptsInClass,
        };
        const result = nextAttempt(campaign, { zone: s.zone, attempts: s.attempts, recentAttempts: [] }, basis);
        const bound = s.from + s.delay * MINUTE;
        expect(retryBound(campaign, basis).getTime()).toBe(bound);
        const first = firstDialable(campaign, bound, s.zone, deadline);
        const shouldExhaust = s.attemptsInClass >= s.max || s.attempts >= 10 || first === undefined;
        expect(result.kind === 'exhausted').toBe(shouldExhaust);
        if (result.kind !== 'retry') return;
        const t = result.dueAt.getTime();
        expect(t).toBe(first);
        expect(isOpenAt(campaign.callingRules, result.dueAt, s.zone)).toBe(true);
        expect(dialableAt(campaign, t, s.zone, deadline)).toBe(true);
        expect(t).toBeGreaterThanOrEqual(bound);
        expect(t).toBeLessThan(deadline);
        // Independent of the interval walk: sampled instants between the bound and the result are all undialable.
        for (const p of [0, ...probes]) {
          const probe = Math.floor(bound + p * (t - bound));
          if (probe < t) expect(dialableAt(campaign, probe, s.zone, deadline)).toBe(false);
        }
        if (t - MINUTE >= bound) expect(dialableAt(campaign, t - MINUTE, s.zone, deadline)).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('with frequency caps on top, the result also passes every cap', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.array(fc.integer({ min: -3 * 24 * 60, max: 0 }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 600 }),
        (s, offsets, perDay, minGap) => {
          const deadline = s.from + 60 * 86_400_000;
          const caps = {
            maxAttemptsPerDay: perDay,
            minMinutesBetweenAttempts: minGap,
            rolling: { days: 3, maxAttempts: 4 },
          };
          const campaign = rulesOf(s.windows, s.weekendOff, s.holidays, { delay: s.delay, max: 5 }, deadline, caps);
          const recentAttempts = offsets.map((m) => new Date(s.from + m * MINUTE).toISOString()).sort();
          const contact = { zone: s.zone, attempts: 1, recentAttempts };
          const basis = { retryClass: s.retryClass, from: new Date(s.from).toISOString(), attemptsInClass: 1 };
          const result = nextAttempt(campaign, contact, basis);
          if (result.kind !== 'retry') return;
          expect(isOpenAt(campaign.callingRules, result.dueAt, s.zone)).toBe(true);
          expect(result.dueAt.getTime()).toBeGreaterThanOrEqual(s.from + s.delay * MINUTE);
          expect(checkFrequencyCaps(campaign.frequencyCaps, contact, result.dueAt, s.zone)).toEqual({ ok: true });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('nextAttempt (examples)', () => {
  const weekdays = [{ start: '09:00', end: '21:00' }];
  it('no answer at 20:50 with a 2-hour delay is retried at the next morning opening', () => {
    const c = rulesOf(weekdays, true, [], { delay: 120, max: 3 }, Date.parse('2027-12-31T00:00:00Z'));
    // Tuesday 2027-03-02 20:50 in Shanghai.
    const r = nextAttempt(
      c,
      { zone: 'Asia/Shanghai', attempts: 1, recentAttempts: [] },
      {
        retryClass: 'noAnswer',
        from: '2027-03-02T12:50:00.000Z',
        attemptsInClass: 1,
      },
    );
    expect(r).toEqual({ kind: 'retry', dueAt: new Date('2027-03-03T01:00:00.000Z') });
  });

  it('skips a holiday and a weekend, and is exhausted when that lands past the deadline', () => {
    // Friday 2027-04-30 20:50 in London; Monday 3 May is a holiday → Tuesday 09:00 BST.
    const from = '2027-04-30T19:50:00.000Z';
    const c = rulesOf(weekdays, true, ['2027-05-03'], { delay: 120, max: 3 }, Date.parse('2027-06-01T00:00:00Z'));
    const history = { zone: 'Europe/London', attempts: 1, recentAttempts: [] };
    const basis = { retryClass: 'busy' as const, from, attemptsInClass: 1 };
    expect(nextAttempt(c, history, basis)).toEqual({ kind: 'retry', dueAt: new Date('2027-05-04T08:00:00.000Z') });
    const early = rulesOf(weekdays, true, ['2027-05-03'], { delay: 120, max: 3 }, Date.parse('2027-05-04T08:00:00Z'));
    expect(nextAttempt(early, history, basis).kind).toBe('exhausted');
  });
});

describe('checkCallback', () => {
  const c = rulesOf(
    [{ start: '09:00', end: '21:00' }],
    true,
    ['2027-03-04'],
    { delay: 60, max: 3 },
    Date.parse('2027-12-31T00:00:00Z'),
  );
  const now = new Date('2027-03-02T04:00:00.000Z'); // Tuesday 12:00 in Shanghai

  it('accepts a time inside the window as it is', () => {
    const at = new Date('2027-03-02T10:30:00.000Z');
    expect(checkCallback(c, 'Asia/Shanghai', at, now)).toEqual({ ok: true, at });
  });

  it('refuses a time in the last minute of the window, which the dispatcher would hold to the next opening', () => {
    const r = checkCallback(c, 'Asia/Shanghai', new Date('2027-03-02T12:59:30.000Z'), now); // 20:59:30
    expect(r).toMatchObject({ ok: false, reason: 'outsideCallingWindow' });
    expect(checkCallback(c, 'Asia/Shanghai', new Date('2027-03-02T12:59:00.000Z'), now)).toMatchObject({ ok: true });
    // Asked at 20:59:30 for "now", today's window is no longer offered.
    const late = new Date('2027-03-02T12:59:30.000Z');
    const r2 = checkCallback(c, 'Asia/Shanghai', new Date('2027-03-02T13:30:00.000Z'), late);
    expect(r2).toMatchObject({ ok: false, reason: 'outsideCallingWindow' });
    expect(r2.ok ? [] : r2.suggestions[0]).toEqual(new Date('2027-03-03T01:00:00.000Z'));
  });

  describe('with the contact history, the frequency caps the dispatcher will apply', () => {
    // Shanghai, 09:00-12:00 and 14:00-18:00 on weekdays; two attempts a day, two hours apart, six in all.
    const split = [
      { start: '09:00', end: '12:00' },
      { start: '14:00', end: '18:00' },
    ];
    const caps = { maxAttemptsPerDay: 2, minMinutesBetweenAttempts: 120, maxAttemptsTotal: 6 };
    const capped = rulesOf(split, true, [], { delay: 60, max: 3 }, Date.parse('2027-12-31T00:00:00Z'), caps);
    const zone = 'Asia/Shanghai';
    const at = (local: string) => new Date(`${local}+08:00`);

    it('refuses a time inside the minimum gap, suggesting the first times the caps allow', () => {
      const history = { attempts: 1, recentAttempts: [at('2027-03-01T10:00:00').toISOString()] };
      const r = checkCallback(capped, zone, at('2027-03-01T10:30:00'), at('2027-03-01T10:05:00'), history);
      // 12:00 ends the morning window: the gap lets the afternoon's opening be the first.
      expect(r).toEqual({
        ok: false,
        reason: 'frequencyCap',
        suggestions: [at('2027-03-01T14:00:00'), at('2027-03-02T09:00:00'), at('2027-03-02T14:00:00')],
      });
      expect(checkCallback(capped, zone, at('2027-03-01T14:00:00'), at('2027-03-01T10:05:00'), history)).toEqual({
        ok: true,
        at: at('2027-03-01T14:00:00'),
      });
    });

    it("refuses this afternoon when today's attempts are used, even on the deadline day", () => {
      const lastDay = rulesOf(split, true, [], { delay: 60, max: 3 }, Date.parse('2027-03-01T18:00:00+08:00'), caps);
      const history = {
        attempts: 2,
        recentAttempts: [at('2027-03-01T09:00:00').toISOString(), at('2027-03-01T11:00:00').toISOString()],
      };
      const r = checkCallback(lastDay, zone, at('2027-03-01T15:00:00'), at('2027-03-01T11:05:00'), history);
      expect(r).toEqual({ ok: false, reason: 'frequencyCap', suggestions: [] });
    });

    it('books nothing on the last attempt the campaign allows', () => {
      const history = { attempts: 6, recentAttempts: [at('2027-03-01T10:00:00').toISOString()] };
      const r = checkCallback(capped, zone, at('2027-03-02T10:00:00'), at('2027-03-01T10:05:00'), history);
      expect(r).toEqual({ ok: false, reason: 'noAttemptsLeft', suggestions: [] });
    });

    it('every suggestion passes the caps and the window (property)', () => {
      fc.assert(
        fc.property(
          scenario,
          fc.integer({ min: 0, max: 5 * 24 * 60 }),
          fc.array(fc.integer({ min: 0, max: 3 * 24 * 60 }), { minLength: 1, maxLength: 4 }),
          (s, ahead, agoMinutes) => {
            const deadline = s.from + 20 * 86_400_000;
            const rules = rulesOf(s.windows, s.weekendOff, s.holidays, { delay: 1, max: 1 }, deadline, {
              maxAttemptsPerDay: 2,
              minMinutesBetweenAttempts: 90,
              rolling: { days: 3, maxAttempts: 4 },
            });
            const history = {
              attempts: agoMinutes.length,
              recentAttempts: agoMinutes.map((m) => new Date(s.from - m * MINUTE).toISOString()).sort(),
            };
            const requested = new Date(s.from + ahead * MINUTE);
            const r = checkCallback(rules, s.zone, requested, new Date(s.from), history);
            const allowed = (t: Date) =>
              dialableAt(rules, t.getTime(), s.zone, deadline) &&
              checkFrequencyCaps(rules.frequencyCaps, { ...history }, t, s.zone).ok;
            expect(r.ok).toBe(requested.getTime() >= s.from && allowed(requested));
            if (r.ok) return;
            for (const d of r.suggestions) {
              expect(allowed(d)).toBe(true);
              expect(d.getTime()).toBeGreaterThanOrEqual(s.from);
            }
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  it('refuses 22:00 with the three nearest allowed start times, skipping the holiday', () => {
    const r = checkCallback(c, 'Asia/Shanghai', new Date('2027-03-02T14:00:00.000Z'), now);
    expect(r).toEqual({
      ok: false,
      reason: 'outsideCallingWindow',
      // Tuesday's window (open now), Wednesday 09:00, Friday 09:00 (Thursday is the holiday).
      suggestions: [now, new Date('2027-03-03T01:00:00.000Z'), new Date('2027-03-05T01:00:00.000Z')],
    });
  });

  it('accepts exactly the dialable times; every suggestion is dialable, not in the past and before the deadline (property)', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 20 * 24 * 60 }), (s, ahead) => {
        const deadline = s.from + 30 * 86_400_000;
        const rules = rulesOf(s.windows, s.weekendOff, s.holidays, { delay: 1, max: 1 }, deadline);
        const at = new Date(s.from + ahead * MINUTE);
        const r = checkCallback(rules, s.zone, at, new Date(s.from));
        expect(r.ok).toBe(at.getTime() >= s.from && dialableAt(rules, at.getTime(), s.zone, deadline));
        if (r.ok) return;
        expect(r.suggestions.length).toBeLessThanOrEqual(3);
        for (const d of r.suggestions) {
          expect(dialableAt(rules, d.getTime(), s.zone, deadline)).toBe(true);
          expect(d.getTime()).toBeGreaterThanOrEqual(s.from);
          expect(d.getTime()).toBeLessThan(deadline);
        }
      }),
      { numRuns: 200 },
    );
  });
});
