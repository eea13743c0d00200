import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SAMPLING_POLICY,
  isNewAgent,
  randomQuota,
  type SamplingCall,
  type SamplingPolicy,
  seededRandom,
  selectSample,
} from '#shared/domain/qa/sampling';

const key = { day: '2026-03-02', teamId: 't1', agentId: 'a1', seed: 's1' };
const policy: SamplingPolicy = { ...DEFAULT_SAMPLING_POLICY, regular: { count: 2, percent: 10 } };

function call(n: number, overrides: Partial<SamplingCall> = {}): SamplingCall {
  return {
    attemptRef: `c-abc.pk${String(n).padStart(4, '0')}.1`,
    talkSeconds: 120,
    effective: true,
    complaint: false,
    dnc: false,
    ...overrides,
  };
}

const refs = (sample: { call: SamplingCall }[]) => sample.map((s) => s.call.attemptRef);

const callArb = fc.record({
  attemptRef: fc.stringMatching(/^c-[a-z]{3}\.[A-Za-z0-9_-]{4}\.[1-6]$/),
  talkSeconds: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2000 })),
  effective: fc.boolean(),
  complaint: fc.boolean(),
  dnc: fc.boolean(),
});
const callsArb = fc.uniqueArray(callArb, { selector: (c) => c.attemptRef, maxLength: 120 });
const keyArb = fc.record({
  day: fc.constantFrom('2026-03-01', '2026-03-02'),
  teamId: fc.constantFrom('t1', 't2'),
  agentId: fc.constantFrom('a1', 'a2'),
  seed: fc.string({ maxLength: 8 }),
});

describe('selectSample', () => {
  it('always takes complaints, DNC requests, unusually short and long calls, with their reasons', () => {
    const calls = [
      call(1, { complaint: true, effective: false }),
      call(2, { dnc: true }),
      call(3, { talkSeconds: 5 }),
      call(4, { talkSeconds: 3600 }),
      call(5, { talkSeconds: 0, effective: false }), // never reached: not "short"
    ];
    const sample = selectSample(calls, {
      policy: { ...policy, regular: { count: 0, percent: 0 } },
      newAgent: false,
      key,
    });
    expect(sample.map((s) => [s.call.attemptRef, s.reasons])).toEqual([
      [calls[0]?.attemptRef, ['complaint']],
      [calls[1]?.attemptRef, ['dnc']],
      [calls[2]?.attemptRef, ['shortTalk']],
      [calls[3]?.attemptRef, ['longTalk']],
    ]);
  });

  it('draws max(count, percent of effective calls) at random, more for new agents, capped per agent', () => {
    const calls = Array.from({ length: 60 }, (_, i) => call(i));
    expect(selectSample(calls, { policy, newAgent: false, key })).toHaveLength(6); // 10 % of 60
    const newer = { ...policy, newAgent: { count: 4, percent: 25 } };
    expect(selectSample(calls, { policy: newer, newAgent: true, key })).toHaveLength(15);
    expect(selectSample(calls, { policy: { ...newer, maxRandomPerAgent: 7 }, newAgent: true, key })).toHaveLength(7);
    expect(selectSample(calls.slice(0, 5), { policy, newAgent: false, key })).toHaveLength(2); // the count floor
    expect(randomQuota({ count: 0, percent: 5 }, 41)).toBe(3); // 2.05 rounds up
    expect(randomQuota({ count: 0, percent: 5 }, 40)).toBe(2);
  });

  it('draws only from effective calls', () => {
    const calls = [...Array.from({ length: 10 }, (_, i) => call(i, { effective: false })), call(99)];
    expect(refs(selectSample(calls, { policy, newAgent: false, key }))).toEqual([call(99).attemptRef]);
  });

  it('changes with the recorded seed, and with the day', () => {
    const calls = Array.from({ length: 200 }, (_, i) => call(i));
    const base = refs(selectSample(calls, { policy, newAgent: false, key }));
    expect(refs(selectSample(calls, { policy, newAgent: false, key: { ...key, seed: 's2' } }))).not.toEqual(base);
    expect(refs(selectSample(calls, { policy, newAgent: false, key: { ...key, day: '2026-03-03' } }))).not.toEqual(
      base,
    );
  });

  it('property: the same calls, policy and seed give the same sample, whatever the order they were read in', () => {
    fc.assert(
      fc.property(callsArb, keyArb, fc.boolean(), fc.integer(), (calls, seedKey, newAgent, shuffleSeed) => {
        const shuffled = [...calls];
        const next = seededRandom(String(shuffleSeed));
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = Math.floor(next() * (i + 1));
          [shuffled[i], shuffled[j]] = [shuffled[j] as SamplingCall, shuffled[i] as SamplingCall];
        }
        const a = selectSample(calls, { policy, newAgent, key: seedKey });
        const b = selectSample(shuffled, { policy, newAgent, key: seedKey });
        expect(a).toEqual(b);
      }),
    );
  });

  it('property: a sample is a duplicate-free subset holding every mandatory call and exactly the random quota', () => {
    fc.assert(
      fc.property(callsArb, keyArb, fc.boolean(), (calls, seedKey, newAgent) => {
        const sample = selectSample([...calls, ...calls], { policy, newAgent, key: seedKey });
        const picked = refs(sample);
        expect(new Set(picked).size).toBe(picked.length);
        const byRef = new Map(calls.map((c) => [c.attemptRef, c]));
        for (const ref of picked) expect(byRef.has(ref)).toBe(true);
        const mandatory = calls.filter(
          (c) =>
            c.complaint ||
            c.dnc ||
            (c.talkSeconds > 0 && c.talkSeconds < policy.shortTalkSeconds) ||
            c.talkSeconds > policy.longTalkSeconds,
        );
        for (const c of mandatory) expect(picked).toContain(c.attemptRef);
        const pool = calls.filter((c) => c.effective && !mandatory.includes(c)).length;
        const effective = calls.filter((c) => c.effective).length;
        const rule = newAgent ? policy.newAgent : policy.regular;
        const quota = Math.min(pool, policy.maxRandomPerAgent, randomQuota(rule, effective));
        expect(sample.filter((s) => s.reasons.includes('random'))).toHaveLength(quota);
        expect(sample).toHaveLength(mandatory.length + quota);
      }),
    );
  });
});

describe('isNewAgent', () => {
  it('counts the start date as day 1', () => {
    expect(isNewAgent('2026-03-01', '2026-03-30', 30)).toBe(true);
    expect(isNewAgent('2026-03-01', '2026-03-31', 30)).toBe(false);
    expect(isNewAgent(undefined, '2026-03-31', 30)).toBe(false);
    expect(isNewAgent('2026-04-01', '2026-03-31', 30)).toBe(false);
  });
});
