import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseIntakeMessage } from '#events/s3-notification';
import { countThrottles } from '#shared/adapters/aws/throttle-counter';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { DynamoDbContactStore } from '#shared/adapters/dynamodb/contact-store';
import { DynamoDbDncStore } from '#shared/adapters/dynamodb/dnc-store';
import { DynamoDbListRepository } from '#shared/adapters/dynamodb/list-repository';
import { EventBridgePublisher } from '#shared/adapters/eventbridge/event-publisher';
import { S3ObjectStore } from '#shared/adapters/s3/object-store';
import { resumableSheetReader } from '#shared/adapters/s3/resumable-sheet-reader';
import { SesMailer } from '#shared/adapters/ses/mailer';
import { SqsContinuationQueue } from '#shared/adapters/sqs/intake-queue';
import { optionalEnv, requireEnv } from '#shared/config/env';
import { logger } from '#shared/observability/logger';
import { count, METRIC, withMetrics } from '#shared/observability/metrics';
import { systemClock } from '#shared/ports/clock';
import {
  type IngestDeps,
  type IngestOptions,
  type IngestResult,
  ingestList,
} from '#shared/use-cases/intake/ingest-list';

/**
 * Intake queue consumer: S3 notifications for uploads under `lists/` and `dnc/`, and the function's own continuation
 * messages. Each SQS record is processed on its own; a record that throws is reported back alone
 * (ReportBatchItemFailures) and redelivered, then dead-lettered after the queue's maxReceiveCount.
 */
export function createIngestHandler(deps: IngestDeps, ingest: typeof ingestList = ingestList) {
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const processor = new BatchProcessor(EventType.SQS);
    const rows = { ingested: 0, rejected: 0 };
    const recordHandler = async (record: SQSRecord) => {
      const message = parseIntakeMessage(record.body);
      if (message.kind === 'test') return;
      for (const object of message.objects) {
        const result = await ingest(deps, { ...object, remainingMs: () => context.getRemainingTimeInMillis() });
        tallyRows(rows, result);
        // Not the key: a file name may carry a person's name. The result holds ids and counts only.
        logger.info('intake', { messageId: record.messageId, result });
      }
    };
    return withMetrics(async () => {
      try {
        return await processPartialResponse(event, recordHandler, processor, { context });
      } finally {
        count(METRIC.rowsIngested, rows.ingested);
        count(METRIC.rowsRejected, rows.rejected);
      }
    });
  };
}

/**
 * A list's rows count once, when it is ready: a continued run has no totals yet, and a redelivery of a finished list
 * answers `already-done`, so at-least-once delivery never counts a row twice.
 */
function tallyRows(rows: { ingested: number; rejected: number }, result: IngestResult): void {
  if (result.outcome !== 'ready') return;
  rows.ingested += result.summary.accepted;
  rows.rejected += result.summary.rejected;
}

let lambdaHandler: ReturnType<typeof createIngestHandler> | undefined;

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  lambdaHandler ??= createIngestHandler(depsFromEnv());
  return lambdaHandler(event, context);
};

function depsFromEnv(): IngestDeps {
  const tableName = requireEnv('TABLE_NAME');
  const client = createDocumentClient();
  const reportTo = optionalEnv('DNC_REPORT_TO');
  const options: IngestOptions = {
    ...(reportTo ? { dncReportTo: reportTo.split(',').map((a) => a.trim()) } : {}),
  };
  const maxMb = optionalEnv('INTAKE_MAX_MB');
  if (maxMb) options.maxBytes = Number(maxMb) * 1024 * 1024;
  return {
    objects: new S3ObjectStore(countThrottles(new S3Client({}))),
    lists: new DynamoDbListRepository({ client, tableName }),
    contacts: new DynamoDbContactStore({ client, tableName }),
    dnc: new DynamoDbDncStore({ client, tableName }),
    campaigns: new DynamoDbCampaignRepository({ client, tableName }),
    events: new EventBridgePublisher({
      client: countThrottles(new EventBridgeClient({})),
      busName: requireEnv('BUS_NAME'),
    }),
    mailer: new SesMailer({ client: countThrottles(new SESv2Client({})), from: requireEnv('SES_SENDER') }),
    continuations: new SqsContinuationQueue(countThrottles(new SQSClient({})), requireEnv('QUEUE_URL')),
    openSheet: (o) => resumableSheetReader(o),
    clock: systemClock,
    phoneKeySecret: requireEnv('PHONE_KEY_SECRET'),
    options,
  };
}
