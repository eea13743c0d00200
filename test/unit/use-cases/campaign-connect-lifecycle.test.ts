import { describe, expect, it } from 'vitest';
import { InMemoryCampaignRepository } from '#shared/adapters/memory/campaign-repository';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import type { Campaign } from '#shared/domain/campaign';
import { ValidationError } from '#shared/domain/errors';
import type { ConnectCampaignState, ConnectCampaigns } from '#shared/ports/connect-campaigns';
import {
  type Actor,
  type CampaignDeps,
  createCampaign,
  getCampaign,
  transitionCampaign,
  updateCampaign,
} from '#shared/use-cases/campaigns';
import { campaignSpecInput } from '#test/unit/functions/api/api-event';

const planner: Actor = { id: 'planner-1', roles: ['planner'] };

/** Connect with any number of campaigns; `onCreate` runs while CreateCampaign is in flight. */
class FakeConnect implements ConnectCampaigns {
  readonly states = new Map<string, ConnectCampaignState>();
  created = 0;
  onCreate: (() => Promise<void>) | undefined;
  onStop: (() => Promise<void>) | undefined;
  putDialRequests = async () => [];
  createCampaign = async () => {
    const id = `cc-${++this.created}`;
    this.states.set(id, 'Initialized');
    const hook = this.onCreate;
    this.onCreate = undefined;
    await hook?.();
    return id;
  };
  start = async (id: string) => void this.states.set(id, 'Running');
  pause = async (id: string) => void this.states.set(id, 'Paused');
  resume = async (id: string) => void this.states.set(id, 'Running');
  stop = async (id: string) => {
    this.states.set(id, 'Stopped');
    const hook = this.onStop;
    this.onStop = undefined;
    await hook?.();
  };
  getState = async (id: string) => this.states.get(id) ?? 'Initialized';
}

function setup() {
  const connect = new FakeConnect();
  const clock = new ManualClock('2026-03-02T01:00:00.000Z');
  const deps: CampaignDeps = {
    repository: new InMemoryCampaignRepository(),
    events: new InMemoryEventPublisher(),
    clock,
    connect,
    newId: () => 'c-reviewlifecycle01',
  };
  return { deps, connect, clock };
}

async function pausedActive(deps: CampaignDeps): Promise<Campaign> {
  let c = await createCampaign(deps, campaignSpecInput(), planner);
  for (const a of ['startPilot', 'endPilot', 'launch', 'pause'])
    c = (await transitionCampaign(deps, c.id, a, planner)).campaign;
  return c;
}

describe('connect.connectCampaignId is owned by outcall once the campaign exists', () => {
  it('a PATCH of connect without the id (a campaign file) keeps it, and resume drives the same Connect campaign', async () => {
    const { deps, connect } = setup();
    const c = await pausedActive(deps);
    expect(c.connect.connectCampaignId).toBe('cc-1');
    const { connectCampaignId: _id, ...fromFile } = c.connect;
    const updated = await updateCampaign(
      deps,
      c.id,
      { connect: { ...fromFile, ringTimeoutSeconds: 40 } },
      c.revision,
      planner,
    );
    expect(updated.connect).toEqual({ ...c.connect, ringTimeoutSeconds: 40 });
    const { campaign } = await transitionCampaign(deps, c.id, 'resume', planner);
    expect(campaign.connect.connectCampaignId).toBe('cc-1');
    expect((await getCampaign(deps, c.id)).connect.connectCampaignId).toBe('cc-1');
    expect(connect.created).toBe(1);
    expect(connect.states.get('cc-1')).toBe('Running');
  });

  it('a PATCH that names another Connect campaign is refused on connect.connectCampaignId and changes nothing', async () => {
    const { deps } = setup();
    const c = await pausedActive(deps);
    const refused = updateCampaign(
      deps,
      c.id,
      { connect: { ...c.connect, connectCampaignId: 'cc-someone-elses' } },
      c.revision,
      planner,
    );
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ issues: [{ path: 'connect.connectCampaignId' }] });
    expect(await getCampaign(deps, c.id)).toEqual(c);
  });

  it('a PATCH cannot attach a Connect campaign to a draft either, but may echo the stored id unchanged', async () => {
    const { deps } = setup();
    const draft = await createCampaign(deps, campaignSpecInput(), planner);
    await expect(
      updateCampaign(deps, draft.id, { connect: { ...draft.connect, connectCampaignId: 'cc-x' } }, undefined, planner),
    ).rejects.toMatchObject({ name: 'ValidationError', issues: [{ path: 'connect.connectCampaignId' }] });
    expect((await getCampaign(deps, draft.id)).connect.connectCampaignId).toBeUndefined();

    const other = setup().deps;
    const c = await pausedActive(other);
    // What a client read with GET and sends back whole.
    const echoed = await updateCampaign(other, c.id, { connect: { ...c.connect, capacity: 0.5 } }, c.revision, planner);
    expect(echoed.connect).toEqual({ ...c.connect, capacity: 0.5 });
  });
});
