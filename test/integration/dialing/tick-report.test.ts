import { describe, expect, it } from 'vitest';
import type { Campaign } from '#shared/domain/campaign';
import type { DialingDeps } from '#shared/use-cases/dialing/deps';
import { dispatchCampaign, dispatchTick } from '#shared/use-cases/dialing/dispatch';
import { useDialingWorld } from '#test/integration/helpers/dialing-deps';
import { e164Of } from '#test/integration/helpers/dialing-seed';

// What a dispatcher tick reports for the operations metrics: Connect throttles and idle active campaigns.
const START = '2027-03-01T02:00:00.000Z'; // Monday 10:00 in Shanghai
// newCampaign: a campaign open all week except on its `closedDays`, with its contacts due now.
const world = useDialingWorld('tickreport', START);
const { newCampaign } = world;

const stopConnect = (campaign: Campaign) =>
  world.store.setConnectError(campaign.id, {
    action: 'StartCampaign',
    code: 'ResourceNotFoundException',
    message: 'gone',
    at: START,
  });

describe('dispatcher tick report', () => {
  it('counts the requests Connect throttled, the whole call or one by one', async () => {
    world.clock.set(START);
    const campaign = await newCampaign(
      { pacing: { dialsPerMinute: 10 } },
      Array.from({ length: 10 }, (_, i) => ({ n: 7000 + i })),
    );
    world.sim.throttleNextBatches(1);
    // Nothing placed in an open window with contacts due: idle for this minute.
    expect(await dispatchCampaign(world.deps, campaign)).toMatchObject({
      dialed: 0,
      requeued: 10,
      throttled: 10,
      idle: true,
    });

    world.sim.setDialHandler((dial) =>
      dial.phoneNumber === e164Of(7001) ? { kind: 'fail', failureCode: 'RequestThrottled' } : { kind: 'accept' },
    );
    world.clock.advance(60_000);
    const partial = await dispatchCampaign(world.deps, campaign);
    world.sim.setDialHandler(() => ({ kind: 'accept' }));
    expect(partial).toMatchObject({ dialed: 9, requeued: 1, throttled: 1, idle: false });
  });

  it('calls an active campaign idle only inside its window, with contacts due, dialing nothing', async () => {
    world.clock.set(START);
    const stopped = await newCampaign({}, [{ n: 7100 }]);
    await stopConnect(stopped);
    expect(await dispatchCampaign(world.deps, stopped)).toMatchObject({
      hold: 'heldByConnectError',
      dialed: 0,
      idle: true,
    });

    const drained = await newCampaign({}, []);
    await stopConnect(drained);
    expect(await dispatchCampaign(world.deps, drained)).toMatchObject({ hold: 'heldByConnectError', idle: false });

    const closedToday = await newCampaign({}, [{ n: 7101 }], { closedDays: ['monday'] });
    expect(await dispatchCampaign(world.deps, closedToday)).toMatchObject({ selected: 0, dialed: 0, idle: false });

    const pilot = await newCampaign({ state: 'pilot' }, [{ n: 7102 }]);
    await stopConnect(pilot);
    expect(await dispatchCampaign(world.deps, pilot)).toMatchObject({ hold: 'heldByConnectError', idle: false });

    const late = await newCampaign({ deadline: '2027-03-01T01:59:00Z' }, [{ n: 7103 }]);
    expect(await dispatchCampaign(world.deps, late)).toMatchObject({ hold: 'deadlinePassed', idle: false });

    const running = await newCampaign({}, [{ n: 7104 }]);
    expect(await dispatchCampaign(world.deps, running)).toMatchObject({ dialed: 1, idle: false });
  });

  it('reports a campaign whose tick failed, idle when it is active inside its window', async () => {
    world.clock.set(START);
    const campaign = await newCampaign({}, [{ n: 7200 }]);
    // The store fails for this campaign only; every other call goes through to DynamoDB Local.
    const failingStore = new Proxy(world.store, {
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
    const failing: DialingDeps = { ...world.deps, store: failingStore };
    const reports = await dispatchTick(failing);
    expect(reports.find((r) => r.campaignId === campaign.id)).toMatchObject({ failed: 'Error', dialed: 0, idle: true });
  });
});
