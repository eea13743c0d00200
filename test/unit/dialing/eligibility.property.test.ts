import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOpenAt, nextWindows } from '#shared/domain/calling-window';
import { type Campaign, campaignSchema } from '#shared/domain/campaign';
import { decideContact, MIN_DIAL_WINDOW_MS, nextEligibleAt } from '#shared/domain/dialing/eligibility';
import { checkFrequencyCaps } from '#shared/domain/dialing/frequency-caps';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';

// Ranges around the 2027 DST changes of New York (Mar 14, Nov 7) and London (Mar 28, Oct 31); Shanghai has none.
const ZONES = ['America/New_York', 'Europe/London', 'Asia/Shanghai'] as const;
const FROM = Date.parse('2027-03-10T00:00:00Z');
const TO = Date.parse('2027-11-10T00:00:00Z');

const lunchBreak = [
  { start: '08:30', end: '12:00' },
  { start: '13:30', end: '20:00' },
];
const nightOwl = [{ start: '01:30', end: '03:00' }];

function campaign(windows: { start: string; end: string }[], minGap: number, perDay: number): Campaign {
  const days = {
    monday: windows,
    tuesday: windows,
    wednesday: windows,
    thursday: windows,
    friday: windows,
    saturday: windows.slice(0, 1),
    sunday: [],
  };
  return campaignSchema.parse(
    storedCampaign('c-abcdefghij', {
      state: 'active',
      deadline: '2028-01-31T00:00:00Z',
      callingRules: {
        timeZone: 'Asia/Shanghai',
        windows: days,
        restrictedPeriods: [
          { name: 'Memorial Day', startDate: '2027-05-31', endDate: '2027-05-31' },
          { name: '国庆', startDate: '2027-10-01', endDate: '2027-10-07' },
        ],
      },
      frequencyCaps: {
        maxAttemptsPerDay: perDay,
        minMinutesBetweenAttempts: minGap,
        rolling: { days: 7, maxAttempts: 6 },
        maxAttemptsTotal: 20,
      },
    }),
  );
}

const scenario = fc.record({
  zone: fc.constantFrom(...ZONES),
  windows: fc.constantFrom(lunchBreak, nightOwl),
  minGap: fc.integer({ min: 1, max: 600 }),
  perDay: fc.integer({ min: 1, max: 3 }),
  now: fc.integer({ min: FROM, max: TO }),
  history: fc.array(fc.integer({ min: 1, max: 5 * 24 * 60 }), { maxLength: 4 }),
});

describe('eligibility across DST, lunch breaks and holidays (property)', () => {
  it('dials only when the window is open in the contact zone and every cap passes', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const c = campaign(s.windows, s.minGap, s.perDay);
        const now = new Date(s.now);
        const recentAttempts = s.history.map((m) => new Date(s.now - m * 60_000).toISOString());
        const decision = decideContact(
          c,
          {
            contact: { state: 'retryWait', zone: s.zone, attempts: recentAttempts.length, recentAttempts },
            doNotCall: false,
          },
          now,
        );
        const capsOk = checkFrequencyCaps(
          c.frequencyCaps,
          { attempts: recentAttempts.length, recentAttempts },
          now,
          s.zone,
        ).ok;
        const open = isOpenAt(c.callingRules, now, s.zone);
        // A dial needs a minute of the window (or of the campaign) left, so Connect can place it before it closes.
        const closesAt = Math.min(
          nextWindows(c.callingRules, now, 1, s.zone)[0]?.end.getTime() ?? s.now,
          Date.parse(c.deadline),
        );
        const timeLeft = closesAt - s.now >= MIN_DIAL_WINDOW_MS;
        expect(decision.dialable).toBe(open && capsOk && timeLeft);
      }),
      { numRuns: 300 },
    );
  });

  it('next eligible time is eligible itself, not before `from`, and nothing sampled before it is', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }),
        (s, probes) => {
          const c = campaign(s.windows, s.minGap, s.perDay);
          const from = new Date(s.now);
          const recentAttempts = s.history.map((m) => new Date(s.now - m * 60_000).toISOString());
          const contact = {
            state: 'retryWait' as const,
            zone: s.zone,
            attempts: recentAttempts.length,
            recentAttempts,
          };
          const next = nextEligibleAt(c, contact, from);
          if (next === undefined) return;
          expect(next.getTime()).toBeGreaterThanOrEqual(from.getTime());
          expect(decideContact(c, { contact, doNotCall: false }, next)).toMatchObject({ dialable: true });
          for (const p of probes) {
            const t = new Date(from.getTime() + Math.floor(p * (next.getTime() - from.getTime())));
            if (t.getTime() >= next.getTime()) continue;
            expect(decideContact(c, { contact, doNotCall: false }, t).dialable).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
