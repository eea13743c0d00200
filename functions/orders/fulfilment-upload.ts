import { S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { orderDepsFromEnv } from '#functions/orders/deps';
import { S3ObjectStore } from '#shared/adapters/s3/object-store';
import { logger } from '#shared/observability/logger';
import { applyFulfilmentCsv } from '#shared/use-cases/orders/fulfilment-csv';

// `orders/<file>.csv` in the uploads bucket: the store's fulfilment sheet. Rows are state updates, and a duplicate
// update is a no-op, so S3's at-least-once delivery needs no marker. The bucket policy decides who may write
// `orders/`; the upload acts with the fulfilment role.
const deps = orderDepsFromEnv();
const objects = new S3ObjectStore(new S3Client({}));
const MAX_BYTES = 5 * 1024 * 1024;

export const handler = async (event: S3Event): Promise<void> => {
  for (const record of event.Records) {
    // S3 URL-encodes keys in notifications, with `+` for a space.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    if (!key.startsWith('orders/') || !key.toLowerCase().endsWith('.csv')) continue;
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of await objects.read({
      bucket: record.s3.bucket.name,
      key,
      versionId: record.s3.object.versionId,
    })) {
      size += chunk.byteLength;
      if (size > MAX_BYTES) throw new Error(`${key} is over ${MAX_BYTES} bytes`);
      chunks.push(chunk);
    }
    const bytes = Buffer.concat(chunks);
    // Excel in China saves CSV as GBK/GB18030 more often than not.
    const detected = chardet.detect(bytes);
    const encoding = detected && /^(GB|Big5)/i.test(detected) ? 'gb18030' : 'utf8';
    const results = await applyFulfilmentCsv(deps, iconv.decode(bytes, encoding), {
      id: `upload:${key}`,
      roles: ['fulfilment'],
    });
    const count = (r: string) => results.filter((x) => x.result === r).length;
    // Order ids, row numbers and states only.
    logger.info('fulfilment file applied', {
      key,
      rows: results.length,
      applied: count('applied'),
      duplicate: count('duplicate'),
      stale: count('stale'),
      refused: results.filter((r) => r.result === 'refused' || r.result === 'notFound').slice(0, 50),
      invalid: results.filter((r) => r.result === 'invalid').slice(0, 50),
    });
  }
};
