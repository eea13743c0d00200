/**
 * Keys of the dialer's own items (docs/data-model.md). They sit apart from keys.ts only so that the dialing and
 * intake work could land independently; same conventions, no personal data.
 */

/** The zones holding a campaign's contacts (string set `zones`): the dispatcher queries only these. */
export const campaignZonesKey = (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'ZONES' }) as const;

/** The campaign's dialing figures: dials, pilot dials, invalid, exhausted, throttling, the last Connect error. */
export const dialingStatsKey = (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'DIALING' }) as const;

/**
 * The campaign's dial batches (one per PutOutboundRequestBatch, ≤ 25 dials), one partition per campaign sorted by
 * dial deadline: a batch id is `<deadline>#<random>` and is its item's sort key, so one Query up to now returns every
 * batch whose dials the stale-dial reconciler must look at. The item is put before the batch's marks (it lists them)
 * and deleted by the reconciler once none of its dials is in flight. Each marked contact names its batch
 * (`dialing.batch`).
 */
export const dialBatchesPk = (campaignId: string) => `DIALBATCHES#${campaignId}`;
export const dialBatchKey = (campaignId: string, batchId: string) =>
  ({ pk: dialBatchesPk(campaignId), sk: batchId }) as const;
export const newDialBatchId = (deadline: string, random: string) => `${deadline}#${random}`;
/** The dial deadline a batch id carries. */
export const dialBatchDeadline = (batchId: string) => batchId.split('#')[0] ?? '';

/**
 * A batch counted before dial batches were findable by time (ids without `#`): its item, put only when it closed, sits
 * in a partition of its own, and its marks were kept in the due index at priority 0 (see the reconciler).
 */
export const isLegacyBatchId = (batchId: string) => !batchId.includes('#');
export const legacyDialBatchKey = (campaignId: string, batchId: string) =>
  ({ pk: `DIALBATCH#${campaignId}#${batchId}`, sk: 'BATCH' }) as const;

/** A dial as a batch item names it: its client token without the campaign id (which is in the item's key). */
export const batchDialRef = (phoneKey: string, attempt: number) => `${phoneKey}.${attempt}`;
export function parseBatchDialRef(ref: string): { phoneKey: string; attempt: number } | undefined {
  const at = ref.lastIndexOf('.');
  const attempt = Number(ref.slice(at + 1));
  if (at <= 0 || !Number.isInteger(attempt) || attempt < 1) return undefined;
  return { phoneKey: ref.slice(0, at), attempt };
}

/**
 * The attribute of the campaign's DIALING item that says a batch was counted and is not closed yet (its value: the
 * batch's dial deadline). Written with the batch's count in one update; removed once the batch item exists.
 */
export const OPEN_BATCH_PREFIX = 'openBatch#';
export const openBatchAttribute = (batchId: string) => `${OPEN_BATCH_PREFIX}${batchId}`;

/** One second of a shared rate limit: `n` permits taken in that second (TTL a minute later). */
export const rateSecondKey = (limit: string, epochSecond: number) =>
  ({ pk: `RATE#${limit}`, sk: `SEC#${epochSecond}` }) as const;

/** Parses a due-index sort key `<priority>#<dueAt>#<phoneKey>`. */
export function parseDueSortKey(dueSk: string): { priority: number; dueAt: string; phoneKey: string } | undefined {
  const parts = dueSk.split('#');
  if (parts.length !== 3) return undefined;
  const [p, dueAt, phoneKey] = parts as [string, string, string];
  const priority = Number(p);
  if (!Number.isInteger(priority) || phoneKey === '') return undefined;
  return { priority, dueAt, phoneKey };
}

/** Parses a due-index partition key `DUE#<campaignId>#<zone>#<shard>`. */
export function parseDuePartition(duePk: string): { campaignId: string; zone: string; shard: number } | undefined {
  const parts = duePk.split('#');
  if (parts.length !== 4 || parts[0] !== 'DUE') return undefined;
  const shard = Number(parts[3]);
  if (!Number.isInteger(shard)) return undefined;
  return { campaignId: parts[1] as string, zone: parts[2] as string, shard };
}
