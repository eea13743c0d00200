import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectSim, startConnectSim } from '#infra/local/connect-sim/server';
import type { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import type { DynamoDbDialingStore } from '#shared/adapters/dynamodb/dialing-store';
import { ManualClock } from '#shared/adapters/memory/clock';
import type { Campaign } from '#shared/domain/campaign';
import type { DialingDeps } from '#shared/use-cases/dialing/deps';
import { dispatchCampaign, dispatchTick } from '#shared/use-cases/dialing/dispatch';
import { createDialingCampaign, localDialing } from '#test/integration/helpers/dialing-deps';
import { e164Of, type SeedContact } from '#test/integration/helpers/dialing-seed';
import { useTestTables } from '#test/integration/helpers/tables';

// What a dispatcher tick reports for the operations metrics: Connect throttles and idle active campaigns.
const tables = useTestTables('tickreport');
let sim: ConnectSim;
let clock: ManualClock;
let store: DynamoDbDialingStore;
let deps: DialingDeps;
let repository: DynamoDbCampaignRepository;

const START = '2027-03-01T02:00:00.000Z'; // Monday 10:00 in Shanghai

beforeAll(async () => {
  sim = await startConnectSim();
  clock = new ManualClock(START);
  ({ repository, store, deps } = localDialing({
    client: tables.client,
    tableName: tables.names.main,
    connectEndpoint: sim.endpoint,
    clock,
  }));
});
afterAll(async () => {
  await sim?.stop();
});

/** A campaign open all week except on `closed` days, with its contacts due now. */
const newCampaign = (
  overrides: Partial<Campaign> = {},
  contacts: SeedContact[] = [],
  closed: readonly string[] = [],
): Promise<Campaign> =>
  createDialingCampaign(
    { sim, dialing: { repository, store }, client: tables.client, tableName: tables.names.main },
    { overrides, contacts, closedDays: closed },
  );

const stopConnect = (campaign: Campaign) =>
  store.setConnectError(campaign.id, {
    action: 'StartCampaign',
    code: 'ResourceNotFoundException',
    message: 'gone',
    at: START,
  });

describe('dispatcher tick report', () => {
  it('counts the requests Connect throttled, the whole call or one by one', async () => {
    clock.set(START);
    const campaign = await newCampaign(
      { pacing: { dialsPerMinute: 10 } },
      Array.from({ length: 10 }, (_, i) => ({ n: 7000 + i })),
    );
    sim.throttleNextBatches(1);
    // Nothing placed in an open window with contacts due: idle for this minute.
    expect(await dispatchCampaign(deps, campaign)).toMatchObject({
      dialed: 0,
      requeued: 10,
      throttled: 10,
      idle: true,
    });

    sim.setDialHandler((dial) =>
      dial.phoneNumber === e164Of(7001) ? { kind: 'fail', failureCode: 'RequestThrottled' } : { kind: 'accept' },
    );
    clock.advance(60_000);
    const partial = await dispatchCampaign(deps, campaign);
    sim.setDialHandler(() => ({ kind: 'accept' }));
    expect(partial).toMatchObject({ dialed: 9, requeued: 1, throttled: 1, idle: false });
  });

  it('calls an active campaign idle only inside its window, with contacts due, dialing nothing', async () => {
    clock.set(START);
    const stopped = await newCampaign({}, [{ n: 7100 }]);
    await stopConnect(stopped);
    expect(await dispatchCampaign(deps, stopped)).toMatchObject({ hold: 'heldByConnectError', dialed: 0, idle: true });

    const drained = await newCampaign({}, []);
    await stopConnect(drained);
    expect(await dispatchCampaign(deps, drained)).toMatchObject({ hold: 'heldByConnectError', idle: false });

    const closedToday = await newCampaign({}, [{ n: 7101 }], ['monday']);
    expect(await dispatchCampaign(deps, closedToday)).toMatchObject({ selected: 0, dialed: 0, idle: false });

    const pilot = await newCampaign({ state: 'pilot' }, [{ n: 7102 }]);
    await stopConnect(pilot);
    expect(await dispatchCampaign(deps, pilot)).toMatchObject({ hold: 'heldByConnectError', idle: false });

    const late = await newCampaign({ deadline: '2027-03-01T01:59:00Z' }, [{ n: 7103 }]);
    expect(await dispatchCampaign(deps, late)).toMatchObject({ hold: 'deadlinePassed', idle: false });

    const running = await newCampaign({}, [{ n: 7104 }]);
    expect(await dispatchCampaign(deps, running)).toMatchObject({ dialed: 1, idle: false });
  });

  it('reports a campaign whose tick failed, idle when it is active inside its window', async () => {
    clock.set(START);
    const campaign = await newCampaign({}, [{ n: 7200 }]);
    // The store fails for this campaign only; every other call goes through to DynamoDB Local.
    const failingStore = new Proxy(store, {
      get(target, prop) {
        if (prop === 'stats') {
          return async (campaignId: string) => {
            if (campaignId === campaign.id) throw new Error('stats unreadable');
            return target.stats(campaignId);
          };
        }
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const failing: DialingDeps = { ...deps, store: failingStore };
    const reports = await dispatchTick(failing);
    expect(reports.find((r) => r.campaignId === campaign.id)).toMatchObject({ failed: 'Error', dialed: 0, idle: true });
  });
});
