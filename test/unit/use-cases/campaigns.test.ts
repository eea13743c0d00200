import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryCampaignRepository } from '#shared/adapters/memory/campaign-repository';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import type { Campaign } from '#shared/domain/campaign';
import { ConflictError, NotFoundError, TransitionRefusedError, ValidationError } from '#shared/domain/errors';
import {
  type Actor,
  type CampaignDeps,
  createCampaign,
  getCampaign,
  listCampaigns,
  listTransitions,
  newCampaignId,
  transitionCampaign,
  updateCampaign,
} from '#shared/use-cases/campaigns';
import { campaignSpecInput } from '#test/integration/helpers/campaign-spec';

const planner: Actor = { id: 'planner-1', roles: ['planner'] };
const other: Actor = { id: 'planner-2', roles: ['planner'] };

let repository: InMemoryCampaignRepository;
let events: InMemoryEventPublisher;
let clock: ManualClock;
let deps: CampaignDeps;
let ids: number;

beforeEach(() => {
  repository = new InMemoryCampaignRepository();
  events = new InMemoryEventPublisher();
  clock = new ManualClock('2026-03-02T01:00:00.000Z');
  ids = 0;
  deps = { repository, events, clock, newId: () => `c-unit${String(++ids).padStart(16, '0')}` };
});

async function campaignIn(state: Campaign['state']): Promise<Campaign> {
  const paths: Record<Campaign['state'], string[]> = {
    draft: [],
    pilot: ['startPilot'],
    review: ['startPilot', 'endPilot'],
    active: ['startPilot', 'endPilot', 'launch'],
    paused: ['startPilot', 'endPilot', 'launch', 'pause'],
    completed: ['startPilot', 'endPilot', 'launch', 'complete'],
    evaluated: ['startPilot', 'endPilot', 'launch', 'complete', 'evaluate'],
  };
  let campaign = await createCampaign(deps, campaignSpecInput(), planner);
  for (const action of paths[state]) {
    campaign = (await transitionCampaign(deps, campaign.id, action, planner)).campaign;
  }
  expect(campaign.state).toBe(state);
  return campaign;
}

describe('newCampaignId', () => {
  it('makes ids of c- and 20 base32 characters that differ', () => {
    const a = newCampaignId();
    expect(a).toMatch(/^c-[a-z2-7]{20}$/);
    expect(newCampaignId()).not.toBe(a);
  });
});

