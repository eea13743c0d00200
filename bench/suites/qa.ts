/**
 * DynamoDB read requests QA sampling makes per agent for one day, against DynamoDB Local, before and after the table
 * fills with other agents' calls and other days' calls. Reads are counted by a middleware on the client (GetItem,
 * Query, BatchGetItem; Scan separately, and it must stay 0).
 * - qa.samplingReadsPerAgent: reads per agent of the sampled team once 11,000 unrelated calls are in (goal ≤ 3: the
 *   team roster Query shared by the team, one Query of the agent's own day — keys only, since outcomes write an
 *   attempt several times per call and sampling reads it once — and one BatchGetItem of those attempts per 100);
 * - qa.samplingReadsPerAgentAlone: the same with only the team's own calls of that day in the table;
 * - qa.samplingReadGrowthRatio: the first over the second (goal 1: other agents' calls cost nothing);
 * - qa.otherCalls: how many unrelated calls were added; qa.scanRequests: must be 0.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '#infra/local/dynamodb-local';
import { createTables } from '#infra/local/tables';
import { DynamoDbQaStore } from '#shared/adapters/dynamodb/qa-store';
import { ManualClock } from '#shared/adapters/memory/clock';
import { sampleTeamDay } from '#shared/use-cases/qa/sampling';
import { seedAgent, seedAttempts } from '#test/integration/helpers/qa-seed';

const DAY = '2026-03-02';
const TEAM_AGENTS = 5;
const CALLS_PER_AGENT = 60;
const OTHER_AGENTS = 20;
const OTHER_CALLS_PER_AGENT = 500;
const OTHER_DAY_CALLS_PER_AGENT = 200;
const READS = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand']);

export const goals = {
  'qa.samplingReadsPerAgent': { max: 3 },
  'qa.samplingReadGrowthRatio': { max: 1 },
  'qa.scanRequests': { max: 0 },
};

export default async function run(ctx?: { log(message: string): void }): Promise<Record<string, number>> {
  const log = ctx?.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const dynamo = await startDynamoDbLocal();
  try {
    const base = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    let reads = 0;
    let scans = 0;
    base.middlewareStack.add(
      (next, context) => async (args) => {
        if (READS.has(context.commandName ?? '')) reads++;
        if (context.commandName === 'ScanCommand') scans++;
        return next(args);
      },
      { step: 'deserialize', name: 'countQaReads' },
    );
    const client = DynamoDBDocumentClient.from(base, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    const table = 'bench-qa-main';
    await createTables(client, { main: table, idempotency: 'bench-qa-idempotency' });
    const deps = { store: new DynamoDbQaStore({ client, tableName: table }), clock: new ManualClock() };

    const teamAgents = Array.from({ length: TEAM_AGENTS }, (_, i) => `agent-q${i}`);
    for (const agentId of teamAgents) {
      await seedAgent(client, table, 'team-q', agentId);
      await seedAttempts(client, table, 'c-benchqa000001', agentId, DAY, CALLS_PER_AGENT);
    }
    reads = 0;
    const alone = await sampleTeamDay(deps, { teamId: 'team-q', day: DAY, seed: 'bench' });
    const readsAlone = reads;
    log(`qa: ${alone.sampled} calls sampled from ${alone.calls} with ${readsAlone} reads`);

    log(`qa: adding ${OTHER_AGENTS * OTHER_CALLS_PER_AGENT + TEAM_AGENTS * OTHER_DAY_CALLS_PER_AGENT} unrelated calls`);
    for (let i = 0; i < OTHER_AGENTS; i++) {
      await seedAgent(client, table, 'team-other', `agent-o${i}`);
      await seedAttempts(client, table, 'c-benchqa000002', `agent-o${i}`, DAY, OTHER_CALLS_PER_AGENT);
    }
    for (const agentId of teamAgents) {
      await seedAttempts(client, table, 'c-benchqa000003', agentId, '2026-03-01', OTHER_DAY_CALLS_PER_AGENT);
    }
    reads = 0;
    const crowded = await sampleTeamDay(deps, { teamId: 'team-q', day: DAY, seed: 'bench' });
    const readsCrowded = reads;
    if (crowded.sampled !== alone.sampled || crowded.added !== 0) {
      throw new Error('the rerun did not draw the same sample, or queued a call twice');
    }
    return {
      'qa.samplingReadsPerAgent': readsCrowded / TEAM_AGENTS,
      'qa.samplingReadsPerAgentAlone': readsAlone / TEAM_AGENTS,
      'qa.samplingReadGrowthRatio': readsCrowded / readsAlone,
      'qa.otherCalls': OTHER_AGENTS * OTHER_CALLS_PER_AGENT + TEAM_AGENTS * OTHER_DAY_CALLS_PER_AGENT,
      'qa.scanRequests': scans,
    };
  } finally {
    await dynamo.stop();
  }
}
