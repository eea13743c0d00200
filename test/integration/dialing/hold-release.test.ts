import { randomBytes } from 'node:crypto';
import { ConnectCampaignsV2Client } from '@aws-sdk/client-connectcampaignsv2';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatExplain } from '#cli/commands/campaign-explain';
import { type ConnectSim, startConnectSim } from '#infra/local/connect-sim/server';
import { ConnectCampaignsAdapter } from '#shared/adapters/connect/connect-campaigns';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { dialingStatsKey } from '#shared/adapters/dynamodb/dialing-keys';
import { DynamoDbDialingStore } from '#shared/adapters/dynamodb/dialing-store';
import { DynamoDbRateLimiter } from '#shared/adapters/dynamodb/rate-limiter';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import type { Campaign } from '#shared/domain/campaign';
import { type CampaignDeps, listTransitions, transitionCampaign } from '#shared/use-cases/campaigns';
import type { DialingDeps } from '#shared/use-cases/dialing/deps';
import { explainCampaign } from '#shared/use-cases/dialing/diagnostics';
import { dispatchCampaign } from '#shared/use-cases/dialing/dispatch';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';
import { phoneKeyOf, seedContacts } from '#test/integration/helpers/dialing-seed';
import { useTestTables } from '#test/integration/helpers/tables';

/*
 * Amazon Connect refuses a campaign's dials for a reason waiting does not cure: the dispatcher holds the campaign,
 * the diagnostics say why, and a planner's resume (from paused, or while active) releases it in the transition's
 * transaction, so the next tick dials. On DynamoDB Local and the Connect simulator, through the real SDK.
 */

const tables = useTestTables('holdrelease');
const planner = { id: 'planner-1', roles: ['planner'] };
const START = '2027-03-01T02:00:00.000Z'; // Monday 10:00 in Shanghai
const ALL_DAY = [{ start: '00:00', end: '24:00' }];
const CONTACTS = 6;
const minutes = (n: number) => n * 60_000;
const validation = { status: 400, type: 'ValidationException', message: 'connectSourcePhoneNumber is not claimed' };

let sim: ConnectSim;
let clock: ManualClock;
let repository: DynamoDbCampaignRepository;
let store: DynamoDbDialingStore;
let dialing: DialingDeps;
let lifecycle: CampaignDeps;

beforeAll(async () => {
  sim = await startConnectSim();
  clock = new ManualClock(START);
  repository = new DynamoDbCampaignRepository({ client: tables.client, tableName: tables.names.main });
  store = new DynamoDbDialingStore({ client: tables.client, tableName: tables.names.main, sleep: async () => {} });
  const connect = new ConnectCampaignsAdapter({
    client: new ConnectCampaignsV2Client({
      endpoint: sim.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    }),
  });
  dialing = {
    campaigns: repository,
    store,
    connect,
    limiter: new DynamoDbRateLimiter({
      client: tables.client,
      tableName: tables.names.main,
      name: 'connect-put-batch',
      perSecond: 10,
      now: () => clock.now().getTime(),
      sleep: async (ms) => clock.advance(ms),
    }),
    clock,
  };
  lifecycle = { repository, events: new InMemoryEventPublisher(), clock, connect };
});
afterAll(async () => {
  await sim?.stop();
});

/** An active campaign dialing through a running Connect campaign, with `CONTACTS` new mobiles due. */
async function activeCampaign(): Promise<Campaign> {
  const id = `c-${randomBytes(8).toString('hex')}`;
  const connectId = `cc-${id}`;
  sim.addCampaign(connectId, 'Running');
  const base = storedCampaign(id, { state: 'active' });
  const campaign: Campaign = {
    ...base,
    callingRules: {
      timeZone: 'Asia/Shanghai',
      windows: Object.fromEntries(
        ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [d, ALL_DAY]),
      ) as Campaign['callingRules']['windows'],
      restrictedPeriods: [],
    },
    connect: { ...base.connect, connectCampaignId: connectId },
  };
  await repository.create(campaign);
  await store.addCampaignZones(id, ['Asia/Shanghai']);
  await seedContacts(
    tables.client,
    tables.names.main,
    id,
    Array.from({ length: CONTACTS }, (_, n) => ({ n, dueAt: '2027-02-28T00:00:00.000Z' })),
  );
  return campaign;
}

