import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { peekBytes } from '#shared/adapters/files/byte-head';
import { csvRecordError, csvRows, firstLineOf, MAX_RECORD_BYTES } from '#shared/adapters/files/csv-rows';
import { detectDelimiter, sniff } from '#shared/adapters/files/sniff';
import { decodeText } from '#shared/adapters/files/text-decoding';
import { xlsxRows } from '#shared/adapters/files/xlsx-rows';
import { isBlankRow } from '#shared/domain/intake/classify';
import { resolveHeader } from '#shared/domain/intake/headers';
import type { OpenedSheet, SheetRow, SpreadsheetReader } from '#shared/ports/list-intake';
import type { ResumableSheet, ResumePoint, SheetPosition } from '#shared/ports/list-repository';

const SNIFF_BYTES = 64 * 1024;

// In these encodings every byte of a multi-byte character is ≥ 0x30 and never a quote, delimiter or line break, so
// csv-parse can split the raw bytes and each cell is decoded on its own; that keeps exact byte offsets.
const ASCII_SAFE = /^(utf-8|utf-8-bom|gb18030|gbk|gb2312|big5|iso-8859-\d+|windows-125\d|ascii)$/i;

/**
 * A spreadsheet reader that knows where it is: after each row it can say the row number and, for CSV, the byte
 * offset just after it, so a checkpoint can resume with a ranged GET. It also remembers the header row, which a
 * resumed run replays first so the classifier finds the same columns.
 *
 * Resuming an .xlsx (a zip cannot be entered in the middle) or a CSV without a byte offset (UTF-16) re-reads the file
 * and skips the rows up to the checkpoint. The position carries the delimiter of every CSV, so the re-read splits the
 * file as the first run did; `byteOffset` is what tells a ranged resume.
 */
export function resumableSheetReader(options: { maxBytes?: number; resume?: ResumePoint } = {}): ResumableSheet {
  const maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
  const resume = options.resume;
  let position: SheetPosition | undefined;
  let headerRow: number | undefined = resume?.headerRow;
  let headerCells: string[] | undefined = resume?.headerCells;
  let blankRows = 0;

  async function* track(
    rows: AsyncIterable<SheetRow & { end?: number }>,
    format: 'csv' | 'xlsx',
    encoding: string,
    delimiter: string | undefined,
  ): AsyncGenerator<SheetRow> {
    for await (const r of rows) {
      if (!headerCells && !isBlankRow(r.cells) && resolveHeader(r.cells)) {
        headerRow = r.row;
        headerCells = r.cells;
      }
      if (headerCells && r.row !== headerRow && isBlankRow(r.cells)) blankRows++;
      position = { format, encoding, delimiter, row: r.row, byteOffset: r.end, headerRow, headerCells, blankRows };
      yield { row: r.row, cells: r.cells };
    }
  }

  const readFrom = resume?.format === 'csv' && resume.byteOffset !== undefined ? resume.byteOffset : 0;

  const reader: SpreadsheetReader = {
    async open(source: AsyncIterable<Uint8Array>): Promise<OpenedSheet> {
      if (resume) {
        const header: SheetRow = { row: resume.headerRow, cells: resume.headerCells };
        if (resume.format === 'csv' && resume.byteOffset !== undefined) {
          const rows = rawCsvRows(
            toBuffers(source),
            resume.encoding,
            resume.delimiter ?? ',',
            resume.byteOffset,
            resume.row + 1,
          );
          return {
            format: 'csv',
            encoding: resume.encoding,
            rows: track(prepend(header, rows), 'csv', resume.encoding, resume.delimiter),
          };
        }
        if (resume.format === 'xlsx') {
          const rest = skipThrough(xlsxRows(toBuffers(source)), resume.row, resume.headerRow);
          return { format: 'xlsx', encoding: resume.encoding, rows: track(rest, 'xlsx', resume.encoding, undefined) };
        }
        // The file is read again from its start: the delimiter is the saved one or, in a checkpoint written before
        // it was saved for every encoding, detected from the same head as the first run did.
        const { head, bytes } = await peekBytes(source, SNIFF_BYTES, maxBytes);
        const delimiter = resume.delimiter ?? detectDelimiter(firstLineOf(head, resume.encoding));
        const rest = skipThrough(csvRows(bytes, head, resume.encoding, delimiter), resume.row, resume.headerRow);
        return { format: 'csv', encoding: resume.encoding, rows: track(rest, 'csv', resume.encoding, delimiter) };
      }
      const { head, complete, bytes } = await peekBytes(source, SNIFF_BYTES, maxBytes);
      const kind = sniff(head, complete);
      if (kind.format === 'xlsx')
        return { format: 'xlsx', encoding: 'utf-8', rows: track(xlsxRows(bytes), 'xlsx', 'utf-8', undefined) };
      const delimiter = detectDelimiter(firstLineOf(head, kind.encoding));
      if (!ASCII_SAFE.test(kind.encoding)) {
        return {
          format: 'csv',
          encoding: kind.encoding,
          rows: track(csvRows(bytes, head, kind.encoding, delimiter), 'csv', kind.encoding, delimiter),
        };
      }
      return {
        format: 'csv',
        encoding: kind.encoding,
        rows: track(rawCsvRows(bytes, kind.encoding, delimiter, 0, 1), 'csv', kind.encoding, delimiter),
      };
    },
  };
  return { reader, readFrom, position: () => position };
}

/**
 * CSV records split on raw bytes, each cell decoded afterwards, with the byte offset after each record (`end`,
 * counted from `base`). A record csv-parse cannot end fails the file (`csvRecordError`), so every record handed out
 * has its offset.
 */
async function* rawCsvRows(
  bytes: AsyncIterable<Buffer>,
  encoding: string,
  delimiter: string,
  base: number,
  firstRow: number,
): AsyncGenerator<SheetRow & { end?: number }> {
  const utf8 = /^utf-8/i.test(encoding);
  const decode = (b: Buffer) => (utf8 ? b.toString('utf8') : decodeText(b, encoding));
  let row = firstRow - 1;
  const parser = parse({
    bom: true,
    delimiter,
    encoding: null,
    info: true,
    max_record_size: MAX_RECORD_BYTES,
    relax_column_count: true,
    relax_quotes: true,
  });
  const feeding = pipeline(Readable.from(bytes, { objectMode: false }), parser);
  feeding.catch(() => {});
  try {
    for await (const item of parser as AsyncIterable<{ record: Buffer[]; info: { bytes: number } }>) {
      yield { row: ++row, cells: item.record.map(decode), end: base + item.info.bytes };
    }
    await feeding;
  } catch (error) {
    throw csvRecordError(error, firstRow);
  }
}

async function* toBuffers(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  for await (const chunk of source) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

async function* prepend<T>(first: T, rest: AsyncIterable<T>): AsyncGenerator<T> {
  yield first;
  yield* rest;
}

async function* skipThrough(
  rows: AsyncIterable<SheetRow>,
  lastDone: number,
  headerRow: number,
): AsyncGenerator<SheetRow> {
  for await (const r of rows) if (r.row > lastDone || r.row === headerRow) yield r;
}
