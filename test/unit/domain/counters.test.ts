import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COUNTER_FIELDS, type Counters, counterDelta, sumCounters } from '#shared/domain/counters';

const counters = fc.record(
  Object.fromEntries(COUNTER_FIELDS.map((f) => [f, fc.integer({ min: 0, max: 1000 })])) as Record<
    (typeof COUNTER_FIELDS)[number],
    fc.Arbitrary<number>
  >,
  { requiredKeys: [] },
) as fc.Arbitrary<Counters>;

describe('counters', () => {
  it('before + delta(before, after) = after, field by field', () => {
    fc.assert(
      fc.property(counters, counters, (before, after) => {
        const total = sumCounters([before, counterDelta(before, after)]);
        for (const f of COUNTER_FIELDS) expect(total[f] ?? 0).toBe(after[f] ?? 0);
      }),
    );
  });

  it('drops zero deltas so a duplicate input writes nothing', () => {
    expect(counterDelta({ dials: 1, connects: 1 }, { dials: 1, connects: 1 })).toEqual({});
    expect(counterDelta({ dials: 1 }, { dials: 1, effective: 1 })).toEqual({ effective: 1 });
  });
});
