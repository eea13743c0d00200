import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CounterStreamRecord, counterItemKey, recordDelta } from '#shared/domain/outcomes/counter-stream';
import type { CounterContribution } from '#shared/domain/outcomes/derive';
import { applyCounterStream, CounterStreamContentionError } from '#shared/use-cases/outcomes/apply-counter-stream';
import { MemoryCounterLedger } from '#test/unit/outcomes/memory-counter-ledger';

const DAY = '2027-03-02';

/** A stream of attempt records: each attempt counts a dial, then maybe a connect with an agent, then maybe more. */
function streamOf(steps: readonly [number, number, boolean][]): CounterStreamRecord[] {
  const counted = new Map<number, CounterContribution[]>();
  return steps.map(([attempt, agent, reached], i) => {
    const before = counted.get(attempt);
    const values = reached ? { dials: 1, connects: 1, talkSeconds: 30 + agent } : { dials: 1, noAnswer: 1 };
    const after: CounterContribution[] = [
      { scope: 'CAMPAIGN', id: 'c1', day: DAY, values },
      ...(reached
        ? [
            { scope: 'AGENT' as const, id: `a${agent}`, day: DAY, values },
            { scope: 'TEAM' as const, id: `t${agent % 3}`, day: DAY, values },
          ]
        : []),
    ];
    counted.set(attempt, after);
    return {
      eventId: `ev-${i}`,
      sequenceNumber: String(1000 + i),
      before: before && { counted: before, byStream: true },
      after: { counted: after, byStream: true },
    };
  });
}

/** Every record's delta applied once, by hand: what the counters must end as. */
function expected(records: readonly CounterStreamRecord[]): Record<string, Record<string, number>> {
  const reference = new MemoryCounterLedger();
  for (const [i, r] of records.entries()) {
    void reference.apply({ markerId: `ref-${i}`, lastSequence: '0', counters: recordDelta(r) });
  }
  return reference.snapshot();
}

const steps = fc.array(fc.tuple(fc.nat(30), fc.nat(60), fc.boolean()), { minLength: 1, maxLength: 150 });

describe('applying stream batches to the counters, exactly once', () => {
  it('a batch applied once counts each record once, in one write per group', async () => {
    const records = streamOf([
      [1, 0, false],
      [1, 4, true],
      [2, 5, true],
      [2, 5, true],
    ]);
    const ledger = new MemoryCounterLedger();
    const result = await applyCounterStream({ ledger }, records);
    expect(result).toEqual({ counting: 3, groups: 1, applied: 3, shrunk: 0 });
    expect(ledger.writes).toBe(1);
    expect(ledger.snapshot()).toEqual(expected(records));
    expect(ledger.snapshot()[counterItemKey({ scope: 'AGENT', id: 'a4', day: DAY })]).toEqual({
      dials: 1,
      connects: 1,
      talkSeconds: 34,
    });
  });

  it('the same batch delivered again adds nothing and writes nothing', async () => {
    const records = streamOf([
      [1, 1, true],
      [2, 2, true],
    ]);
    const ledger = new MemoryCounterLedger();
    await applyCounterStream({ ledger }, records);
    const again = await applyCounterStream({ ledger }, records);
    expect(again.applied).toBe(0);
    expect(ledger.writes).toBe(1);
    expect(ledger.snapshot()).toEqual(expected(records));
  });

  it('Lambda redelivering batches — killed after some commits, retried with more records appended — counts each record once', async () => {
    await fc.assert(
      fc.asyncProperty(
        steps,
        fc.array(fc.tuple(fc.integer({ min: 1, max: 80 }), fc.nat(3), fc.nat(40))),
        async (s, plan) => {
          const records = streamOf(s);
          const ledger = new MemoryCounterLedger();
          let checkpoint = 0;
          let batchEnd = 0;
          let retrying = false;
          for (let p = 0; checkpoint < records.length; p++) {
            const [size, killAt, appended] = plan[p % Math.max(plan.length, 1)] ?? [records.length, 0, 0];
            // A retry starts from the same first record with the same records, maybe more; a new batch after the checkpoint.
            batchEnd = Math.min(records.length, retrying ? batchEnd + appended : checkpoint + size);
            const batch = records.slice(checkpoint, batchEnd);
            let writes = 0;
            const kill = p < plan.length && killAt > 0;
            ledger.afterCommit = () => {
              if (kill && ++writes === killAt) throw new Error('function killed after its commit');
            };
            try {
              await applyCounterStream({ ledger }, batch);
              checkpoint = batchEnd;
              retrying = false;
            } catch {
              retrying = true;
            }
          }
          ledger.afterCommit = undefined;
          expect(ledger.snapshot()).toEqual(expected(records));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('splits a batch touching more than 99 counter items into several writes, each exactly once', async () => {
    const records = streamOf(Array.from({ length: 200 }, (_, i) => [i, i, true] as [number, number, boolean]));
    const ledger = new MemoryCounterLedger();
    let writes = 0;
    ledger.afterCommit = () => {
      if (++writes === 2) throw new Error('killed after the second group');
    };
    await expect(applyCounterStream({ ledger }, records)).rejects.toThrow('killed');
    ledger.afterCommit = undefined;
    const retry = await applyCounterStream({ ledger }, records);
    expect(retry.groups).toBe(3);
    expect(ledger.writes).toBe(3);
    expect(ledger.snapshot()).toEqual(expected(records));
  });

  it('retries a write that lost a race, and gives up after its tries', async () => {
    const records = streamOf([[1, 1, true]]);
    const ledger = new MemoryCounterLedger();
    let lost = 2;
    ledger.beforeWrite = () => lost-- <= 0;
    await applyCounterStream({ ledger }, records);
    expect(ledger.snapshot()).toEqual(expected(records));

    const stuck = new MemoryCounterLedger();
    stuck.beforeWrite = () => false;
    await expect(applyCounterStream({ ledger: stuck, maxTries: 3 }, records)).rejects.toBeInstanceOf(
      CounterStreamContentionError,
    );
  });

  it('reports a redelivery that holds fewer records than an earlier one (the case the design does not cover)', async () => {
    const records = streamOf([
      [1, 1, true],
      [2, 2, true],
    ]);
    const ledger = new MemoryCounterLedger();
    await applyCounterStream({ ledger }, records);
    expect((await applyCounterStream({ ledger }, records.slice(0, 1))).shrunk).toBe(1);
  });
});
