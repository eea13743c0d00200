import { GetObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, inject, it } from 'vitest';
import { S3_LOCAL_CREDENTIALS } from '#infra/local/s3-local';
import { MULTIPART_PART_BYTES, S3ObjectStore } from '#shared/adapters/s3/object-store';
import { REJECTS_RETENTION_TAG } from '#shared/use-cases/intake/upload-key';
import { mobile, useIntakeWorld } from '#test/integration/helpers/intake';

const world = useIntakeWorld('rejects-retention');

interface Written {
  method: string;
  path: string;
  query: Record<string, unknown>;
  tagging: string | undefined;
}

/**
 * s3rver (3.7.1) keeps tags set by PutObjectTagging but ignores the `x-amz-tagging` header of PutObject and
 * CreateMultipartUpload: GetObjectTagging answers an empty set for an object written with tags (shown below). So
 * what is checked against it is the request S3 receives — captured after the SDK has serialized it — next to the
 * object s3rver stored from that same request.
 */
function capturingClient(): { client: S3Client; written: Written[] } {
  const written: Written[] = [];
  const client = new S3Client({
    endpoint: inject('s3Endpoint'),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3_LOCAL_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { method: string; path: string; query: Record<string, unknown> } & {
        headers: Record<string, string>;
      };
      if (request.method === 'PUT' || request.method === 'POST') {
        written.push({
          method: request.method,
          path: decodeURIComponent(request.path),
          query: request.query,
          tagging: request.headers['x-amz-tagging'],
        });
      }
      return next(args);
    },
    { step: 'finalizeRequest', name: 'captureWrites' },
  );
  return { client, written };
}

const tagsOf = (header: string | undefined) => Object.fromEntries(new URLSearchParams(header ?? ''));
const RETENTION = { [REJECTS_RETENTION_TAG.key]: REJECTS_RETENTION_TAG.value };

describe('rejects files carry the retention tag the uploads bucket expires them by', () => {
  it('an ingest with rejected rows writes its rejects file with outcall:retention=rejects-30d', async () => {
    const campaign = await world.newCampaign();
    const key = `lists/${campaign.id}/秋季名单.csv`;
    const body = `姓名,手机\n客户1,${mobile(1)}\n坏号码,12345\n无号码,\n客户2,${mobile(2)}\n`;
    const notification = await world.upload(key, body);
    const { client, written } = capturingClient();

    const result = await world.deliver(notification, world.deps({ objects: new S3ObjectStore(client) }));
    expect(result.batchItemFailures).toEqual([]);

    const rejectsKey = `lists/${campaign.id}/秋季名单.rejects.csv`;
    const rejects = await world.readText(rejectsKey);
    expect(
      rejects
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\n'),
    ).toEqual(['row,raw,reason', '3,12345,invalid_number', '4,,missing_phone']);
    const toRejects = written.filter((w) => w.path.endsWith(`/${rejectsKey}`));
    expect(toRejects).toHaveLength(1);
    expect(tagsOf(toRejects[0]?.tagging)).toEqual(RETENTION);
    // The work parts under intake-work/ are left to that prefix's rule: they are not tagged.
    const parts = written.filter((w) => w.path.includes('/intake-work/'));
    expect(parts.length).toBeGreaterThan(0);
    expect(parts.every((w) => w.tagging === undefined)).toBe(true);
  });

  it('a rejects file large enough for a multipart upload gets the tag when the upload starts', async () => {
    const { client, written } = capturingClient();
    const key = 'lists/c-large/大名单.rejects.csv';
    async function* body(): AsyncGenerator<Uint8Array> {
      const line = Buffer.from('12,12345,invalid_number\n');
      const chunk = Buffer.concat(Array.from({ length: 4096 }, () => line));
      for (let sent = 0; sent <= MULTIPART_PART_BYTES; sent += chunk.byteLength) yield chunk;
    }
    await new S3ObjectStore(client).putStream({ bucket: world.bucket, key }, body(), 'text/csv', { tags: RETENTION });

    const toKey = written.filter((w) => w.path.endsWith(`/${key}`));
    const started = toKey.filter((w) => w.method === 'POST' && 'uploads' in w.query);
    expect(started).toHaveLength(1);
    expect(tagsOf(started[0]?.tagging)).toEqual(RETENTION);
    expect(toKey.filter((w) => w.method === 'POST' && 'uploadId' in w.query)).toHaveLength(1);
    expect((await world.readText(key)).length).toBeGreaterThan(MULTIPART_PART_BYTES);
  });

  it('s3rver drops tags sent with the object (why the tests above read the request)', async () => {
    const key = `lists/c-s3rver/${Date.now()}.rejects.csv`;
    await new S3ObjectStore(world.s3).put({ bucket: world.bucket, key }, 'x', 'text/csv', { tags: RETENTION });
    const out = await world.s3.send(new GetObjectTaggingCommand({ Bucket: world.bucket, Key: key }));
    // If this fails, s3rver has learnt x-amz-tagging: assert GetObjectTagging in the tests above instead.
    expect(out.TagSet ?? []).toEqual([]);
  });
});
