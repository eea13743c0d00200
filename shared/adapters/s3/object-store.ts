import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { ObjectNotFoundError, type ObjectRef, type ObjectStore, type PutOptions } from '#shared/ports/object-store';

/** S3's smallest part (except the last) is 5 MiB; parts are buffered up to this size. */
export const MULTIPART_PART_BYTES = 5 * 1024 * 1024;

/**
 * Object storage on S3. Reads stream (a ranged GET when reading from an offset); `putStream` writes through a
 * multipart upload, so composing a large file holds one 5 MiB part in memory at most.
 */
export class S3ObjectStore implements ObjectStore {
  readonly #client: S3Client;

  constructor(client: S3Client) {
    this.#client = client;
  }

  async read(ref: ObjectRef, options: { from?: number } = {}): Promise<AsyncIterable<Uint8Array>> {
    const from = options.from ?? 0;
    try {
      const out = await this.#client.send(
        new GetObjectCommand({
          Bucket: ref.bucket,
          Key: ref.key,
          ...(ref.versionId ? { VersionId: ref.versionId } : {}),
          ...(from > 0 ? { Range: `bytes=${from}-` } : {}),
        }),
      );
      if (!out.Body) return emptyBody();
      return out.Body as AsyncIterable<Uint8Array>;
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(`object ${ref.key} not found in ${ref.bucket}`);
      // A range starting at the end of the object is "unsatisfiable": there is simply nothing left to read.
      if ((error as { name?: string }).name === 'InvalidRange') return emptyBody();
      throw error;
    }
  }

  async put(ref: ObjectRef, body: string | Uint8Array, contentType: string, options: PutOptions = {}): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({
        Bucket: ref.bucket,
        Key: ref.key,
        Body: body,
        ContentType: contentType,
        ...tagging(options),
      }),
    );
  }

  async putStream(
    ref: ObjectRef,
    body: AsyncIterable<Uint8Array>,
    contentType: string,
    options: PutOptions = {},
  ): Promise<void> {
    let buffered: Buffer[] = [];
    let size = 0;
    let uploadId: string | undefined;
    const parts: { ETag: string; PartNumber: number }[] = [];
    const flush = async () => {
      const chunk = Buffer.concat(buffered);
      buffered = [];
      size = 0;
      if (uploadId === undefined) {
        const created = await this.#client.send(
          // Tags given when the upload starts are the completed object's: no separate tagging call to miss.
          new CreateMultipartUploadCommand({
            Bucket: ref.bucket,
            Key: ref.key,
            ContentType: contentType,
            ...tagging(options),
          }),
        );
        uploadId = created.UploadId;
      }
      const PartNumber = parts.length + 1;
      const out = await this.#client.send(
        new UploadPartCommand({ Bucket: ref.bucket, Key: ref.key, UploadId: uploadId, PartNumber, Body: chunk }),
      );
      parts.push({ ETag: out.ETag ?? '', PartNumber });
    };
    try {
      for await (const chunk of body) {
        buffered.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        size += chunk.byteLength;
        if (size >= MULTIPART_PART_BYTES) await flush();
      }
      if (uploadId === undefined) {
        // Small enough for one request: a multipart upload would only add two.
        await this.put(ref, Buffer.concat(buffered), contentType, options);
        return;
      }
      if (size > 0) await flush();
      await this.#client.send(
        new CompleteMultipartUploadCommand({
          Bucket: ref.bucket,
          Key: ref.key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    } catch (error) {
      if (uploadId !== undefined) {
        await this.#client
          .send(new AbortMultipartUploadCommand({ Bucket: ref.bucket, Key: ref.key, UploadId: uploadId }))
          .catch(() => {});
      }
      throw error;
    }
  }

  async delete(refs: readonly ObjectRef[]): Promise<void> {
    const byBucket = new Map<string, string[]>();
    for (const r of refs) byBucket.set(r.bucket, [...(byBucket.get(r.bucket) ?? []), r.key]);
    for (const [bucket, keys] of byBucket) {
      for (let i = 0; i < keys.length; i += 1000) {
        await this.#client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
          }),
        );
      }
    }
  }
}

/**
 * The `x-amz-tagging` header: tags as a URL query string. Writing tags this way needs `s3:PutObjectTagging` besides
 * `s3:PutObject`.
 */
function tagging(options: PutOptions): { Tagging?: string } {
  const tags = Object.entries(options.tags ?? {});
  return tags.length > 0 ? { Tagging: new URLSearchParams(tags).toString() } : {};
}

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return error instanceof NoSuchKey || name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchVersion';
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}
