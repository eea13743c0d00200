import type { AcceptedContact, NumberStatus, RejectedRow } from '#shared/domain/intake/classify';

/** One row of a sheet: its number as the planner sees it (1-based, header included) and its cells as text. */
export interface SheetRow {
  row: number;
  cells: string[];
}

/** A list file that was recognised and can be read row by row (once). */
export interface OpenedSheet {
  format: 'csv' | 'xlsx';
  /** Text encoding found (`utf-8` for xlsx). */
  encoding: string;
  rows: AsyncIterable<SheetRow>;
}

/** Turns the bytes of an uploaded file into rows; throws `ListFileError` for a file it cannot read. */
export interface SpreadsheetReader {
  open(bytes: AsyncIterable<Uint8Array>): Promise<OpenedSheet>;
}

/**
 * What is already known about numbers outside the file: membership of this campaign, the DNC list and allocations
 * to other active campaigns within the allocation window. Batch-oriented so one request can answer many numbers.
 */
export interface NumberScreening {
  /** Most numbers per `checkNumbers` call (e.g. 100 for DynamoDB BatchGetItem). */
  readonly batchSize: number;
  /** Numbers absent from the answer are unknown: neither in the campaign, nor DNC, nor allocated. */
  checkNumbers(e164s: readonly string[]): Promise<Map<string, NumberStatus>>;
}

/** Receives accepted contacts in file order; intake waits for each write (back-pressure). */
export interface ContactSink {
  write(contacts: readonly AcceptedContact[]): Promise<void>;
}

/** Receives rejected rows (row, raw value, reason) in file order. */
export interface RejectSink {
  write(rows: readonly RejectedRow[]): Promise<void>;
  /** Flushes and closes the output. */
  close(): Promise<void>;
}
