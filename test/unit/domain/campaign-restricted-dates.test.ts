import { describe, expect, it } from 'vitest';
import { InMemoryCampaignRepository } from '#shared/adapters/memory/campaign-repository';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { ValidationError } from '#shared/domain/errors';
import { type CampaignDeps, createCampaign } from '#shared/use-cases/campaigns';
import { campaignSpecInput } from '#test/unit/functions/api/api-event';

const planner = { id: 'planner-1', roles: ['planner'] };

function deps(): CampaignDeps {
  return {
    repository: new InMemoryCampaignRepository(),
    events: new InMemoryEventPublisher(),
    clock: new ManualClock('2026-03-02T01:00:00.000Z'),
    newId: () => 'c-restricteddates01',
  };
}

function withPeriod(period: Record<string, unknown>): Record<string, unknown> {
  return campaignSpecInput({
    callingRules: {
      timeZone: 'Asia/Shanghai',
      windows: { monday: [{ start: '09:00', end: '12:00' }] },
      restrictedPeriods: [period],
    },
  });
}

async function issuesOf(input: Record<string, unknown>): Promise<{ path: string; message: string }[]> {
  const error = await createCampaign(deps(), input, planner).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues ?? [];
}

// A date that does not exist used to pass the YYYY-MM-DD pattern, and the calling window rolled it over into the next
// month (2026-02-30 → March 2), blocking a day the planner never meant.
describe('restricted periods name days that exist', () => {
  it('refuses 30 February, naming the field', async () => {
    const issues = await issuesOf(withPeriod({ name: '春节', startDate: '2026-02-17', endDate: '2026-02-30' }));
    expect(issues.map((i) => i.path)).toEqual(['callingRules.restrictedPeriods.0.endDate']);
    expect(issues[0]?.message).toMatch(/does not exist/);
  });

  it('refuses a month 13 and a day 00', async () => {
    const issues = await issuesOf(withPeriod({ name: 'x', startDate: '2026-13-01', endDate: '2026-12-00' }));
    expect(issues.map((i) => i.path).sort()).toEqual([
      'callingRules.restrictedPeriods.0.endDate',
      'callingRules.restrictedPeriods.0.startDate',
    ]);
  });

  it('refuses 29 February outside a leap year and accepts it in one', async () => {
    await issuesOf(withPeriod({ name: 'x', startDate: '2026-02-29', endDate: '2026-03-01' }));
    const c = await createCampaign(
      deps(),
      withPeriod({ name: 'x', startDate: '2028-02-29', endDate: '2028-02-29' }),
      planner,
    );
    expect(c.callingRules.restrictedPeriods).toEqual([{ name: 'x', startDate: '2028-02-29', endDate: '2028-02-29' }]);
  });

  it('still refuses a period that ends before it starts', async () => {
    const issues = await issuesOf(withPeriod({ name: 'x', startDate: '2026-05-03', endDate: '2026-05-01' }));
    expect(issues[0]?.message).toMatch(/must not end before it starts/);
  });
});
