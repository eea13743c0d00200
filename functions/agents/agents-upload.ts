import { S3Client } from '@aws-sdk/client-s3';
import type { UploadedObject } from '#events/s3-notification';
import { DynamoDbAgentStore } from '#shared/adapters/dynamodb/agent-store';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { spreadsheetReader } from '#shared/adapters/files/spreadsheet-reader';
import { S3ObjectStore } from '#shared/adapters/s3/object-store';
import { uploadQueueHandler } from '#shared/adapters/sqs/upload-queue-handler';
import { optionalEnv, requireEnv } from '#shared/config/env';
import { ListFileError } from '#shared/domain/intake/errors';
import { logger } from '#shared/observability/logger';
import type { AgentStore } from '#shared/ports/agent-store';
import type { Clock } from '#shared/ports/clock';
import { systemClock } from '#shared/ports/clock';
import type { SheetRow, SpreadsheetReader } from '#shared/ports/list-intake';
import type { ObjectStore } from '#shared/ports/object-store';
import { importAgentRows } from '#shared/use-cases/agents/import-agents';

// `agents/<file>.csv` uploaded by planners and team leads, notified through the agents upload queue. Applying a row
// twice gives the same agent, so S3's at-least-once delivery needs no marker.

export interface AgentsUploadDeps {
  store: AgentStore;
  clock: Clock;
  objects: Pick<ObjectStore, 'read'>;
  reader: SpreadsheetReader;
}

/**
 * The upload queue's handler. A file that can never be read (too large, not a sheet, a quote never closed) is logged
 * with the reason and acknowledged: redelivering it cannot help, the uploader must fix the file. Any other failure
 * (DynamoDB throttling, an outage) throws so the message is redelivered; the rows are idempotent.
 */
export function createAgentsUploadHandler(deps: AgentsUploadDeps) {
  return uploadQueueHandler(async ({ bucket, key, versionId }: UploadedObject) => {
    if (!key.startsWith('agents/')) return;
    try {
      const bytes = await deps.objects.read({ bucket, key, versionId });
      const sheet = await deps.reader.open(bytes);
      // The whole file is read before any row is applied (it is at most 10 MB), so a file found broken part-way
      // (a quote never closed) changes nobody.
      const rows: SheetRow[] = [];
      for await (const row of sheet.rows) rows.push(row);
      const actor = { id: `upload:${key}`, roles: ['planner'] };
      const result = await importAgentRows({ store: deps.store, clock: deps.clock }, actor, rows);
      // Row numbers and reasons only: the reasons name fields and ids, never a person.
      logger.info('agents file applied', { applied: result.applied, rejected: result.rejected.slice(0, 50) });
    } catch (error) {
      if (!(error instanceof ListFileError)) throw error;
      // The reason names rows and rules, never a cell; not the key: a file name may carry a person's name.
      logger.error('agents file refused', { problem: error.problem, reason: error.message, versionId });
    }
  });
}

const dynamoEndpoint = optionalEnv('DYNAMODB_ENDPOINT');
export const handler = createAgentsUploadHandler({
  store: new DynamoDbAgentStore({
    client: createDocumentClient(dynamoEndpoint === undefined ? {} : { endpoint: dynamoEndpoint }),
    tableName: requireEnv('TABLE_NAME'),
  }),
  clock: systemClock,
  objects: new S3ObjectStore(new S3Client({})),
  reader: spreadsheetReader({ maxBytes: 10 * 1024 * 1024 }),
});
