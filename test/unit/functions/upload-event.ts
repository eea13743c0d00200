import type { Context, SQSEvent } from 'aws-lambda';

/** A Lambda context with time to spare, for the upload queue handlers. */
export const uploadContext = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

/** The upload queue's message for an object under `key` in the uploads bucket, as one SQS record. */
export const uploadOf = (key: string): SQSEvent => ({
  Records: [
    {
      messageId: 'm-1',
      receiptHandle: 'r',
      body: JSON.stringify({ kind: 'outcall.intake.continue', bucket: 'uploads', key, sequencer: '0A01', size: 10 }),
      attributes: {} as SQSEvent['Records'][number]['attributes'],
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:ap-northeast-1:123456789012:uploads',
      awsRegion: 'ap-northeast-1',
    },
  ],
});

/** An object store holding one object with `text` as its bytes, whatever is asked for. */
export const objectsOf = (text: string) => ({
  read: async () =>
    (async function* () {
      yield new TextEncoder().encode(text);
    })(),
});
