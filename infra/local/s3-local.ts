import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeS3Key, type S3EventNotification } from '#events/s3-notification';

/** A running s3rver. */
export interface S3Local {
  /** `http://127.0.0.1:<port>`; use with `forcePathStyle: true`. */
  endpoint: string;
  /** s3rver accepts only its own fixed key pair. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /**
   * Calls `listener` with a real-shaped S3 event notification (key URL-encoded, sequencer, size, eTag) for every
   * object created. Returns the unsubscribe function.
   */
  onObjectCreated(listener: (event: S3EventNotification) => void): () => void;
  /** Stops the server and removes its temporary directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface S3LocalOptions {
  /** Buckets created at start. */
  buckets?: readonly string[];
}

/** The part of s3rver's (untyped) API used here. */
interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: 'event', listener: (raw: S3rverEvent) => void): void;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverServer;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

interface S3rverEvent {
  Records: {
    eventName: string;
    eventTime: string;
    s3: { bucket: { name: string }; object: Record<string, unknown> };
  }[];
}

export const S3_LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * Starts s3rver on a free port of 127.0.0.1 with its files in a fresh temporary directory. s3rver reports writes only
 * as an in-process event with a raw key; this turns each into the notification real S3 would queue, so the code that
 * reads the intake queue sees the same shapes locally as in AWS.
 */
export async function startS3Local(options: S3LocalOptions = {}): Promise<S3Local> {
  const directory = mkdtempSync(join(tmpdir(), 'outcall-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name, configs: [] })),
  });
  const address = await server.run();
  const listeners = new Set<(event: S3EventNotification) => void>();
  let sequence = 0;
  server.on('event', (raw: S3rverEvent) => {
    for (const record of raw.Records) {
      if (!record.eventName.startsWith('ObjectCreated:')) continue;
      const object = record.s3.object;
      // s3rver's sequencer is the millisecond, equal for two writes in one millisecond; S3's always grows.
      const sequencer = `${Date.now().toString(16).toUpperCase()}${String(sequence++).padStart(6, '0')}`;
      const event = realNotification(record.s3.bucket.name, String(object.key), {
        eventName: record.eventName,
        eventTime: record.eventTime,
        size: Number(object.size ?? 0),
        eTag: typeof object.eTag === 'string' ? object.eTag.replace(/"/g, '') : undefined,
        sequencer,
      });
      for (const listener of listeners) listener(event);
    }
  });
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    credentials: S3_LOCAL_CREDENTIALS,
    onObjectCreated(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      listeners.clear();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A notification as S3 writes it to a queue: one record, key URL-encoded. */
export function realNotification(
  bucket: string,
  key: string,
  object: {
    eventName?: string;
    eventTime?: string;
    size: number;
    eTag?: string | undefined;
    sequencer: string;
    versionId?: string;
  },
): S3EventNotification {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: object.eventTime ?? new Date().toISOString(),
        eventName: object.eventName ?? 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:LOCAL' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'LOCAL', 'x-amz-id-2': 'LOCAL' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'outcall-intake',
          bucket: { name: bucket, ownerIdentity: { principalId: 'LOCAL' }, arn: `arn:aws:s3:::${bucket}` },
          object: {
            key: encodeS3Key(key),
            size: object.size,
            ...(object.eTag ? { eTag: object.eTag } : {}),
            ...(object.versionId ? { versionId: object.versionId } : {}),
            sequencer: object.sequencer,
          },
        },
      },
    ],
  };
}
