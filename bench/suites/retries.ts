/**
 * What a retry costs in AWS requests and dollars, end to end on DynamoDB Local and the Connect simulator
 * (docs/retries.md, "Mechanism"):
 * - `retries.scheduleRequestsPerRetry` (goal ≤ 4): DynamoDB requests, counted at the SDK client, that one retry adds
 *   to schedule it, fire it and clean it up, over N contacts: N dials are placed (attempt 1), each gets a no-answer
 *   contact record through the outcome recorder (scheduling), the clock moves past the retry time and dispatcher
 *   ticks run until every retry is dialed (firing); then the index is checked for what a clean-up would have to
 *   remove (nothing: the mark that dials the retry moves its entry).
 * - `retries.usdPerMillionRetries`: holding (index storage for `HOLD_DAYS`) and firing 1,000,000 retries, from the
 *   counted requests, the consumed capacity (`ReturnConsumedCapacity: TOTAL`, indexes included) and bench/prices.json.
 *
 * Scheduling a retry is part of the outcome's own write, so only the margin is charged to the retry: a control
 * campaign, identical but whose no-answer policy allows one attempt (the same outcome ends the contact `exhausted`
 * instead of scheduling it), records the same N outcomes; the retry's share is the difference of the two
 * (requests, read and write units). Firing is everything the ticks that dial the retries do: a retry's dial is all
 * the tick does for it.
 */
import { ConnectCampaignsV2Client } from '@aws-sdk/client-connectcampaignsv2';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { contactRecordSchema } from '#events/connect/contact-record';
import { startConnectSim } from '#infra/local/connect-sim/server';
import { startDynamoDbLocal } from '#infra/local/dynamodb-local';
import { createTables } from '#infra/local/tables';
import { ConnectCampaignsAdapter } from '#shared/adapters/connect/connect-campaigns';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { DynamoDbDialingStore } from '#shared/adapters/dynamodb/dialing-store';
import { DUE_SHARDS, dueIndexKey } from '#shared/adapters/dynamodb/keys';
import { DynamoDbOutcomeStore } from '#shared/adapters/dynamodb/outcome-store';
import { DynamoDbRateLimiter } from '#shared/adapters/dynamodb/rate-limiter';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import type { Campaign } from '#shared/domain/campaign';
import type { DialingDeps } from '#shared/use-cases/dialing/deps';
import { dispatchCampaign } from '#shared/use-cases/dialing/dispatch';
import { inputFromContactRecord } from '#shared/use-cases/outcomes/inputs';
import { OutcomeRecorder } from '#shared/use-cases/outcomes/record-outcome';
import { seedContacts } from '#test/integration/helpers/dialing-seed';
import { allDayBenchCampaign } from '../lib/campaigns.ts';
import { costUsd, loadPrices } from '../lib/prices.ts';
import type { Goals, SuiteContext, SuiteResult } from '../lib/suite.ts';

export const goals: Goals = { 'retries.scheduleRequestsPerRetry': { max: 4 } };

const N = 2_000;
/** How long a retry waits in the index; no answer waits 2 h by default, a day covers nights and callbacks. */
const HOLD_DAYS = 1;
const DAYS_PER_MONTH = 30;
/** Per item in an index, DynamoDB adds 100 bytes of overhead to the key attributes it stores (GSI storage). */
const INDEX_ITEM_OVERHEAD_BYTES = 100;
const START = Date.parse('2027-03-01T02:00:00.000Z'); // Monday 10:00 in Shanghai
const NO_ANSWER_DELAY_MINUTES = 120;
const MAX_TICKS = 100;

interface Tally {
  requests: number;
  rru: number;
  wru: number;
}

