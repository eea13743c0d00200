import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { counterStreamRecords } from '#shared/adapters/dynamodb/attempt-stream';
import { logger as defaultLogger } from '#shared/observability/logger';
import { count, METRIC, withMetrics } from '#shared/observability/metrics';
import type { CounterLedger } from '#shared/ports/counter-ledger';
import { applyCounterStream, type CounterStreamResult } from '#shared/use-cases/outcomes/apply-counter-stream';

export interface CounterStreamHandlerDeps {
  ledger: CounterLedger;
  logger?: Logger;
}

/**
 * The main table's stream (attempt records only, by the mapping's filter) → the counters, exactly once per batch
 * whatever Lambda redelivers (docs/data-model.md "Counters"). A failure fails the whole batch: Lambda retries it from
 * the same first record until it succeeds or its records expire, then describes it in the dead-letter queue.
 */
export function createCounterStreamHandler(deps: CounterStreamHandlerDeps) {
  const log = deps.logger ?? defaultLogger;
  return async (event: DynamoDBStreamEvent): Promise<CounterStreamResult> =>
    withMetrics(async () => {
      const records = counterStreamRecords(event.Records);
      const result = await applyCounterStream({ ledger: deps.ledger }, records);
      // Ids and counts only: the images hold no number, but a disposition's notes are in the facts.
      const line = { records: event.Records.length, ...result };
      // Counted every time, zero included, so its alarm reads a steady series.
      count(METRIC.counterBatchesShrunk, result.shrunk > 0 ? 1 : 0);
      if (result.shrunk > 0) log.warn('stream batch redelivered with fewer records than before', line);
      else log.debug('counters applied', line);
      return result;
    });
}
