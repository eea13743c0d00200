import chardet from 'chardet';
import { canDecode } from '#shared/adapters/files/text-decoding';
import { ListFileError } from '#shared/domain/intake/errors';

/** Text encodings the CSV reader decodes; names are WHATWG encoding labels (plus `utf-8-bom`). */
export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'gb18030' | (string & {});

export type SniffResult = { format: 'xlsx' } | { format: 'csv'; encoding: TextEncoding };

const startsWith = (bytes: Uint8Array, ...prefix: number[]) => prefix.every((b, i) => bytes[i] === b);

/**
 * Decides from the first bytes of a file what it is, never from its name. `head` is the start of the file (64 KiB is
 * plenty); `complete` says whether it is the whole file, so a multi-byte character cut at its end is not an error.
 *
 * Encoding rule for text: a byte-order mark wins; then bytes that are valid UTF-8 are UTF-8; then bytes that are
 * structurally valid GB18030 are GB18030 (the encoding Excel on Chinese Windows saves "CSV" in; it covers GBK and
 * GB2312). chardet is asked only after both fail: on short Chinese samples it often answers a single-byte code page,
 * while the structural check is exact.
 */
export function sniff(head: Uint8Array, complete: boolean): SniffResult {
  if (head.length === 0) throw new ListFileError('empty_file', 'the file is empty');
  if (startsWith(head, 0x50, 0x4b, 0x03, 0x04)) return { format: 'xlsx' };
  if (startsWith(head, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) {
    throw new ListFileError(
      'unsupported_type',
      'legacy Excel .xls files are not supported; save the sheet as .xlsx or CSV',
    );
  }
  if (startsWith(head, 0x25, 0x50, 0x44, 0x46)) {
    throw new ListFileError('unsupported_type', 'PDF files are not supported; upload the list as .xlsx or CSV');
  }
  if (startsWith(head, 0x1f, 0x8b) || startsWith(head, 0x52, 0x61, 0x72, 0x21)) {
    throw new ListFileError(
      'unsupported_type',
      'compressed archives are not supported; upload the .xlsx or CSV itself',
    );
  }
  if (startsWith(head, 0xef, 0xbb, 0xbf)) return { format: 'csv', encoding: 'utf-8-bom' };
  if (startsWith(head, 0xff, 0xfe)) return { format: 'csv', encoding: 'utf-16le' };
  if (startsWith(head, 0xfe, 0xff)) return { format: 'csv', encoding: 'utf-16be' };
  if (head.includes(0)) throw new ListFileError('not_a_spreadsheet', 'the file is binary, not a CSV or Excel sheet');
  if (isUtf8(head)) return { format: 'csv', encoding: 'utf-8' };
  if (isGb18030(head, complete)) return { format: 'csv', encoding: 'gb18030' };
  const guess = chardet.detect(head);
  if (guess && canDecode(guess)) return { format: 'csv', encoding: guess.toLowerCase() };
  throw new ListFileError(
    'unsupported_encoding',
    'the text encoding of the file could not be recognised; save it as "CSV UTF-8" or .xlsx',
  );
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    // stream: true leaves a character cut at the end of the sample pending instead of failing on it
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** GB18030 byte structure: ASCII, 0x81–0xFE + 0x40–0xFE (not 0x7F), or 0x81–0xFE 0x30–0x39 0x81–0xFE 0x30–0x39. */
export function isGb18030(bytes: Uint8Array, complete: boolean): boolean {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    if (b === 0x80 || b === 0xff) return false;
    if (i + 1 >= n) return !complete;
    const b2 = bytes[i + 1] ?? 0;
    if (b2 >= 0x40 && b2 <= 0xfe && b2 !== 0x7f) {
      i += 2;
      continue;
    }
    if (b2 >= 0x30 && b2 <= 0x39) {
      if (i + 3 >= n) return !complete;
      const b3 = bytes[i + 2] ?? 0;
      const b4 = bytes[i + 3] ?? 0;
      if (b3 < 0x81 || b3 > 0xfe || b4 < 0x30 || b4 > 0x39) return false;
      i += 4;
      continue;
    }
    return false;
  }
  return true;
}

/** The field delimiter, from the first line: the most frequent of comma, tab and semicolon (comma on a tie). */
export function detectDelimiter(firstLine: string): ',' | '\t' | ';' {
  const counts = { ',': 0, '\t': 0, ';': 0 };
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === '\t' || ch === ';')) counts[ch]++;
  }
  if (counts['\t'] > counts[','] && counts['\t'] >= counts[';']) return '\t';
  if (counts[';'] > counts[',']) return ';';
  return ',';
}
