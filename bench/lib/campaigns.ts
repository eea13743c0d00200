import { type Campaign, campaignSchema } from '#shared/domain/campaign';
import { allDayWindows } from '#test/fixtures/calling-windows';

/**
 * An active campaign that may call around the clock in Shanghai, for suites that measure dialing, outcomes and
 * retries without the calling window getting in the way. `overrides` are merged over the campaign's fields (shallow).
 */
export function allDayBenchCampaign(id: string, overrides: Record<string, unknown> = {}): Campaign {
  return campaignSchema.parse({
    name: 'bench',
    purpose: 'sales',
    requestingDepartment: { name: 'bench' },
    planners: ['planner@example.com'],
    script: { text: 'bench' },
    defaultRegion: 'CN',
    callingRules: {
      timeZone: 'Asia/Shanghai',
      windows: allDayWindows(),
    },
    deadline: '2027-12-31T00:00:00Z',
    connect: {
      instanceId: 'i-1',
      contactFlowId: 'f-1',
      sourcePhoneNumber: '+862161234567',
      connectCampaignId: `cc-${id}`,
    },
    id,
    state: 'active',
    revision: 1,
    createdAt: '2027-01-01T00:00:00Z',
    updatedAt: '2027-01-01T00:00:00Z',
    createdBy: 'bench',
    ...overrides,
  });
}
