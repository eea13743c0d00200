import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { rateSecondKey } from '#shared/adapters/dynamodb/dialing-keys';
import type { RateLimiter } from '#shared/ports/rate-limiter';

export interface DynamoDbRateLimiterConfig {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Name of the limit, e.g. `connect-put-batch`. */
  name: string;
  /** Permits per second for everyone together (Connect's batch APIs: 10). */
  perSecond: number;
  /** Default: `Date.now`. */
  now?: () => number;
  /** Default: real timers. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A fixed-window limiter on one DynamoDB item per second: a permit is a conditional `ADD n 1` that succeeds only while
 * `n < perSecond`, so every Lambda of every campaign shares the account limit with one write per permit. A refused
 * permit waits for the next second. Window edges can let up to 2× through within one sliding second, which Connect's
 * burst of 10 absorbs only when `perSecond` is set to half the burst or less; the default setting is the sustained
 * rate and the rare edge excess comes back as a ThrottlingException that the dispatcher handles without loss.
 */
export class DynamoDbRateLimiter implements RateLimiter {
  readonly #config: Required<Omit<DynamoDbRateLimiterConfig, 'client'>> & { client: DynamoDBDocumentClient };

  constructor(config: DynamoDbRateLimiterConfig) {
    this.#config = {
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...config,
    };
  }

  async acquire(maxWaitMs: number): Promise<boolean> {
    const { client, tableName, name, perSecond, now, sleep } = this.#config;
    const started = now();
    for (;;) {
      const second = Math.floor(now() / 1000);
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: rateSecondKey(name, second),
            UpdateExpression: 'ADD n :one SET expiresAt = if_not_exists(expiresAt, :ttl)',
            ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
            ExpressionAttributeValues: { ':one': 1, ':limit': perSecond, ':ttl': second + 60 },
          }),
        );
        return true;
      } catch (error) {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      }
      const nextSecond = (second + 1) * 1000;
      if (nextSecond - started > maxWaitMs) return false;
      // A little jitter so that waiting callers do not all hit the next second's item in the same millisecond.
      await sleep(nextSecond - now() + Math.floor(Math.random() * 20));
    }
  }
}
