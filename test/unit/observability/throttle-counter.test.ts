import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { countThrottles, isThrottlingError, THROTTLE_COUNTER_NAME } from '#shared/adapters/aws/throttle-counter';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { noteThrottles, takeThrottles } from '#shared/observability/throttles';

type Answer = { status: number; type?: string };

/** An HTTP handler that answers DynamoDB calls from a script, as the service would on the wire. */
function scriptedHandler(answers: Answer[]) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    handle: async () => {
      const a = answers[Math.min(calls++, answers.length - 1)] as Answer;
      const body = a.type ? { __type: `com.amazonaws.dynamodb.v20120810#${a.type}`, message: a.type } : { Item: {} };
      return {
        response: {
          statusCode: a.status,
          headers: { 'content-type': 'application/x-amz-json-1.0', ...(a.type ? { 'x-amzn-errortype': a.type } : {}) },
          body: new TextEncoder().encode(JSON.stringify(body)),
        },
      };
    },
  };
}

function client(handler: ReturnType<typeof scriptedHandler>, maxAttempts: number) {
  return new DynamoDBClient({
    region: 'ap-northeast-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: handler,
    maxAttempts,
  });
}

const get = new GetItemCommand({ TableName: 't', Key: { pk: { S: 'P' } } });

describe('throttle counter', () => {
  it('counts every throttled attempt, also those the SDK retried to success', async () => {
    takeThrottles();
    const handler = scriptedHandler([{ status: 400, type: 'ThrottlingException' }, { status: 200 }]);
    await countThrottles(client(handler, 2)).send(get);
    expect(handler.calls).toBe(2);
    expect(takeThrottles()).toBe(1);
  });

  it('counts a throttle that exhausted the retries, and nothing for other errors', async () => {
    takeThrottles();
    const throttled = countThrottles(
      client(scriptedHandler([{ status: 400, type: 'ProvisionedThroughputExceededException' }]), 1),
    );
    await expect(throttled.send(get)).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    const refused = countThrottles(
      client(scriptedHandler([{ status: 400, type: 'ConditionalCheckFailedException' }]), 1),
    );
    await expect(refused.send(get)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(takeThrottles()).toBe(1);
  });

  it('is installed once on the document client every DynamoDB adapter uses', () => {
    const doc = createDocumentClient({ region: 'ap-northeast-1' });
    countThrottles(doc);
    expect(doc.middlewareStack.identify().filter((m) => m.startsWith(THROTTLE_COUNTER_NAME))).toHaveLength(1);
  });

  it('takes what was noted and starts again from zero', () => {
    takeThrottles();
    noteThrottles(2);
    noteThrottles();
    expect(takeThrottles()).toBe(3);
    expect(takeThrottles()).toBe(0);
  });

  it('tells throttling answers by name or HTTP 429', () => {
    expect(isThrottlingError({ name: 'TooManyRequestsException' })).toBe(true);
    expect(isThrottlingError({ name: 'SlowDown' })).toBe(true);
    expect(isThrottlingError({ name: 'Whatever', $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isThrottlingError({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } })).toBe(false);
    expect(isThrottlingError('ThrottlingException')).toBe(false);
  });
});
