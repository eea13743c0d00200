import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDbAgentStore } from '#shared/adapters/dynamodb/agent-store';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { spreadsheetReader } from '#shared/adapters/files/spreadsheet-reader';
import { S3ObjectStore } from '#shared/adapters/s3/object-store';
import { uploadQueueHandler } from '#shared/adapters/sqs/upload-queue-handler';
import { optionalEnv, requireEnv } from '#shared/config/env';
import { logger } from '#shared/observability/logger';
import { systemClock } from '#shared/ports/clock';
import { importAgentRows } from '#shared/use-cases/agents/import-agents';

// `agents/<file>.csv` uploaded by planners and team leads, notified through the agents upload queue. Applying a row
// twice gives the same agent, so S3's at-least-once delivery needs no marker.
const dynamoEndpoint = optionalEnv('DYNAMODB_ENDPOINT');
const store = new DynamoDbAgentStore({
  client: createDocumentClient(dynamoEndpoint === undefined ? {} : { endpoint: dynamoEndpoint }),
  tableName: requireEnv('TABLE_NAME'),
});
const objects = new S3ObjectStore(new S3Client({}));
const reader = spreadsheetReader({ maxBytes: 10 * 1024 * 1024 });

export const handler = uploadQueueHandler(async ({ bucket, key, versionId }) => {
  if (!key.startsWith('agents/')) return;
  const bytes = await objects.read({ bucket, key, versionId });
  const sheet = await reader.open(bytes);
  const actor = { id: `upload:${key}`, roles: ['planner'] };
  const result = await importAgentRows({ store, clock: systemClock }, actor, sheet.rows);
  // Row numbers and reasons only: the reasons name fields and ids, never a person.
  logger.info('agents file applied', { applied: result.applied, rejected: result.rejected.slice(0, 50) });
});
