import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCampaignRepository, StoredItemInvalidError } from '#shared/adapters/dynamodb/campaign-repository';
import { campaignKey } from '#shared/adapters/dynamodb/keys';
import { CAMPAIGN_STATES, type CampaignState } from '#shared/domain/campaign';
import { ConflictError, ValidationError } from '#shared/domain/errors';
import type { TransitionRecord } from '#shared/ports/campaign-repository';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';
import { useTestTables } from '#test/integration/helpers/tables';

const tables = useTestTables('repo');
let repository: DynamoDbCampaignRepository;
let counter = 0;
/** Ids unique within the file, in creation order. */
const nextId = (tag: string) => `c-${tag}${String(++counter).padStart(8, '0')}`;

beforeAll(() => {
  repository = new DynamoDbCampaignRepository({ client: tables.client, tableName: tables.names.main });
});

function transition(campaignId: string, from: CampaignState, to: CampaignState, at: string): TransitionRecord {
  return { campaignId, action: 'startPilot', from, to, actor: 'planner-1', at };
}

describe('DynamoDbCampaignRepository', () => {
  it('creates, reads back through the schema, and refuses a duplicate id', async () => {
    const campaign = storedCampaign(nextId('crud'));
    await repository.create(campaign);
    expect(await repository.get(campaign.id)).toEqual(campaign);
    await expect(repository.create(campaign)).rejects.toBeInstanceOf(ConflictError);
    expect(await repository.get('c-doesnotexist0000')).toBeUndefined();
  });

  it('stores keys from keys.ts, including the gsi1 state key', async () => {
    const campaign = storedCampaign(nextId('keys'), { state: 'active' });
    await repository.create(campaign);
    const { Item } = await tables.client.send(
      new GetCommand({ TableName: tables.names.main, Key: campaignKey(campaign.id) }),
    );
    expect(Item).toMatchObject({ gsi1pk: 'CAMPAIGNS#active', gsi1sk: campaign.id, sk: 'META' });
  });

  it('saves only at the expected revision and writes the transition in the same transaction', async () => {
    const campaign = storedCampaign(nextId('save'));
    await repository.create(campaign);
    const next = { ...campaign, state: 'pilot' as const, revision: 2 };
    const record = transition(campaign.id, 'draft', 'pilot', '2026-03-02T02:00:00.000Z');

    await expect(repository.save(next, 5, record)).rejects.toBeInstanceOf(ConflictError);
    expect(await repository.listTransitions(campaign.id)).toEqual([]);
    expect((await repository.get(campaign.id))?.state).toBe('draft');

    await repository.save(next, 1, record);
    expect(await repository.get(campaign.id)).toEqual(next);
    expect(await repository.listTransitions(campaign.id)).toEqual([record]);
    await expect(repository.save({ ...next, revision: 3 }, 1)).rejects.toBeInstanceOf(ConflictError);
  });

  it('lets exactly one of two concurrent saves with the same expected revision win', async () => {
    const campaign = storedCampaign(nextId('race'));
    await repository.create(campaign);
    const at = '2026-03-02T03:00:00.000Z';
    const results = await Promise.allSettled([
      repository.save({ ...campaign, name: 'A', revision: 2 }, 1, transition(campaign.id, 'draft', 'pilot', at)),
      repository.save({ ...campaign, name: 'B', revision: 2 }, 1, transition(campaign.id, 'draft', 'pilot', at)),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    expect(await repository.listTransitions(campaign.id)).toHaveLength(1);
    expect((await repository.get(campaign.id))?.revision).toBe(2);
  });

  it('lists transitions in time order, ties within a millisecond by revision', async () => {
    const campaign = storedCampaign(nextId('order'));
    await repository.create(campaign);
    const steps: [CampaignState, CampaignState, string][] = [
      ['draft', 'pilot', '2026-03-02T04:00:00.000Z'],
      ['pilot', 'review', '2026-03-02T04:00:00.000Z'],
      ['review', 'active', '2026-03-02T05:00:00.000Z'],
    ];
    let current = campaign;
    for (const [from, to, at] of steps) {
      const next = { ...current, state: to, revision: current.revision + 1 };
      await repository.save(next, current.revision, transition(campaign.id, from, to, at));
      current = next;
    }
    const listed = await repository.listTransitions(campaign.id);
    expect(listed.map((t) => `${t.from}>${t.to}`)).toEqual(['draft>pilot', 'pilot>review', 'review>active']);
  });

  it('refuses to return an item that no longer matches the schema', async () => {
    const id = nextId('bad');
    await tables.client.send(
      new PutCommand({ TableName: tables.names.main, Item: { ...campaignKey(id), id, state: 'nonsense' } }),
    );
    await expect(repository.get(id)).rejects.toBeInstanceOf(StoredItemInvalidError);
  });
});

describe('DynamoDbCampaignRepository.list', () => {
  const listing = useTestTables('list');
  let repo: DynamoDbCampaignRepository;
  const created: { id: string; state: CampaignState }[] = [];

  beforeAll(async () => {
    repo = new DynamoDbCampaignRepository({ client: listing.client, tableName: listing.names.main });
    // 3 drafts, 2 active, 1 paused, created out of order.
    const plan: CampaignState[] = ['active', 'draft', 'paused', 'draft', 'active', 'draft'];
    for (const [i, state] of plan.entries()) {
      const id = `c-list${String(9 - i).padStart(8, '0')}`;
      await repo.create(storedCampaign(id, { state }));
      created.push({ id, state });
    }
  });

  const expectedOrder = () =>
    [...created]
      .sort((a, b) => CAMPAIGN_STATES.indexOf(a.state) - CAMPAIGN_STATES.indexOf(b.state) || a.id.localeCompare(b.id))
      .map((c) => c.id);

  it('lists one state through gsi1, ordered by id', async () => {
    const page = await repo.list({ state: 'draft' });
    expect(page.items.map((c) => c.id)).toEqual(
      created
        .filter((c) => c.state === 'draft')
        .map((c) => c.id)
        .sort(),
    );
    expect(page.items.every((c) => c.state === 'draft')).toBe(true);
    expect(page.cursor).toBeUndefined();
    expect((await repo.list({ state: 'evaluated' })).items).toEqual([]);
  });

  it('pages through all states with a cursor, without gaps, repeats or a trailing empty page', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await repo.list({ limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeGreaterThan(0);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.cursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(expectedOrder());
    expect(pages).toBe(3);
  });

  it('pages within one state', async () => {
    const first = await repo.list({ state: 'draft', limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.cursor).toBeDefined();
    const second = await repo.list({ state: 'draft', limit: 2, cursor: first.cursor as string });
    expect(second.items).toHaveLength(1);
    expect(second.cursor).toBeUndefined();
  });

  it('refuses a forged cursor or one from another listing', async () => {
    await expect(repo.list({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(ValidationError);
    const draftCursor = (await repo.list({ state: 'draft', limit: 1 })).cursor as string;
    await expect(repo.list({ state: 'active', cursor: draftCursor })).rejects.toBeInstanceOf(ValidationError);
  });
});
