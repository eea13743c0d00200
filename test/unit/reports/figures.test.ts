import { describe, expect, it } from 'vitest';
import {
  agentFigures,
  campaignFigures,
  change,
  commission,
  deadlineProgress,
  rankAgents,
  sumBags,
} from '#shared/domain/reports/figures';
import { duePeriods, periodContaining, previousPeriod, rangePeriod } from '#shared/domain/reports/period';
import { chunkRecipients, uniqueRecipients } from '#shared/domain/reports/recipients';
import { pilotDecisions } from '#shared/domain/reports/report';

describe('campaign figures from counters', () => {
  // Two shards of one day, as a hot campaign spreads its counter over items.
  const shard0 = {
    dials: 100,
    firstDials: 80,
    connects: 40,
    effective: 20,
    conversions: 4,
    refusals: 12,
    dnc: 1,
    complaints: 1,
    invalid: 10,
    abandoned: 2,
    talkSeconds: 4000,
  };
  const shard1 = {
    dials: 60,
    firstDials: 40,
    connects: 20,
    effective: 10,
    conversions: 2,
    invalid: 2,
    talkSeconds: 2000,
  };

  it('computes every rate from the summed shards (hand-computed)', () => {
    const f = campaignFigures(sumBags([shard0, shard1]), {
      listSize: 1000,
      heldBack: [
        { reason: 'dnc', count: 3 },
        { reason: 'exhausted', count: 0 },
      ],
    });
    expect(f.dials).toBe(160);
    expect(f.connects).toBe(60);
    expect(f.connectRate).toBeCloseTo(60 / 160, 10); // 0.375
    expect(f.attempted).toBe(120);
    expect(f.penetration).toBeCloseTo(0.12, 10);
    expect(f.effective).toBe(30);
    expect(f.conversions).toBe(6);
    expect(f.conversionRate).toBeCloseTo(0.1, 10); // 6 / 60
    expect(f.invalidRate).toBeCloseTo(12 / 160, 10); // 0.075
    expect(f.attemptsPerContact).toBeCloseTo(160 / 120, 10);
    expect(f.avgTalkSeconds).toBe(100); // 6000 s / 60 connects
    expect(f.abandonmentRate).toBeCloseTo(2 / 60, 10);
    expect(f.refusals).toBe(12);
    expect(f.dnc).toBe(1);
    expect(f.complaints).toBe(1);
    expect(f.heldBack).toEqual([{ reason: 'dnc', count: 3 }]);
  });

  it('leaves rates of nothing undefined instead of 0 %', () => {
    const f = campaignFigures({});
    expect(f.dials).toBe(0);
    expect(f.connectRate).toBeUndefined();
    expect(f.penetration).toBeUndefined();
    expect(f.attemptsPerContact).toBeUndefined();
  });

  it('reads sales from salesCents, else from the outcomes order amounts', () => {
    expect(campaignFigures({ salesCents: 12_345, orderAmount: 999 }).sales).toBe(123.45);
    expect(campaignFigures({ orderAmount: 796 }).sales).toBe(796);
  });
});

describe('agent figures', () => {
  it('quota attainment, QA average, commission at 1 %', () => {
    const a = agentFigures(
      {
        agentId: 'a1',
        counters: {
          dials: 140,
          effective: 45,
          conversions: 5,
          qaCount: 4,
          qaScoreSum: 342,
          qaCritical: 1,
          complaints: 2,
          orderAmount: 1990,
        },
        quota: 50,
        log: { status: 'late' },
      },
      0.01,
    );
    expect(a.quotaAttainment).toBeCloseTo(0.9, 10);
    expect(a.qaAverage).toBeCloseTo(85.5, 10);
    expect(a.commission).toBe(19.9);
    expect(a.logStatus).toBe('late');
  });

  it('summarises logs of a longer period', () => {
    const a = agentFigures({ agentId: 'a1', counters: {}, quota: 250, log: { submitted: 4, late: 1, due: 5 } }, 0.01);
    expect(a.logStatus).toBe('4/5 (1 late)');
  });

  it('rounds commission half-up to the cent', () => {
    expect(commission(123.45, 0.01)).toBe(1.23);
    expect(commission(100.5, 0.01)).toBe(1.01);
    expect(commission(1000, 0.015)).toBe(15);
  });

  it('rounds an exact half cent up at any size (binary floats put 14.50 × 1 % just under it)', () => {
    expect(commission(14.5, 0.01)).toBe(0.15);
    expect(commission(102.5, 0.01)).toBe(1.03);
    expect(commission(1.5, 0.01)).toBe(0.02);
    expect(commission(0.5, 0.01)).toBe(0.01);
    expect(commission(10.05, 0.5)).toBe(5.03);
    expect(commission(1234567.5, 0.01)).toBe(12345.68);
    expect(commission(0.1 + 0.2, 0.05)).toBe(0.02); // sales summed in floats: 0.30000000000000004 yuan is 30 cents
    expect(commission(14.49, 0.01)).toBe(0.14);
    expect(commission(0, 0.01)).toBe(0);
    expect(commission(100, 0.0125)).toBe(1.25);
    expect(commission(1, 1e-7)).toBe(0);
  });

  it('ranks by attainment then conversions, never listing one agent as both', () => {
    const mk = (agentId: string, effective: number, quota: number, conversions: number) =>
      agentFigures(
        { agentId, counters: { effective, conversions, dials: 10 }, quota, log: { status: 'submitted' } },
        0.01,
      );
    const { top, bottom } = rankAgents(
      [mk('a', 50, 50, 1), mk('b', 25, 50, 9), mk('c', 50, 50, 3), mk('d', 10, 20, 0), mk('e', 5, 50, 0)],
      2,
    );
    expect(top.map((x) => x.agentId)).toEqual(['c', 'a']);
    expect(bottom.map((x) => x.agentId)).toEqual(['e', 'd']);
    const one = rankAgents([mk('solo', 1, 50, 0)]);
    expect(one.top).toEqual([]);
    expect(one.bottom).toEqual([]);
  });

  it('change against the previous period', () => {
    expect(change(160, 80)).toBe(1);
    expect(change(60, 80)).toBe(-0.25);
    expect(change(5, 0)).toBeUndefined();
  });
});

