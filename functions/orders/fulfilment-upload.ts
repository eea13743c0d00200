import { S3Client } from '@aws-sdk/client-s3';
import type { UploadedObject } from '#events/s3-notification';
import { orderDepsFromEnv } from '#functions/orders/deps';
import { sniff } from '#shared/adapters/files/sniff';
import { decodeText } from '#shared/adapters/files/text-decoding';
import { S3ObjectStore } from '#shared/adapters/s3/object-store';
import { uploadQueueHandler } from '#shared/adapters/sqs/upload-queue-handler';
import { ValidationError } from '#shared/domain/errors';
import { logger } from '#shared/observability/logger';
import type { ObjectStore } from '#shared/ports/object-store';
import type { FulfilmentDeps } from '#shared/use-cases/orders/deps';
import { applyFulfilmentCsv } from '#shared/use-cases/orders/fulfilment-csv';

// `orders/<file>.csv` in the uploads bucket: the store's fulfilment sheet. Rows are state updates, and a duplicate
// update is a no-op, so S3's at-least-once delivery needs no marker. The bucket policy decides who may write
// `orders/`; the upload acts with the fulfilment role.
const MAX_BYTES = 5 * 1024 * 1024;

/**
 * The upload queue's handler. A file that can never be applied (too large, not CSV, unreadable, no order column) is
 * logged with the reason and acknowledged: redelivering it cannot help, the store must upload a fixed file. Any other
 * failure (DynamoDB throttling, an outage) throws so the message is redelivered; the rows are idempotent.
 */
export function createFulfilmentUploadHandler(deps: FulfilmentDeps, objects: Pick<ObjectStore, 'read'>) {
  return uploadQueueHandler(async (object: UploadedObject) => {
    const { key, versionId } = object;
    if (!key.startsWith('orders/') || !key.toLowerCase().endsWith('.csv')) return;
    try {
      await applyFile(deps, objects, object);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      // Not the key: a file name may carry a person's name. The version tells the file apart from a later fix.
      logger.error('fulfilment file refused', { reason: error.message, versionId });
    }
  });
}

async function applyFile(deps: FulfilmentDeps, objects: Pick<ObjectStore, 'read'>, object: UploadedObject) {
  const { bucket, key, versionId } = object;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of await objects.read({ bucket, key, versionId })) {
    size += chunk.byteLength;
    if (size > MAX_BYTES) throw new ValidationError(`the fulfilment file is over ${MAX_BYTES} bytes`);
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  // The list reader's rule: BOM, then UTF-8, then GB18030 (what Excel on Chinese Windows saves), then a guess.
  const kind = sniff(bytes, true);
  if (kind.format !== 'csv') throw new ValidationError('a fulfilment file must be CSV');
  const results = await applyFulfilmentCsv(deps, decodeText(bytes, kind.encoding), {
    id: `upload:${key}`,
    roles: ['fulfilment'],
  });
  const count = (r: string) => results.filter((x) => x.result === r).length;
  // Row numbers, result kinds and counts; the results echo no cell (an order id cell may hold a phone number). Not
  // the key: a file name may carry a person's name.
  logger.info('fulfilment file applied', {
    rows: results.length,
    applied: count('applied'),
    duplicate: count('duplicate'),
    stale: count('stale'),
    refused: count('refused'),
    notFound: count('notFound'),
    invalid: count('invalid'),
    problems: results
      .filter((r) => r.result === 'refused' || r.result === 'notFound' || r.result === 'invalid')
      .slice(0, 50)
      .map(({ row, result, message }) => ({ row, result, message })),
  });
}

export const handler = createFulfilmentUploadHandler(orderDepsFromEnv(), new S3ObjectStore(new S3Client({})));
