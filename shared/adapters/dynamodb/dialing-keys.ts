/**
 * Keys of the dialer's own items (docs/data-model.md). They sit apart from keys.ts only so that the dialing and
 * intake work could land independently; same conventions, no personal data.
 */

/** The zones holding a campaign's contacts (string set `zones`): the dispatcher queries only these. */
export const campaignZonesKey = (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'ZONES' }) as const;

/** The campaign's dialing figures: dials, pilot dials, invalid, exhausted, throttling, the last Connect error. */
export const dialingStatsKey = (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'DIALING' }) as const;

/**
 * One dial batch (≤ 25 dials, one PutOutboundRequestBatch) once it is closed: which of its dials Connect accepted.
 * Each marked contact names its batch (`dialing.batch`). Its own partition, so batches spread over the table.
 */
export const dialBatchKey = (campaignId: string, batchId: string) =>
  ({ pk: `DIALBATCH#${campaignId}#${batchId}`, sk: 'BATCH' }) as const;

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
