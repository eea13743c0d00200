import { S3Client } from '@aws-sdk/client-s3';
import { orderDepsFromEnv } from '#functions/orders/deps';
import { sniff } from '#shared/adapters/files/sniff';
import { decodeText } from '#shared/adapters/files/text-decoding';
import { S3ObjectStore } from '#shared/adapters/s3/object-store';
import { uploadQueueHandler } from '#shared/adapters/sqs/upload-queue-handler';
import { logger } from '#shared/observability/logger';
import { applyFulfilmentCsv } from '#shared/use-cases/orders/fulfilment-csv';

// `orders/<file>.csv` in the uploads bucket: the store's fulfilment sheet. Rows are state updates, and a duplicate
// update is a no-op, so S3's at-least-once delivery needs no marker. The bucket policy decides who may write
// `orders/`; the upload acts with the fulfilment role.
const deps = orderDepsFromEnv();
const objects = new S3ObjectStore(new S3Client({}));
const MAX_BYTES = 5 * 1024 * 1024;

export const handler = uploadQueueHandler(async ({ bucket, key, versionId }) => {
  if (!key.startsWith('orders/') || !key.toLowerCase().endsWith('.csv')) return;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of await objects.read({ bucket, key, versionId })) {
    size += chunk.byteLength;
    if (size > MAX_BYTES) throw new Error(`the fulfilment file is over ${MAX_BYTES} bytes`);
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  // The list reader's rule: BOM, then UTF-8, then GB18030 (what Excel on Chinese Windows saves), then a guess.
  const kind = sniff(bytes, true);
  if (kind.format !== 'csv') throw new Error('a fulfilment file must be CSV');
  const results = await applyFulfilmentCsv(deps, decodeText(bytes, kind.encoding), {
    id: `upload:${key}`,
    roles: ['fulfilment'],
  });
  const count = (r: string) => results.filter((x) => x.result === r).length;
  // Order ids, row numbers and states only.
  // Not the key: a file name may carry a person's name.
  logger.info('fulfilment file applied', {
    rows: results.length,
    applied: count('applied'),
    duplicate: count('duplicate'),
    stale: count('stale'),
    refused: results.filter((r) => r.result === 'refused' || r.result === 'notFound').slice(0, 50),
    invalid: results.filter((r) => r.result === 'invalid').slice(0, 50),
  });
});
