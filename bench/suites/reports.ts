import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '#infra/local/dynamodb-local';
import { createTables } from '#infra/local/tables';
import { DynamoDbAgentStore } from '#shared/adapters/dynamodb/agent-store';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { counterKey } from '#shared/adapters/dynamodb/keys';
import { DynamoDbReportStore } from '#shared/adapters/dynamodb/report-store';
import { agentSchema, teamSchema } from '#shared/domain/agents/agent';
import { campaignSchema, campaignSpecSchema } from '#shared/domain/campaign';
import { periodContaining } from '#shared/domain/reports/period';
import { DEFAULT_REPORT_SETTINGS } from '#shared/domain/reports/recipients';
import { buildTeamReport } from '#shared/use-cases/reports/build-report';
import type { Goals, SuiteContext, SuiteResult } from '../lib/suite.ts';

/**
 * DynamoDB read requests to build one team's daily report on DynamoDB Local:
 * - `reports.readRequests10k`: after the counters of a day of 10,000 calls were written;
 * - `reports.readRequests1M`: after a day of 1,000,000 calls, the campaign's counter spread over 8 shards.
 * Counters are written directly in the shape outcomes writes them (`COUNTER#<scope>#<id>` / `DAY#<day>#<shard>`,
 * one numeric attribute per figure), summed in memory call by call first: replaying 10,000 calls through the outcome
 * recorder on DynamoDB Local would measure the recorder, not the report, and yields the same items. Requests are
 * counted by a middleware on the SDK client while the report is built, and only then. Goal: equal.
 */
export const goals: Goals = { 'reports.readRequests1MOver10k': { max: 1 } };

const READS = new Set(['QueryCommand', 'GetItemCommand', 'BatchGetItemCommand', 'ScanCommand']);
const DAY = '2027-03-09';
const AGENTS = 10;
const CAMPAIGN_ID = 'c-benchreports0001';

export default async function run(ctx: SuiteContext): Promise<SuiteResult> {
  process.env.AWS_REGION ??= 'us-east-1';
  const dynamo = await startDynamoDbLocal();
  try {
    const small = await measure(dynamo.endpoint, 'bench-reports-10k', 10_000, 1, ctx);
    const large = await measure(dynamo.endpoint, 'bench-reports-1m', 1_000_000, 8, ctx);
    return {
      'reports.readRequests10k': small,
      'reports.readRequests1M': large,
      'reports.readRequests1MOver10k': large / small,
    };
  } finally {
    await dynamo.stop();
  }
}

async function measure(
  endpoint: string,
  table: string,
  calls: number,
  shards: number,
  ctx: SuiteContext,
): Promise<number> {
  let reads = 0;
  let counting = false;
  const base = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  base.middlewareStack.add(
    (next, context) => async (args) => {
      if (counting && READS.has(String((context as { commandName?: string }).commandName))) reads++;
      return next(args);
    },
    { step: 'initialize', name: 'reportReadCounter' },
  );
  const client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  await createTables(base, { main: table, idempotency: `${table}-idem` });
  const agents = new DynamoDbAgentStore({ client, tableName: table });
  const campaigns = new DynamoDbCampaignRepository({ client, tableName: table });
  await agents.putTeam(
    teamSchema.parse({ id: 'bench-team', timeZone: 'Asia/Shanghai', updatedAt: 'x', updatedBy: 'bench' }),
  );
  for (let a = 0; a < AGENTS; a++) {
    await agents.putAgent(
      agentSchema.parse({ id: `bench-agent-${a}`, teamId: 'bench-team', startDate: '2026-01-01', updatedAt: 'x' }),
    );
  }
  const spec = campaignSpecSchema.parse({
    name: 'bench',
    purpose: 'sales',
    requestingDepartment: { name: 'bench' },
    planners: ['planner@example.com'],
    script: { text: 'x' },
    defaultRegion: 'CN',
    callingRules: { timeZone: 'Asia/Shanghai', windows: {} },
    deadline: '2027-04-01T00:00:00+08:00',
    connect: { instanceId: 'x', contactFlowId: 'x', sourcePhoneNumber: '+862161234567' },
  });
  await campaigns.create(
    campaignSchema.parse({
      ...spec,
      id: CAMPAIGN_ID,
      state: 'active',
      revision: 1,
      createdAt: '2027-03-01T00:00:00Z',
      updatedAt: '2027-03-01T00:00:00Z',
      createdBy: 'bench',
    }),
  );

  // Each call adds to its campaign (shard by call), its agent and the team, as an outcome's counter ADDs do.
  const items = new Map<
    string,
    { key: ReturnType<typeof counterKey>; scope: string; id: string; values: Record<string, number> }
  >();
  const add = (scope: 'CAMPAIGN' | 'AGENT' | 'TEAM', id: string, shard: number, values: Record<string, number>) => {
    const key = counterKey(scope, id, DAY, shard);
    const k = `${key.pk}/${key.sk}`;
    const item = items.get(k) ?? { key, scope, id, values: {} };
    for (const [f, v] of Object.entries(values)) item.values[f] = (item.values[f] ?? 0) + v;
    items.set(k, item);
  };
  for (let i = 0; i < calls; i++) {
    const connected = i % 5 < 2;
    const values: Record<string, number> = { dials: 1, ...(i % 3 === 0 ? { firstDials: 1 } : {}) };
    if (connected)
      Object.assign(values, {
        connects: 1,
        reached: 1,
        talkSeconds: 60 + (i % 120),
        ...(i % 10 === 0 ? { effective: 1 } : {}),
      });
    if (i % 97 === 0) values.conversions = 1;
    add('CAMPAIGN', CAMPAIGN_ID, i % shards, values);
    add('AGENT', `bench-agent-${i % AGENTS}`, 0, values);
    add('TEAM', 'bench-team', 0, values);
  }
  for (const item of items.values()) {
    await client.send(
      new PutCommand({
        TableName: table,
        Item: { ...item.key, scope: item.scope, id: item.id, day: DAY, ...item.values },
      }),
    );
  }
  ctx.log(`reports: ${calls.toLocaleString('en-US')} calls in ${items.size} counter items`);

  const store = new DynamoDbReportStore({ client, tableName: table });
  counting = true;
  const report = await buildTeamReport(
    { reads: store, agents, campaigns, clock: { now: () => new Date('2027-03-10T00:00:00Z') } },
    'daily',
    'bench-team',
    periodContaining('daily', DAY),
    DEFAULT_REPORT_SETTINGS,
  );
  counting = false;
  const dials = report.campaigns[0]?.period.dials;
  if (dials !== calls) throw new Error(`the report counted ${dials} dials for a day of ${calls}`);
  base.destroy();
  return reads;
}
