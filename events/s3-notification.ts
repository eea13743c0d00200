import * as z from 'zod';

// Our own schema rather than Powertools' S3Schema: that module imports zod by name, which pulls all of zod and its
// locales (~290 KB) into the intake bundle. The fields are the ones AWS documents for event message structure 2.x.
const s3RecordSchema = z.object({
  eventVersion: z.string(),
  eventSource: z.literal('aws:s3'),
  awsRegion: z.string(),
  eventTime: z.iso.datetime(),
  eventName: z.string(),
  userIdentity: z.object({ principalId: z.string() }),
  requestParameters: z.object({ sourceIPAddress: z.string() }),
  responseElements: z.object({ 'x-amz-request-id': z.string(), 'x-amz-id-2': z.string() }),
  s3: z.object({
    s3SchemaVersion: z.string(),
    configurationId: z.string(),
    object: z.object({
      key: z.string(),
      size: z.number().optional(),
      eTag: z.string().optional(),
      versionId: z.string().optional(),
      // Only in PUT and DELETE events; duplicates of one event carry the same value.
      sequencer: z.string().optional(),
    }),
    bucket: z.object({ name: z.string(), ownerIdentity: z.object({ principalId: z.string() }), arn: z.string() }),
  }),
});

/**
 * What the intake queue carries: S3 event notifications for uploads, the `s3:TestEvent` S3 sends when a notification
 * is configured, and intake's own continuation messages. Unknown fields are ignored.
 */
export const s3EventNotificationSchema = z.object({ Records: z.array(s3RecordSchema).min(1) });
export type S3EventNotification = z.infer<typeof s3EventNotificationSchema>;

/** Sent once by S3 when the bucket notification is created; carries no object. */
export const s3TestEventSchema = z.object({
  Service: z.literal('Amazon S3'),
  Event: z.literal('s3:TestEvent'),
  Bucket: z.string(),
});

/** Intake's message to itself: go on with this object from the checkpoint on its LIST item. */
export const intakeContinuationSchema = z.object({
  kind: z.literal('outcall.intake.continue'),
  bucket: z.string().min(1),
  key: z.string().min(1),
  versionId: z.string().optional(),
  sequencer: z.string().min(1),
  size: z.number().int().min(0),
});

/** One object to ingest, key decoded. */
export interface UploadedObject {
  bucket: string;
  key: string;
  versionId?: string | undefined;
  sequencer: string;
  size: number;
}

export type IntakeMessage = { kind: 'objects'; objects: UploadedObject[] } | { kind: 'test' };

/** The body of an intake queue message is not any of the three shapes. */
export class IntakeMessageError extends Error {
  override readonly name = 'IntakeMessageError';
}

/**
 * S3 writes keys URL-encoded, as in an HTML form: a space is `+`, other characters are `%XX` (UTF-8).
 * `decodeURIComponent` alone would leave the `+`.
 */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** The inverse of {@link decodeS3Key}, as S3 does it (slashes kept): used by the local S3 stand-in. */
export function encodeS3Key(key: string): string {
  return encodeURIComponent(key)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Parses an intake queue message body. Only `ObjectCreated:*` records become objects. */
export function parseIntakeMessage(body: string): IntakeMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new IntakeMessageError('the message body is not JSON');
  }
  if (s3TestEventSchema.safeParse(json).success) return { kind: 'test' };
  const continuation = intakeContinuationSchema.safeParse(json);
  if (continuation.success) {
    const { bucket, key, versionId, sequencer, size } = continuation.data;
    return { kind: 'objects', objects: [{ bucket, key, versionId, sequencer, size }] };
  }
  const event = s3EventNotificationSchema.safeParse(json);
  if (!event.success) throw new IntakeMessageError(`not an S3 event notification: ${z.prettifyError(event.error)}`);
  return {
    kind: 'objects',
    objects: event.data.Records.filter((r) => r.eventName.startsWith('ObjectCreated:')).map((r) => ({
      bucket: r.s3.bucket.name,
      key: decodeS3Key(r.s3.object.key),
      versionId: r.s3.object.versionId,
      sequencer: r.s3.object.sequencer ?? r.s3.object.eTag ?? r.eventTime,
      size: r.s3.object.size ?? 0,
    })),
  };
}
