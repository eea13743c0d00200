import type { ObjectStore } from '#shared/ports/object-store';
import type { ReportArchive } from '#shared/ports/report-delivery';

/**
 * The S3 console page of an archived report. A console link, not a presigned URL: a URL signed with a Lambda role's
 * session expires with the session (hours), and even a user's lasts 7 days at most, while a report is looked up
 * weeks later. Readers sign in to the console (the bucket is private and encrypted); those without console access
 * have the same content in the e-mail and its attachments.
 */
export function consoleLink(bucket: string, key: string, region: string): string {
  return `https://${region}.console.aws.amazon.com/s3/object/${encodeURIComponent(bucket)}?region=${encodeURIComponent(region)}&prefix=${encodeURIComponent(key)}`;
}

/** An archive on any object store, linking to the S3 console. */
export function objectStoreArchive(store: ObjectStore, bucket: string, region: string): ReportArchive {
  return {
    async put(key, body, contentType) {
      await store.put({ bucket, key }, body, contentType);
      return consoleLink(bucket, key, region);
    },
  };
}
