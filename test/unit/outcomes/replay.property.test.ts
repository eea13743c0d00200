import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryWorld } from '#test/unit/outcomes/memory-world';
import { inOrder, replay, shuffledTwice } from '#test/unit/outcomes/replay';
import { CAMPAIGN_ID, SCENARIOS } from '#test/unit/outcomes/scenarios';

interface Observed {
  contacts: { campaignId: string; state: string; dueAt?: string; callback?: { at: string } }[];
  counters: Record<string, Record<string, number>>;
  dnc?: { source: string; who: string; how: string };
}

const campaignDay = `CAMPAIGN#${CAMPAIGN_ID}#2027-03-02`;
const own = (o: Observed) => o.contacts.find((c) => c.campaignId === CAMPAIGN_ID);

/** What a single in-order delivery must end in, per scenario: the reference the shuffles are compared with. */
const EXPECTED: Record<string, (o: Observed, orderIds: string[]) => void> = {
  'answered and sold': (o, orders) => {
    expect(own(o)?.state).toBe('doneSuccess');
    expect(o.counters[campaignDay]).toMatchObject({ dials: 1, connects: 1, reached: 1, effective: 1, conversions: 1 });
    expect(o.counters[campaignDay]?.talkSeconds).toBe(240);
    expect(o.counters[`TEAM#team-east#2027-03-02`]?.conversions).toBe(1);
    expect(orders).toEqual([`${CAMPAIGN_ID}.AbCdEfGhIjKlMnOpQrStUv.1`]);
  },
  'no answer, then reached and refused on the retry': (o) => {
    expect(own(o)?.state).toBe('doneRefused');
    expect(o.counters[campaignDay]).toMatchObject({ dials: 2, noAnswer: 1, reached: 1, refusals: 1 });
    expect(o.counters[campaignDay]?.effective).toBeUndefined();
  },
  voicemail: (o) => {
    expect(own(o)).toMatchObject({ state: 'retryWait', dueAt: '2027-03-02T06:00:35.000Z' });
    expect(o.counters[campaignDay]).toMatchObject({ dials: 1, voicemail: 1, connects: 1 });
  },
  busy: (o) => {
    // Busy waits 30 min but the campaign's minimum gap between attempts is 120 min.
    expect(own(o)).toMatchObject({ state: 'retryWait', dueAt: '2027-03-02T04:00:35.000Z' });
    expect(o.counters[campaignDay]).toMatchObject({ dials: 1, busy: 1 });
  },
  'invalid number': (o) => {
    expect(own(o)?.state).toBe('invalid');
    expect(own(o)?.dueAt).toBeUndefined();
    expect(o.counters[campaignDay]).toMatchObject({ dials: 1, invalid: 1 });
  },
  expired: (o) => {
    expect(own(o)?.state).toBe('retryWait');
    expect(o.counters[campaignDay]).toMatchObject({ dials: 1, expired: 1 });
  },
  abandoned: (o) => {
    expect(own(o)?.state).toBe('retryWait');
    expect(o.counters[campaignDay]).toMatchObject({ dials: 1, abandoned: 1, connects: 1 });
  },
  'agent callback': (o) => {
    expect(own(o)).toMatchObject({ state: 'callback', dueAt: '2027-03-03T07:30:00.000Z' });
    expect(own(o)?.callback).toEqual({ at: '2027-03-03T07:30:00.000Z', agentId: expect.any(String) });
    expect(o.counters[campaignDay]).toMatchObject({ callbacks: 1, effective: 1 });
  },
  'do-not-call request reaches the other campaign': (o) => {
    expect(o.contacts.map((c) => c.state)).toEqual(['dnc', 'dnc']);
    expect(o.contacts.every((c) => c.dueAt === undefined)).toBe(true);
    expect(o.dnc).toMatchObject({ source: 'request', how: 'c9' });
    expect(o.counters[campaignDay]).toMatchObject({ dnc: 1 });
  },
  'three no-answers exhaust the class': (o) => {
    expect(own(o)?.state).toBe('exhausted');
    expect(o.counters[campaignDay]).toMatchObject({ dials: 3, noAnswer: 3 });
  },
};

describe('outcome replays: duplicated, shuffled and late inputs end where one in-order delivery ends', () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      const reference = await replay(memoryWorld(), scenario, inOrder);
      const check = EXPECTED[scenario.name];
      expect(check).toBeDefined();
      check?.(reference.observed as Observed, reference.orderIds);

      const size = scenario.calls.reduce((n, c) => Math.max(n, c.length), 0) * 2 + 3;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.nat(1000), { minLength: size, maxLength: size }),
          fc.nat(3),
          async (keys, late) => {
            const shuffled = await replay(memoryWorld(), scenario, shuffledTwice(keys, late));
            expect(shuffled.observed).toEqual(reference.observed);
            expect(new Set(shuffled.orderIds)).toEqual(new Set(reference.orderIds));
          },
        ),
        { numRuns: 150 },
      );
    });
  }
});
