import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { contactKey } from '#shared/adapters/dynamodb/keys';
import type { Campaign } from '#shared/domain/campaign';
import type { RetryBasis } from '#shared/domain/retries/next-attempt';
import { dispatchCampaign } from '#shared/use-cases/dialing/dispatch';
import { useDialingWorld } from '#test/integration/helpers/dialing-deps';
import { phoneKeyOf, type SeedContact } from '#test/integration/helpers/dialing-seed';

const START = '2027-03-01T02:00:00.000Z'; // Monday 10:00 in Shanghai, Sunday 21:00 in New York
// newCampaign: an all-day active campaign (1 minute between attempts) with these contacts due.
const world = useDialingWorld('retries', START, { minMinutesBetweenAttempts: 1 });
const { tables, newCampaign, placedFor, contactOf } = world;

const tokenOf = (campaign: Campaign, n: number, attempt: number) => `${campaign.id}.${phoneKeyOf(n)}.${attempt}`;
const minutes = (n: number) => n * 60_000;

async function withBasis(campaign: Campaign, n: number, basis: RetryBasis) {
  await tables.client.send(
    new UpdateCommand({
      TableName: tables.names.main,
      Key: contactKey(campaign.id, phoneKeyOf(n)),
      UpdateExpression: 'SET retryBasis = :b, attemptsByClass = :c',
      ExpressionAttributeValues: { ':b': basis, ':c': { [basis.retryClass]: basis.attemptsInClass } },
    }),
  );
}

const T0 = Date.parse(START);
const at = (m: number) => new Date(T0 + minutes(m)).toISOString();
const retry = (n: number, dueMinutes: number): SeedContact => ({
  n,
  priority: 4,
  state: 'retryWait',
  attempts: 1,
  recentAttempts: [at(-1)],
  dueAt: at(dueMinutes),
});

describe('retries on DynamoDB Local and the Connect simulator', () => {
  it('a due retry fires once: the same tick twice and two concurrent ticks place one dial with one client token', async () => {
    world.clock.set(at(-1));
    const campaign = await newCampaign({}, [retry(1, 60)]);
    // noAnswer waits 120 minutes by default: the outcome at -60 makes it due at +60, where it was placed.
    await withBasis(campaign, 1, { retryClass: 'noAnswer', from: at(-60), attemptsInClass: 1 });
    // Not yet due: nothing is read beyond the index, nothing dialed.
    world.clock.set(at(30));
    expect((await dispatchCampaign(world.deps, campaign)).dialed).toBe(0);
    world.clock.set(at(61));
    const [a, b] = await Promise.all([dispatchCampaign(world.deps, campaign), dispatchCampaign(world.deps, campaign)]);
    const again = await dispatchCampaign(world.deps, campaign);
    expect(a.dialed + b.dialed + again.dialed).toBe(1);
    expect(placedFor(campaign).map((d) => d.clientToken)).toEqual([tokenOf(campaign, 1, 2)]);
    expect((await contactOf(campaign, 1)).state).toBe('dialing');
  });

  it('a stale entry does no harm: nothing is dialed after DNC, while paused, or after completion', async () => {
    world.clock.set(at(120));
    const dnc = await newCampaign({}, [{ ...retry(10, 60), dnc: true }]);
    await withBasis(dnc, 10, { retryClass: 'busy', from: at(30), attemptsInClass: 1 });
    expect((await dispatchCampaign(world.deps, dnc)).dialed).toBe(0);
    expect(await contactOf(dnc, 10)).toMatchObject({ state: 'dnc' });
    expect((await contactOf(dnc, 10)).duePk).toBeUndefined();

    const paused = await newCampaign({ state: 'paused' }, [retry(11, 60)]);
    expect(await dispatchCampaign(world.deps, paused)).toMatchObject({ hold: 'campaignNotDialing', dialed: 0 });
    // Held, not lost: the entry still waits in the index.
    expect((await contactOf(paused, 11)).dueSk).toBe(`4#${at(60)}#${phoneKeyOf(11)}`);

    // Completed: inert. The dispatcher reads only pilot and active campaigns, and a campaign never leaves
    // completed for a dialing state, so the entries left in the index can never fire.
    const completed = await newCampaign({ state: 'completed' }, [retry(12, 60)]);
    expect(await dispatchCampaign(world.deps, completed)).toMatchObject({ hold: 'campaignNotDialing', dialed: 0 });
    expect(placedFor(dnc).length + placedFor(paused).length + placedFor(completed).length).toBe(0);
  });

  it('a policy changed while paused applies to scheduled retries: later ones re-key at fire time, earlier ones are brought forward on resume', async () => {
    world.clock.set(at(0));
    // Placed under noAnswer 240 min (due at +240) and busy 30 min (due at +30).
    const campaign = await newCampaign({ state: 'paused' }, [retry(20, 240), retry(21, 30), retry(22, 240)]);
    await withBasis(campaign, 20, { retryClass: 'noAnswer', from: at(0), attemptsInClass: 1 });
    await withBasis(campaign, 21, { retryClass: 'busy', from: at(0), attemptsInClass: 1 });
    await withBasis(campaign, 22, { retryClass: 'voicemail', from: at(0), attemptsInClass: 1 });
    // First sight of the campaign records the rules its retries were placed under.
    await dispatchCampaign(world.deps, { ...campaign, state: 'active' });
    const resumed: Campaign = {
      ...campaign,
      state: 'active',
      retryPolicy: {
        ...campaign.retryPolicy,
        noAnswer: { delayMinutes: 20, maxAttempts: 3 },
        busy: { delayMinutes: 90, maxAttempts: 3 },
        voicemail: { delayMinutes: 20, maxAttempts: 1 },
      },
    };
    world.clock.set(at(10));
    await dispatchCampaign(world.deps, resumed);
    // Brought forward by the re-key pass; the voicemail retry is exhausted by the new maximum.
    expect((await contactOf(campaign, 20)).dueAt).toBe(at(20));
    expect(await contactOf(campaign, 22)).toMatchObject({ state: 'exhausted' });
    world.clock.set(at(31));
    const tick = await dispatchCampaign(world.deps, resumed);
    // The busy retry was due at +30 under the old rules; under the new ones it waits until +90.
    expect(tick.dialed).toBe(1);
    expect(placedFor(campaign).map((d) => d.clientToken)).toEqual([tokenOf(campaign, 20, 2)]);
    expect(await contactOf(campaign, 21)).toMatchObject({ state: 'retryWait', dueAt: at(90) });
    world.clock.set(at(91));
    expect((await dispatchCampaign(world.deps, resumed)).dialed).toBe(1);
    expect(placedFor(campaign).map((d) => d.clientToken)).toEqual([tokenOf(campaign, 20, 2), tokenOf(campaign, 21, 2)]);
  });
});
