import { describe, expect, it } from 'vitest';
import { ManualClock } from '#shared/adapters/memory/clock';
import { previousLocalDay, runScheduledSampling, samplingRunSchema } from '#shared/use-cases/qa/sampling';
import { InMemoryQaStore } from '#test/unit/qa/memory-qa-store';

const call = (agentId: string, n: number) => ({
  attemptRef: `c-x.${agentId}-${n}.1`,
  campaignId: 'c-x',
  agentId,
  talkSeconds: 100,
  effective: true,
  complaint: false,
  dnc: false,
});

describe('scheduled sampling', () => {
  it('samples the previous local day of the schedule zone, for the teams of that zone only', async () => {
    const store = new InMemoryQaStore();
    store.teams.push({ teamId: 'sh', timeZone: 'Asia/Shanghai' }, { teamId: 'ny', timeZone: 'America/New_York' });
    store.agents.set('sh', [{ agentId: 'a1' }]);
    store.agents.set('ny', [{ agentId: 'a2' }]);
    store.attempts.set('a1#2026-03-02', [call('a1', 1), call('a1', 2), call('a1', 3)]);
    store.attempts.set('a1#2026-03-01', [call('a1', 9)]);
    store.attempts.set('a2#2026-03-02', [call('a2', 1)]);
    // 01:30 in Shanghai on 3 March is 17:30 UTC on 2 March.
    const clock = new ManualClock('2026-03-02T17:30:00.000Z');
    const results = await runScheduledSampling(
      { store, clock },
      samplingRunSchema.parse({ timeZone: 'Asia/Shanghai' }),
    );
    expect(results).toEqual([
      {
        teamId: 'sh',
        day: '2026-03-02',
        seed: 'outcall-qa-1',
        agents: 1,
        calls: 3,
        sampled: 2,
        added: 2,
        alreadyQueued: 0,
      },
    ]);
    expect([...store.items.values()].map((i) => [i.teamId, i.day, i.agentId])).toEqual([
      ['sh', '2026-03-02', 'a1'],
      ['sh', '2026-03-02', 'a1'],
    ]);
  });

  it('computes the previous local day with the zone, across DST', () => {
    expect(previousLocalDay(new Date('2026-03-08T07:30:00Z'), 'America/New_York')).toBe('2026-03-07');
    expect(previousLocalDay(new Date('2026-03-02T15:59:00Z'), 'Asia/Shanghai')).toBe('2026-03-01');
    expect(previousLocalDay(new Date('2026-03-02T16:00:00Z'), 'Asia/Shanghai')).toBe('2026-03-02');
  });

  it('refuses a schedule payload without a zone', () => {
    expect(samplingRunSchema.safeParse({}).success).toBe(false);
  });
});