/** The dispatcher reads the campaign as stored, as its tick does. */
async function tick(campaign: Campaign) {
  const stored = await repository.get(campaign.id);
  if (!stored) throw new Error(`campaign ${campaign.id} is gone`);
  return dispatchCampaign(dialing, stored);
}

const explain = (campaign: Campaign) => explainCampaign({ campaigns: repository, store, clock }, campaign.id);
const batchCalls = (campaign: Campaign) =>
  sim.requests.filter((r) => r.method === 'PUT' && r.path.includes(`/${campaign.connect.connectCampaignId}/`)).length;
const placedFor = (campaign: Campaign) => sim.placed.filter((d) => d.campaignId === campaign.connect.connectCampaignId);
const firstAttempts = (campaign: Campaign) =>
  Array.from({ length: CONTACTS }, (_, n) => `${campaign.id}.${phoneKeyOf(n)}.1`).sort();

async function statsItem(campaign: Campaign) {
  const out = await tables.client.send(
    new GetCommand({ TableName: tables.names.main, Key: dialingStatsKey(campaign.id), ConsistentRead: true }),
  );
  return out.Item ?? {};
}

describe('a campaign held by a Connect error is released by a planner', () => {
  it('ValidationException holds it; pause, fix, resume; the next tick dials the same first attempts', async () => {
    clock.set(START);
    const campaign = await activeCampaign();
    const connectId = campaign.connect.connectCampaignId ?? '';
    sim.refuseBatches(connectId, validation);

    const refused = await tick(campaign);
    expect(refused).toMatchObject({ dialed: 0, requeued: CONTACTS, idle: true });
    expect(placedFor(campaign)).toEqual([]);
    expect((await store.stats(campaign.id)).connectError).toMatchObject({ code: 'ValidationException', at: START });

    // Held: later ticks send nothing into the error and say why.
    clock.advance(minutes(3));
    expect(await tick(campaign)).toMatchObject({ hold: 'heldByConnectError', dialed: 0, idle: true });
    expect(batchCalls(campaign)).toBe(1);
    const report = await explain(campaign);
    expect(report.campaignHolds).toEqual([
      expect.objectContaining({ reason: 'heldByConnectError', error: 'ValidationException', since: START }),
    ]);
    expect(report.campaignHolds[0]?.message).toContain('resume');
    expect(report.connect.error).toMatchObject({ code: 'ValidationException', action: 'PutOutboundRequestBatch' });
    // `outcall campaign explain` prints it so.
    expect(formatExplain(report)).toContainEqual(
      expect.stringMatching(/campaign held: heldByConnectError — .*ValidationException at 2027-03-01T02:00:00.000Z/),
    );

    // The planner pauses, fixes the cause and resumes.
    await transitionCampaign(lifecycle, campaign.id, 'pause', planner);
    expect((await store.stats(campaign.id)).connectError).toBeDefined();
    expect((await explain(campaign)).campaignHolds.map((h) => h.reason)).toEqual([
      'campaignNotDialing',
      'heldByConnectError',
    ]);
    sim.refuseBatches(connectId, undefined);
    clock.advance(minutes(1));
    const { campaign: resumed } = await transitionCampaign(lifecycle, campaign.id, 'resume', planner);
    expect(resumed.state).toBe('active');
    expect(sim.campaigns.get(connectId)?.state).toBe('Running');

    const stats = await statsItem(campaign);
    expect(stats.connectError).toBeUndefined();
    // The release removed the hold only: the figures on the same item are as they were.
    expect(stats.dials).toBe(0);
    expect((await explain(campaign)).campaignHolds).toEqual([]);

    clock.advance(minutes(1));
    expect(await tick(campaign)).toMatchObject({ dialed: CONTACTS, requeued: 0 });
    expect(
      placedFor(campaign)
        .map((d) => d.clientToken)
        .sort(),
    ).toEqual(firstAttempts(campaign));
    expect((await store.stats(campaign.id)).dials).toBe(CONTACTS);
  });

  it('resume while active releases it; Connect still refusing holds it again with the fresh error', async () => {
    clock.set(START);
    const campaign = await activeCampaign();
    const connectId = campaign.connect.connectCampaignId ?? '';
    sim.refuseBatches(connectId, validation);
    await tick(campaign);

    // Resumed before the cause is fixed: released, and the next tick is refused and held again.
    clock.advance(minutes(5));
    const { transition } = await transitionCampaign(lifecycle, campaign.id, 'resume', planner);
    expect(transition).toMatchObject({ action: 'resume', from: 'active', to: 'active' });
    expect((await store.stats(campaign.id)).connectError).toBeUndefined();
    clock.advance(minutes(1));
    const againAt = clock.now().toISOString();
    sim.refuseBatches(connectId, { status: 403, type: 'AccessDeniedException', message: 'not authorized' });
    expect(await tick(campaign)).toMatchObject({ dialed: 0, requeued: CONTACTS });
    expect((await store.stats(campaign.id)).connectError).toMatchObject({ code: 'AccessDeniedException', at: againAt });
    expect((await explain(campaign)).campaignHolds).toEqual([
      expect.objectContaining({ reason: 'heldByConnectError', error: 'AccessDeniedException', since: againAt }),
    ]);

    // Fixed for real: one more resume, and the next tick dials.
    sim.refuseBatches(connectId, undefined);
    clock.advance(minutes(1));
    await transitionCampaign(lifecycle, campaign.id, 'resume', planner);
    clock.advance(minutes(1));
    expect(await tick(campaign)).toMatchObject({ dialed: CONTACTS });
    expect(
      placedFor(campaign)
        .map((d) => d.clientToken)
        .sort(),
    ).toEqual(firstAttempts(campaign));
    const resumes = (await listTransitions(lifecycle, campaign.id)).filter((t) => t.action === 'resume');
    expect(resumes.map((t) => `${t.from}>${t.to}`)).toEqual(['active>active', 'active>active']);
  });

  it('shows a transient-failure backoff until when, and a resume clears the streak with the transition', async () => {
    clock.set(START);
    const campaign = await activeCampaign();
    const connectId = campaign.connect.connectCampaignId ?? '';
    sim.refuseBatches(connectId, { status: 500, type: 'InternalServerException', message: 'internal error' });

    expect(await tick(campaign)).toMatchObject({ dialed: 0, connectUnavailable: { failures: 1 } });
    const retryAt = new Date(Date.parse(START) + minutes(2)).toISOString();
    clock.advance(minutes(1));
    expect(await tick(campaign)).toMatchObject({ hold: 'connectUnavailableBackoff', idle: true });
    expect((await explain(campaign)).campaignHolds).toEqual([
      expect.objectContaining({
        reason: 'connectUnavailableBackoff',
        error: 'InternalServerException',
        since: START,
        until: retryAt,
      }),
    ]);

    // Connect is back; the planner does not wait for the backoff.
    sim.refuseBatches(connectId, undefined);
    await transitionCampaign(lifecycle, campaign.id, 'resume', planner);
    expect((await statsItem(campaign)).connectRetry).toBeUndefined();
    expect(clock.now().getTime()).toBeLessThan(Date.parse(retryAt));
    expect(await tick(campaign)).toMatchObject({ dialed: CONTACTS });
    expect(placedFor(campaign)).toHaveLength(CONTACTS);
  });
});
