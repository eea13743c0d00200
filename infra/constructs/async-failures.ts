import type { Duration } from 'aws-cdk-lib';
import type { NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';

/** How Lambda retries and ages out the asynchronous events of one function ({@link asyncFailures}). */
export interface AsyncFailureOptions {
  /** Lambda's retries of an event the function failed on (0–2); the first waits a minute, the second two. */
  readonly retryAttempts: number;
  /** How long an event may wait in Lambda's queue (throttled, or between retries) before it is given up. */
  readonly maxEventAge: Duration;
}

/**
 * Function props for a function that Scheduler or an EventBridge rule invokes asynchronously. The schedule's or
 * rule's own DLQ only receives events Lambda never accepted; once accepted, an event the function fails on (after
 * `retryAttempts`) or that waits longer than `maxEventAge` is dropped unless the function sends it somewhere.
 *
 * It goes to `queue` as the function's DLQ (DeadLetterConfig; CDK grants the role SendMessage on it), not as an
 * on-failure destination: cdk-nag (SQS3) recognises a queue as a DLQ by a queue redrive or a function
 * DeadLetterConfig only, so a destination would cost the shared queue an acknowledgment. What the DLQ message lacks
 * against a destination record is the function's name: its `RequestID` attribute finds it in the logs
 * (docs/operations.md).
 */
export function asyncFailures(
  queue: IQueue,
  options: AsyncFailureOptions,
): Required<Pick<NodejsFunctionProps, 'deadLetterQueue' | 'retryAttempts' | 'maxEventAge'>> {
  return { retryAttempts: options.retryAttempts, maxEventAge: options.maxEventAge, deadLetterQueue: queue };
}
