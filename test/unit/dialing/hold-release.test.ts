import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryCampaignRepository } from '#shared/adapters/memory/campaign-repository';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import type { Campaign } from '#shared/domain/campaign';
import { ConflictError } from '#shared/domain/errors';
import type { SaveOptions, TransitionRecord } from '#shared/ports/campaign-repository';
import { ConnectCallError, type ConnectCampaignState, type ConnectCampaigns } from '#shared/ports/connect-campaigns';
import {
  type Actor,
  type CampaignDeps,
  createCampaign,
  getCampaign,
  listTransitions,
  transitionCampaign,
} from '#shared/use-cases/campaigns';
import { campaignSpecInput } from '#test/integration/helpers/campaign-spec';

/*
 * A planner's resume releases the dialer's hold (the Connect error, the transient-failure streak) in the very save
 * that records the transition, after the Connect campaign was brought to Running; pausing and completing keep it.
 */

const planner: Actor = { id: 'planner-1', roles: ['planner'] };

interface Save {
  revision: number;
  transition: TransitionRecord | undefined;
  options: SaveOptions | undefined;
}

/** The in-memory repository, recording what each save carried. */
class RecordingRepository extends InMemoryCampaignRepository {
  readonly saves: Save[] = [];
  override async save(
    campaign: Campaign,
    expectedRevision: number,
    transition?: TransitionRecord,
    options?: SaveOptions,
  ): Promise<void> {
    await super.save(campaign, expectedRevision, transition, options);
    this.saves.push({ revision: campaign.revision, transition, options });
  }
}

/** One Connect campaign whose state follows the calls; `failNext` makes the next control call fail. */
class FakeConnect implements ConnectCampaigns {
  state: ConnectCampaignState = 'Initialized';
  readonly calls: string[] = [];
  failNext: ConnectCallError | undefined;

  #call(name: string, to?: ConnectCampaignState) {
    this.calls.push(name);
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    if (to) this.state = to;
  }
  putDialRequests = async () => [];
  createCampaign = async () => {
    this.#call('create');
    return 'cc-unit';
  };
  start = async () => this.#call('start', 'Running');
  pause = async () => this.#call('pause', 'Paused');
  resume = async () => this.#call('resume', 'Running');
  stop = async () => this.#call('stop', 'Stopped');
  getState = async () => {
    this.#call('getState');
    return this.state;
  };
}

let repository: RecordingRepository;
let connect: FakeConnect;
let deps: CampaignDeps;

beforeEach(() => {
  repository = new RecordingRepository();
  connect = new FakeConnect();
  deps = {
    repository,
    events: new InMemoryEventPublisher(),
    clock: new ManualClock('2027-03-01T01:00:00.000Z'),
    connect,
    newId: () => 'c-unitholdrelease01',
  };
});

async function campaignIn(actions: string[]): Promise<Campaign> {
  let campaign = await createCampaign(deps, campaignSpecInput(), planner);
  for (const action of actions) campaign = (await transitionCampaign(deps, campaign.id, action, planner)).campaign;
  return campaign;
}

/** The save that wrote the transition of this revision. */
const saveOf = (revision: number) => repository.saves.find((s) => s.revision === revision);

describe('a planner releases the dialing hold by resuming', () => {
  it('pause → resume: the resume save carries the release with its transition, the pause save does not', async () => {
    const paused = await campaignIn(['startPilot', 'endPilot', 'launch', 'pause']);
    expect(saveOf(paused.revision)?.options?.releaseDialingHold).toBe(false);

    const { campaign, transition } = await transitionCampaign(deps, paused.id, 'resume', planner);

    expect(campaign.state).toBe('active');
    expect(saveOf(campaign.revision)).toEqual({
      revision: campaign.revision,
      transition,
      options: { releaseDialingHold: true },
    });
    expect(repository.dialingHoldReleases(paused.id)).toContain(campaign.revision);
    expect(connect.state).toBe('Running');
  });

  it('resume of an active campaign keeps it active, records active → active and releases the hold', async () => {
    const active = await campaignIn(['startPilot', 'endPilot', 'launch']);
    // Someone paused the Connect campaign behind outcall's back: the dispatcher was refused and held the campaign.
    connect.state = 'Paused';

    const { campaign, transition } = await transitionCampaign(deps, active.id, 'resume', planner);

    expect(campaign).toMatchObject({ state: 'active', revision: active.revision + 1 });
    expect(transition).toMatchObject({ action: 'resume', from: 'active', to: 'active', actor: planner.id });
    expect(saveOf(campaign.revision)?.options).toEqual({ releaseDialingHold: true });
    expect(connect.state).toBe('Running');
    expect(connect.calls.at(-1)).toBe('resume');

    // Repeating it is harmless: one more record, the same state, the hold released again.
    const again = await transitionCampaign(deps, active.id, 'resume', planner);
    expect(again.campaign.state).toBe('active');
    expect(repository.dialingHoldReleases(active.id).slice(-2)).toEqual([campaign.revision, campaign.revision + 1]);
    expect((await listTransitions(deps, active.id)).filter((t) => t.action === 'resume')).toHaveLength(2);
  });

  it('resume of a pilot keeps it in pilot: a held pilot is not launched by releasing it', async () => {
    const pilot = await campaignIn(['startPilot']);
    const { campaign, transition } = await transitionCampaign(deps, pilot.id, 'resume', planner);
    expect(campaign.state).toBe('pilot');
    expect(transition).toMatchObject({ from: 'pilot', to: 'pilot' });
    expect(saveOf(campaign.revision)?.options).toEqual({ releaseDialingHold: true });
  });

  it('every action that leaves the campaign dialing releases it; pause and complete keep it', async () => {
    const campaign = await campaignIn(['startPilot', 'endPilot', 'repilot', 'endPilot', 'launch', 'pause', 'resume']);
    await transitionCampaign(deps, campaign.id, 'complete', planner);
    const released = repository.saves
      .filter((s) => s.options?.releaseDialingHold === true)
      .map((s) => s.transition?.action);
    const kept = repository.saves
      .filter((s) => s.transition && s.options?.releaseDialingHold !== true)
      .map((s) => s.transition?.action);
    expect(released).toEqual(['startPilot', 'repilot', 'launch', 'resume']);
    expect(kept).toEqual(['endPilot', 'endPilot', 'pause', 'complete']);
  });

  it('releases nothing when Amazon Connect refuses to run the campaign: the transition is refused', async () => {
    const active = await campaignIn(['startPilot', 'endPilot', 'launch']);
    connect.state = 'Paused';
    connect.failNext = new ConnectCallError('AccessDeniedException', 'not authorized to read the campaign');
    const saves = repository.saves.length;
    const releases = repository.dialingHoldReleases(active.id).length;

    await expect(transitionCampaign(deps, active.id, 'resume', planner)).rejects.toBeInstanceOf(ConflictError);

    expect(repository.saves).toHaveLength(saves);
    expect(repository.dialingHoldReleases(active.id)).toHaveLength(releases);
    expect((await getCampaign(deps, active.id)).revision).toBe(active.revision);
  });
});
