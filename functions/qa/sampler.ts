import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { DynamoDbQaStore } from '#shared/adapters/dynamodb/qa-store';
import { optionalEnv, requireEnv } from '#shared/config/env';
import { logger } from '#shared/observability/logger';
import { systemClock } from '#shared/ports/clock';
import { runScheduledSampling, samplingRunSchema } from '#shared/use-cases/qa/sampling';

// The daily QA sampler, invoked by EventBridge Scheduler in a team zone with `{ timeZone, teamIds?, day?, seed? }`.
// QA_SAMPLING_SEED is the deployment's recorded seed when the schedule names none.
const dynamoEndpoint = optionalEnv('DYNAMODB_ENDPOINT');
const deps = {
  store: new DynamoDbQaStore({
    client: createDocumentClient(dynamoEndpoint === undefined ? {} : { endpoint: dynamoEndpoint }),
    tableName: requireEnv('TABLE_NAME'),
  }),
  clock: systemClock,
};
const defaultSeed = optionalEnv('QA_SAMPLING_SEED');

export const handler = async (event: unknown): Promise<{ teams: number; sampled: number; added: number }> => {
  // A malformed payload throws: Lambda retries twice, then the event lands in the function's dead-letter queue (alarmed).
  const run = samplingRunSchema.parse(event);
  const results = await runScheduledSampling(deps, {
    ...run,
    ...(run.seed === undefined && defaultSeed !== undefined ? { seed: defaultSeed } : {}),
  });
  for (const r of results) {
    // Ids and counts only: no number or name reaches the logs.
    logger.info('team sampled', { ...r });
  }
  return {
    teams: results.length,
    sampled: results.reduce((n, r) => n + r.sampled, 0),
    added: results.reduce((n, r) => n + r.added, 0),
  };
};
