import type { MiddlewareStack } from '@smithy/types';
import { noteThrottles } from '#shared/observability/throttles';

/** Error names AWS services answer throttling with (DynamoDB, S3, SES, SQS, EventBridge, Connect). */
const THROTTLING_ERRORS = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
]);

/** Whether an SDK error is a throttling answer, by its name or HTTP 429. */
export function isThrottlingError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return (typeof e.name === 'string' && THROTTLING_ERRORS.has(e.name)) || e.$metadata?.httpStatusCode === 429;
}

export const THROTTLE_COUNTER_NAME = 'outcallThrottleCounter';

/**
 * Counts every throttled attempt of the client's calls into the process's throttle tally (the `Throttles` metric).
 * Placed in the finalize step below the SDK's retry middleware, it sees each attempt the SDK retries, not only the
 * last one, and its already-parsed error. Adding it twice to one client is a no-op.
 */
export function countThrottles<
  C extends { middlewareStack: Pick<MiddlewareStack<object, object>, 'add' | 'identify'> },
>(client: C): C {
  if (client.middlewareStack.identify().some((m) => m.startsWith(THROTTLE_COUNTER_NAME))) return client;
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (isThrottlingError(error)) noteThrottles();
        throw error;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: THROTTLE_COUNTER_NAME },
  );
  return client;
}
