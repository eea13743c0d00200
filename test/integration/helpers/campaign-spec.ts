import type { Campaign, CampaignSpecInput } from '#shared/domain/campaign';
import { campaignSpecSchema } from '#shared/domain/campaign';

/** A valid campaign spec as a planner would write it (defaults left out); spread and override in tests. */
export function campaignSpecInput(overrides: Partial<CampaignSpecInput> = {}): CampaignSpecInput {
  return {
    name: 'Spring promotion',
    purpose: 'sales',
    requestingDepartment: { name: '市场部', email: 'market@example.com' },
    planners: ['planner@example.com'],
    script: { text: '您好，我是每天乐源的客服…' },
    defaultRegion: 'CN',
    callingRules: {
      timeZone: 'Asia/Shanghai',
      windows: {
        monday: [{ start: '09:00', end: '12:00' }],
        tuesday: [{ start: '09:00', end: '12:00' }],
        wednesday: [],
        thursday: [],
        friday: [],
        saturday: [],
        sunday: [],
      },
      restrictedPeriods: [],
    },
    deadline: '2027-03-31T20:00:00+08:00',
    connect: { instanceId: 'i-1', contactFlowId: 'f-1', sourcePhoneNumber: '+862161234567' },
    ...overrides,
  };
}

/** A complete stored campaign for repository tests. */
export function storedCampaign(id: string, overrides: Partial<Campaign> = {}): Campaign {
  return {
    ...campaignSpecSchema.parse(campaignSpecInput()),
    id,
    state: 'draft',
    pilotSkipped: false,
    revision: 1,
    createdAt: '2026-03-02T01:00:00.000Z',
    updatedAt: '2026-03-02T01:00:00.000Z',
    createdBy: 'planner-1',
    ...overrides,
  };
}
