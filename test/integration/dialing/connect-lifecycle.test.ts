import { ConnectCampaignsV2Client } from '@aws-sdk/client-connectcampaignsv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectSim, startConnectSim } from '#infra/local/connect-sim/server';
import { ConnectCampaignsAdapter } from '#shared/adapters/connect/connect-campaigns';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { ConflictError } from '#shared/domain/errors';
import { type CampaignDeps, createCampaign, getCampaign, transitionCampaign } from '#shared/use-cases/campaigns';
import { campaignSpecInput } from '#test/integration/helpers/campaign-spec';
import { useTestTables } from '#test/integration/helpers/tables';

const tables = useTestTables('lifecycle');
const planner = { id: 'planner-1', roles: ['planner'] };
let sim: ConnectSim;
let deps: CampaignDeps;

beforeAll(async () => {
  sim = await startConnectSim();
  deps = {
    repository: new DynamoDbCampaignRepository({ client: tables.client, tableName: tables.names.main }),
    events: new InMemoryEventPublisher(),
    clock: new ManualClock('2027-03-01T01:00:00.000Z'),
    connect: new ConnectCampaignsAdapter({
      client: new ConnectCampaignsV2Client({
        endpoint: sim.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 1,
      }),
    }),
  };
});
afterAll(async () => {
  await sim?.stop();
});

describe('campaign lifecycle drives the Amazon Connect campaign', () => {
  it('creates and starts it with the pilot, pauses, resumes and stops it with the campaign', async () => {
    const campaign = await createCampaign(deps, campaignSpecInput(), planner);
    const { campaign: pilot } = await transitionCampaign(deps, campaign.id, 'startPilot', planner);
    const connectId = pilot.connect.connectCampaignId ?? '';
    expect(sim.campaigns.get(connectId)?.state).toBe('Running');
    await transitionCampaign(deps, campaign.id, 'endPilot', planner);
    expect(sim.campaigns.get(connectId)?.state).toBe('Paused');
    await transitionCampaign(deps, campaign.id, 'launch', planner);
    expect(sim.campaigns.get(connectId)?.state).toBe('Running');
    await transitionCampaign(deps, campaign.id, 'pause', planner);
    await transitionCampaign(deps, campaign.id, 'resume', planner);
    expect(sim.campaigns.get(connectId)?.state).toBe('Running');
    await transitionCampaign(deps, campaign.id, 'complete', planner);
    expect(sim.campaigns.get(connectId)?.state).toBe('Stopped');
    expect([...sim.campaigns.values()].filter((c) => c.config?.name === `outcall-${campaign.id}`)).toHaveLength(1);
  });

  it('refuses the transition with the Connect error and leaves the state unchanged, keeping a created id', async () => {
    const campaign = await createCampaign(deps, campaignSpecInput(), planner);
    sim.failNextControl('start', { status: 409, type: 'ConflictException', message: 'instance at capacity' });
    const refused = transitionCampaign(deps, campaign.id, 'startPilot', planner);
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toThrow(/stays draft.*ConflictException/);
    const stored = await getCampaign(deps, campaign.id);
    expect(stored.state).toBe('draft');
    const created = stored.connect.connectCampaignId;
    expect(created).toBeDefined();

    const { campaign: pilot } = await transitionCampaign(deps, campaign.id, 'startPilot', planner);
    expect(pilot.connect.connectCampaignId).toBe(created);
    expect(sim.campaigns.get(created ?? '')?.state).toBe('Running');
  });
});
