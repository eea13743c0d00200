import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseIntakeMessage, type UploadedObject } from '#events/s3-notification';

/**
 * An SQS consumer of S3 upload notifications (the uploads bucket notifies one queue per prefix). Each object of each
 * message goes to `processObject`; a message whose processing throws is reported back alone (ReportBatchItemFailures)
 * and redelivered, then dead-lettered. The S3 test event is acknowledged and ignored.
 */
export function uploadQueueHandler(processObject: (object: UploadedObject) => Promise<void>) {
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const processor = new BatchProcessor(EventType.SQS);
    const recordHandler = async (record: SQSRecord) => {
      const message = parseIntakeMessage(record.body);
      if (message.kind === 'test') return;
      for (const object of message.objects) await processObject(object);
    };
    return processPartialResponse(event, recordHandler, processor, { context });
  };
}
