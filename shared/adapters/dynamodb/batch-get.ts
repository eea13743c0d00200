import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchGetItem takes at most 100 keys a call. */
export const BATCH_GET_MAX_KEYS = 100;

export interface BatchGetOptions {
  /** Strongly consistent reads. Default false. */
  consistentRead?: boolean;
  /** Attributes to return. Default: whole items. */
  projection?: string;
  /** Calls per chunk before giving up on keys DynamoDB keeps returning unprocessed. Default 8. */
  maxTries?: number;
  /** Waits between retries; tests pass a fake. Default: real timers. */
  sleep?: (ms: number) => Promise<void>;
  /** The error thrown when keys stay unprocessed, in the caller's own vocabulary. */
  exhausted?: () => Error;
}

/** Full jitter: a random wait up to 50 ms × 2^attempt, capped at 5 s, so competing callers spread out. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(5000, 50 * 2 ** attempt));
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Reads every key with BatchGetItem, 100 a call, re-sending `UnprocessedKeys` with jittered backoff (throttling shows
 * up as unprocessed keys, not as an error) and giving up after `maxTries` calls for one chunk. Missing items are
 * simply absent from the answer; order is not kept.
 */
export async function batchGetAll(
  client: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
  options: BatchGetOptions = {},
): Promise<Record<string, unknown>[]> {
  const maxTries = options.maxTries ?? 8;
  const sleep = options.sleep ?? realSleep;
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_MAX_KEYS) {
    let pending = keys.slice(i, i + BATCH_GET_MAX_KEYS);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= maxTries) {
        throw options.exhausted?.() ?? new Error(`${pending.length} keys stayed unprocessed after ${maxTries} reads`);
      }
      if (attempt > 0) await sleep(backoffMs(attempt));
      const out = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: [...pending],
              ...(options.consistentRead ? { ConsistentRead: true } : {}),
              ...(options.projection ? { ProjectionExpression: options.projection } : {}),
            },
          },
        }),
      );
      found.push(...(out.Responses?.[table] ?? []));
      pending = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}