export default async function run(ctx: SuiteContext): Promise<SuiteResult> {
  process.env.AWS_REGION ??= 'us-east-1';
  const prices = await loadPrices();
  const dynamo = await startDynamoDbLocal();
  const sim = await startConnectSim();
  try {
    const tally: Tally = { requests: 0, rru: 0, wru: 0 };
    const base = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    base.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        input.ReturnConsumedCapacity = 'TOTAL';
        const out = await next(args);
        tally.requests++;
        const command = (context as { commandName?: string }).commandName ?? '';
        const consumed = (out.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
        for (const c of (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as {
          CapacityUnits?: number;
        }[]) {
          if (/^(Get|Query|Scan|BatchGet|TransactGet)/.test(command)) tally.rru += c.CapacityUnits ?? 0;
          else tally.wru += c.CapacityUnits ?? 0;
        }
        return out;
      },
      { step: 'initialize', name: 'retriesBenchCounter' },
    );
    const client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
    const tableName = 'bench-retries';
    await createTables(base, { main: tableName, idempotency: 'bench-retries-idem' });

    let now = START;
    const clock = { now: () => new Date(now) };
    const repository = new DynamoDbCampaignRepository({ client, tableName });
    const store = new DynamoDbDialingStore({ client, tableName });
    const deps: DialingDeps = {
      campaigns: repository,
      store,
      connect: new ConnectCampaignsAdapter({
        client: new ConnectCampaignsV2Client({
          endpoint: sim.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }),
      }),
      limiter: new DynamoDbRateLimiter({
        client,
        tableName,
        name: 'connect-put-batch',
        perSecond: 10,
        now: () => now,
        sleep: async (ms) => {
          now += ms;
        },
      }),
      clock,
    };
    const recorder = new OutcomeRecorder({
      store: new DynamoDbOutcomeStore({ client, tableName }),
      events: new InMemoryEventPublisher(),
      clock,
    });

    const retrying = benchCampaign('c-benchretry', 3);
    const control = benchCampaign('c-benchcontrol', 1);
    const seedFrom = { [retrying.id]: 0, [control.id]: N };
    for (const campaign of [retrying, control]) {
      sim.addCampaign(campaign.connect.connectCampaignId ?? '', 'Running');
      await repository.create(campaign);
      await store.addCampaignZones(campaign.id, ['Asia/Shanghai']);
      const from = seedFrom[campaign.id] ?? 0;
      await seedContacts(
        client,
        tableName,
        campaign.id,
        Array.from({ length: N }, (_, i) => ({ n: from + i })),
      );
    }

    const ticksUntil = async (campaign: Campaign, dials: number) => {
      let dialed = 0;
      for (let tick = 0; dialed < dials; tick++) {
        if (tick >= MAX_TICKS) throw new Error(`${campaign.id}: ${dialed} of ${dials} dialed after ${tick} ticks`);
        dialed += (await dispatchCampaign(deps, campaign)).dialed;
        now += 60_000;
      }
      if (dialed !== dials) throw new Error(`${campaign.id}: ${dialed} dials, expected ${dials}`);
    };
    const placedOf = (campaign: Campaign, attempt: number) =>
      sim.placed.filter(
        (d) => d.campaignId === campaign.connect.connectCampaignId && d.attributes.attempt === String(attempt),
      );

    // Attempt 1 of every contact (not counted: the dial itself is not the retry's).
    ctx.log(`dialing ${N} contacts in each of two campaigns`);
    await ticksUntil(retrying, N);
    await ticksUntil(control, N);

    // Every call ends unanswered; the recorder is warmed (campaign cache, connection) as a running container is.
    const endedAt = new Date(now + 60_000).toISOString();
    const recordAll = async (campaign: Campaign): Promise<Tally> => {
      const dials = placedOf(campaign, 1);
      if (dials.length !== N) throw new Error(`${campaign.id}: ${dials.length} first dials placed`);
      const [first, ...rest] = dials;
      if (!first) throw new Error('no dial');
      await recordNoAnswer(recorder, first, endedAt);
      const before = { ...tally };
      for (const dial of rest) await recordNoAnswer(recorder, dial, endedAt);
      return { requests: tally.requests - before.requests, rru: tally.rru - before.rru, wru: tally.wru - before.wru };
    };
    ctx.log('recording a no-answer outcome for every dial');
    const withRetry = await recordAll(retrying);
    const withoutRetry = await recordAll(control);
    const outcomes = N - 1;
    const schedule = {
      requests: (withRetry.requests - withoutRetry.requests) / outcomes,
      rru: (withRetry.rru - withoutRetry.rru) / outcomes,
      wru: (withRetry.wru - withoutRetry.wru) / outcomes,
    };
    const pending = await dueEntries(client, tableName, retrying.id, '4#');
    if (pending.length !== N) throw new Error(`expected ${N} retries in the index, found ${pending.length}`);
    if ((await dueEntries(client, tableName, control.id, '4#')).length !== 0) {
      throw new Error('the control campaign scheduled retries: the policy override did not apply');
    }

    // Past the retry time: the ticks that dial every retry are the firing.
    now = Date.parse(endedAt) + (NO_ANSWER_DELAY_MINUTES + 1) * 60_000;
    const beforeFire = { ...tally };
    const connectBefore = sim.requests.length;
    ctx.log('firing the retries');
    await ticksUntil(retrying, N);
    const fire = {
      requests: (tally.requests - beforeFire.requests) / N,
      rru: (tally.rru - beforeFire.rru) / N,
      wru: (tally.wru - beforeFire.wru) / N,
    };
    const connectCalls = sim.requests.slice(connectBefore).filter((r) => r.path.endsWith('/outbound-requests')).length;
    const retried = placedOf(retrying, 2);
    if (new Set(retried.map((d) => d.clientToken)).size !== N) throw new Error(`${retried.length} retries dialed`);

    // Clean-up: whatever of the retry is left in the index after it fired would have to be deleted.
    const leftovers = (await dueEntries(client, tableName, retrying.id, '4#')).length;
    const cleanupRequests = leftovers === 0 ? 0 : Math.ceil(leftovers / 25) / N;

    // Holding: a retry's index entry (KEYS_ONLY: table and index keys) plus its retryBasis on the contact.
    const sample = pending[0] as Record<string, string>;
    const keyBytes = ['pk', 'sk', 'duePk', 'dueSk'].reduce(
      (sum, k) => sum + k.length + Buffer.byteLength(String(sample[k] ?? '')),
      0,
    );
    const basisBytes = Buffer.byteLength(
      `retryBasis${JSON.stringify({ retryClass: 'noAnswer', from: endedAt, attemptsInClass: 1 })}`,
    );
    const heldBytes = keyBytes + INDEX_ITEM_OVERHEAD_BYTES + basisBytes;
    const million = 1_000_000;
    const holdUsd =
      costUsd(prices, 'dynamodb.storageGbMonth', (heldBytes * million) / 1e9) * (HOLD_DAYS / DAYS_PER_MONTH);
    const scheduleUsd =
      costUsd(prices, 'dynamodb.writeRequestUnit', schedule.wru * million) +
      costUsd(prices, 'dynamodb.readRequestUnit', Math.max(0, schedule.rru) * million);
    const fireUsd =
      costUsd(prices, 'dynamodb.writeRequestUnit', fire.wru * million) +
      costUsd(prices, 'dynamodb.readRequestUnit', fire.rru * million);
    ctx.log(
      `per retry: schedule +${schedule.requests.toFixed(3)} requests (+${schedule.wru.toFixed(2)} WRU), ` +
        `fire ${fire.requests.toFixed(3)} requests (${fire.wru.toFixed(2)} WRU, ${fire.rru.toFixed(2)} RRU), ` +
        `clean-up ${leftovers} leftovers; ${heldBytes} bytes held; ${connectCalls} Connect batch calls`,
    );
    const perRetry = schedule.requests + fire.requests + cleanupRequests;
    return {
      'retries.scheduleRequestsPerRetry': round(perRetry),
      'retries.scheduleRequestsPerRetry.schedule': round(schedule.requests),
      'retries.scheduleRequestsPerRetry.fire': round(fire.requests),
      'retries.scheduleRequestsPerRetry.cleanup': round(cleanupRequests),
      'retries.scheduleWruPerRetry': round(schedule.wru),
      'retries.fireWruPerRetry': round(fire.wru),
      'retries.fireRruPerRetry': round(fire.rru),
      'retries.heldBytesPerRetry': heldBytes,
      'retries.holdDays': HOLD_DAYS,
      'retries.connectRequestsPerRetry': round(connectCalls / N),
      'retries.usdPerMillionRetries': round(holdUsd + scheduleUsd + fireUsd),
      'retries.usdPerMillionRetries.hold': round(holdUsd),
      'retries.usdPerMillionRetries.schedule': round(scheduleUsd),
      'retries.usdPerMillionRetries.fire': round(fireUsd),
    };
  } finally {
    await sim.stop();
    await dynamo.stop();
  }
}

