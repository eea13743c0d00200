import * as z from 'zod';
import { intakeSummarySchema } from '#shared/domain/intake/classify';
import { LIST_FILE_PROBLEMS } from '#shared/domain/intake/errors';

/** A campaign list lives under its campaign; an imported DNC file belongs to no campaign. */
export type ListRef = { kind: 'campaign'; campaignId: string; listId: string } | { kind: 'dnc'; listId: string };

const countsSchema = intakeSummarySchema.pick({
  rows: true,
  accepted: true,
  duplicates: true,
  suppressed: true,
  rejected: true,
  reasons: true,
  blankRows: true,
});
export type IntakeCounts = z.infer<typeof countsSchema>;

/**
 * Where a run stopped, saved on the LIST item so the next run (a redelivery or the function's own continuation
 * message) goes on from there. `row` is the last row whose contacts are written and whose rejects are in a committed
 * part; everything after it is processed again, which the writes make harmless.
 */
export const listCheckpointSchema = z.object({
  phase: z.enum(['reading', 'releasing']),
  row: z.number().int().min(0),
  /** CSV only: the byte just after `row`, where a ranged GET resumes. Absent: re-read and skip rows. */
  byteOffset: z.number().int().min(0).optional(),
  headerRow: z.number().int().min(1),
  headerCells: z.array(z.string()),
  format: z.enum(['csv', 'xlsx']),
  encoding: z.string(),
  /** CSV: the delimiter the first run detected, whatever the encoding. Absent in checkpoints saved before (UTF-16). */
  delimiter: z.string().optional(),
  headerMap: z.record(z.string(), z.string()),
  counts: countsSchema,
  durationMs: z.number().min(0),
  /** Reject parts written and committed so far (parts are numbered from 0). */
  rejectParts: z.number().int().min(0),
  /** Releasing: contacts given their due keys so far. */
  released: z.number().int().min(0).default(0),
  /** Releasing: the release went through the records up to the one written from this row (where it goes on after). */
  releasedAfterRow: z.number().int().min(0).optional(),
});
export type ListCheckpoint = z.infer<typeof listCheckpointSchema>;

export const listFailureSchema = z.object({ problem: z.string(), message: z.string() });
export type ListFailure = z.infer<typeof listFailureSchema>;

export const listRecordSchema = z.object({
  kind: z.enum(['campaign', 'dnc']),
  campaignId: z.string().optional(),
  listId: z.string(),
  bucket: z.string(),
  key: z.string(),
  versionId: z.string().optional(),
  fileName: z.string(),
  status: z.enum(['loading', 'ready', 'failed']),
  /** When intake of this list began: the contacts' first due time. */
  intakeAt: z.string(),
  checkpoint: listCheckpointSchema.optional(),
  summary: intakeSummarySchema.optional(),
  failure: listFailureSchema.optional(),
  rejectsKey: z.string().optional(),
  finishedAt: z.string().optional(),
  notifiedAt: z.string().optional(),
});
export type ListRecord = z.infer<typeof listRecordSchema>;

export function listRefOf(record: Pick<ListRecord, 'kind' | 'campaignId' | 'listId'>): ListRef {
  return record.kind === 'campaign'
    ? { kind: 'campaign', campaignId: record.campaignId ?? '', listId: record.listId }
    : { kind: 'dnc', listId: record.listId };
}

/** Failure problems besides the file's own (`ListFileError`). */
export const LIST_FAILURE_PROBLEMS = [...LIST_FILE_PROBLEMS, 'campaign_not_found', 'campaign_finished'] as const;
