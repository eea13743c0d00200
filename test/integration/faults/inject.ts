import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What to break, as a fraction of requests, and which requests are writes. */
export interface FaultPlan {
  /** Fail before the request is sent with this error name (ThrottlingException, ProvisionedThroughputExceededException). */
  failBefore?: { rate: number; name: string };
  /** Let the write reach the table, then fail the answer: the caller cannot tell whether it happened. */
  failAfter?: { rate: number; name: string };
  /** BatchWriteItem answers this fraction of its items as UnprocessedItems (not written). */
  unprocessed?: number;
}

const WRITES = new Set([
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
  'TransactWriteCommand',
  'BatchWriteCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
]);

/** A deterministic generator, so a failing scenario fails the same way again. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Counts of what was injected: a scenario that injected nothing proves nothing and is refused by the suite. */
export interface FaultCounters {
  injected: number;
  writes: number;
}

function awsError(name: string): Error {
  const error = new Error(`injected ${name}`);
  error.name = name;
  Object.assign(error, { $fault: 'client', $metadata: { httpStatusCode: 400 } });
  return error;
}

/**
 * Adds a middleware to `client` that breaks a fraction of its write requests per `plan` while `active()` is true.
 * It sits at the initialize step, above the SDK's own retries, so the error reaches the use case — the worst case.
 */
export function injectFaults(
  client: DynamoDBDocumentClient,
  plan: FaultPlan,
  active: () => boolean,
  random: () => number,
): FaultCounters {
  const counters: FaultCounters = { injected: 0, writes: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName ?? '';
      if (!active() || !WRITES.has(command)) return next(args);
      counters.writes++;
      if (plan.failBefore && random() < plan.failBefore.rate) {
        counters.injected++;
        throw awsError(plan.failBefore.name);
      }
      if (plan.unprocessed && command.startsWith('BatchWrite')) {
        const input = args.input as { RequestItems: Record<string, unknown[]> };
        const kept: Record<string, unknown[]> = {};
        const held: Record<string, unknown[]> = {};
        for (const [table, requests] of Object.entries(input.RequestItems)) {
          for (const r of requests) {
            const bucket = random() < (plan.unprocessed ?? 0) ? held : kept;
            const list = bucket[table] ?? [];
            list.push(r);
            bucket[table] = list;
          }
        }
        const heldCount = Object.values(held).flat().length;
        if (heldCount > 0) {
          counters.injected += heldCount;
          const out =
            Object.keys(kept).length > 0
              ? await next({ ...args, input: { ...input, RequestItems: kept } })
              : { output: { $metadata: {} }, response: {} };
          return { ...out, output: { ...(out.output as object), UnprocessedItems: held } } as typeof out;
        }
      }
      const result = await next(args);
      if (plan.failAfter && random() < plan.failAfter.rate) {
        counters.injected++;
        throw awsError(plan.failAfter.name);
      }
      return result;
    },
    { step: 'initialize', name: 'outcallFaultInjection' },
  );
  return counters;
}
