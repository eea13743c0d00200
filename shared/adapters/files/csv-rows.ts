import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { detectDelimiter, type TextEncoding } from '#shared/adapters/files/sniff';
import { decodeStream, decodeText } from '#shared/adapters/files/text-decoding';
import type { SheetRow } from '#shared/ports/list-intake';

/**
 * Streams the records of a CSV file. UTF-8 bytes go to csv-parse as they are; other encodings pass through the
 * platform's text decoder first. Both are streams with bounded buffers, and the rows are pulled by the consumer, so memory
 * stays flat whatever the file's size. Quoted fields may hold delimiters and line breaks; CRLF and LF both work.
 *
 * A record csv-parse cannot read (an unclosed quote) is yielded with no cells and `malformed: true`; its row number
 * counts it as one row even when it swallowed several lines.
 */
export async function* csvRows(
  bytes: AsyncIterable<Buffer>,
  head: Buffer,
  encoding: TextEncoding,
): AsyncGenerator<SheetRow> {
  const utf8 = encoding === 'utf-8' || encoding === 'utf-8-bom';
  const headText = utf8 ? head.toString('utf8') : decodeText(head, encoding);
  const firstLine = headText.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  // The parser reports a skipped record as soon as it meets it, usually well ahead of the consumer; `records` (how
  // many records came before it) puts it back in its place.
  const skips: number[] = [];
  let parsed = 0;
  let row = 0;
  const parser = parse({
    bom: true,
    delimiter: detectDelimiter(firstLine),
    relax_column_count: true,
    relax_quotes: true,
    skip_records_with_error: true,
  });
  parser.on('skip', (error: { records?: number }) => {
    skips.push(error.records ?? parsed);
  });
  const source = Readable.from(bytes, { objectMode: false });
  const feeding = utf8 ? pipeline(source, parser) : pipeline(source, decodeStream(encoding), parser);
  // The consumer sees the failure through the parser, which pipeline destroys with the same error.
  feeding.catch(() => {});
  for await (const record of parser as AsyncIterable<string[]>) {
    while ((skips[0] ?? Number.POSITIVE_INFINITY) <= parsed) {
      skips.shift();
      yield { row: ++row, cells: [], malformed: true };
    }
    parsed++;
    yield { row: ++row, cells: record };
  }
  for (; skips.length > 0; skips.shift()) yield { row: ++row, cells: [], malformed: true };
  await feeding;
}
