import { describe, expect, it } from 'vitest';
import { InMemoryCampaignRepository } from '#shared/adapters/memory/campaign-repository';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import type { Campaign } from '#shared/domain/campaign';
import { ConflictError, TransitionRefusedError, ValidationError } from '#shared/domain/errors';
import { ConnectCallError, type ConnectCampaignState, type ConnectCampaigns } from '#shared/ports/connect-campaigns';
import {
  type Actor,
  type CampaignDeps,
  CONNECT_CREATION_STALE_MS,
  createCampaign,
  getCampaign,
  transitionCampaign,
  updateCampaign,
} from '#shared/use-cases/campaigns';
import { connectCreationClaim } from '#shared/use-cases/dialing/connect-lifecycle';
import { campaignSpecInput } from '#test/unit/functions/api/api-event';

const planner: Actor = { id: 'planner-1', roles: ['planner'] };
const other: Actor = { id: 'planner-2', roles: ['planner'] };

/** Connect with any number of campaigns; `onCreate` runs while CreateCampaign is in flight. */
class FakeConnect implements ConnectCampaigns {
  readonly states = new Map<string, ConnectCampaignState>();
  created = 0;
  onCreate: (() => Promise<void>) | undefined;
  onStop: (() => Promise<void>) | undefined;
  putDialRequests = async () => [];
  failCreate: ConnectCallError | undefined;
  createCampaign = async () => {
    if (this.failCreate) throw this.failCreate;
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

  it('a new campaign may name an existing Connect campaign, but not one in the form of a creation claim', async () => {
    const { deps } = setup();
    const input = campaignSpecInput();
    const connect = input.connect as Record<string, unknown>;
    await expect(
      createCampaign(
        deps,
        { ...input, connect: { ...connect, connectCampaignId: 'creating:2026-03-02T01:00:00.000Z' } },
        planner,
      ),
    ).rejects.toMatchObject({ name: 'ValidationError', issues: [{ path: 'connect.connectCampaignId' }] });
    const c = await createCampaign(
      deps,
      { ...input, connect: { ...connect, connectCampaignId: 'cc-existing' } },
      planner,
    );
    expect(c.connect.connectCampaignId).toBe('cc-existing');
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

describe('the Amazon Connect campaign is created once per outcall campaign', () => {
  it('a startPilot that loses the race to an edit while creating keeps the created id; the retry starts that one', async () => {
    const { deps, connect } = setup();
    const c = await createCampaign(deps, campaignSpecInput(), planner);
    // Another planner edits the script while startPilot is creating the Connect campaign.
    connect.onCreate = async () => {
      await updateCampaign(deps, c.id, { script: { text: '新话术' } }, undefined, other);
    };
    await expect(transitionCampaign(deps, c.id, 'startPilot', planner)).rejects.toBeInstanceOf(ConflictError);
    const refused = await getCampaign(deps, c.id);
    expect(refused).toMatchObject({
      state: 'draft',
      script: { text: '新话术' },
      connect: { connectCampaignId: 'cc-1' },
    });
    // Nothing dials in Connect while outcall says draft.
    expect(connect.states.get('cc-1')).toBe('Initialized');

    // The planner retries, as the 409 tells them to.
    const { campaign } = await transitionCampaign(deps, c.id, 'startPilot', planner);
    expect(campaign).toMatchObject({ state: 'pilot', connect: { connectCampaignId: 'cc-1' } });
    expect(connect.created).toBe(1);
    expect(connect.states.get('cc-1')).toBe('Running');
  });

  it('two concurrent startPilot requests: one transitions, the other gets a 409, and one Connect campaign exists', async () => {
    const { deps, connect } = setup();
    const c = await createCampaign(deps, campaignSpecInput(), planner);
    const results = await Promise.allSettled([
      transitionCampaign(deps, c.id, 'startPilot', planner),
      transitionCampaign(deps, c.id, 'startPilot', planner),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toBeInstanceOf(ConflictError);
    expect(connect.created).toBe(1);
    expect(await deps.repository.listTransitions(c.id)).toHaveLength(1);
  });

  it('a start arriving while another creates the Connect campaign is refused, not a second creation', async () => {
    const { deps, connect } = setup();
    const c = await createCampaign(deps, campaignSpecInput(), planner);
    let second: Promise<unknown> | undefined;
    connect.onCreate = async () => {
      second = transitionCampaign(deps, c.id, 'startPilot', planner);
      await second.catch(() => undefined);
    };
    const { campaign } = await transitionCampaign(deps, c.id, 'startPilot', planner);
    await expect(second).rejects.toThrow(/being created by another request/);
    expect(campaign).toMatchObject({ state: 'pilot', connect: { connectCampaignId: 'cc-1' } });
    expect(connect.created).toBe(1);
  });

  it('a claim of a request that died is taken over once stale', async () => {
    const { deps, connect, clock } = setup();
    const c = await createCampaign(deps, campaignSpecInput(), planner);
    // What a start that died after claiming leaves behind.
    const claimed = { ...c, connect: { ...c.connect, connectCampaignId: connectCreationClaim(clock.now()) } };
    await deps.repository.save({ ...claimed, revision: c.revision + 1 }, c.revision);
    clock.advance(CONNECT_CREATION_STALE_MS - 1000);
    await expect(transitionCampaign(deps, c.id, 'startPilot', planner)).rejects.toBeInstanceOf(ConflictError);
    expect(connect.created).toBe(0);
    clock.advance(1000);
    const { campaign } = await transitionCampaign(deps, c.id, 'startPilot', planner);
    expect(campaign).toMatchObject({ state: 'pilot', connect: { connectCampaignId: 'cc-1' } });
    expect(connect.created).toBe(1);
  });

  it('a Connect refusal to create leaves the campaign as it was, claim dropped, so the retry creates it', async () => {
    const { deps, connect } = setup();
    const c = await createCampaign(deps, campaignSpecInput(), planner);
    connect.failCreate = new ConnectCallError('ServiceQuotaExceededException', 'too many campaigns');
    await expect(transitionCampaign(deps, c.id, 'startPilot', planner)).rejects.toThrow(
      /stays draft.*too many campaigns/,
    );
    const stored = await getCampaign(deps, c.id);
    expect(stored.state).toBe('draft');
    expect(stored.connect.connectCampaignId).toBeUndefined();
    connect.failCreate = undefined;
    const { campaign } = await transitionCampaign(deps, c.id, 'startPilot', planner);
    expect(campaign.connect.connectCampaignId).toBe('cc-1');
    expect(connect.created).toBe(1);
  });

  it('a complete that loses the race to an edit after stopping Connect still completes the campaign', async () => {
    const { deps, connect } = setup();
    let c = await createCampaign(deps, campaignSpecInput(), planner);
    for (const a of ['startPilot', 'endPilot', 'launch'])
      c = (await transitionCampaign(deps, c.id, a, planner)).campaign;
    connect.onStop = async () => {
      await updateCampaign(deps, c.id, { script: { text: '新话术' } }, undefined, other);
    };
    const { campaign, transition } = await transitionCampaign(deps, c.id, 'complete', planner);
    expect(transition).toMatchObject({ action: 'complete', from: 'active', to: 'completed' });
    const stored = await getCampaign(deps, c.id);
    expect(stored).toEqual(campaign);
    expect(stored).toMatchObject({ state: 'completed', script: { text: '新话术', version: 2 } });
    expect(connect.states.get('cc-1')).toBe('Stopped');
  });

  it('of two concurrent completes one transitions and the other is refused', async () => {
    const { deps } = setup();
    let c = await createCampaign(deps, campaignSpecInput(), planner);
    for (const a of ['startPilot', 'endPilot', 'launch'])
      c = (await transitionCampaign(deps, c.id, a, planner)).campaign;
    const results = await Promise.allSettled([
      transitionCampaign(deps, c.id, 'complete', planner),
      transitionCampaign(deps, c.id, 'complete', other),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(TransitionRefusedError);
    expect((await deps.repository.listTransitions(c.id)).filter((t) => t.action === 'complete')).toHaveLength(1);
  });
});
