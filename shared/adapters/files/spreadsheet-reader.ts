import { peekBytes } from '#shared/adapters/files/byte-head';
import { csvRows } from '#shared/adapters/files/csv-rows';
import { sniff } from '#shared/adapters/files/sniff';
import { xlsxRows } from '#shared/adapters/files/xlsx-rows';
import type { OpenedSheet, SpreadsheetReader } from '#shared/ports/list-intake';

export interface SpreadsheetReaderOptions {
  /** Largest file accepted, in bytes. Default 512 MiB (a 1,000,000-row list with Chinese text is about 100 MB). */
  maxBytes?: number;
}

const SNIFF_BYTES = 64 * 1024;

/** Reads CSV (UTF-8 with or without BOM, UTF-16, GB18030/GBK, …) and .xlsx, told apart by their bytes. */
export function spreadsheetReader(options: SpreadsheetReaderOptions = {}): SpreadsheetReader {
  const maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
  return {
    async open(source: AsyncIterable<Uint8Array>): Promise<OpenedSheet> {
      const { head, complete, bytes } = await peekBytes(source, SNIFF_BYTES, maxBytes);
      const kind = sniff(head, complete);
      if (kind.format === 'xlsx') return { format: 'xlsx', encoding: 'utf-8', rows: xlsxRows(bytes) };
      return { format: 'csv', encoding: kind.encoding, rows: csvRows(bytes, head, kind.encoding) };
    },
  };
}
