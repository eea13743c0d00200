import { describe, expect, it } from 'vitest';
import { ConflictError } from '#shared/domain/errors';
import { createCampaign, getCampaign, transitionCampaign } from '#shared/use-cases/campaigns';
import { campaignSpecInput } from '#test/integration/helpers/campaign-spec';
import { useCampaignConnectWorld } from '#test/integration/helpers/dialing-deps';

const world = useCampaignConnectWorld('lifecycle', '2027-03-01T01:00:00.000Z');
const planner = { id: 'planner-1', roles: ['planner'] };

describe('campaign lifecycle drives the Amazon Connect campaign', () => {
  it('creates and starts it with the pilot, pauses, resumes and stops it with the campaign', async () => {
    const campaign = await createCampaign(world.deps, campaignSpecInput(), planner);
    const { campaign: pilot } = await transitionCampaign(world.deps, campaign.id, 'startPilot', planner);
    const connectId = pilot.connect.connectCampaignId ?? '';
    expect(world.sim.campaigns.get(connectId)?.state).toBe('Running');
    await transitionCampaign(world.deps, campaign.id, 'endPilot', planner);
    expect(world.sim.campaigns.get(connectId)?.state).toBe('Paused');
    await transitionCampaign(world.deps, campaign.id, 'launch', planner);
    expect(world.sim.campaigns.get(connectId)?.state).toBe('Running');
    await transitionCampaign(world.deps, campaign.id, 'pause', planner);
    await transitionCampaign(world.deps, campaign.id, 'resume', planner);
    expect(world.sim.campaigns.get(connectId)?.state).toBe('Running');
    await transitionCampaign(world.deps, campaign.id, 'complete', planner);
    expect(world.sim.campaigns.get(connectId)?.state).toBe('Stopped');
    expect([...world.sim.campaigns.values()].filter((c) => c.config?.name === `outcall-${campaign.id}`)).toHaveLength(
      1,
    );
  });

  it('refuses the transition with the Connect error and leaves the state unchanged, keeping a created id', async () => {
    const campaign = await createCampaign(world.deps, campaignSpecInput(), planner);
    world.sim.failNextControl('start', { status: 409, type: 'ConflictException', message: 'instance at capacity' });
    const refused = transitionCampaign(world.deps, campaign.id, 'startPilot', planner);
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toThrow(/stays draft.*ConflictException/);
    const stored = await getCampaign(world.deps, campaign.id);
    expect(stored.state).toBe('draft');
    const created = stored.connect.connectCampaignId;
    expect(created).toBeDefined();

    const { campaign: pilot } = await transitionCampaign(world.deps, campaign.id, 'startPilot', planner);
    expect(pilot.connect.connectCampaignId).toBe(created);
    expect(world.sim.campaigns.get(created ?? '')?.state).toBe('Running');
  });
});
