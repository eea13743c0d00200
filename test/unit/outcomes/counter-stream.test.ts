import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CounterStreamRecord,
  compareSequence,
  groupCountingRecords,
  pendingOf,
  recordDelta,
} from '#shared/domain/outcomes/counter-stream';
import type { CounterContribution } from '#shared/domain/outcomes/derive';

const DAY = '2027-03-02';
const call = (agent: string | undefined, values: Record<string, number>): CounterContribution[] => [
  { scope: 'CAMPAIGN', id: 'c1', day: DAY, values },
  ...(agent
    ? [
        { scope: 'AGENT' as const, id: agent, day: DAY, values },
        { scope: 'TEAM' as const, id: `team-of-${agent}`, day: DAY, values },
      ]
    : []),
];
const record = (
  n: number,
  before: CounterContribution[] | undefined,
  after: CounterContribution[] | undefined,
  byStream = true,
): CounterStreamRecord => ({
  eventId: `e${n}`,
  sequenceNumber: String(n),
  before: before && { counted: before, byStream },
  after: after && { counted: after, byStream },
});

describe('what one stream record of an attempt moves', () => {
  it('an INSERT adds what the new image counted', () => {
    expect(recordDelta(record(1, undefined, call(undefined, { dials: 1, noAnswer: 1 })))).toEqual([
      { scope: 'CAMPAIGN', id: 'c1', day: DAY, values: { dials: 1, noAnswer: 1 } },
    ]);
  });

  it('a MODIFY adds the difference, and moves counts from one agent to another', () => {
    const before = call('a1', { dials: 1, connects: 1 });
    const after = call('a2', { dials: 1, connects: 1, refusals: 1 });
    const delta = recordDelta(record(2, before, after));
    const by = (scope: string, id: string) => delta.find((c) => c.scope === scope && c.id === id)?.values;
    expect(by('CAMPAIGN', 'c1')).toEqual({ refusals: 1 });
    expect(by('AGENT', 'a1')).toEqual({ dials: -1, connects: -1 });
    expect(by('AGENT', 'a2')).toEqual({ dials: 1, connects: 1, refusals: 1 });
    expect(by('TEAM', 'team-of-a1')).toEqual({ dials: -1, connects: -1 });
  });

  it('a repeat that changes nothing counted moves nothing', () => {
    const same = call('a1', { dials: 1 });
    expect(recordDelta(record(3, same, same))).toEqual([]);
  });

  it('a REMOVE (TTL, erasure) moves nothing: aggregates keep what they counted', () => {
    expect(recordDelta(record(4, call('a1', { dials: 1 }), undefined))).toEqual([]);
  });

  it('a write of the previous version, which ADDed its counts in its own transaction, moves nothing', () => {
    expect(recordDelta(record(5, undefined, call('a1', { dials: 1 }), false))).toEqual([]);
    // …and the first write of this version after it adds only what is new.
    const r: CounterStreamRecord = {
      eventId: 'e6',
      sequenceNumber: '6',
      before: { counted: call(undefined, { dials: 1 }), byStream: false },
      after: { counted: call(undefined, { dials: 1, busy: 1 }), byStream: true },
    };
    expect(recordDelta(r)).toEqual([{ scope: 'CAMPAIGN', id: 'c1', day: DAY, values: { busy: 1 } }]);
  });
});

describe('sequence numbers', () => {
  it('compare as numbers, whatever their length', () => {
    expect(compareSequence('9', '10')).toBe(-1);
    expect(compareSequence('000000000000000000010', '9')).toBe(1);
    expect(
      compareSequence('1234567890123456789012345678901234567890', '1234567890123456789012345678901234567891'),
    ).toBe(-1);
    expect(compareSequence('42', '042')).toBe(0);
  });
});

describe('grouping a batch into transactions', () => {
  const agentCall = (n: number) => record(n, undefined, call(`a${n}`, { dials: 1, connects: 1 }));

  it('leaves out records that move nothing, and keys each group by its first counting record', () => {
    const batch = [
      record(1, undefined, []),
      agentCall(2),
      record(3, call('a2', { dials: 1 }), call('a2', { dials: 1 })),
    ];
    const groups = groupCountingRecords(batch);
    expect(groups.map((g) => [g.markerId, g.records.map((r) => r.eventId)])).toEqual([['e2', ['e2']]]);
  });

  it('splits greedily at 99 counter items (the marker makes 100 actions)', () => {
    // Each call touches its campaign (shared), its agent and its agent's team: 1 + 2n items for n calls.
    const batch = Array.from({ length: 60 }, (_, i) => agentCall(i + 1));
    const groups = groupCountingRecords(batch);
    const items = (g: (typeof groups)[number]) =>
      new Set(g.records.flatMap((r) => r.deltas.map((c) => `${c.scope}#${c.id}`))).size;
    expect(groups.map((g) => g.records.length)).toEqual([49, 11]);
    expect(groups.map(items)).toEqual([99, 23]);
    expect(groups.map((g) => g.markerId)).toEqual(['e1', 'e50']);
  });

  it('groups a batch redelivered with more records appended the same, up to its last group, which only grows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(40), fc.boolean()), { minLength: 1, maxLength: 120 }),
        fc.nat(120),
        fc.integer({ min: 3, max: 99 }),
        (calls, cut, maxItems) => {
          const all = calls.map(([agent, reached], i) =>
            record(i + 1, undefined, call(reached ? `a${agent}` : undefined, { dials: 1 })),
          );
          const first = groupCountingRecords(all.slice(0, Math.min(cut, all.length)), maxItems);
          const again = groupCountingRecords(all, maxItems);
          first.forEach((g, i) => {
            const later = again[i];
            expect(later?.markerId).toBe(g.markerId);
            if (i < first.length - 1) expect(later?.records).toEqual(g.records);
            else expect(later?.records.slice(0, g.records.length)).toEqual(g.records);
          });
        },
      ),
    );
  });

  it('what is left of a group after its marker: only later records, summed per counter item', () => {
    const [group] = groupCountingRecords([agentCall(8), agentCall(9), agentCall(10)]);
    if (!group) throw new Error('no group');
    expect(pendingOf(group).records).toBe(3);
    const rest = pendingOf(group, '9');
    expect(rest).toMatchObject({ records: 1, lastSequence: '10' });
    expect(rest.counters.find((c) => c.scope === 'CAMPAIGN')?.values).toEqual({ dials: 1, connects: 1 });
    expect(pendingOf(group, '10').records).toBe(0);
  });
});
