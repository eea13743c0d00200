import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { MULTIPART_PART_BYTES, S3ObjectStore } from '#shared/adapters/s3/object-store';

interface SentRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
}

/**
 * A client whose requests are serialized by the SDK as for S3 and handed to a recording handler instead of the
 * network: what is asserted is the HTTP request S3 would receive. Answers are the least S3 says for each call.
 */
function recordingClient(): { client: S3Client; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const reply = (statusCode: number, headers: Record<string, string>, body = '') => ({
    response: { statusCode, headers, body: Readable.from([Buffer.from(body)]) },
  });
  const client = new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: {
      async handle(request: SentRequest) {
        sent.push({ method: request.method, path: request.path, query: request.query, headers: request.headers });
        if (request.method === 'POST' && 'uploads' in request.query) {
          return reply(
            200,
            {},
            '<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>u-1</UploadId></InitiateMultipartUploadResult>',
          );
        }
        if (request.method === 'POST' && 'uploadId' in request.query) {
          return reply(200, {}, '<CompleteMultipartUploadResult><ETag>"e"</ETag></CompleteMultipartUploadResult>');
        }
        return reply(200, { etag: '"e"' });
      },
    },
  });
  return { client, sent };
}

async function* chunks(total: number, size = 1024 * 1024): AsyncGenerator<Uint8Array> {
  for (let done = 0; done < total; done += size) yield new Uint8Array(Math.min(size, total - done));
}

const TAGS = { 'outcall:retention': 'rejects-30d' };
const ref = { bucket: 'uploads', key: 'lists/c-1/名单.rejects.csv' };
const tagsOf = (r: SentRequest | undefined) => new URLSearchParams(r?.headers['x-amz-tagging'] ?? '');

describe('S3ObjectStore writes object tags with the object', () => {
  it('a small stream: one PutObject carrying x-amz-tagging', async () => {
    const { client, sent } = recordingClient();
    await new S3ObjectStore(client).putStream(ref, chunks(1000), 'text/csv', { tags: TAGS });
    expect(sent.map((r) => r.method)).toEqual(['PUT']);
    expect(Object.fromEntries(tagsOf(sent[0]))).toEqual(TAGS);
    expect(sent[0]?.headers['content-type']).toBe('text/csv');
  });

  it('a large stream: the multipart upload is started with the tags, so the completed object has them', async () => {
    const { client, sent } = recordingClient();
    await new S3ObjectStore(client).putStream(ref, chunks(MULTIPART_PART_BYTES + 1024), 'text/csv', { tags: TAGS });
    const [create, ...rest] = sent;
    expect(create?.method).toBe('POST');
    expect(create?.query).toHaveProperty('uploads');
    expect(Object.fromEntries(tagsOf(create))).toEqual(TAGS);
    // Parts and the completion carry no tags of their own: S3 takes the upload's.
    expect(rest.map((r) => [r.method, r.query.partNumber ?? ('uploadId' in r.query ? 'complete' : '?')])).toEqual([
      ['PUT', '1'],
      ['PUT', '2'],
      ['POST', 'complete'],
    ]);
    expect(rest.every((r) => r.headers['x-amz-tagging'] === undefined)).toBe(true);
  });

  it('put: tags in the same request; without tags no tagging header at all', async () => {
    const { client, sent } = recordingClient();
    const store = new S3ObjectStore(client);
    await store.put(ref, 'row,raw,reason\n', 'text/csv', { tags: TAGS });
    await store.put({ ...ref, key: 'intake-work/l-1/rejects-000000.csv' }, 'x', 'text/csv');
    expect(Object.fromEntries(tagsOf(sent[0]))).toEqual(TAGS);
    expect(sent[1]?.headers['x-amz-tagging']).toBeUndefined();
  });
});
