import type { IntakeSummary } from '#shared/domain/intake/classify';
import type { SpreadsheetReader } from '#shared/ports/list-intake';
import type { ListCheckpoint, ListFailure, ListRecord, ListRef } from '#shared/use-cases/intake/list-record';

/** The LIST item of an upload: its status, checkpoint and summary (docs/data-model.md, pattern 6). */
export interface ListRepository {
  /** Stores `record` (status `loading`) unless the list exists; returns what is stored either way. */
  begin(record: ListRecord): Promise<ListRecord>;
  /**
   * Saves a checkpoint if the stored one is older (`row` and phase move forward only), so a stale duplicate run can
   * never move a list back. Returns false when the stored checkpoint is already as far or further.
   */
  saveCheckpoint(list: ListRef, checkpoint: ListCheckpoint): Promise<boolean>;
  /**
   * Marks a `loading` list `ready` with its summary and, for a campaign list, adds the summary to the campaign's list
   * totals in the same transaction, so the totals count each list once. Returns false if the list was not loading.
   */
  complete(list: ListRef, summary: IntakeSummary, finishedAt: string, rejectsKey: string | undefined): Promise<boolean>;
  /** Marks a `loading` list `failed` with its reason. Returns false if the list was not loading. */
  fail(list: ListRef, failure: ListFailure, finishedAt: string): Promise<boolean>;
  /** Records that the event and the e-mail went out, so a redelivery does not send them again. */
  markNotified(list: ListRef, at: string): Promise<void>;
}

/** A message the intake function sends itself to go on with a large file in a fresh invocation. */
export interface IntakeContinuation {
  kind: 'outcall.intake.continue';
  bucket: string;
  key: string;
  versionId?: string | undefined;
  sequencer: string;
  size: number;
}

export interface ContinuationQueue {
  send(message: IntakeContinuation): Promise<void>;
}

/** Where reading stands after the last row handed out: enough to resume there in another invocation. */
export interface SheetPosition {
  format: 'csv' | 'xlsx';
  encoding: string;
  /** The delimiter detected for a CSV (every encoding), so a resumed read splits as the first one did. */
  delimiter?: string | undefined;
  /** Last row handed out. */
  row: number;
  /** CSV split on raw bytes only: the byte right after `row`. Absent otherwise (UTF-16): resuming re-reads the file. */
  byteOffset?: number | undefined;
  headerRow?: number | undefined;
  headerCells?: string[] | undefined;
  /** Blank rows after the header handed out by this reader (the classifier skips them without a trace). */
  blankRows: number;
}

/** A position saved earlier, from which a reader resumes. */
export interface ResumePoint {
  format: 'csv' | 'xlsx';
  encoding: string;
  delimiter?: string | undefined;
  row: number;
  byteOffset?: number | undefined;
  headerRow: number;
  headerCells: string[];
}

/** A spreadsheet reader that can say where it is and start again from a saved position. */
export interface ResumableSheet {
  reader: SpreadsheetReader;
  /** First byte the caller must fetch (a ranged GET when > 0). */
  readFrom: number;
  /** Position after the last row handed out so far; undefined before the first. */
  position(): SheetPosition | undefined;
}

export type OpenResumableSheet = (options: { maxBytes: number; resume?: ResumePoint | undefined }) => ResumableSheet;
