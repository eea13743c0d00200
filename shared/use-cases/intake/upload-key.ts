import { createHash } from 'node:crypto';

/** What an uploaded object is, from its key: a campaign's list, a DNC file, or nothing intake handles. */
export type UploadTarget =
  | { kind: 'campaign'; campaignId: string; fileName: string; rejectsKey: string }
  | { kind: 'dnc'; fileName: string; rejectsKey: string }
  | { kind: 'ignored'; why: string };

const REJECTS_SUFFIX = '.rejects.csv';

/**
 * The object tag every rejects file is written with. Rejects files sit beside the uploads, under the same prefixes, so
 * only a tag lets the uploads bucket's lifecycle rule (infra/stateful-stack.ts) expire them and nothing else: they
 * hold the raw rejected rows, numbers included, and are kept {@link REJECTS_RETENTION_DAYS} days.
 */
export const REJECTS_RETENTION_TAG = { key: 'outcall:retention', value: 'rejects-30d' } as const;
/** Days a rejects file is kept (the tag's value says it too). */
export const REJECTS_RETENTION_DAYS = 30;

/**
 * `lists/<campaignId>/<file>` is a campaign list, `dnc/<file>` a DNC import. The rejects file intake writes next to
 * an upload (`<file>.rejects.csv`) lands under the same prefix and must not be ingested in turn.
 */
export function parseUploadKey(key: string): UploadTarget {
  if (key.endsWith(REJECTS_SUFFIX)) return { kind: 'ignored', why: 'a rejects report written by intake' };
  if (key.endsWith('/')) return { kind: 'ignored', why: 'a folder marker' };
  const list = /^lists\/([^/]+)\/(.+)$/.exec(key);
  if (list) {
    const [, campaignId = '', fileName = ''] = list;
    return { kind: 'campaign', campaignId, fileName, rejectsKey: rejectsKeyOf(key) };
  }
  const dnc = /^dnc\/(.+)$/.exec(key);
  if (dnc) return { kind: 'dnc', fileName: dnc[1] ?? '', rejectsKey: rejectsKeyOf(key) };
  return { kind: 'ignored', why: 'outside lists/ and dnc/' };
}

/** `lists/c/客户.xlsx` → `lists/c/客户.rejects.csv`. */
export function rejectsKeyOf(key: string): string {
  const slash = key.lastIndexOf('/');
  const dot = key.lastIndexOf('.');
  return `${dot > slash ? key.slice(0, dot) : key}${REJECTS_SUFFIX}`;
}

/** Types intake reads; anything else fails with `unsupported_type` before a byte is read. */
export function hasSupportedExtension(fileName: string): boolean {
  return /\.(csv|txt|xlsx)$/i.test(fileName);
}

/**
 * The id of one upload: a hash of bucket, key and version, so every delivery of the same object version names the
 * same list (and a new upload of the same key, a new version, is a new list). Without versioning the event's
 * sequencer stands in for the version.
 */
export function listIdOf(bucket: string, key: string, versionId: string | undefined, sequencer: string): string {
  const version = versionId && versionId !== 'null' ? `v:${versionId}` : `s:${sequencer}`;
  return `l-${createHash('sha256').update(`${bucket}\n${key}\n${version}`).digest('hex').slice(0, 24)}`;
}
