import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { ConflictError, TransitionRefusedError } from '#shared/domain/errors';
import type { CampaignRepository } from '#shared/ports/campaign-repository';
import {
  type Actor,
  type CampaignDeps,
  createCampaign,
  getCampaign,
  listCampaigns,
  listTransitions,
  transitionCampaign,
  updateCampaign,
} from '#shared/use-cases/campaigns';
import { campaignSpecInput } from '#test/integration/helpers/campaign-spec';
import { useTestTables } from '#test/integration/helpers/tables';

const tables = useTestTables('usecases');
const planner: Actor = { id: 'planner-1', roles: ['planner'] };
let deps: CampaignDeps;
let clock: ManualClock;
let events: InMemoryEventPublisher;

beforeAll(() => {
  clock = new ManualClock('2026-03-02T01:00:00.000Z');
  events = new InMemoryEventPublisher();
  deps = {
    repository: new DynamoDbCampaignRepository({ client: tables.client, tableName: tables.names.main }),
    events,
    clock,
  };
});

describe('campaign use cases on DynamoDB Local', () => {
  it('runs a campaign through its whole lifecycle and keeps the transitions in order', async () => {
    const campaign = await createCampaign(deps, campaignSpecInput(), planner);
    expect(await getCampaign(deps, campaign.id)).toEqual(campaign);

    const actions = [
      'startPilot',
      'endPilot',
      'repilot',
      'endPilot',
      'launch',
      'pause',
      'resume',
      'complete',
      'evaluate',
    ];
    for (const action of actions) {
      clock.advance(1000);
      await transitionCampaign(deps, campaign.id, action, planner);
    }

    const stored = await getCampaign(deps, campaign.id);
    expect(stored).toMatchObject({ state: 'evaluated', revision: 1 + actions.length });
    const transitions = await listTransitions(deps, campaign.id);
    expect(transitions.map((t) => t.action)).toEqual(actions);
    expect(transitions.map((t) => `${t.from}>${t.to}`).slice(0, 3)).toEqual([
      'draft>pilot',
      'pilot>review',
      'review>pilot',
    ]);
    expect(events.ofType('CampaignTransitioned').map((e) => e.detail)).toEqual(transitions);
  });

  it('lets exactly one of two concurrent transitions win', async () => {
    const campaign = await createCampaign(deps, campaignSpecInput(), planner);
    // Both requests must read the same revision before either saves; a barrier makes that certain.
    const inner = deps.repository;
    let arrived = 0;
    let release = () => {};
    const bothRead = new Promise<void>((resolve) => {
      release = resolve;
    });
    const repository: CampaignRepository = {
      create: (c) => inner.create(c),
      list: (f) => inner.list(f),
      save: (c, r, t) => inner.save(c, r, t),
      listTransitions: (id) => inner.listTransitions(id),
      get: async (id) => {
        const found = await inner.get(id);
        arrived += 1;
        if (arrived === 2) release();
        await bothRead;
        return found;
      },
    };
    const racing = { ...deps, repository };
    const results = await Promise.allSettled([
      transitionCampaign(racing, campaign.id, 'startPilot', planner),
      transitionCampaign(racing, campaign.id, 'launch', planner, { skipPilot: true }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(ConflictError);
    expect(await listTransitions(deps, campaign.id)).toHaveLength(1);
  });

  it('guards calling rules while dialing and accepts them once paused, bumping the script version', async () => {
    const campaign = await createCampaign(deps, campaignSpecInput(), planner);
    await transitionCampaign(deps, campaign.id, 'launch', planner, { skipPilot: true });
    await expect(
      updateCampaign(deps, campaign.id, { pacing: { dialsPerMinute: 5 } }, undefined, planner),
    ).rejects.toBeInstanceOf(ConflictError);
    await transitionCampaign(deps, campaign.id, 'pause', planner);
    const updated = await updateCampaign(
      deps,
      campaign.id,
      { pacing: { dialsPerMinute: 5 }, script: { text: 'v2' } },
      3,
      planner,
    );
    expect(updated).toMatchObject({ revision: 4, pacing: { dialsPerMinute: 5 }, script: { text: 'v2', version: 2 } });
    expect(await getCampaign(deps, campaign.id)).toEqual(updated);
    await expect(transitionCampaign(deps, campaign.id, 'evaluate', planner)).rejects.toBeInstanceOf(
      TransitionRefusedError,
    );
  });

  it('lists campaigns by state and pages through all of them', async () => {
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listCampaigns(deps, { limit: 1, ...(cursor ? { cursor } : {}) });
      all.push(...page.items.map((c) => c.id));
      cursor = page.cursor;
    } while (cursor);
    expect(all).toHaveLength(3);
    expect(new Set(all).size).toBe(3);
    const paused = await listCampaigns(deps, { state: 'paused' });
    expect(paused.items.map((c) => c.state)).toEqual(['paused']);
  });
});
