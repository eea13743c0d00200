import { describe, expect, it } from 'vitest';
import { quotaSettingsSchema } from '#shared/domain/agents/agent';
import { agentWorksOn, dailyQuota, dayOfService, isNewAgent, quotaProgress } from '#shared/domain/agents/quota';

const defaults = quotaSettingsSchema.parse({});

describe('daily quota of effective calls', () => {
  it('defaults to 50, and 20 for a new agent, new for 30 days', () => {
    expect(defaults).toEqual({ effective: 50, newAgent: 20, newAgentDays: 30 });
  });

  it('is 20 from the start date through day 30 and 50 from day 31', () => {
    const agent = { startDate: '2026-03-01' };
    expect(dayOfService(agent, '2026-03-01')).toBe(1);
    expect(dailyQuota(agent, defaults, '2026-03-01')).toBe(20);
    expect(dayOfService(agent, '2026-03-30')).toBe(30);
    expect(dailyQuota(agent, defaults, '2026-03-30')).toBe(20);
    expect(dayOfService(agent, '2026-03-31')).toBe(31);
    expect(dailyQuota(agent, defaults, '2026-03-31')).toBe(50);
  });

  it('counts calendar days across February, in common and leap years', () => {
    expect(isNewAgent({ startDate: '2026-02-01' }, defaults, '2026-03-02')).toBe(true); // day 30
    expect(isNewAgent({ startDate: '2026-02-01' }, defaults, '2026-03-03')).toBe(false); // day 31
    expect(isNewAgent({ startDate: '2028-02-01' }, defaults, '2028-03-01')).toBe(true); // day 30 (29 Feb exists)
    expect(isNewAgent({ startDate: '2028-02-01' }, defaults, '2028-03-02')).toBe(false);
  });

  it('takes the team settings, and an agent without start date is not new', () => {
    const team = { effective: 40, newAgent: 10, newAgentDays: 7 };
    expect(dailyQuota({ startDate: '2026-03-01' }, team, '2026-03-07')).toBe(10);
    expect(dailyQuota({ startDate: '2026-03-01' }, team, '2026-03-08')).toBe(40);
    expect(dailyQuota({}, defaults, '2026-03-08')).toBe(50);
    expect(dailyQuota({ startDate: '2026-03-01' }, { ...team, newAgentDays: 0 }, '2026-03-01')).toBe(40);
  });

  it('an agent does not work before the start date, on a day off, or when inactive', () => {
    const agent = { startDate: '2026-03-02', daysOff: ['2026-03-05'], active: true };
    expect(agentWorksOn(agent, '2026-03-01')).toBe(false);
    expect(agentWorksOn(agent, '2026-03-02')).toBe(true);
    expect(agentWorksOn(agent, '2026-03-05')).toBe(false);
    expect(agentWorksOn({ ...agent, active: false }, '2026-03-03')).toBe(false);
  });
});

describe('quota progress', () => {
  it.each([
    [12, 50, { quota: 50, effective: 12, remaining: 38, met: false, percent: 24 }],
    [49, 50, { quota: 50, effective: 49, remaining: 1, met: false, percent: 98 }],
    [50, 50, { quota: 50, effective: 50, remaining: 0, met: true, percent: 100 }],
    [63, 50, { quota: 50, effective: 63, remaining: 0, met: true, percent: 100 }],
    [7, 20, { quota: 20, effective: 7, remaining: 13, met: false, percent: 35 }],
    [0, 0, { quota: 0, effective: 0, remaining: 0, met: true, percent: 100 }],
  ])('%i effective of %i', (effective, quota, expected) => {
    expect(quotaProgress(effective, quota)).toEqual(expected);
  });
});
