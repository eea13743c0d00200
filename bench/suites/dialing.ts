import { ConnectCampaignsV2Client } from '@aws-sdk/client-connectcampaignsv2';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startConnectSim } from '#infra/local/connect-sim/server';
import { startDynamoDbLocal } from '#infra/local/dynamodb-local';
import { createTables } from '#infra/local/tables';
import { ConnectCampaignsAdapter } from '#shared/adapters/connect/connect-campaigns';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { DynamoDbDialingStore } from '#shared/adapters/dynamodb/dialing-store';
import { contactKey, dueIndexKey, dueShard } from '#shared/adapters/dynamodb/keys';
import { DynamoDbRateLimiter } from '#shared/adapters/dynamodb/rate-limiter';
import type { Campaign } from '#shared/domain/campaign';
import type { DialingDeps } from '#shared/use-cases/dialing/deps';
import { dispatchCampaign } from '#shared/use-cases/dialing/dispatch';
import { allDayBenchCampaign } from '../lib/campaigns.ts';
import type { Goals, SuiteContext, SuiteResult } from '../lib/suite.ts';

/**
 * Dialing figures on DynamoDB Local and the Connect simulator:
 * - `connectRequestsPer1kDials`: PutOutboundRequestBatch calls for 1,000 dials in one tick (25 per call → 40);
 * - `ddbRequestsPerDial`: every DynamoDB request of that tick (selection, DNC re-read, marking, acceptance,
 *   rate-limit permits, figures) per dial placed — a superset of "selection + marking";
 * - `selectionReads10k` / `selectionReads100k`: DynamoDB read requests of one tick (pacing 60) for a campaign of
 *   10,000 and of 100,000 contacts; the due index makes them equal.
 * Requests are counted by a middleware on the SDK client, the Connect calls by the simulator's request log.
 */
export const goals: Goals = {
  'dialing.connectRequestsPer1kDials': { max: 41 },
  'dialing.ddbRequestsPerDial': { max: 3 },
};

const READS = new Set(['QueryCommand', 'GetItemCommand', 'BatchGetItemCommand', 'GetCommand', 'BatchGetCommand']);
const START = new Date('2027-03-01T02:00:00.000Z');

export default async function run(ctx: SuiteContext): Promise<SuiteResult> {
  process.env.AWS_REGION ??= 'us-east-1';
  const dynamo = await startDynamoDbLocal();
  const sim = await startConnectSim();
  try {
    const counts = new Map<string, number>();
    const base = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    base.middlewareStack.add(
      (next, context) => async (args) => {
        const name = String((context as { commandName?: string }).commandName);
        counts.set(name, (counts.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'outcallRequestCounter' },
    );
    const client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
    const tableName = 'bench-dialing';
    await createTables(base, { main: tableName, idempotency: 'bench-dialing-idem' });
    let now = START.getTime();
    const repository = new DynamoDbCampaignRepository({ client, tableName });
    const deps: DialingDeps = {
      campaigns: repository,
      store: new DynamoDbDialingStore({ client, tableName }),
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
      clock: { now: () => new Date(now) },
    };
    const total = () => [...counts.values()].reduce((a, b) => a + b, 0);
    const reads = () => [...counts].filter(([k]) => READS.has(k)).reduce((a, [, n]) => a + n, 0);

    const oneTick = async (size: number, dialsPerMinute: number) => {
      const campaign = benchCampaign(`c-bench${size}x${dialsPerMinute}`, dialsPerMinute);
      sim.addCampaign(campaign.connect.connectCampaignId ?? '', 'Running');
      await repository.create(campaign);
      await deps.store.addCampaignZones(campaign.id, ['Asia/Shanghai']);
      ctx.log(`seeding ${size} contacts`);
      await seed(client, tableName, campaign.id, size);
      counts.clear();
      const before = sim.requests.length;
      const report = await dispatchCampaign(deps, campaign);
      const connectCalls = sim.requests.slice(before).filter((r) => r.path.endsWith('/outbound-requests')).length;
      return { report, ddb: total(), reads: reads(), connectCalls };
    };

    const big = await oneTick(1_000, 1_000);
    if (big.report.dialed !== 1_000) throw new Error(`expected 1,000 dials, got ${big.report.dialed}`);
    const small = await oneTick(10_000, 60);
    const large = await oneTick(100_000, 60);
    if (small.report.dialed !== 60 || large.report.dialed !== 60) throw new Error('a selection tick did not dial 60');
    return {
      'dialing.connectRequestsPer1kDials': big.connectCalls,
      'dialing.ddbRequestsPerDial': big.ddb / big.report.dialed,
      'dialing.selectionReads10k': small.reads,
      'dialing.selectionReads100k': large.reads,
    };
  } finally {
    await sim.stop();
    await dynamo.stop();
  }
}

function benchCampaign(id: string, dialsPerMinute: number): Campaign {
  return allDayBenchCampaign(id, { pacing: { dialsPerMinute } });
}

/** Released contacts in the documented shape, written with BatchWriteItem (25 per call, 8 in flight). */
async function seed(client: DynamoDBDocumentClient, table: string, campaignId: string, n: number): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: 8 }, async () => {
    for (;;) {
      const from = next;
      next += 25;
      if (from >= n) return;
      let requests = Array.from({ length: Math.min(25, n - from) }, (_, k) => {
        const i = from + k;
        const phoneKey = `pk${String(i).padStart(20, '0')}`;
        return {
          PutRequest: {
            Item: {
              ...contactKey(campaignId, phoneKey),
              ...dueIndexKey(campaignId, 'Asia/Shanghai', dueShard(phoneKey), 2, '2027-01-01T00:00:00.000Z', phoneKey),
              campaignId,
              listId: 'l-bench',
              row: i + 1,
              phoneKey,
              e164: `+86138${String(i).padStart(8, '0')}`,
              numberType: 'mobile',
              zone: 'Asia/Shanghai',
              attributes: { extra: {} },
              state: 'new',
              attempts: 0,
              createdAt: '2027-01-01T00:00:00.000Z',
            },
          },
        };
      });
      while (requests.length > 0) {
        const out = await client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    }
  });
  await Promise.all(workers);
}
