import { describe, expect, it } from 'vitest';
import { ConflictError } from '#shared/domain/errors';
import {
  type CampaignDeps,
  createCampaign,
  getCampaign,
  transitionCampaign,
  updateCampaign,
} from '#shared/use-cases/campaigns';
import { campaignSpecInput } from '#test/integration/helpers/campaign-spec';
import { useCampaignConnectWorld } from '#test/integration/helpers/dialing-deps';

const world = useCampaignConnectWorld('connectcreate', '2027-03-01T01:00:00.000Z');
const planner = { id: 'planner-1', roles: ['planner'] };
const other = { id: 'planner-2', roles: ['planner'] };

const connectCampaignsOf = (campaignId: string) =>
  [...world.sim.campaigns.values()].filter((c) => c.config?.name === `outcall-${campaignId}`);

describe('the Amazon Connect campaign is created once per outcall campaign (DynamoDB, Connect simulator)', () => {
  it('two concurrent startPilot requests: one transitions, the other gets a 409, one Connect campaign exists', async () => {
    const campaign = await createCampaign(world.deps, campaignSpecInput(), planner);
    const results = await Promise.allSettled([
      transitionCampaign(world.deps, campaign.id, 'startPilot', planner),
      transitionCampaign(world.deps, campaign.id, 'startPilot', planner),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')?.reason).toBeInstanceOf(ConflictError);
    expect(connectCampaignsOf(campaign.id)).toHaveLength(1);
    const stored = await getCampaign(world.deps, campaign.id);
    expect(stored.state).toBe('pilot');
    expect(world.sim.campaigns.get(stored.connect.connectCampaignId ?? '')?.state).toBe('Running');
  });

  it('an edit racing the creation does not lose the created id: the retry starts that Connect campaign', async () => {
    const campaign = await createCampaign(world.deps, campaignSpecInput(), planner);
    const repository = world.deps.repository;
    // The other planner's edit lands right after the start claimed the creation, while Connect creates the campaign.
    let edited = false;
    const racing: CampaignDeps = {
      ...world.deps,
      repository: {
        get: (id) => repository.get(id),
        list: (filter) => repository.list(filter),
        create: (c) => repository.create(c),
        listTransitions: (id) => repository.listTransitions(id),
        save: async (c, expected, transition, options) => {
          await repository.save(c, expected, transition, options);
          if (!edited && c.connect.connectCampaignId?.startsWith('creating:')) {
            edited = true;
            await updateCampaign(world.deps, c.id, { script: { text: '新话术' } }, undefined, other);
          }
        },
      },
    };
    await expect(transitionCampaign(racing, campaign.id, 'startPilot', planner)).rejects.toBeInstanceOf(ConflictError);
    const refused = await getCampaign(world.deps, campaign.id);
    expect(refused.state).toBe('draft');
    expect(refused.script.text).toBe('新话术');
    const created = refused.connect.connectCampaignId ?? '';
    expect(world.sim.campaigns.get(created)?.state).toBe('Initialized');

    const { campaign: pilot } = await transitionCampaign(world.deps, campaign.id, 'startPilot', planner);
    expect(pilot.connect.connectCampaignId).toBe(created);
    expect(world.sim.campaigns.get(created)?.state).toBe('Running');
    expect(connectCampaignsOf(campaign.id)).toHaveLength(1);
  });
});