describe('createCampaign', () => {
  it('stores a draft at revision 1, created by the actor, with defaults filled, and emits CampaignCreated', async () => {
    const campaign = await createCampaign(deps, campaignSpecInput({ script: { text: 'hello', version: 7 } }), planner);

    expect(campaign).toMatchObject({
      id: 'c-unit0000000000000001',
      state: 'draft',
      revision: 1,
      pilotSkipped: false,
      createdBy: 'planner-1',
      createdAt: '2026-03-02T01:00:00.000Z',
      updatedAt: '2026-03-02T01:00:00.000Z',
      script: { text: 'hello', version: 1 },
    });
    expect(campaign.frequencyCaps.maxAttemptsTotal).toBe(6);
    expect(await repository.get(campaign.id)).toEqual(campaign);
    expect(events.published).toEqual([
      {
        source: 'outcall.campaigns',
        detailType: 'CampaignCreated',
        detail: { campaignId: campaign.id, state: 'draft', revision: 1, actor: 'planner-1', at: campaign.createdAt },
      },
    ]);
  });

  it('refuses an invalid spec with one issue per broken rule and stores nothing', async () => {
    const error = await createCampaign(
      deps,
      campaignSpecInput({ defaultRegion: 'China', planners: [] }),
      planner,
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual(['defaultRegion', 'planners']);
    expect((await repository.list({})).items).toEqual([]);
    expect(events.published).toEqual([]);
  });

  it('uses a generated id when none is injected', async () => {
    const campaign = await createCampaign({ repository, events, clock }, campaignSpecInput(), planner);
    expect(campaign.id).toMatch(/^c-[a-z2-7]{20}$/);
  });
});

describe('getCampaign and listCampaigns', () => {
  it('throws NotFoundError for an unknown or malformed id', async () => {
    await expect(getCampaign(deps, 'c-unit9999999999999999')).rejects.toBeInstanceOf(NotFoundError);
    await expect(getCampaign(deps, '../etc/passwd')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists by state and pages with a cursor', async () => {
    const a = await campaignIn('draft');
    const b = await campaignIn('active');
    const c = await campaignIn('draft');

    expect((await listCampaigns(deps, { state: 'draft' })).items.map((x) => x.id)).toEqual([a.id, c.id]);
    const first = await listCampaigns(deps, { limit: 2 });
    expect(first.items.map((x) => x.id)).toEqual([a.id, c.id]);
    const second = await listCampaigns(deps, { limit: 2, cursor: first.cursor as string });
    expect(second).toEqual({ items: [expect.objectContaining({ id: b.id })] });
  });

  it('refuses a limit outside 1 to 100', async () => {
    for (const limit of [0, 101, 2.5]) {
      await expect(listCampaigns(deps, { limit })).rejects.toBeInstanceOf(ValidationError);
    }
  });
});

describe('updateCampaign', () => {
  it('replaces top-level fields, bumps the revision and emits CampaignUpdated with the changed fields', async () => {
    const campaign = await campaignIn('draft');
    clock.advance(60_000);

    const updated = await updateCampaign(deps, campaign.id, { name: 'Autumn promotion', pacing: {} }, 1, other);

    expect(updated).toMatchObject({ name: 'Autumn promotion', revision: 2, updatedAt: '2026-03-02T01:01:00.000Z' });
    expect(updated.createdBy).toBe('planner-1');
    expect(await repository.get(campaign.id)).toEqual(updated);
    expect(events.ofType('CampaignUpdated')).toEqual([
      {
        source: 'outcall.campaigns',
        detailType: 'CampaignUpdated',
        detail: {
          campaignId: campaign.id,
          state: 'draft',
          revision: 2,
          actor: 'planner-2',
          at: '2026-03-02T01:01:00.000Z',
          changedFields: ['name'],
        },
      },
    ]);
  });

  it('bumps the script version when the text changes, ignoring a version the caller sends', async () => {
    const campaign = await campaignIn('draft');
    const v2 = await updateCampaign(
      deps,
      campaign.id,
      { script: { text: 'new words', version: 40 } },
      undefined,
      planner,
    );
    expect(v2.script).toEqual({ text: 'new words', version: 2 });
    const same = await updateCampaign(
      deps,
      campaign.id,
      { script: { text: 'new words', version: 9 } },
      undefined,
      planner,
    );
    expect(same.script.version).toBe(2);
    expect(same.revision).toBe(v2.revision);
  });

  it('returns the stored campaign without a new revision or event when nothing changes', async () => {
    const campaign = await campaignIn('draft');
    const result = await updateCampaign(deps, campaign.id, { name: campaign.name }, 1, planner);
    expect(result).toEqual(campaign);
    expect(events.ofType('CampaignUpdated')).toEqual([]);
  });

  it('refuses a stale expected revision', async () => {
    const campaign = await campaignIn('draft');
    await updateCampaign(deps, campaign.id, { name: 'first' }, 1, planner);
    await expect(updateCampaign(deps, campaign.id, { name: 'second' }, 1, other)).rejects.toThrow(/revision 2, not 1/);
    expect((await getCampaign(deps, campaign.id)).name).toBe('first');
  });

  it.each(['pilot', 'active'] as const)('freezes calling rules while %s, naming the fields', async (state) => {
    const campaign = await campaignIn(state);
    const error = await updateCampaign(
      deps,
      campaign.id,
      { pacing: { dialsPerMinute: 10 }, deadline: '2027-04-30T20:00:00+08:00', name: 'renamed' },
      undefined,
      planner,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/deadline, pacing .*pause the campaign first/);
  });

  it('allows a script or name change while active, and calling rules once paused', async () => {
    const active = await campaignIn('active');
    const renamed = await updateCampaign(deps, active.id, { name: 'x', script: { text: 'tuned' } }, undefined, planner);
    expect(renamed.script.version).toBe(2);
    await transitionCampaign(deps, active.id, 'pause', planner);
    const paused = await updateCampaign(deps, active.id, { pacing: { dialsPerMinute: 10 } }, undefined, planner);
    expect(paused.pacing.dialsPerMinute).toBe(10);
  });

  it.each(['completed', 'evaluated'] as const)('refuses any change once %s', async (state) => {
    const campaign = await campaignIn(state);
    await expect(updateCampaign(deps, campaign.id, { name: 'late' }, undefined, planner)).rejects.toThrow(
      new ConflictError(`a ${state} campaign cannot be changed`),
    );
  });

  it('refuses fields that are not part of the spec and an invalid merged result', async () => {
    const campaign = await campaignIn('draft');
    await expect(updateCampaign(deps, campaign.id, { state: 'active' }, undefined, planner)).rejects.toThrow(
      /cannot be changed with an update: state/,
    );
    const error = await updateCampaign(deps, campaign.id, { pilot: { size: 0 } }, undefined, planner).catch(
      (e: unknown) => e,
    );
    expect((error as ValidationError).issues).toEqual([{ path: 'pilot.size', message: expect.any(String) }]);
    await expect(updateCampaign(deps, campaign.id, ['name'], undefined, planner)).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});

describe('transitionCampaign', () => {
  it('moves the state, records the transition and publishes it after saving', async () => {
    const campaign = await campaignIn('draft');
    clock.advance(5_000);

    const { campaign: next, transition } = await transitionCampaign(deps, campaign.id, 'startPilot', other, {
      reason: 'list ready',
    });

    const expected = {
      campaignId: campaign.id,
      action: 'startPilot',
      from: 'draft',
      to: 'pilot',
      actor: 'planner-2',
      reason: 'list ready',
      at: '2026-03-02T01:00:05.000Z',
    };
    expect(transition).toEqual(expected);
    expect(next).toMatchObject({ state: 'pilot', revision: 2, updatedAt: expected.at });
    expect(await listTransitions(deps, campaign.id)).toEqual([expected]);
    expect(events.ofType('CampaignTransitioned')).toEqual([
      { source: 'outcall.campaigns', detailType: 'CampaignTransitioned', detail: expected },
    ]);
  });

  it('refuses an unknown action, listing the valid ones', async () => {
    const campaign = await campaignIn('draft');
    await expect(transitionCampaign(deps, campaign.id, 'explode', planner)).rejects.toThrow(
      /unknown action "explode"; valid actions are startPilot, endPilot, repilot, launch, pause, resume, complete, evaluate/,
    );
  });

  it('refuses an action the state does not allow, with the state and the allowed actions', async () => {
    const campaign = await campaignIn('draft');
    const error = await transitionCampaign(deps, campaign.id, 'launch', planner).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransitionRefusedError);
    expect(error).toMatchObject({ state: 'draft', allowed: ['startPilot'] });
    expect((error as Error).message).toContain('skipPilot');
    expect(await listTransitions(deps, campaign.id)).toEqual([]);
  });

  it('launches a draft without a pilot only when asked, and records that', async () => {
    const campaign = await campaignIn('draft');
    const { campaign: next } = await transitionCampaign(deps, campaign.id, 'launch', planner, { skipPilot: true });
    expect(next).toMatchObject({ state: 'active', pilotSkipped: true });
    await transitionCampaign(deps, campaign.id, 'pause', planner);
    const resumed = await transitionCampaign(deps, campaign.id, 'resume', planner);
    expect(resumed.campaign.pilotSkipped).toBe(true);
  });

  it('resumes a paused campaign to the state it was paused from, so pausing a pilot never skips its review', async () => {
    const pilot = await campaignIn('pilot');
    const paused = await transitionCampaign(deps, pilot.id, 'pause', planner);
    expect(paused.campaign).toMatchObject({ state: 'paused', pausedFrom: 'pilot' });
    const resumed = await transitionCampaign(deps, pilot.id, 'resume', planner);
    expect(resumed.transition).toMatchObject({ from: 'paused', to: 'pilot' });
    expect(resumed.campaign.pausedFrom).toBeUndefined();
    // Still a pilot: only its end leads to the review, and only the review to launch.
    await expect(transitionCampaign(deps, pilot.id, 'launch', planner)).rejects.toBeInstanceOf(TransitionRefusedError);

    const active = await campaignIn('active');
    await transitionCampaign(deps, active.id, 'pause', planner);
    const back = await transitionCampaign(deps, active.id, 'resume', planner);
    expect(back.campaign).toMatchObject({ state: 'active' });
    expect(back.campaign.pausedFrom).toBeUndefined();
    expect((await getCampaign(deps, active.id)).pausedFrom).toBeUndefined();
  });

  it('re-publishes, without a second transition, when a retry follows a failed publish', async () => {
    const campaign = await campaignIn('active');
    events.failNext();
    await expect(transitionCampaign(deps, campaign.id, 'pause', planner)).rejects.toThrow('event bus unavailable');
    expect((await getCampaign(deps, campaign.id)).state).toBe('paused');
    expect(
      events
        .ofType('CampaignTransitioned')
        .filter((e) => e.detail && (e.detail as { action: string }).action === 'pause'),
    ).toEqual([]);

    const retried = await transitionCampaign(deps, campaign.id, 'pause', planner);

    expect(retried.campaign.state).toBe('paused');
    expect(retried.campaign.revision).toBe(campaign.revision + 1);
    const pauses = (await listTransitions(deps, campaign.id)).filter((t) => t.action === 'pause');
    expect(pauses).toHaveLength(1);
    expect(retried.transition).toEqual(pauses[0]);
    expect(events.ofType('CampaignTransitioned').at(-1)?.detail).toEqual(pauses[0]);
  });

  it('still refuses a repeated action by someone else or after another transition', async () => {
    const campaign = await campaignIn('paused');
    await expect(transitionCampaign(deps, campaign.id, 'pause', other)).rejects.toBeInstanceOf(TransitionRefusedError);
    await transitionCampaign(deps, campaign.id, 'resume', planner);
    await expect(transitionCampaign(deps, campaign.id, 'launch', planner)).rejects.toBeInstanceOf(
      TransitionRefusedError,
    );
  });

  it('lets only one of two concurrent identical requests transition', async () => {
    const campaign = await campaignIn('active');
    const results = await Promise.allSettled([
      transitionCampaign(deps, campaign.id, 'complete', planner),
      transitionCampaign(deps, campaign.id, 'complete', planner),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(
      ConflictError,
    );
    expect((await listTransitions(deps, campaign.id)).filter((t) => t.action === 'complete')).toHaveLength(1);
  });

  it('throws NotFoundError for an unknown campaign', async () => {
    await expect(transitionCampaign(deps, 'c-unit9999999999999999', 'pause', planner)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(listTransitions(deps, 'c-unit9999999999999999')).rejects.toBeInstanceOf(NotFoundError);
  });
});