describe('periods', () => {
  it('weeks run Monday to Sunday and months whole', () => {
    expect(periodContaining('weekly', '2026-03-04')).toEqual({
      from: '2026-03-02',
      to: '2026-03-08',
      label: '2026-W10',
    });
    expect(periodContaining('monthly', '2026-02-14')).toEqual({
      from: '2026-02-01',
      to: '2026-02-28',
      label: '2026-02',
    });
    expect(previousPeriod('monthly', periodContaining('monthly', '2026-03-31'))).toEqual({
      from: '2026-02-01',
      to: '2026-02-28',
      label: '2026-02',
    });
    expect(previousPeriod('pilot', rangePeriod('2026-03-06', '2026-03-09'))).toEqual(
      rangePeriod('2026-03-02', '2026-03-05'),
    );
  });

  it('a team is owed yesterday once its local clock passes the send hour; Mondays and the 1st owe more', () => {
    // 2026-06-01 is a Monday and the 1st: 08:00 in Shanghai is 00:00 UTC.
    const due = duePeriods(new Date('2026-06-01T00:00:00Z'), 'Asia/Shanghai', 7);
    expect(due.map((d) => [d.kind, d.period.label])).toEqual([
      ['daily', '2026-05-31'],
      ['weekly', '2026-W22'],
      ['monthly', '2026-05'],
    ]);
    expect(duePeriods(new Date('2026-05-31T22:30:00Z'), 'Asia/Shanghai', 7)).toEqual([]); // 06:30 local
  });

  it('follows the team zone across a DST change', () => {
    // New York switched to EDT on 2026-03-08: 07:00 local on the 9th is 11:00 UTC, not 12:00.
    expect(duePeriods(new Date('2026-03-09T10:59:00Z'), 'America/New_York', 7)).toEqual([]);
    expect(duePeriods(new Date('2026-03-09T11:00:00Z'), 'America/New_York', 7).map((d) => d.period.label)).toEqual([
      '2026-03-08',
      '2026-W10',
    ]);
  });
});

describe('recipients and advice', () => {
  it('dedupes case-insensitively and splits into messages of 50', () => {
    expect(uniqueRecipients(['A@x.cn', 'b@x.cn'], undefined, ['a@x.cn '])).toEqual(['a@x.cn', 'b@x.cn']);
    const many = Array.from({ length: 120 }, (_, i) => `m${i}@x.cn`);
    expect(chunkRecipients(many).map((c) => c.length)).toEqual([50, 50, 20]);
  });

  it('pilot advice names the figure that misses its threshold', () => {
    const weak = campaignFigures({ dials: 100, connects: 20, invalid: 15, conversions: 0 });
    const advice = pilotDecisions(weak);
    expect(advice.some((a) => a.includes('invalid numbers 15.0%'))).toBe(true);
    expect(advice.some((a) => a.includes('connect rate 20.0%'))).toBe(true);
    expect(advice.at(-1)).toContain('repilot');
    expect(pilotDecisions(campaignFigures({ dials: 100, connects: 50, conversions: 10 }))).toEqual([
      expect.stringContaining('launch'),
    ]);
  });

  it('deadline progress says when the list lags behind the clock', () => {
    const p = deadlineProgress(
      new Date('2026-03-01T00:00:00Z'),
      new Date('2026-03-11T00:00:00Z'),
      new Date('2026-03-06T00:00:00Z'),
      0.3,
    );
    expect(p.timeElapsed).toBe(0.5);
    expect(p.daysLeft).toBe(5);
    expect(p.behind).toBe(true);
  });
});
