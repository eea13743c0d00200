import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { batchGetAll } from '#shared/adapters/dynamodb/batch-get';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const noWait = async () => {};

describe('batchGetAll', () => {
  it('reads 100 keys a call and re-sends the unprocessed ones', async () => {
    const ddb = mockClient(client);
    const keys = Array.from({ length: 150 }, (_, i) => ({ pk: `P#${i}`, sk: 'S' }));
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { t: keys.slice(0, 90) }, UnprocessedKeys: { t: { Keys: keys.slice(90, 100) } } })
      .resolvesOnce({ Responses: { t: keys.slice(90, 100) } })
      .resolvesOnce({ Responses: { t: keys.slice(100) } });
    const items = await batchGetAll(client, 't', keys, { sleep: noWait, consistentRead: true });
    expect(items).toHaveLength(150);
    const calls = ddb.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.t);
    expect(calls.map((c) => c?.Keys?.length)).toEqual([100, 10, 50]);
    expect(calls.every((c) => c?.ConsistentRead === true)).toBe(true);
    ddb.restore();
  });

  it("gives up with the caller's error when keys stay unprocessed", async () => {
    const ddb = mockClient(client);
    ddb
      .on(BatchGetCommand)
      .resolves({ Responses: { t: [] }, UnprocessedKeys: { t: { Keys: [{ pk: 'P', sk: 'S' }] } } });
    await expect(
      batchGetAll(client, 't', [{ pk: 'P', sk: 'S' }], { sleep: noWait, maxTries: 3, exhausted: () => new Error('x') }),
    ).rejects.toThrow('x');
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(3);
    ddb.restore();
  });
});
