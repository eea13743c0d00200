import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { detectDelimiter, type TextEncoding } from '#shared/adapters/files/sniff';
import { decodeStream, decodeText } from '#shared/adapters/files/text-decoding';
import { ListFileError } from '#shared/domain/intake/errors';
import type { SheetRow } from '#shared/ports/list-intake';

/**
 * Longest CSV record read, in bytes (characters for text decoded first). A real row of a call list is a few hundred
 * bytes and Excel holds at most 32,767 characters a cell; the bound is what stops a stray quote early in a big file
 * from gathering the rest of the file into one record in memory.
 */
export const MAX_RECORD_BYTES = 1024 * 1024;

/**
 * Streams the records of a CSV file. UTF-8 bytes go to csv-parse as they are; other encodings pass through the
 * platform's text decoder first. Both are streams with bounded buffers, and the rows are pulled by the consumer, so memory
 * stays flat whatever the file's size. Quoted fields may hold delimiters and line breaks; CRLF and LF both work.
 *
 * `delimiter` is the one found before (a resumed read, whose head is not the file's start); by default it is detected
 * from the first line of `head`.
 *
 * @throws ListFileError `unclosed_quote` when a quote opened in a cell is never closed, or `row_too_long` when a
 * record passes `MAX_RECORD_BYTES` (see `csvRecordError`).
 */
export async function* csvRows(
  bytes: AsyncIterable<Buffer>,
  head: Buffer,
  encoding: TextEncoding,
  delimiter?: string,
): AsyncGenerator<SheetRow> {
  const utf8 = encoding === 'utf-8' || encoding === 'utf-8-bom';
  let row = 0;
  const parser = parse({
    bom: true,
    delimiter: delimiter ?? detectDelimiter(firstLineOf(head, encoding)),
    max_record_size: MAX_RECORD_BYTES,
    relax_column_count: true,
    relax_quotes: true,
  });
  const source = Readable.from(bytes, { objectMode: false });
  const feeding = utf8 ? pipeline(source, parser) : pipeline(source, decodeStream(encoding), parser);
  // The consumer sees the failure through the parser, which pipeline destroys with the same error.
  feeding.catch(() => {});
  try {
    for await (const record of parser as AsyncIterable<string[]>) yield { row: ++row, cells: record };
    await feeding;
  } catch (error) {
    throw csvRecordError(error, 1);
  }
}

/** The first line of a file's head, decoded, for delimiter detection. */
export function firstLineOf(head: Buffer, encoding: TextEncoding): string {
  const utf8 = encoding === 'utf-8' || encoding === 'utf-8-bom';
  const headText = utf8 ? head.toString('utf8') : decodeText(head, encoding);
  return headText.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
}

/**
 * A record csv-parse cannot end fails the whole file: an unclosed quote makes every later line part of one cell, so
 * rejecting that one "row" would make the rest of the file vanish without a trace (and intake writes nothing partial
 * for a malformed file). The row is counted from the parser's own record count, as rows read ahead may never reach
 * the consumer; `firstRow` is the row number of the parser's first record. Other errors pass through unchanged.
 */
export function csvRecordError(error: unknown, firstRow: number): unknown {
  if (!(error instanceof CsvError)) return error;
  const row = firstRow + (typeof error.records === 'number' ? error.records : 0);
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    return new ListFileError(
      'unclosed_quote',
      `row ${row} has a cell that opens a quote (") that is never closed, so the rows after it cannot be told apart; ` +
        'close or remove the quote and upload the file again',
    );
  }
  if (error.code === 'CSV_MAX_RECORD_SIZE') {
    return new ListFileError(
      'row_too_long',
      `row ${row} is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB, most likely because a cell in it opens a quote (") ` +
        'that is never closed; close or remove the quote and upload the file again',
    );
  }
  return error;
}
