import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { createCounterStreamHandler } from '#functions/outcomes/counter-stream-handler';
import { LocalStreamPoller } from '#infra/local/counter-stream';
import { DynamoDbCounterLedger } from '#shared/adapters/dynamodb/counter-ledger';
import { agentKey, campaignKey, contactKey, counterKey, phonePartition } from '#shared/adapters/dynamodb/keys';
import { DynamoDbOutcomeStore } from '#shared/adapters/dynamodb/outcome-store';
import { systemClock } from '#shared/ports/clock';
import type { World } from '#test/unit/outcomes/replay';
import {
  AGENT_ID,
  CAMPAIGN_ID,
  OTHER_CAMPAIGN_ID,
  outcomesCampaign,
  PHONE_KEY,
  type Scenario,
  TEAM_ID,
} from '#test/unit/outcomes/scenarios';

export interface DynamoWorldOptions {
  /** DynamoDB Local's endpoint: the table's stream is read there. */
  endpoint: string;
  /** The counters aggregator's client (default: `client`), so the fault suite can break its writes alone. */
  counterClient?: DynamoDBDocumentClient;
}

/** The replay world on DynamoDB Local, plus the drain of the table's stream into the counters. */
export type DynamoWorld = World & {
  /** Runs the counters aggregator over what the stream holds since the last drain (one delivery; may throw). */
  drainCounters(): Promise<void>;
  /** The stream reader, for tests that deliver batches their own way. */
  poller: LocalStreamPoller;
};

// Shared by the outcomes integration test, the fault suite and the cost bench: given any document client, so the fault
// suite can hand it one with injected faults.
/**
 * The replay world on DynamoDB Local: the real adapter, the items other issues would have written, and the counters
 * as the stream aggregator applies them: `observe()` first delivers what the stream holds (retrying a failed batch, as
 * Lambda redelivers it), since the recorder no longer writes counters itself.
 */
export function dynamoWorld(client: DynamoDBDocumentClient, table: string, options: DynamoWorldOptions): DynamoWorld {
  const store = new DynamoDbOutcomeStore({ client, tableName: table });
  const put = (Item: Record<string, unknown>) => client.send(new PutCommand({ TableName: table, Item }));
  const ledger = new DynamoDbCounterLedger({
    client: options.counterClient ?? client,
    tableName: table,
    clock: systemClock,
  });
  const poller = new LocalStreamPoller({
    endpoint: options.endpoint,
    client,
    tableName: table,
    handler: createCounterStreamHandler({ ledger }),
  });
  const drainCounters = async () => {
    await poller.drain();
  };
  return {
    store,
    poller,
    drainCounters,
    async seed(scenario: Scenario) {
      // What earlier replays left in the stream is theirs: this one starts after it (its deletions are REMOVEs).
      await poller.skipToEnd();
      const items =
        (await client.send(new ScanCommand({ TableName: table, ProjectionExpression: 'pk, sk' }))).Items ?? [];
      for (let i = 0; i < items.length; i += 25) {
        await client.send(
          new BatchWriteCommand({
            RequestItems: { [table]: items.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })) },
          }),
        );
      }
      await put({ ...campaignKey(CAMPAIGN_ID), ...outcomesCampaign() });
      await put({ ...agentKey(AGENT_ID), agentId: AGENT_ID, teamId: TEAM_ID });
      await put({
        ...contactKey(CAMPAIGN_ID, PHONE_KEY),
        campaignId: CAMPAIGN_ID,
        phoneKey: PHONE_KEY,
        zone: 'Asia/Shanghai',
        state: 'dialing',
        attemptsByClass: {},
        attributes: { name: '张三', company: '乐源', extra: {} },
        dialing: { attempt: 1, requestedAt: '2027-03-02T01:59:00.000Z', expiresAt: '2027-03-02T02:04:00.000Z' },
      });
      if (scenario.otherCampaignContact) {
        await put({
          ...contactKey(OTHER_CAMPAIGN_ID, PHONE_KEY),
          campaignId: OTHER_CAMPAIGN_ID,
          phoneKey: PHONE_KEY,
          zone: 'Asia/Shanghai',
          state: 'retryWait',
          dueAt: '2027-03-05T02:00:00.000Z',
          duePk: `DUE#${OTHER_CAMPAIGN_ID}#Asia/Shanghai#0`,
          dueSk: `4#2027-03-05T02:00:00.000Z#${PHONE_KEY}`,
        });
      }
    },
    async markDialing(attempt: number) {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: contactKey(CAMPAIGN_ID, PHONE_KEY),
          UpdateExpression: 'SET #s = :d, dialing = :dialing REMOVE dueAt, duePk, dueSk',
          ConditionExpression: '#s IN (:r, :c)',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':d': 'dialing', ':dialing': { attempt }, ':r': 'retryWait', ':c': 'callback' },
        }),
      );
    },
    async observe() {
      // Lambda redelivers a failed batch until it succeeds (the fault suite breaks some on purpose).
      for (let delivery = 1; ; delivery++) {
        try {
          await drainCounters();
          break;
        } catch (error) {
          if (delivery >= 25) throw error;
        }
      }
      const phone =
        (
          await client.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': phonePartition(PHONE_KEY) },
            }),
          )
        ).Items ?? [];
      const contacts = phone
        .filter((i) => String(i.sk).startsWith('CONTACT#') && !String(i.sk).includes('#ATTEMPT#'))
        .sort((a, b) => String(a.campaignId).localeCompare(String(b.campaignId)))
        .map((c) => ({
          campaignId: c.campaignId,
          state: c.state,
          dueAt: c.dueAt,
          priority: c.dueSk === undefined ? undefined : Number(String(c.dueSk).split('#')[0]),
          callback: c.callback,
          attemptsByClass: c.attemptsByClass,
        }));
      const counters: Record<string, Record<string, number>> = {};
      for (const [scope, id] of [
        ['CAMPAIGN', CAMPAIGN_ID],
        ['AGENT', AGENT_ID],
        ['TEAM', TEAM_ID],
        ['TEAM', 'unassigned'],
      ] as const) {
        const pk = counterKey(scope, id, 'x').pk;
        const out = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
          }),
        );
        for (const item of out.Items ?? []) {
          const values = Object.fromEntries(
            Object.entries(item)
              .filter(([k, v]) => typeof v === 'number' && Math.abs(v) > 1e-9 && !['pk', 'sk'].includes(k))
              .sort(),
          ) as Record<string, number>;
          if (Object.keys(values).length > 0) counters[`${scope}#${id}#${item.day}`] = values;
        }
      }
      const status = phone.find((i) => i.sk === 'STATUS');
      return { contacts, counters, dnc: status?.dnc };
    },
  };
}