/** A no-answer contact record for a placed dial, parsed and mapped exactly as the contact-records Lambda does. */
async function recordNoAnswer(
  recorder: OutcomeRecorder,
  dial: { id: string; attributes: Record<string, string> },
  endedAt: string,
): Promise<void> {
  const started = new Date(Date.parse(endedAt) - 35_000).toISOString();
  const record = contactRecordSchema.parse({
    AWSAccountId: '111122223333',
    AWSContactTraceRecordFormatVersion: '2017-03-10',
    ContactId: `sim-${dial.id}`,
    Channel: 'VOICE',
    InitiationMethod: 'API',
    InstanceARN: 'arn:aws:connect:us-east-1:111122223333:instance/00000000-0000-4000-8000-000000000000',
    InitiationTimestamp: started,
    ConnectedToSystemTimestamp: null,
    DisconnectTimestamp: endedAt,
    DisconnectReason: 'CONTACT_FLOW_DISCONNECT',
    AnsweringMachineDetectionStatus: 'AMD_UNANSWERED',
    LastUpdateTimestamp: new Date(Date.parse(endedAt) + 2_000).toISOString(),
    Attributes: dial.attributes,
    Queue: null,
    Recording: null,
    Agent: null,
  });
  const input = inputFromContactRecord(record);
  if (!input) throw new Error('the dial attributes do not name an outcall attempt');
  const result = await recorder.record(input);
  if (result.status !== 'recorded') throw new Error(`outcome not recorded: ${result.status}`);
}

async function dueEntries(
  client: DynamoDBDocumentClient,
  table: string,
  campaignId: string,
  skPrefix: string,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let shard = 0; shard < DUE_SHARDS; shard++) {
    const { duePk } = dueIndexKey(campaignId, 'Asia/Shanghai', shard, 0, '', '');
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'due',
          KeyConditionExpression: 'duePk = :pk AND begins_with(dueSk, :p)',
          ExpressionAttributeValues: { ':pk': duePk, ':p': skPrefix },
          ExclusiveStartKey: startKey,
        }),
      );
      out.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return out;
}

function benchCampaign(id: string, noAnswerAttempts: number): Campaign {
  return allDayBenchCampaign(id, {
    retryPolicy: { noAnswer: { delayMinutes: NO_ANSWER_DELAY_MINUTES, maxAttempts: noAnswerAttempts } },
    frequencyCaps: { minMinutesBetweenAttempts: 1 },
    pacing: { dialsPerMinute: 1_000 },
  });
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
