import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { dialBatchesPk } from '#shared/adapters/dynamodb/dialing-keys';
import { DynamoDbDialingStore } from '#shared/adapters/dynamodb/dialing-store';
import { dueShard } from '#shared/adapters/dynamodb/keys';
import type { Campaign } from '#shared/domain/campaign';
import type { ContactDialing } from '#shared/ports/contact-dialing';
import { dispatchCampaign } from '#shared/use-cases/dialing/dispatch';
import { reconcileCampaign } from '#shared/use-cases/dialing/reconcile';
import { useDialingWorld } from '#test/integration/helpers/dialing-deps';
import { phoneKeyOf } from '#test/integration/helpers/dialing-seed';

const START = '2027-03-01T02:00:00.000Z'; // Monday 10:00 in Shanghai
// newCampaign: an all-day active campaign (1 minute between attempts) with these contacts due.
const world = useDialingWorld('dial-edges', START, { minMinutesBetweenAttempts: 1 });
const { tables, newCampaign, placedFor, contactOf } = world;
const minutes = (n: number) => n * 60_000;

async function batchItems(campaign: Campaign) {
  const out = await tables.client.send(
    new QueryCommand({
      TableName: tables.names.main,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': dialBatchesPk(campaign.id) },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

/**
 * A dialing store whose first mark UpdateItem reaches the table and then answers with a retryable 500 (the answer is
 * lost: DynamoDB may return InternalServerError after applying a write, or the SDK retries after a socket reset).
 */
function storeLosingFirstMarkAnswer(): DynamoDbDialingStore {
  const client = createDocumentClient({
    endpoint: tables.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let done = false;
  client.middlewareStack.add(
    (next) => async (args) => {
      const update = String((args.input as { UpdateExpression?: string }).UpdateExpression ?? '');
      const result = await next(args);
      if (!done && update.startsWith('SET #state = :dialing')) {
        done = true;
        throw Object.assign(new Error('injected: answer lost'), {
          name: 'InternalServerError',
          $fault: 'server',
          $metadata: { httpStatusCode: 500 },
        });
      }
      return result;
    },
    { step: 'initialize', name: 'loseFirstMarkAnswer' },
  );
  return new DynamoDbDialingStore({ client, tableName: tables.names.main, sleep: async () => {} });
}

/**
 * Dialing at its edges on DynamoDB Local and the Connect simulator: a mark whose answer DynamoDB lost after applying
 * it, and a dial request near the end of the customer's calling window.
 */
describe('a mark whose answer is lost, then retried into its own condition', () => {
  it('is counted and sent as the batch’s own when the contact is alone in its batch', async () => {
    world.clock.set(START);
    const campaign = await newCampaign({}, [{ n: 1 }]);
    const report = await dispatchCampaign({ ...world.deps, store: storeLosingFirstMarkAnswer() }, campaign);
    expect(report.dialed).toBe(1);
    expect(placedFor(campaign)).toHaveLength(1);
    expect(await contactOf(campaign, 1)).toMatchObject({ state: 'dialing', attempts: 1 });
    expect(await batchItems(campaign)).toHaveLength(1);
  });

  it('is counted and sent with the rest of its batch, so no attempt is charged for a call never placed', async () => {
    world.clock.set(START);
    const campaign = await newCampaign({}, [{ n: 11 }, { n: 12 }]);
    const report = await dispatchCampaign({ ...world.deps, store: storeLosingFirstMarkAnswer() }, campaign);
    expect(report.dialed).toBe(2);
    expect(
      placedFor(campaign)
        .map((d) => d.attributes.phoneKey)
        .sort(),
    ).toEqual([phoneKeyOf(11), phoneKeyOf(12)].sort());
    // No outcome comes for either: both expire as placed dials, once each.
    world.clock.advance(minutes(36));
    expect(await reconcileCampaign(world.deps, campaign)).toMatchObject({ stale: 2, resent: 0, expired: 2 });
  });
});

describe('a dial request near the end of the customer’s calling window', () => {
  const mondayUntil9pm = (): Partial<Campaign> => {
    const none: never[] = [];
    return {
      callingRules: {
        timeZone: 'Asia/Shanghai',
        windows: {
          monday: [{ start: '09:00', end: '21:00' }],
          tuesday: none,
          wednesday: none,
          thursday: none,
          friday: none,
          saturday: none,
          sunday: none,
        },
        restrictedPeriods: [],
      },
    };
  };

  it('expires when the window closes, so Connect cannot place the call after 21:00 local', async () => {
    world.clock.set('2027-03-01T12:57:30.000Z'); // Monday 20:57:30 in Shanghai
    const campaign = await newCampaign(mondayUntil9pm(), [{ n: 21 }]);
    expect((await dispatchCampaign(world.deps, campaign)).dialed).toBe(1);
    expect(placedFor(campaign).map((d) => d.expiresAt.toISOString())).toEqual(['2027-03-01T13:00:00.000Z']);
  });

  it('is not sent with less than a minute of the window left: the contact waits for the next opening', async () => {
    world.clock.set('2027-03-01T12:59:30.000Z'); // Monday 20:59:30 in Shanghai
    const campaign = await newCampaign(mondayUntil9pm(), [{ n: 22 }]);
    const report = await dispatchCampaign(world.deps, campaign);
    expect(report.dialed).toBe(0);
    expect(report.held).toMatchObject({ outsideCallingWindow: 1 });
    expect(placedFor(campaign)).toEqual([]);
    // Held until next Monday 09:00 local.
    expect(await contactOf(campaign, 22)).toMatchObject({ state: 'new', dueAt: '2027-03-08T01:00:00.000Z' });
  });
});

describe('two ticks of one pilot at once (an invocation retried, a schedule delivered twice)', () => {
  it('the later one skips while the first holds the campaign, so the pilot stops at its size', async () => {
    world.clock.set(START);
    const campaign = await newCampaign(
      { state: 'pilot', pilot: { size: 10 }, pacing: { dialsPerMinute: 10 } },
      Array.from({ length: 30 }, (_, i) => ({ n: 100 + i })),
    );
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let statsRead!: () => void;
    const read = new Promise<void>((r) => {
      statsRead = r;
    });
    // The first tick has read the DIALING item (pilotDials 0) and waits when the second one starts.
    const slow = new Proxy(world.store, {
      get(target, p) {
        if (p === 'stats') {
          return async (id: string) => {
            const s = await target.stats(id);
            statsRead();
            await gate;
            return s;
          };
        }
        const v = Reflect.get(target, p, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as ContactDialing;
    const first = dispatchCampaign({ ...world.deps, store: slow }, campaign);
    await read;
    const second = await dispatchCampaign(world.deps, campaign);
    release();
    expect(second).toMatchObject({ skipped: 'anotherTickRunning', dialed: 0 });
    expect(await first).toMatchObject({ dialed: 10 });
    expect(placedFor(campaign)).toHaveLength(10);

    // The claim was given back: the next minute's tick runs (and finds the pilot's room used up).
    world.clock.advance(minutes(1));
    const next = await dispatchCampaign(world.deps, campaign);
    expect(next.skipped).toBeUndefined();
    expect(next).toMatchObject({ dialed: 0, hold: 'pilotSizeReached' });
  });
});

describe('undoing a dial mark', () => {
  it('leaves a contact alone that is dialing the same attempt in another batch (marked again meanwhile)', async () => {
    world.clock.set(START);
    const campaign = await newCampaign({}, [{ n: 41 }]);
    expect((await dispatchCampaign(world.deps, campaign)).dialed).toBe(1);
    const [batch] = await batchItems(campaign);
    const batchId = String(batch?.sk);
    const contact = await contactOf(campaign, 41);
    expect(contact).toMatchObject({ state: 'dialing', dialing: { attempt: 1, batch: batchId } });
    const undo = (from: string) => ({
      ref: {
        campaignId: campaign.id,
        phoneKey: phoneKeyOf(41),
        zone: 'Asia/Shanghai',
        shard: dueShard(phoneKeyOf(41)),
        priority: 0,
        dueAt: START,
        dueSk: '',
      },
      attempt: 1,
      batch: from,
      counted: true,
      pilot: false,
      to: { kind: 'due' as const, priority: 2, dueAt: START, state: 'new' as const, attempts: 0, recentAttempts: [] },
    });

    expect(await world.store.unmarkDialing(campaign.id, [undo('2027-03-01T02:35:00.000Z#an-older-batch')], START)).toBe(
      0,
    );
    expect(await contactOf(campaign, 41)).toMatchObject({ state: 'dialing', dialing: { batch: batchId } });
    expect(await world.store.unmarkDialing(campaign.id, [undo(batchId)], START)).toBe(1);
    expect(await contactOf(campaign, 41)).toMatchObject({ state: 'new', attempts: 0 });
  });
});
